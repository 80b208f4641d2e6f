package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import io.btget.net.Dialer;
import io.btget.peer.IncomingHandler;
import io.btget.peer.PeerId;
import io.btget.peer.RateLimiter;
import io.btget.session.SessionHost;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TorrentHostTest {
    private final AtomicLong now = new AtomicLong();
    private final List<Long> sleeps = new ArrayList<>();

    private final Dialer dialer = (address, infoHash, handshake, connectMillis, handshakeMillis) -> {
        throw new java.io.IOException("not dialled in this test");
    };

    private SessionHost client(long down, long up) {
        RateLimiter d = new RateLimiter(down, now::get, sleeps::add);
        RateLimiter u = new RateLimiter(up, now::get, sleeps::add);
        return new SessionHost() {
            @Override
            public PeerId peerId() {
                return null;
            }

            @Override
            public RateLimiter downloadLimiter() {
                return d;
            }

            @Override
            public RateLimiter uploadLimiter() {
                return u;
            }

            @Override
            public int listen() {
                return 6881;
            }

            @Override
            public void register(InfoHash infoHash, IncomingHandler handler) {
            }

            @Override
            public void unregister(InfoHash infoHash, IncomingHandler handler) {
            }

            @Override
            public Dialer dialer() {
                return dialer;
            }
        };
    }

    @Test
    void aTorrentWithLimitsOfItsOwnDialsAsTheClientDoes() {
        // --encryption lives in the client's dialer: a torrent with its own limits must not fall back to plain
        assertThat(TorrentHost.of(client(0, 0), new TorrentHost.Limits(1000, 0)).dialer()).isSameAs(dialer);
    }

    @Test
    void noLimitOfItsOwnIsTheClientItself() {
        SessionHost c = client(0, 0);
        assertThat(TorrentHost.of(c, TorrentHost.Limits.NONE)).isSameAs(c);
    }

    @Test
    void aTorrentsLimitWaitsOnItsOwnBucket() throws Exception {
        SessionHost t = TorrentHost.of(client(0, 0), new TorrentHost.Limits(1000, 0));
        assertThat(t.downloadLimiter().unlimited()).isFalse();
        assertThat(t.uploadLimiter().unlimited()).as("no upload limit anywhere").isTrue();
        t.downloadLimiter().acquire(1250); // an empty bucket at start: 1.25 s of debt at 1000 B/s
        assertThat(sleeps).containsExactly(1_250_000_000L);
    }

    @Test
    void theGlobalLimitStillHoldsUnderATorrentsLooserOne() throws Exception {
        SessionHost c = client(1000, 0);
        // each torrent has an upload limit of its own and none for download: only the client's bucket waits
        SessionHost a = TorrentHost.of(c, new TorrentHost.Limits(0, 500));
        SessionHost b = TorrentHost.of(c, new TorrentHost.Limits(0, 500));
        assertThat(a.downloadLimiter()).isNotSameAs(b.downloadLimiter());
        a.downloadLimiter().acquire(1000);
        b.downloadLimiter().acquire(1000);
        // both drew from the client's 1000 B/s: the second waits for the first's bytes too
        assertThat(sleeps).containsExactly(1_000_000_000L, 2_000_000_000L);
    }
}
