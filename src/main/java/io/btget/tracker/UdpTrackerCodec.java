package io.btget.tracker;

import io.btget.metainfo.InfoHash;
import java.net.InetSocketAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The UDP tracker protocol (BEP 15) as pure functions: packets in, records out, and back. Shared by
 * {@link UdpTracker} and the built-in server. All integers are big-endian.
 */
public final class UdpTrackerCodec {
    /** BEP 15 magic constant that opens every connect request. */
    public static final long PROTOCOL_ID = 0x41727101980L;
    public static final int ACTION_CONNECT = 0;
    public static final int ACTION_ANNOUNCE = 1;
    public static final int ACTION_SCRAPE = 2;
    public static final int ACTION_ERROR = 3;
    public static final int CONNECT_REQUEST_LENGTH = 16;
    public static final int ANNOUNCE_REQUEST_LENGTH = 98;
    /** Large enough for any reply we accept: 20 header bytes + {@link CompactPeers#MAX_PEERS} IPv6 entries would be
     * more than a datagram; real replies fit easily in 64 KiB. */
    public static final int MAX_PACKET = 65_535;
    private static final int MAX_ERROR_TEXT = 200;

    private UdpTrackerCodec() {
    }

    /** A reply a client can receive. */
    public sealed interface Reply permits Connected, Announced, Failed {
        int transactionId();
    }

    public record Connected(int transactionId, long connectionId) implements Reply {
    }

    public record Announced(int transactionId, AnnounceResponse response) implements Reply {
    }

    /** BEP 15 error action: the tracker's message. */
    public record Failed(int transactionId, String message) implements Reply {
    }

    /** A request a tracker can receive. */
    public sealed interface Request permits ConnectRequest, AnnouncePacket, OtherRequest {
        int transactionId();
    }

    public record ConnectRequest(int transactionId) implements Request {
    }

    /** @param ipv4 the BEP 15 {@code IP address} field (0: use the sender's address) */
    public record AnnouncePacket(long connectionId, int transactionId, AnnounceRequest request, int ipv4, int key)
            implements Request {
    }

    /** Scrape or an unknown action: the server answers with an error. */
    public record OtherRequest(long connectionId, int transactionId, int action) implements Request {
    }

    // ---- client side ----

    public static byte[] connectRequest(int transactionId) {
        return ByteBuffer.allocate(CONNECT_REQUEST_LENGTH).putLong(PROTOCOL_ID).putInt(ACTION_CONNECT)
                .putInt(transactionId).array();
    }

    public static byte[] announceRequest(long connectionId, int transactionId, AnnounceRequest r, int key) {
        return ByteBuffer.allocate(ANNOUNCE_REQUEST_LENGTH)
                .putLong(connectionId).putInt(ACTION_ANNOUNCE).putInt(transactionId)
                .put(r.infoHash().bytes()).put(r.peerId())
                .putLong(r.downloaded()).putLong(r.left()).putLong(r.uploaded())
                .putInt(r.event().udpId).putInt(0).putInt(key).putInt(r.numWant() < 0 ? -1 : r.numWant())
                .putShort((short) r.port())
                .array();
    }

    /**
     * Decodes a reply to a connect or announce request.
     *
     * @param ipv6Peers BEP 15: the peer entries are 18 bytes when the tracker was reached over IPv6, else 6
     */
    public static Reply decodeReply(byte[] packet, int length, boolean ipv6Peers) throws TrackerException {
        if (length < 8 || length > packet.length) {
            throw new TrackerException("UDP reply of " + length + " bytes is too short");
        }
        ByteBuffer in = ByteBuffer.wrap(packet, 0, length);
        int action = in.getInt();
        int tx = in.getInt();
        switch (action) {
            case ACTION_CONNECT:
                if (length < 16) {
                    throw new TrackerException("UDP connect reply of " + length + " bytes (need 16)");
                }
                return new Connected(tx, in.getLong());
            case ACTION_ANNOUNCE: {
                if (length < 20) {
                    throw new TrackerException("UDP announce reply of " + length + " bytes (need at least 20)");
                }
                int interval = Math.max(0, in.getInt());
                int leechers = in.getInt();
                int seeders = in.getInt();
                int entry = ipv6Peers ? CompactPeers.IPV6_ENTRY : CompactPeers.IPV4_ENTRY;
                List<InetSocketAddress> peers = CompactPeers.decode(packet, 20, length - 20, entry);
                return new Announced(tx, new AnnounceResponse(interval, 0, peers, Optional.empty(), Optional.empty(),
                        count(seeders), count(leechers)));
            }
            case ACTION_ERROR: {
                String message = new String(packet, 8, length - 8, StandardCharsets.UTF_8);
                return new Failed(tx, TrackerException.printable(message, MAX_ERROR_TEXT));
            }
            default:
                throw new TrackerException("UDP reply with unknown action " + action);
        }
    }

