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
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata stage of a magnet download against an in-process btget seeder (BEP 9 served by a
 * {@link TorrentSession}, fetched by a {@link MetadataStage}), each in a client (process) of its own on loopback.
 */
@Timeout(60)
class MetadataStageTest {
    @TempDir
    Path dir;

    private final List<Client> clients = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final List<Stats> metadataStats = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        threads.shutdownNow();
        clients.forEach(Client::close);
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static Config config(Path out, List<InetSocketAddress> peers, boolean seedOnly) {
        return new Config(out, InetAddress.getLoopbackAddress(), 0, 50, 4, List.of(), peers, Duration.ofSeconds(30),
                0, 0, seedOnly ? Config.SeedPolicy.FOREVER : Config.SeedPolicy.NONE, 1, seedOnly);
    }

    private final SessionListener listener = new SessionListener() {
        @Override
        public synchronized void stats(Stats stats) {
            if (stats.isMetadata()) {
                metadataStats.add(stats);
            }
        }

        @Override
        public synchronized void event(String type, String message, Map<String, Object> fields) {
            Map<String, Object> e = new java.util.LinkedHashMap<>(fields);
            e.put("type", type);
            events.add(e);
        }
    };

    private Client client(Config c) {
        Client client = Client.of(c);
        clients.add(client);
        return client;
    }

    @Test
    void fetchesTheInfoDictionaryFromASeederKnownOnlyByAddress() throws Exception {
        Path seedDir = dir.resolve("seed");
        Files.createDirectories(seedDir);
        byte[] data = new byte[30 * 1024 * 1024 + 123]; // 1921 pieces: an info dictionary of three 16 KiB metadata pieces
        new Random(5).nextBytes(data);
        Files.write(seedDir.resolve("file.bin"), data);
        Torrent torrent = new TorrentBuilder(seedDir.resolve("file.bin")).pieceLength(Optional.of(16 * 1024))
                .build((done, total) -> { }).torrent();
        assertThat(torrent.infoBytes().length).isGreaterThan(2 * 16 * 1024);

        Config seedConfig = config(seedDir, List.of(), true);
        TorrentSession seeder = new TorrentSession(client(seedConfig), torrent, seedConfig, listener);
        Future<Outcome> seeding = threads.submit(seeder::run);
        for (int i = 0; i < 3000 && seeder.listenPort() == 0 && !seeding.isDone(); i++) {
            Thread.sleep(10);
        }
        InetSocketAddress seederAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort());

        Config leechConfig = config(dir.resolve("leech"), List.of(), false);
        Client leech = client(leechConfig);
        MetadataStage stage = new MetadataStage(leech, torrent.infoHash(), List.of(), List.of(),
                List.of(seederAddress), leechConfig, listener);
        MetadataStage.Result result = stage.run();

        assertThat(result.outcome()).isEqualTo(Outcome.COMPLETE);
        Torrent fetched = result.torrent().orElseThrow();
        assertThat(fetched.infoHash()).isEqualTo(torrent.infoHash());
        assertThat(fetched.infoBytes()).isEqualTo(torrent.infoBytes());
        assertThat(fetched.pieceCount()).isEqualTo(torrent.pieceCount());
        assertThat(result.peers()).contains(seederAddress);
        synchronized (listener) {
            assertThat(events).anyMatch(e -> e.get("type").equals("metadata_received")
                    && e.get("pieces").equals(torrent.pieceCount()) && e.get("pieceCount").equals(torrent.pieceCount())
                    && e.get("totalSize").equals(torrent.totalLength())
                    && e.get("infoHash").equals(torrent.infoHash().hex()));
            // the stage tells where it listens, like the download stage
            assertThat(events).anyMatch(e -> e.get("type").equals("listening")
                    && torrent.infoHash().hex().equals(e.get("infoHash")) && e.get("port").equals(leech.listen()));
            // and its progress: the last line has every metadata piece, from a peer that has ut_metadata
            int metadataPieces = (torrent.infoBytes().length + 16 * 1024 - 1) / (16 * 1024);
            assertThat(metadataStats).isNotEmpty();
            Stats last = metadataStats.get(metadataStats.size() - 1);
            assertThat(last.pieceCount()).isEqualTo(metadataPieces);
            assertThat(last.piecesHave()).isEqualTo(metadataPieces);
            assertThat(last.peersConnected()).isGreaterThanOrEqualTo(1);
            assertThat(last.utMetadataPeers()).isGreaterThanOrEqualTo(1);
            assertThat(metadataStats).allMatch(st -> st.totalBytes() == 0 && st.piecesHave() <= st.pieceCount());
        }

