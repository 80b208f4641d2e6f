package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 9: magnet links (BEP 9) against real clients. btget fetches the info dictionary from libtorrent, aria2c and
 * qbittorrent-nox seeders found through a tracker or an {@code x.pe} address; libtorrent and aria2c fetch it from
 * {@code btget seed}; {@code btget info MAGNET} prints the .torrent's report; {@code --save-torrent} writes it back;
 * metadata once fetched is kept in the state directory. HarnessSelfCheckIT runs the same set-ups with real clients
 * only, so a failure here points at btget.
 */
@Tag("interop")
@Timeout(150)
class MagnetIT extends InteropTestBase {
    private static final Duration DOWNLOAD_TIME = Duration.ofSeconds(100);
    /** The JSON event btget prints once it has fetched and checked a magnet's info dictionary. */
    static final String METADATA_RECEIVED = "metadata_received";
    /** Fields of {@code btget info --json} that come from the info dictionary alone (what a magnet can know). */
    private static final List<String> INFO_DICTIONARY_FIELDS = List.of("name", "infoHash", "infoHashV2", "totalSize",
            "pieceLength", "pieceCount", "private", "multiFile", "files");
    /** Fields of a .torrent outside its info dictionary that no magnet link carries. */
    private static final List<String> NOT_IN_A_MAGNET = List.of("comment", "createdBy", "creationDate");