    private static OptionalInt count(int n) {
        return n < 0 ? OptionalInt.empty() : OptionalInt.of(n);
    }

    // ---- server side ----

    public static Request decodeRequest(byte[] packet, int length) throws TrackerException {
        if (length < CONNECT_REQUEST_LENGTH || length > packet.length) {
            throw new TrackerException("UDP request of " + length + " bytes is too short");
        }
        ByteBuffer in = ByteBuffer.wrap(packet, 0, length);
        long connectionId = in.getLong();
        int action = in.getInt();
        int tx = in.getInt();
        if (action == ACTION_CONNECT) {
            if (connectionId != PROTOCOL_ID) {
                throw new TrackerException("UDP connect request without the protocol id");
            }
            return new ConnectRequest(tx);
        }
        if (action != ACTION_ANNOUNCE) {
            return new OtherRequest(connectionId, tx, action);
        }
        if (length < ANNOUNCE_REQUEST_LENGTH) {
            throw new TrackerException("UDP announce request of " + length + " bytes (need 98)");
        }
        try {
            byte[] infoHash = new byte[InfoHash.LENGTH];
            in.get(infoHash);
            byte[] peerId = new byte[AnnounceRequest.PEER_ID_LENGTH];
            in.get(peerId);
            long downloaded = in.getLong();
            long left = in.getLong();
            long uploaded = in.getLong();
            AnnounceEvent event = AnnounceEvent.fromUdpId(in.getInt());
            int ip = in.getInt();
            int key = in.getInt();
            int numWant = in.getInt();
            int port = Short.toUnsignedInt(in.getShort());
            if (port == 0) {
                throw new TrackerException("UDP announce with port 0");
            }
            if (downloaded < 0 || left < 0 || uploaded < 0) {
                throw new TrackerException("UDP announce with a negative transfer total");
            }
            AnnounceRequest request = new AnnounceRequest(new InfoHash(infoHash), peerId, port, uploaded, downloaded,
                    left, event, numWant);
            return new AnnouncePacket(connectionId, tx, request, ip, key);
        } catch (BufferUnderflowException e) {
            throw new TrackerException("truncated UDP announce request", e);
        }
    }

    public static byte[] connectReply(int transactionId, long connectionId) {
        return ByteBuffer.allocate(16).putInt(ACTION_CONNECT).putInt(transactionId).putLong(connectionId).array();
    }

    /** @param ipv6 entries of 18 bytes (the client reached us over IPv6), else 6 */
    public static byte[] announceReply(int transactionId, int interval, int leechers, int seeders,
                                       List<InetSocketAddress> peers, boolean ipv6) {
        byte[] compact = CompactPeers.encode(peers, ipv6 ? CompactPeers.IPV6_ENTRY : CompactPeers.IPV4_ENTRY);
        return ByteBuffer.allocate(20 + compact.length).putInt(ACTION_ANNOUNCE).putInt(transactionId)
                .putInt(interval).putInt(leechers).putInt(seeders).put(compact).array();
    }

    public static byte[] errorReply(int transactionId, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + text.length).putInt(ACTION_ERROR).putInt(transactionId).put(text).array();
    }
}
