package io.btget.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.client.Client;
import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A magnet's metadata stage and the DHT (a fake): with no tracker and no peer it searches the DHT (announcing
 * nothing), dials what the search finds, and once the fetched info dictionary says private (BEP 27) it closes the
 * search and never touches the DHT again.
 */
@Timeout(60)
class MetadataStageDhtTest {
    @TempDir
    Path dir;

    private final List<Client> clients = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void cleanUp() throws Exception {
        threads.shutdownNow();
        clients.forEach(Client::close);
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static final SessionListener QUIET = new SessionListener() {
        @Override
        public void stats(Stats stats) {
        }

        @Override
        public void event(String type, String message, Map<String, Object> fields) {
        }
    };

    private static Config config(Path out, boolean seedOnly) {
        return new Config(out, InetAddress.getLoopbackAddress(), 0, 50, 4, List.of(), List.of(),
                Duration.ofSeconds(30), 0, 0, seedOnly ? Config.SeedPolicy.FOREVER : Config.SeedPolicy.NONE, 1,
                seedOnly);
    }

    @Test
    void aTrackerlessMagnetFindsItsPeerThroughTheDhtAndAPrivateResultEndsTheDhtForIt() throws Exception {
        Path seedDir = dir.resolve("seed");
        Files.createDirectories(seedDir);
        Files.write(seedDir.resolve("p.bin"), new byte[200_000]);
        Torrent torrent = new TorrentBuilder(seedDir.resolve("p.bin")).isPrivate(true)
                .pieceLength(Optional.of(16384)).build((done, total) -> { }).torrent();
        Config seedConfig = config(seedDir, true); // DHT off for the seeder
        Client seedClient = Client.of(seedConfig);
        clients.add(seedClient);
        TorrentSession seeder = new TorrentSession(seedClient, torrent, seedConfig, QUIET);
        Future<Outcome> seeding = threads.submit(seeder::run);
        while (seeder.listenPort() == 0 && !seeding.isDone()) {
            Thread.sleep(5);
        }
        InetSocketAddress seederAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort());

        FakeDht fake = new FakeDht(6999);
        DhtSettings on = new DhtSettings(true, 0, false, List.of(), Optional.empty());
        Config leechConfig = config(dir.resolve("leech"), false).withDht(on);
        assertThat(MetadataStage.hasPeerSources(List.of(), List.of(), leechConfig)).as("the DHT is a source").isTrue();
        Client leech = new Client(InetAddress.getLoopbackAddress(), 0, false, 0, 0, on, c -> fake);
        clients.add(leech);
        MetadataStage stage = new MetadataStage(leech, torrent.infoHash(), List.of(), List.of(), List.of(),
                leechConfig, QUIET);
        Future<MetadataStage.Result> running = threads.submit(stage::run);
        while (fake.searches.isEmpty()) {
            Thread.sleep(5);
        }
        FakeDht.FakeSearch search = fake.searches.get(0);
        assertThat(search.infoHash).isEqualTo(torrent.infoHash());
        assertThat(search.announcePort).as("the metadata stage announces nothing").isZero();
        assertThat(stage.features().dht()).as("the DHT bit while the torrent may be public").isTrue();
        search.sink.peersFound(List.of(seederAddress));

        MetadataStage.Result result = running.get(45, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(Outcome.COMPLETE);
        assertThat(result.torrent().orElseThrow().isPrivate()).isTrue();
        assertThat(result.peers()).as("a private torrent's peers come from its trackers only (BEP 27): the peer "
                + "only the DHT named is not handed to the download").doesNotContain(seederAddress);
        assertThat(search.closed).as("the search ends once the torrent is known private").isTrue();
        assertThat(fake.closed).as("no public torrent is left: the node itself is closed").isTrue();
        assertThat(leech.runningDht()).isEmpty();

        int callsBefore = fake.calls.get();
        stage.dhtNodeLearnt(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000));
        assertThat(stage.dhtPort()).isZero();
        assertThat(stage.features().dht()).isFalse();
        stage.stats();
        search.sink.peersFound(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)));
        assertThat(fake.added).isEmpty();
        assertThat(fake.calls.get()).as("no DHT call once private").isEqualTo(callsBefore);
        assertThat(fake.searches).hasSize(1);
        seeder.requestStop(Outcome.INTERRUPTED);
        seeding.get(30, TimeUnit.SECONDS);
    }
}