        // Between the stages an incoming peer is held for the download stage, not refused.
        java.util.concurrent.CompletableFuture<io.btget.peer.Handshake.Start> handedOver =
                new java.util.concurrent.CompletableFuture<>();
        assertThat(result.handover()).isNotNull();
        try (java.net.Socket peer = new java.net.Socket(InetAddress.getLoopbackAddress(), leech.listen())) {
            peer.getOutputStream().write(io.btget.peer.Handshake.ours(torrent.infoHash(),
                    io.btget.peer.PeerId.generate(new Random(1)), true).encode());
            result.handover().handTo((transport, start) -> {
                handedOver.complete(start);
                transport.close();
                return true;
            });
            assertThat(handedOver.get(10, TimeUnit.SECONDS).infoHash()).isEqualTo(torrent.infoHash());
        }
        seeder.requestStop(Outcome.INTERRUPTED);
        assertThat(seeding.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.INTERRUPTED);
    }

    @Test
    void theStallClockCountsFromTheLastAcceptedMetadataPiece() {
        Config c = config(dir, List.of(), false); // stall time-out 30 s
        MetadataStage stage = new MetadataStage(client(c), new io.btget.metainfo.InfoHash(new byte[20]), List.of(),
                List.of(), List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)), c, listener);
        long t0 = 1_000_000_000L;
        long timeout = Duration.ofSeconds(30).toNanos();
        stage.markProgress(t0);
        assertThat(stage.stalled(t0 + timeout)).isFalse();
        assertThat(stage.stalled(t0 + timeout + 1)).isTrue();
        stage.markProgress(t0 + timeout - 1); // a piece, just in time
        assertThat(stage.stalled(t0 + timeout + 1)).as("slow but steady").isFalse();
        assertThat(stage.stalled(t0 + 2 * timeout)).isTrue();
    }

    @Test
    void aMagnetWithNoTrackerNoPeerAndNoPeerOptionHasNowhereToLook() {
        Config c = config(dir, List.of(), false);
        assertThat(MetadataStage.hasPeerSources(List.of(), List.of(), c)).isFalse();
        assertThat(MetadataStage.hasPeerSources(List.of(List.of("http://127.0.0.1:1/announce")), List.of(), c)).isTrue();
        assertThat(MetadataStage.hasPeerSources(List.of(), List.of(new InetSocketAddress("127.0.0.1", 1)), c)).isTrue();
    }

    @Test
    void stopsWhenAskedWhileNoPeerAnswers() throws Exception {
        Config c = config(dir.resolve("x"), List.of(), false);
        // a port nobody listens on: dials fail, the stage waits until stopped
        MetadataStage stage = new MetadataStage(client(c), new io.btget.metainfo.InfoHash(new byte[20]), List.of(),
                List.of(), List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)), c, listener);
        Future<MetadataStage.Result> running = threads.submit(stage::run);
        stage.requestStop(Outcome.INTERRUPTED);
        MetadataStage.Result r = running.get(20, TimeUnit.SECONDS);
        assertThat(r.torrent()).isEmpty();
        assertThat(r.outcome()).isEqualTo(Outcome.INTERRUPTED);
    }
}
