package io.btget.peer.ext;

import java.net.InetSocketAddress;
import java.util.Optional;

/** What an extension sees of one connection: its address, the peer's handshake, and how to send or drop. */
public interface ExtensionPeer {
    /** The connection's remote address (for an incoming one, its source port, not its listen port). */
    InetSocketAddress address();

    /** The peer's extended handshake, once received. */
    Optional<ExtendedHandshake> peerHandshake();

    /**
     * Sends {@code payload} as extension {@code name}, under the id the peer announced for it.
     *
     * @return false (nothing sent) when the peer has not announced {@code name}, or disabled it
     */
    boolean send(String name, byte[] payload);

    /** Drops the connection: the peer broke a rule ({@code reason} is logged; the address is not dialled again). */
    void drop(String reason);
}
