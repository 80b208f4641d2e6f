package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.dht.Dht;
import io.btget.dht.DhtStats;
import io.btget.metainfo.InfoHash;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code btget dht get-peers}: what it prints and when it stops, against a scripted DHT. */
@Timeout(30)
class DhtCommandTest {
    private static final InfoHash HASH = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");

    /** A DHT whose every lookup hands {@code peers} to the sink, then ends. */
    private static final class Scripted implements Dht {
        final List<List<InetSocketAddress>> replies;
        final AtomicInteger searches = new AtomicInteger();
        final AtomicInteger announces = new AtomicInteger();

        Scripted(List<List<InetSocketAddress>> replies) {
            this.replies = replies;
        }

        @Override
        public int port() {
            return 6881;
        }

        @Override
        public Search search(InfoHash infoHash, int announcePort, PeerSink sink) {
            searches.incrementAndGet();
            if (announcePort != 0) {
                announces.incrementAndGet();
            }
            int found = 0;
            for (List<InetSocketAddress> r : replies) {
                sink.peersFound(r);
                found += r.size();
            }
            sink.lookupDone(found);
            return new Search() {
                @Override
                public void lookAgain() {
                }

                @Override
                public int peersFound() {
                    return 0;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void addNode(InetSocketAddress address) {
        }

        @Override
        public DhtStats stats() {
            return new DhtStats(5, 5, 0, 0, 0, 0);
        }
    }

    private static InetSocketAddress a(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    /** A clock that moves 3 s per reading: the loop's waits are all over at once, the deadline comes soon. */
    private static java.util.function.LongSupplier fastClock() {
        AtomicLong t = new AtomicLong();
        return () -> t.addAndGet(3_000_000_000L);
    }

    @Test
    void printsEachDistinctPeerOnceAndStopsAfterALookupThatFoundSome() throws Exception {
        Scripted dht = new Scripted(List.of(List.of(a("127.0.0.1", 6881), a("::1", 7000)),
                List.of(a("127.0.0.1", 6881))));
        StringWriter text = new StringWriter();
        int found = DhtCommand.run(dht, HASH, Duration.ofSeconds(30), false, new PrintWriter(text), fastClock(),
                new AtomicBoolean());
        assertThat(found).isEqualTo(2);
        assertThat(text.toString()).isEqualTo("127.0.0.1:6881" + System.lineSeparator() + "[0:0:0:0:0:0:0:1]:7000"
                + System.lineSeparator());
        assertThat(dht.searches.get()).isEqualTo(1);
        assertThat(dht.announces.get()).as("get-peers announces nothing").isZero();
    }

    @Test
    void jsonGivesAPeerEventPerPeerAndADoneSummary() throws Exception {
        Scripted dht = new Scripted(List.of(List.of(a("127.0.0.1", 6881))));
        StringWriter json = new StringWriter();
        DhtCommand.run(dht, HASH, Duration.ofSeconds(30), true, new PrintWriter(json), fastClock(),
                new AtomicBoolean());
        assertThat(json.toString().lines().toList()).containsExactly(
                "{\"event\":\"dht_peer\",\"address\":\"127.0.0.1:6881\"}",
                "{\"event\":\"dht_done\",\"infoHash\":\"" + HASH.hex() + "\",\"peers\":1,\"nodes\":5}");
    }

    @Test
    void withNoPeerItTriesAgainUntilTheTimeoutAndFindsNone() {
        Scripted dht = new Scripted(List.of());
        StringWriter out = new StringWriter();
        int found = DhtCommand.run(dht, HASH, Duration.ofSeconds(30), true, new PrintWriter(out), fastClock(),
                new AtomicBoolean());
        assertThat(found).isZero();
        assertThat(dht.searches.get()).as("lookups again while time is left").isGreaterThan(1).isLessThan(20);
        assertThat(out.toString()).contains("\"peers\":0");
    }

    @Test
    void anInterruptedRunSaysSoInItsLastJsonObject() {
        StringWriter out = new StringWriter();
        int found = DhtCommand.run(new Scripted(List.of()), HASH, Duration.ofSeconds(30), true, new PrintWriter(out),
                fastClock(), new AtomicBoolean(true));
        assertThat(found).isZero();
        assertThat(out.toString()).contains("\"peers\":0").contains("\"interrupted\":true");
    }

    @Test
    void theInfoHashIsHexBase32OrAMagnetAndAnythingElseExits3() {
        assertThat(DhtCommand.parseInfoHash(HASH.hex())).isEqualTo(HASH);
        assertThat(DhtCommand.parseInfoHash(HASH.hex().toUpperCase())).isEqualTo(HASH);
        assertThat(DhtCommand.parseInfoHash("magnet:?xt=urn:btih:" + HASH.hex())).isEqualTo(HASH);
        assertThat(DhtCommand.parseInfoHash("AERUKZ4JVPG66AJDIVTYTK6N54ASGRLH")).isEqualTo(HASH);
        for (String bad : List.of("xyz", HASH.hex().substring(1), HASH.hex() + "0", "magnet:?dn=x")) {
            assertThatThrownBy(() -> DhtCommand.parseInfoHash(bad)).as(bad).isInstanceOf(UserError.class)
                    .satisfies(e -> assertThat(((UserError) e).exitCode()).isEqualTo(ExitCode.BAD_TORRENT));
        }
    }

    @Test
    void aStdoutNobodyReadsNeverStallsTheNodeThread() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.io.OutputStream blocked = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
        };
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(blocked, java.nio.charset.StandardCharsets.UTF_8));
        java.util.concurrent.CompletableFuture<Void> nodeThreadReturned = new java.util.concurrent.CompletableFuture<>();
        InetSocketAddress p1 = a("10.0.0.1", 1);
        InetSocketAddress p2 = a("10.0.0.2", 2);
        Dht dht = new Dht() {
            @Override
            public int port() {
                return 6881;
            }

            @Override
            public Search search(InfoHash infoHash, int announcePort, PeerSink sink) {
                Thread node = new Thread(() -> { // the DHT node's thread hands peers over
                    sink.peersFound(List.of(p1, p2));
                    sink.lookupDone(2);
                    nodeThreadReturned.complete(null);
                });
                node.setDaemon(true);
                node.start();
                return new Search() {
                    @Override
                    public void lookAgain() {
                    }

                    @Override
                    public int peersFound() {
                        return 2;
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public void addNode(InetSocketAddress address) {
            }

            @Override
            public DhtStats stats() {
                return new DhtStats(5, 5, 0, 0, 0, 0);
            }
        };
        java.util.concurrent.FutureTask<Integer> command = new java.util.concurrent.FutureTask<>(() -> DhtCommand.run(
                dht, HASH, Duration.ofSeconds(20), false, out, System::nanoTime, new AtomicBoolean()));
        Thread main = new Thread(command);
        main.setDaemon(true);
        main.start();
        nodeThreadReturned.get(10, java.util.concurrent.TimeUnit.SECONDS); // before: blocked in println
        release.countDown();
        assertThat(command.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(2);
    }
}
