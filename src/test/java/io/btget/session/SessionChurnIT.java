package io.btget.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentBuilder;
import io.btget.peer.Churner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real sessions in one process, a seeder and a leecher on loopback, while peers keep connecting to both and
 * leaving in every way a swarm produces (issue 8: leechers died with an internal error under churn). The leecher
 * must complete with the right bytes, the seeder must keep serving, and neither may end with an exception.
 */
@Timeout(120)
class SessionChurnIT {
    private static final int LENGTH = 3 << 20;
    private static final int PIECE_LENGTH = 64 << 10;

    private final List<io.btget.client.Client> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(io.btget.client.Client::close);
    }

    @TempDir
    Path dir;

    private static Config config(Path out, List<InetSocketAddress> peers, long downloadLimit, boolean seedOnly) {
        return new Config(out, InetAddress.getLoopbackAddress(), 0, 200, 4, List.of(), peers, Duration.ofSeconds(60),
                downloadLimit, 0, seedOnly ? Config.SeedPolicy.FOREVER : Config.SeedPolicy.NONE, 1, seedOnly);
    }

    /** Ignores everything: the outcome and the bytes are what count. */
    private static final SessionListener QUIET = new SessionListener() {
        @Override
        public void stats(Stats stats) {
        }

        @Override
        public void event(String type, String message, Map<String, Object> fields) {
        }
    };

    @RepeatedTest(6)
    void aLeecherCompletesAndASeederKeepsServingWhilePeersChurnAroundThem() throws Exception {
        Path seedDir = dir.resolve("seed");
        Files.createDirectories(seedDir);
        byte[] data = new byte[LENGTH];
        new Random(5).nextBytes(data);
        Files.write(seedDir.resolve("churn.bin"), data);
        Torrent torrent = new TorrentBuilder(seedDir.resolve("churn.bin")).pieceLength(Optional.of(PIECE_LENGTH))
                .build((done, total) -> { }).torrent();

        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            TorrentSession seeder = session(torrent, config(seedDir, List.of(), 0, true));
            Future<Outcome> seeding = threads.submit(seeder::run);
            int seederPort = awaitPort(seeder, seeding);

            Path leechDir = dir.resolve("leech");
            // slow enough that the download spans many ticks of the session loop while the churn goes on
            TorrentSession leecher = session(torrent, config(leechDir,
                    List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seederPort)), 1 << 20, false));
            Future<Outcome> leeching = threads.submit(leecher::run);
            int leecherPort = awaitPort(leecher, leeching);

            List<Future<Integer>> churn = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int port = i % 2 == 0 ? leecherPort : seederPort;
                Churner churner = new Churner(torrent.infoHash(), torrent.pieceCount(), i);
                churn.add(threads.submit(() -> {
                    int handshakes = 0;
                    while (!leeching.isDone()) {
                        handshakes += churner.run(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 20);
                    }
                    return handshakes;
                }));
            }

            assertThat(leeching.get(90, TimeUnit.SECONDS)).isEqualTo(Outcome.COMPLETE);
            assertThat(Files.readAllBytes(leechDir.resolve("churn.bin"))).isEqualTo(data);
            int handshakes = 0;
            for (Future<Integer> f : churn) {
                handshakes += f.get(30, TimeUnit.SECONDS);
            }
            assertThat(handshakes).as("churning peers that got through a handshake").isGreaterThan(20);
            assertThat(seeding.isDone()).as("the seeder is still running").isFalse();
            seeder.requestStop(Outcome.INTERRUPTED);
            assertThat(seeding.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.INTERRUPTED);
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** A session in a process (client) of its own, closed with the test. */
    private TorrentSession session(Torrent torrent, Config config) {
        io.btget.client.Client client = io.btget.client.Client.of(config);
        clients.add(client);
        return new TorrentSession(client, torrent, config, QUIET);
    }

    private static int awaitPort(TorrentSession session, Future<Outcome> running)
            throws InterruptedException, ExecutionException {
        for (int i = 0; i < 3000 && session.listenPort() == 0; i++) {
            if (running.isDone()) {
                running.get(); // surfaces the failure
            }
            Thread.sleep(10);
        }
        assertThat(session.listenPort()).isPositive();
        return session.listenPort();
    }
}
