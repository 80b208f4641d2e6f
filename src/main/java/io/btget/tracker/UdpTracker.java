package io.btget.tracker;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP tracker (BEP 15): connect, then announce with the connection id, which is reused for up to a minute.
 * Replies are matched by transaction id; strays (late replies to an earlier try) are ignored. Every wait is
 * bounded by the {@link UdpRetryPolicy}.
 */
final class UdpTracker implements TrackerClient {
    /** BEP 15: a connection id may be used for one minute after it was received. */
    static final Duration CONNECTION_ID_LIFETIME = Duration.ofSeconds(60);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String url;
    private final String host;
    private final int port;
    private final UdpRetryPolicy retry;
    private final int key = RANDOM.nextInt();
    private final Object lock = new Object();
    private long connectionId;
    private long connectionIdExpiresAtNanos;
    private boolean haveConnectionId;
    /** Consecutive announces this tracker refused with an error reply: the second one is hard. */
    private final AtomicInteger refusals = new AtomicInteger();

    UdpTracker(String url, UdpRetryPolicy retry) throws TrackerException {
        this.url = url;
        this.retry = retry;
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw TrackerException.hard(url + ": not a valid URL");
        }
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535) {
            throw TrackerException.hard(url + ": a UDP tracker URL needs a host and a port");
        }
        this.host = uri.getHost();
        this.port = uri.getPort();
    }

    @Override
    public String url() {
        return url;
    }

    /**
     * One announce. An error reply (BEP 15) is a transient failure the first time and hard when this tracker's
     * previous announce was refused too (see {@link TrackerException}).
     */
    @Override
    public AnnounceResponse announce(AnnounceRequest request) throws TrackerException {
        try {
            AnnounceResponse response = announceOnce(request);
            refusals.set(0);
            return response;
        } catch (TrackerException e) {
            if (!e.isRefusal()) {
                refusals.set(0);
                throw e;
            }
            throw refusals.incrementAndGet() >= 2 && !e.isHard() ? e.asHard() : e;
        }
    }

    private AnnounceResponse announceOnce(AnnounceRequest request) throws TrackerException {
        InetSocketAddress target;
        try {
            target = new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw TrackerException.hard(url + ": unknown host " + host, e);
        }
        boolean ipv6 = target.getAddress() instanceof Inet6Address;
        try (DatagramSocket socket = new DatagramSocket()) {
            // Connected, so that an ICMP port unreachable (nothing listens there) ends the wait at once as a
            // PortUnreachableException instead of costing the whole retry budget.
            socket.connect(target);
            long id = connectionId(socket, target, ipv6);
            int tx = RANDOM.nextInt();
            UdpTrackerCodec.Reply reply = exchange(socket, target, UdpTrackerCodec.announceRequest(id, tx, request, key),
                    tx, ipv6, "announce");
            if (reply instanceof UdpTrackerCodec.Announced announced) {
                return announced.response();
            }
            if (reply instanceof UdpTrackerCodec.Connected) {
                forgetConnectionId();
            }
            throw new TrackerException(url + ": unexpected reply to announce");
        } catch (PortUnreachableException e) {
            throw TrackerException.hard(url + ": connection refused (port unreachable)", e);
        } catch (IOException e) {
            throw new TrackerException(url + ": " + e.getMessage(), e);
        }
    }

    private long connectionId(DatagramSocket socket, InetSocketAddress target, boolean ipv6)
            throws IOException, TrackerException {
        synchronized (lock) {
            if (haveConnectionId && System.nanoTime() - connectionIdExpiresAtNanos < 0) {
                return connectionId;
            }
        }
        int tx = RANDOM.nextInt();
        UdpTrackerCodec.Reply reply = exchange(socket, target, UdpTrackerCodec.connectRequest(tx), tx, ipv6, "connect");
        if (!(reply instanceof UdpTrackerCodec.Connected connected)) {
            throw new TrackerException(url + ": unexpected reply to connect");
        }
        synchronized (lock) {
            connectionId = connected.connectionId();
            connectionIdExpiresAtNanos = System.nanoTime() + CONNECTION_ID_LIFETIME.toNanos();
            haveConnectionId = true;
        }
        return connected.connectionId();
    }

    private void forgetConnectionId() {
        synchronized (lock) {
            haveConnectionId = false;
        }
    }

    /** Sends {@code packet} and waits for the reply with {@code tx}, retransmitting with doubling timeouts. */
    private UdpTrackerCodec.Reply exchange(DatagramSocket socket, InetSocketAddress target, byte[] packet, int tx,
                                           boolean ipv6, String what) throws IOException, TrackerException {
        byte[] buffer = new byte[UdpTrackerCodec.MAX_PACKET];
        long totalMillis = 0;
        for (int attempt = 0; attempt < retry.tries(); attempt++) {
            socket.send(new DatagramPacket(packet, packet.length, target));
            long waitMillis = retry.timeout(attempt).toMillis();
            totalMillis += waitMillis;
            long deadline = System.nanoTime() + waitMillis * 1_000_000L;
            while (true) {
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
                if (leftMillis <= 0) {
                    break;
                }
                socket.setSoTimeout((int) leftMillis);
                DatagramPacket received = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(received);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (!target.equals(received.getSocketAddress())) {
                    continue; // not from the tracker
                }
                UdpTrackerCodec.Reply reply;
                try {
                    reply = UdpTrackerCodec.decodeReply(buffer, received.getLength(), ipv6);
                } catch (TrackerException e) {
                    throw e.at(url);
                }
                if (reply.transactionId() != tx) {
                    continue; // a late reply to something else: BEP 15 says to match the transaction id
                }
                if (reply instanceof UdpTrackerCodec.Failed failed) {
                    forgetConnectionId();
                    throw TrackerException.refusal(url + ": tracker error: " + failed.message());
                }
                return reply;
            }
        }
        throw new TrackerException(url + ": no reply to " + what + " after " + retry.tries() + " tries ("
                + (totalMillis / 1000.0) + " s)");
    }
}
