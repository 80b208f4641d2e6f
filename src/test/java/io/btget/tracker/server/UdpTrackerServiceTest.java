package io.btget.tracker.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.tracker.AnnounceEvent;
import io.btget.tracker.TestData;
import io.btget.tracker.UdpTrackerCodec;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The UDP side's decisions, packet in and packet out, with a manual clock and no network traffic. */
class UdpTrackerServiceTest {
    private final AtomicLong now = new AtomicLong(Duration.ofHours(5).toNanos());
    private final DatagramSocket unused = newSocket();
    private final UdpTrackerService service = new UdpTrackerService(unused,
            new Swarms(Duration.ofSeconds(60), now::get), 30, now::get);
    private final InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);

    private static DatagramSocket newSocket() {
        try {
            return new DatagramSocket(null);
        } catch (java.net.SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() {
        unused.close();
    }

    private long connect() throws Exception {
        byte[] reply = service.handle(UdpTrackerCodec.connectRequest(1), 16, client);
        return ((UdpTrackerCodec.Connected) UdpTrackerCodec.decodeReply(reply, reply.length, false)).connectionId();
    }

    private UdpTrackerCodec.Reply announce(long connectionId) throws Exception {
        byte[] packet = UdpTrackerCodec.announceRequest(connectionId, 2,
                TestData.request(TestData.infoHash(1), TestData.peerId("-AA-", 1), 7001, 5, AnnounceEvent.STARTED), 0);
        byte[] reply = service.handle(packet, packet.length, client);
        return UdpTrackerCodec.decodeReply(reply, reply.length, false);
    }

    @Test
    void acceptsAConnectionIdForAtLeastAMinuteAndRejectsItAfterTwo() throws Exception {
        long id = connect();
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(announce(id)).isInstanceOf(UdpTrackerCodec.Announced.class);
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat(announce(id)).isInstanceOf(UdpTrackerCodec.Failed.class);
    }

    @Test
    void staysSilentOnGarbageAndOnScrapesWithoutAConnection() throws Exception {
        assertThat(service.handle(new byte[] {1, 2, 3}, 3, client)).isNull();
        byte[] scrape = ByteBuffer.allocate(36).putLong(12345).putInt(2).putInt(3).array();
        assertThat(service.handle(scrape, scrape.length, client)).isNull();
        byte[] connectedScrape = ByteBuffer.allocate(36).putLong(connect()).putInt(2).putInt(3).array();
        byte[] reply = service.handle(connectedScrape, connectedScrape.length, client);
        assertThat(UdpTrackerCodec.decodeReply(reply, reply.length, false)).isInstanceOf(UdpTrackerCodec.Failed.class);
    }
}
