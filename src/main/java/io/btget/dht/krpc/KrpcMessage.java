package io.btget.dht.krpc;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * One KRPC message (BEP 5): a query, a response or an error, each with the transaction id {@code t} the querier
 * chose (1..{@link KrpcCodec#MAX_TRANSACTION_ID} bytes). A response does not say which method it answers; the
 * querier knows from its transaction, so one {@link Response} record carries every field any method returns.
 *
 * <p>All byte arrays are defensively held by the codec; records compare by identity of arrays (do not use them
 * as map keys).
 */
public sealed interface KrpcMessage permits KrpcMessage.Query, KrpcMessage.Response, KrpcMessage.Error {
    /** The transaction id {@code t}. */
    byte[] transactionId();

    /** A query ({@code y = "q"}): every query names its sender's node id ({@code a.id}). */
    sealed interface Query extends KrpcMessage permits Ping, FindNode, GetPeers, AnnouncePeer {
        NodeId sender();

        /** BEP 43: the sender is read-only ({@code ro = 1}) and must not be added to routing tables. */
        boolean readOnly();

        /** The method name on the wire ({@code q}). */
        String method();
    }

    /** {@code ping}: BEP 5. */
    record Ping(byte[] transactionId, NodeId sender, boolean readOnly) implements Query {
        @Override
        public String method() {
            return "ping";
        }
    }

    /** {@code find_node}: BEP 5; {@code target} is the id sought. */
    record FindNode(byte[] transactionId, NodeId sender, boolean readOnly, NodeId target) implements Query {
        @Override
        public String method() {
            return "find_node";
        }
    }

    /** {@code get_peers}: BEP 5; {@code infoHash} in the id keyspace. */
    record GetPeers(byte[] transactionId, NodeId sender, boolean readOnly, NodeId infoHash) implements Query {
        @Override
        public String method() {
            return "get_peers";
        }
    }

    /**
     * {@code announce_peer}: BEP 5. {@code port} is the peer's TCP port (1..65535) unless {@code impliedPort}, in
     * which case the receiver uses the UDP source port and {@code port} may be anything (0 when absent).
     * {@code token} is what our get_peers reply gave the sender (1..{@link KrpcCodec#MAX_TOKEN} bytes).
     */
    record AnnouncePeer(byte[] transactionId, NodeId sender, boolean readOnly, NodeId infoHash, int port,
            boolean impliedPort, byte[] token) implements Query {
        @Override
        public String method() {
            return "announce_peer";
        }
    }

    /**
     * A response ({@code y = "r"}): {@code r.id} is the responder; {@code nodes} (and BEP 32 {@code nodes6}) are
     * compact node infos, {@code values} compact peers (6 or 18 bytes each), {@code token} the get_peers token;
     * lists are empty and the token absent when the field was not sent. {@code requester} is BEP 42's top-level
     * {@code ip}: the address the responder saw us at, when given.
     */
    record Response(byte[] transactionId, NodeId sender, List<NodeInfo> nodes, List<NodeInfo> nodes6,
            List<InetSocketAddress> values, Optional<byte[]> token, Optional<InetSocketAddress> requester)
            implements KrpcMessage {
        public Response {
            nodes = List.copyOf(nodes);
            nodes6 = List.copyOf(nodes6);
            values = List.copyOf(values);
        }
    }

    /** An error ({@code y = "e"}): BEP 5 codes 201 generic, 202 server, 203 protocol, 204 method unknown. */
    record Error(byte[] transactionId, int code, String message) implements KrpcMessage {
    }
}
