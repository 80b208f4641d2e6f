package io.btget.tracker.server;

import io.btget.tracker.AnnounceRequest;
import io.btget.tracker.TrackerException;
import io.btget.tracker.UdpTrackerCodec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in tracker's UDP side (BEP 15), one thread reading one socket. Connection ids are not stored: each is
 * a keyed hash of the client's address and the current minute, so a flood of connects costs no memory. An id is
 * accepted during the minute it was made and the next one (BEP 15: clients may use it for a minute).
 */
final class UdpTrackerService implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(UdpTrackerService.class);
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final DatagramSocket socket;
    private final Swarms swarms;
    private final int intervalSeconds;
    private final LongSupplier nanoClock;
    private final byte[] secret = new byte[16];

    UdpTrackerService(DatagramSocket socket, Swarms swarms, int intervalSeconds, LongSupplier nanoClock) {
        this.socket = socket;
        this.swarms = swarms;
        this.intervalSeconds = intervalSeconds;
        this.nanoClock = nanoClock;
        new SecureRandom().nextBytes(secret);
    }

    @Override
    public void run() {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                log.debug("UDP tracker receive failed: {}", e.getMessage());
                continue;
            }
            InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
            byte[] reply = handle(buffer, packet.getLength(), from);
            if (reply != null) {
                try {
                    socket.send(new DatagramPacket(reply, reply.length, from));
                } catch (IOException e) {
                    log.debug("UDP tracker reply to {} failed: {}", from, e.getMessage());
                }
            }
        }
    }

    /** The reply to one datagram, or null to stay silent (garbage gets no answer: no amplification). */
    byte[] handle(byte[] data, int length, InetSocketAddress from) {
        UdpTrackerCodec.Request request;
        try {
            request = UdpTrackerCodec.decodeRequest(data, length);
        } catch (TrackerException e) {
            log.debug("UDP tracker: bad packet from {}: {}", from, e.getMessage());
            return null;
        }
        long minute = nanoClock.getAsLong() / MINUTE_NANOS;
        if (request instanceof UdpTrackerCodec.ConnectRequest connect) {
            return UdpTrackerCodec.connectReply(connect.transactionId(), connectionId(from.getAddress(), minute));
        }
        if (request instanceof UdpTrackerCodec.OtherRequest other) {
            if (!knownConnection(other.connectionId(), from.getAddress(), minute)) {
                return null;
            }
            return UdpTrackerCodec.errorReply(other.transactionId(), "action " + other.action() + " not supported");
        }
        UdpTrackerCodec.AnnouncePacket announce = (UdpTrackerCodec.AnnouncePacket) request;
        long id = announce.connectionId();
        if (!knownConnection(id, from.getAddress(), minute)) {
            return UdpTrackerCodec.errorReply(announce.transactionId(), "unknown or expired connection id");
        }
        AnnounceRequest r = announce.request();
        String claimed = announce.ipv4() == 0 ? null : ipv4Text(announce.ipv4());
        InetAddress address = PeerAddresses.effective(from.getAddress(), claimed);
        Swarms.Reply reply;
        try {
            reply = swarms.announce(r.infoHash(), r.peerId(), new InetSocketAddress(address, r.port()), r.left(),
                    r.event(), r.numWant());
        } catch (IllegalStateException e) {
            return UdpTrackerCodec.errorReply(announce.transactionId(), e.getMessage());
        }
        boolean ipv6 = from.getAddress() instanceof Inet6Address;
        return UdpTrackerCodec.announceReply(announce.transactionId(), intervalSeconds, reply.leechers(),
                reply.seeders(), reply.peers().stream().map(p -> p.address()).toList(), ipv6);
    }

    private boolean knownConnection(long id, InetAddress client, long minute) {
        return id == connectionId(client, minute) || id == connectionId(client, minute - 1);
    }

    private long connectionId(InetAddress client, long minute) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(secret);
            sha.update(client.getAddress());
            sha.update(ByteBuffer.allocate(8).putLong(minute).array());
            return ByteBuffer.wrap(sha.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    private static String ipv4Text(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }
}
