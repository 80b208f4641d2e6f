package io.btget.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The UDP client against a scripted fake BEP 15 tracker on 127.0.0.1. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UdpTrackerTest {
    /** For tests that need every try to time out: 0.1 + 0.2 + 0.4 s. */
    private static final UdpRetryPolicy FAST = new UdpRetryPolicy(3, Duration.ofMillis(100));
    /**
     * For tests that count the packets of an exchange the fake answers: a try must not time out merely because the
     * fake's thread was off the CPU. With {@link #FAST}'s 100 ms a loaded machine retransmitted, the fake saw an
     * extra connect and the exact sequences failed (a 150 ms stall of the fake failed 4 of these tests). 1 s, then
     * 2 s, then 4 s: a lost reply (retransmitsWhenAReplyIsLost) costs the test one second.
     */
    private static final UdpRetryPolicy ANSWERED = new UdpRetryPolicy(3, Duration.ofSeconds(1));
    private static final long CONNECTION_ID = 0x1122334455667788L;

    /** Decides what the fake sends back for one received packet (in order); empty lists mean silence. */
    interface Script {
        List<byte[]> reply(byte[] packet, int length, int packetNumber);
    }

    private DatagramSocket socket;
    private Thread thread;
    private final List<Integer> actions = new CopyOnWriteArrayList<>();

    private String fake(Script script) throws Exception {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        AtomicInteger n = new AtomicInteger();
        thread = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    actions.add(ByteBuffer.wrap(buf, 8, 4).getInt());
                    for (byte[] reply : script.reply(buf, p.getLength(), n.getAndIncrement())) {
                        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    }
                } catch (SocketException closed) {
                    return;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }
        }, "fake-udp-tracker");
        thread.setDaemon(true);
        thread.start();
        return "udp://127.0.0.1:" + socket.getLocalPort() + "/announce";
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (socket != null) {
            socket.close();
            thread.join(2000);
        }
    }

    private static int tx(byte[] packet) {
        return ByteBuffer.wrap(packet, 12, 4).getInt();
    }

    private static byte[] announced(int tx) {
        return UdpTrackerCodec.announceReply(tx, 1800, 3, 4,
                List.of(new InetSocketAddress("127.0.0.1", 6881)), false);
    }

    /** A well-behaved tracker. */
    private static List<byte[]> honest(byte[] p, int len) {
        int action = ByteBuffer.wrap(p, 8, 4).getInt();
        return List.of(action == 0 ? UdpTrackerCodec.connectReply(tx(p), CONNECTION_ID) : announced(tx(p)));
    }

    private static AnnounceRequest request() {
        return TestData.request(TestData.infoHash(1), TestData.peerId("-BT-", 1), 6881, 10, AnnounceEvent.STARTED);
    }

    @Test
    void connectsThenAnnouncesAndReusesTheConnectionId() throws Exception {
        String url = fake((p, len, n) -> {
            if (ByteBuffer.wrap(p, 8, 4).getInt() == 1) {
                assertThat(ByteBuffer.wrap(p, 0, 8).getLong()).isEqualTo(CONNECTION_ID);
            }
            return honest(p, len);
        });
        UdpTracker tracker = new UdpTracker(url, ANSWERED);
        AnnounceResponse r = tracker.announce(request());
        assertThat(r.peers()).containsExactly(new InetSocketAddress("127.0.0.1", 6881));
        assertThat(r.intervalSeconds()).isEqualTo(1800);
        assertThat(r.leechers()).hasValue(3);
        assertThat(r.seeders()).hasValue(4);
        tracker.announce(request());
        assertThat(actions).containsExactly(0, 1, 1);
    }

    @Test
    void ignoresRepliesWithAnotherTransactionId() throws Exception {
        String url = fake((p, len, n) -> {
            if (ByteBuffer.wrap(p, 8, 4).getInt() == 0) {
                return List.of(UdpTrackerCodec.connectReply(tx(p) + 1, 99), UdpTrackerCodec.connectReply(tx(p), CONNECTION_ID));
            }
            return List.of(announced(tx(p) ^ 0xff), announced(tx(p)));
        });
        assertThat(new UdpTracker(url, ANSWERED).announce(request()).peers()).hasSize(1);
        assertThat(actions).containsExactly(0, 1);
    }

    @Test
    void reportsTheErrorActionMessageAndForgetsTheConnectionId() throws Exception {
        AtomicInteger announces = new AtomicInteger();
        String url = fake((p, len, n) -> {
            if (ByteBuffer.wrap(p, 8, 4).getInt() == 0) {
                return List.of(UdpTrackerCodec.connectReply(tx(p), CONNECTION_ID));
            }
            return announces.getAndIncrement() == 0 ? List.of(UdpTrackerCodec.errorReply(tx(p), "bad connection id"))
                    : List.of(announced(tx(p)));
        });
        UdpTracker tracker = new UdpTracker(url, ANSWERED);
        assertThatThrownBy(() -> tracker.announce(request()))
                .isInstanceOf(TrackerException.class).hasMessage(url + ": tracker error: bad connection id");
        tracker.announce(request());
        assertThat(actions).containsExactly(0, 1, 0, 1);
    }

    @Test
    void anErrorReplyIsHardOnlyWhenTheSameTrackerRepeatsIt() throws Exception {
        String url = fake((p, len, n) -> ByteBuffer.wrap(p, 8, 4).getInt() == 0
                ? List.of(UdpTrackerCodec.connectReply(tx(p), CONNECTION_ID))
                : List.of(UdpTrackerCodec.errorReply(tx(p), "busy, try later")));
        UdpTracker tracker = new UdpTracker(url, ANSWERED);
        assertThatThrownBy(() -> tracker.announce(request())).isInstanceOf(TrackerException.class)
                .hasMessage(url + ": tracker error: busy, try later")
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).as("first refusal").isFalse());
        assertThatThrownBy(() -> tracker.announce(request())).isInstanceOf(TrackerException.class)
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).as("second in a row").isTrue());
    }

    @Test
    void retransmitsWhenAReplyIsLost() throws Exception {
        String url = fake((p, len, n) -> n == 0 ? List.of() : honest(p, len));
        assertThat(new UdpTracker(url, ANSWERED).announce(request()).peers()).hasSize(1);
        assertThat(actions).containsExactly(0, 0, 1);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void givesUpOnADeadTrackerAfterTheConfiguredTries() throws Exception {
        String url = fake((p, len, n) -> List.of());
        assertThatThrownBy(() -> new UdpTracker(url, FAST).announce(request()))
                .isInstanceOf(TrackerException.class).hasMessage(url + ": no reply to connect after 3 tries (0.7 s)");
        assertThat(actions).containsExactly(0, 0, 0);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aClosedPortIsAHardFailureReportedAtOnceNotAfterTheRetries() throws Exception {
        int closed;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String url = "udp://127.0.0.1:" + closed + "/announce";
        // retries long enough that only the port-unreachable answer can end the announce before the test timeout
        UdpRetryPolicy patient = new UdpRetryPolicy(2, Duration.ofSeconds(30));
        assertThatThrownBy(() -> new UdpTracker(url, patient).announce(request()))
                .isInstanceOf(TrackerException.class).hasMessage(url + ": connection refused (port unreachable)")
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).isTrue());
    }

    @Test
    void rejectsGarbageRepliesWithTheUrl() throws Exception {
        String url = fake((p, len, n) -> List.of(new byte[] {0, 0, 0, 7, 1, 2, 3, 4}));
        assertThatThrownBy(() -> new UdpTracker(url, FAST).announce(request()))
                .isInstanceOf(TrackerException.class).hasMessage(url + ": UDP reply with unknown action 7");
    }

    @Test
    void needsAPortInTheUrl() {
        assertThatThrownBy(() -> new UdpTracker("udp://tracker.example/announce", FAST))
                .isInstanceOf(TrackerException.class).hasMessageContaining("needs a host and a port");
        assertThat(Optional.of(UdpRetryPolicy.DEFAULT.timeout(2))).hasValue(Duration.ofSeconds(4));
    }
}