    @Test
    void downloadsMagnetFromLibtorrentFoundThroughOpentracker() throws Exception {
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 31);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        ManagedProcess seeder = libtorrentSeed(torrent, seedDir, Ports.free());
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", Magnets.withTracker(Magnets.of(torrent),
                tracker.httpAnnounce()), "-d", out.toString(), "-p", Integer.toString(Ports.free()),
                "--stall-timeout", "30s");

        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("tree"), seeder);
        assertThat(btget.events(METADATA_RECEIVED)).as("metadata_received events").hasSize(1);
    }

    @Test
    void downloadsMagnetFromAria2FoundThroughBtgetTracker() throws Exception {
        BtgetTracker tracker = track(BtgetTracker.start(logs(), dir));
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("aria.bin"), 2 * 1024 * 1024 + 777, 32);
        Path torrent = Torrents.mktorrent(dir, payload, "aria", 16, tracker.httpAnnounce());
        // it re-announces every 2 s: whichever of the two announces first, they meet within seconds
        ManagedProcess aria2 = aria2Seed(torrent, seedDir, Ports.free(), "--bt-tracker-interval=2");
        aria2.awaitOutput("listening on TCP port", Duration.ofSeconds(30)); // printed once the data is verified

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", Magnets.withTracker(Magnets.of(torrent),
                tracker.httpAnnounce()), "-d", out.toString(), "-p", Integer.toString(Ports.free()),
                "--stall-timeout", "40s");

        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("aria.bin"), aria2, tracker.process());
    }

    @Test
    void downloadsMagnetFromQbittorrentFoundThroughOpentracker() throws Exception {
        Qbittorrent.require();
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 33);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        Qbittorrent qb = qbittorrent("qbittorrent-seed");
        qb.addTorrent(torrent, seedDir);
        qb.awaitSeeding(hash, Duration.ofSeconds(30));
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", Magnets.withTracker(Magnets.of(torrent),
                tracker.httpAnnounce()), "-d", out.toString(), "-p", Integer.toString(Ports.free()),
                "--stall-timeout", "30s");

        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("tree"), qb);
    }

    @Test
    void bareFormDownloadsMagnetWithOnlyAPeerAddressFromLibtorrent() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("xpe.bin"), 1_500_000, 34);
        Path torrent = Torrents.mktorrent(dir, payload, "xpe", 15);
        LibtorrentPeer seeder = libtorrentPeer("libtorrent-seed", seedDir, LibtorrentPeer.Options.torrent(torrent)
                .seed());

        Path out = newDir("out");
        // no tracker at all: the x.pe address is the only way to the seeder (and to the metadata)
        BtgetProcess btget = btget("btget", Magnets.withPeer(Magnets.of(torrent), seeder.port()), "-d",
                out.toString(), "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");

        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("xpe.bin"), seeder);
        assertThat(seeder.peerLog("==> UT_METADATA")).as("metadata pieces libtorrent sent").isNotEmpty();
    }

    @Test
    void libtorrentDownloadsMagnetFromBtgetSeedFetchingTheMetadataFromIt() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 35);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15);
        int seedPort = Ports.free();
        BtgetProcess seeder = btgetSeed(torrent, seedDir, seedPort);

        Path out = newDir("out");
        LibtorrentPeer libtorrent = libtorrentPeer("libtorrent-magnet", out,
                LibtorrentPeer.Options.magnet(Magnets.withPeer(Magnets.of(torrent), seedPort)).timeoutSeconds(90));

        assertThat(libtorrent.awaitExit(DOWNLOAD_TIME)).as("libtorrent exit code%s", logsOf(libtorrent, seeder))
                .isZero();
        assertThat(libtorrent.process().stdout()).contains("METADATA", "DONE");
        assertThat(libtorrent.peerLog("<== UT_METADATA")).as("metadata messages btget sent").isNotEmpty();
        Payloads.assertSameTree(payload, out.resolve("tree"));
    }

    @Test
    void aria2DownloadsMagnetFromBtgetSeedFoundThroughOpentracker() throws Exception {
        Opentracker tracker = opentracker();
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 36);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15, tracker.httpAnnounce());
        String hash = Torrents.infoHashHex(torrent);
        tracker.allow(hash);
        BtgetProcess seeder = btgetSeed(torrent, seedDir, Ports.free());
        tracker.awaitSeeders(hash, 1, Duration.ofSeconds(30));

        Path out = newDir("out");
        ManagedProcess aria2 = track(Aria2.downloadMagnet(logs(), Magnets.withTracker(Magnets.of(torrent),
                tracker.httpAnnounce()), out, Ports.free(), "--bt-stop-timeout=60"));

        assertThat(aria2.awaitExit(DOWNLOAD_TIME)).as("aria2c exit code%s", logsOf(aria2, seeder)).isZero();
        Payloads.assertSameTree(payload, out.resolve("tree"), n -> n.endsWith(".aria2"));
    }

    @Test
    void infoOfAMagnetPrintsTheReportOfItsTorrent() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 37);
        String tracker = "http://127.0.0.1:9/announce"; // never answers: the seeder is given with --peer
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15, tracker);
        LibtorrentPeer seeder = libtorrentPeer("libtorrent-seed", seedDir, LibtorrentPeer.Options.torrent(torrent)
                .seed());

        Map<String, Object> fromTorrent = infoJson("info-torrent", List.of(torrent.toString()), seeder);
        Map<String, Object> fromMagnet = infoJson("info-magnet", List.of(Magnets.withTracker(Magnets.of(torrent),
                tracker), "--peer", "127.0.0.1:" + seeder.port()), seeder);

        // the same report (files, trackers, magnet link, warnings...) but for what only a .torrent file can hold
        Map<String, Object> expected = new LinkedHashMap<>(fromTorrent);
        NOT_IN_A_MAGNET.forEach(expected::remove);
        Map<String, Object> actual = new LinkedHashMap<>(fromMagnet);
        NOT_IN_A_MAGNET.forEach(actual::remove);
        assertThat(actual).as("btget info MAGNET --json vs FILE.torrent").isEqualTo(expected);
        assertThat(fromMagnet.get("infoHash")).isEqualTo(Torrents.infoHashHex(torrent));
    }

    @Test
    void saveTorrentWritesATorrentWithTheSameInfoDictionary() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 38);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15);
        LibtorrentPeer seeder = libtorrentPeer("libtorrent-seed", seedDir, LibtorrentPeer.Options.torrent(torrent)
                .seed());

        Path out = newDir("out");
        Path saved = dir.resolve("saved.torrent");
        BtgetProcess btget = btget("btget", "download", Magnets.of(torrent), "--peer", "127.0.0.1:" + seeder.port(),
                "--save-torrent", saved.toString(), "-d", out.toString(), "-p", Integer.toString(Ports.free()),
                "--stall-timeout", "30s");
        assertCompleteAndIdentical(btget, torrent, payload, out.resolve("tree"), seeder);

        // the same info hash means the same info dictionary bytes (BEP 9: the hash is over them)
        assertThat(Torrents.infoHashHex(saved)).isEqualTo(Torrents.infoHashHex(torrent));
        assertThat(Torrents.parse(saved).pieceCount()).isEqualTo(Torrents.parse(torrent).pieceCount());
        Map<String, Object> original = infoJson("info-original", List.of(torrent.toString()), btget);
        Map<String, Object> roundTrip = infoJson("info-saved", List.of(saved.toString()), btget);
        assertThat(infoDictionaryFields(roundTrip)).isEqualTo(infoDictionaryFields(original));
        // the saved file is a normal .torrent that drives another run: it finds the data complete
        assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "verify", saved.toString(), "-d",
                out.toString())).as("btget verify with the saved .torrent").isZero();
    }

    @Test
    void aRerunOfTheSameMagnetUsesTheKeptMetadata() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.randomFile(seedDir.resolve("kept.bin"), 1_200_000, 39);
        Path torrent = Torrents.mktorrent(dir, payload, "kept", 15);
        String magnet = Magnets.of(torrent);
        Path out = newDir("out");

        LibtorrentPeer first = libtorrentPeer("libtorrent-seed", seedDir, LibtorrentPeer.Options.torrent(torrent)
                .seed());
        BtgetProcess run1 = btget("btget-1", "download", magnet, "--peer", "127.0.0.1:" + first.port(), "-d",
                out.toString(), "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");
        assertCompleteAndIdentical(run1, torrent, payload, out.resolve("kept.bin"), first);
        assertThat(run1.events(METADATA_RECEIVED)).as("first run fetched the metadata").hasSize(1);
        assertThat(BtgetProcess.stateDir(dir)).as("state dir (BTGET_STATE_DIR)").isNotEmptyDirectory();
        first.close();

        // the data goes, the metadata stays; the only peer now cannot hand out the info dictionary (no ut_metadata)
        Files.delete(out.resolve("kept.bin"));
        LibtorrentPeer second = libtorrentPeer("libtorrent-no-metadata", seedDir,
                LibtorrentPeer.Options.torrent(torrent).noMetadata().seed());
        BtgetProcess run2 = btget("btget-2", "download", magnet, "--peer", "127.0.0.1:" + second.port(), "-d",
                out.toString(), "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");
        assertCompleteAndIdentical(run2, torrent, payload, out.resolve("kept.bin"), second);
        assertThat(run2.events(METADATA_RECEIVED)).as("second run fetched no metadata%s", logsOf(run2)).isEmpty();
    }

    private BtgetProcess btgetSeed(Path torrent, Path seedDir, int port) throws Exception {
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(port));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding");
        return seeder;
    }

    /** {@code btget info ARGS --json}: exit 0 and its one JSON object. */
    private Map<String, Object> infoJson(String name, List<String> args, Object peerForLogs) throws Exception {
        List<String> all = new ArrayList<>(List.of("info"));
        all.addAll(args);
        all.add("--json");
        try (BtgetProcess info = BtgetProcess.start(name, logs(), dir, all)) {
            assertThat(info.awaitExit(Duration.ofSeconds(60))).as("%s exit code%s", name,
                    logsOf(info, peerForLogs)).isZero();
            return info.last();
        }
    }

    static Map<String, Object> infoDictionaryFields(Map<String, Object> report) {
        Map<String, Object> kept = new LinkedHashMap<>();
        for (String field : INFO_DICTIONARY_FIELDS) {
            kept.put(field, report.get(field));
        }
        return kept;
    }

    /** btget exits 0 with a "complete" summary, the data is byte-identical, and {@code btget verify} agrees. */
    void assertCompleteAndIdentical(BtgetProcess btget, Path torrent, Path expected, Path actual, Object... peers)
            throws Exception {
        int code = btget.awaitExit(DOWNLOAD_TIME);
        assertThat(code).as("btget exit code%s", logsOf(btget, peers)).isZero();
        Map<String, Object> summary = btget.last();
        assertThat(summary.get("event")).as("final JSON line %s", summary).isEqualTo("complete");
        assertThat(BtgetProcess.number(summary, "pieces")).isEqualTo(Torrents.parse(torrent).pieceCount());
        Payloads.assertSameTree(expected, actual);
        assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "verify", torrent.toString(), "-d",
                actual.getParent().toString())).as("btget verify exit code").isZero();
    }
}
