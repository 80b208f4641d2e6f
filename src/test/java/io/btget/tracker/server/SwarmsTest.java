package io.btget.tracker.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import io.btget.tracker.AnnounceEvent;
import io.btget.tracker.TestData;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SwarmsTest {
    private final AtomicLong now = new AtomicLong();
    private final Swarms swarms = new Swarms(Duration.ofSeconds(60), now::get);
    private final InfoHash hash = TestData.infoHash(1);

    private Swarms.Reply announce(int peer, long left, AnnounceEvent event) {
        return swarms.announce(hash, TestData.peerId("-AA-", peer), new InetSocketAddress("127.0.0.1", 7000 + peer),
                left, event, 50);
    }

    @Test
    void dropsPeersThatHaveNotAnnouncedWithinTheExpiry() {
        announce(1, 0, AnnounceEvent.STARTED);
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        Swarms.Reply reply = announce(2, 10, AnnounceEvent.STARTED);
        assertThat(reply.peers()).isEmpty();
        assertThat(reply.seeders()).isZero();
        assertThat(reply.leechers()).isEqualTo(1);
    }

    @Test
    void keepsPeersThatAnnouncedWithinTheExpiry() {
        announce(1, 0, AnnounceEvent.STARTED);
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(announce(2, 10, AnnounceEvent.STARTED).peers()).hasSize(1);
    }

    @Test
    void neverListsThePeerItselfAndCountsAReAnnounceOnce() {
        announce(1, 10, AnnounceEvent.STARTED);
        Swarms.Reply reply = announce(1, 0, AnnounceEvent.COMPLETED);
        assertThat(reply.peers()).isEmpty();
        assertThat(reply.seeders()).isEqualTo(1);
        assertThat(reply.leechers()).isZero();
        assertThat(swarms.scrape(List.of(hash), 10).get(0).downloaded()).isEqualTo(1);
    }
}
