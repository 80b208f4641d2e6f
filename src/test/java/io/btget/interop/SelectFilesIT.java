package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Torrent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12, choosing files: btget downloads a selection out of a multi-file torrent seeded by a real client. Only
 * the selected files appear in the user's tree (the bytes of neighbours that share a piece with them are in the
 * hidden part file), their bytes are the source's, and completion, verify and a rerun understand the selection.
 */
@Tag("interop")
@Timeout(240)
class SelectFilesIT extends InteropTestBase {
    private static final Duration RUN = Duration.ofSeconds(90);
    /** Two files that each share pieces with neighbours (32 KiB pieces over Payloads.tree). */
    private static final Set<String> CHOSEN = Set.of("sub/b.bin", "z/last.bin");

    /** 1-based indexes, as 'btget info' shows them, of {@code paths} in the torrent. */
    private static String indexes(Torrent t, Set<String> paths) {
        List<FileEntry> files = t.userFiles();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < files.size(); i++) {
            if (paths.contains(files.get(i).displayPath())) {
                sb.append(sb.isEmpty() ? "" : ",").append(i + 1);
            }
        }
        return sb.toString();
    }

    private static Set<String> regularFiles(Path root) {
        return root.toFile().exists() ? Payloads.files(root, p -> true) : new TreeSet<>();
    }

    private static void assertSelectedIdentical(Path payload, Path tree, Set<String> chosen) throws Exception {
        assertThat(regularFiles(tree)).as("files in the user's tree").containsExactlyInAnyOrderElementsOf(chosen);
        for (String f : chosen) {
            assertThat(Files.mismatch(payload.resolve(f), tree.resolve(f))).as(f).isEqualTo(-1L);
        }
    }

    @Test
    void downloadsASelectionFromAria2ThenVerifiesItThenARerunFetchesTheRest() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 51);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15);
        Torrent t = Torrents.parse(torrent);
        int aria2Port = Ports.free();
        ManagedProcess aria2 = aria2Seed(torrent, seedDir, aria2Port);
        aria2.awaitOutput("listening on TCP port", Duration.ofSeconds(30)); // printed once the data is verified
        String select = indexes(t, CHOSEN);

        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "--select-file", select, "-d",
                out.toString(), "-p", Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + aria2Port, "--no-dht",
                "--stall-timeout", "30s");
        assertThat(btget.awaitExit(RUN)).as("btget exit code%s", logsOf(btget, aria2)).isZero();
        Map<String, Object> done = btget.last();
        assertThat(done.get("event")).isEqualTo("complete");
        long selected = Files.size(payload.resolve("sub/b.bin")) + Files.size(payload.resolve("z/last.bin"));
        assertThat(BtgetProcess.number(done, "totalBytes")).as("wanted bytes: whole pieces of the selection")
                .isBetween(selected, selected + 4L * t.pieceLength()).isLessThan(t.totalLength());
        Map<String, Object> started = btget.firstEvent("started").orElseThrow();
        assertThat(BtgetProcess.number(started, "selectedFiles")).isEqualTo(2);
        assertSelectedIdentical(payload, out.resolve("tree"), CHOSEN);
        Path parts = out.resolve(".btget").resolve(t.infoHash().hex() + ".parts");
        assertThat(parts).as("the part file with the neighbours' bytes of shared pieces").isRegularFile();

        // verify with the same selection: complete; without it: the rest is missing (exit 6)
        assertThat(BtgetProcess.run(logs(), dir, RUN, "verify", torrent.toString(), "-d", out.toString(),
                "--select-file", select)).as("verify --select-file").isZero();
        assertThat(BtgetProcess.run(logs(), dir, RUN, "verify", torrent.toString(), "-d", out.toString()))
                .as("verify of the whole torrent").isEqualTo(6);

        // another selection by glob: the .bin files under z/ and the text file; the first two files stay as they are
        BtgetProcess second = btget("btget-2", "download", torrent.toString(), "--include", "z/*", "--include",
                "*.txt", "--exclude", "empty.txt", "-d", out.toString(), "-p", Integer.toString(Ports.free()),
                "--peer", "127.0.0.1:" + aria2Port, "--no-dht", "--stall-timeout", "30s");
        assertThat(second.awaitExit(RUN)).as("second selection%s", logsOf(second, aria2)).isZero();
        Set<String> both = new TreeSet<>(CHOSEN);
        both.addAll(List.of("a.txt", "z/big.bin"));
        assertSelectedIdentical(payload, out.resolve("tree"), both);

        // seed --seed-time 0 checks and stops: complete for the selection (exit 0), incomplete for the whole (exit 6;
        // it creates the torrent's empty file, as seed always did, so it comes after the tree checks above)
        assertThat(BtgetProcess.run(logs(), dir, RUN, "seed", torrent.toString(), "-d", out.toString(),
                "--select-file", indexes(t, both), "--seed-time", "0", "--no-dht", "-p", Integer.toString(Ports.free())))
                .as("seed --select-file").isZero();
        assertThat(BtgetProcess.run(logs(), dir, RUN, "seed", torrent.toString(), "-d", out.toString(),
                "--seed-time", "0", "--no-dht", "-p", Integer.toString(Ports.free()))).as("seed of the whole torrent")
                .isEqualTo(6);

        // the whole torrent: only what is missing is fetched, and the part file goes
        BtgetProcess all = btget("btget-all", "download", torrent.toString(), "-d", out.toString(), "-p",
                Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + aria2Port, "--no-dht",
                "--stall-timeout", "30s");
        assertThat(all.awaitExit(RUN)).as("whole torrent%s", logsOf(all, aria2)).isZero();
        Payloads.assertSameTree(payload, out.resolve("tree"));
        assertThat(BtgetProcess.number(all.last(), "downloaded")).as("bytes fetched by the last run")
                .isLessThan(t.totalLength() / 2);
        assertThat(parts).doesNotExist();
    }

    @Test
    void aPartialSelectionSavesAResumeFileThatTheNextRunTrustsForThePiecesItProves() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 52);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15);
        Torrent t = Torrents.parse(torrent);
        int aria2Port = Ports.free();
        ManagedProcess aria2 = aria2Seed(torrent, seedDir, aria2Port);
        aria2.awaitOutput("listening on TCP port", Duration.ofSeconds(30));
        Path out = newDir("out");
        BtgetProcess big = btget("btget-big", "download", torrent.toString(), "--select-file",
                indexes(t, Set.of("z/big.bin")), "-d", out.toString(), "-p", Integer.toString(Ports.free()),
                "--peer", "127.0.0.1:" + aria2Port, "--no-dht", "--stall-timeout", "30s");
        assertThat(big.awaitExit(RUN)).as("z/big.bin alone%s", logsOf(big, aria2)).isZero();

        BtgetProcess all = btget("btget-all", "download", torrent.toString(), "-d", out.toString(), "-p",
                Integer.toString(Ports.free()), "--peer", "127.0.0.1:" + aria2Port, "--no-dht",
                "--stall-timeout", "30s");
        assertThat(all.awaitExit(RUN)).as("whole torrent%s", logsOf(all, aria2)).isZero();
        Payloads.assertSameTree(payload, out.resolve("tree"));
        // z/big.bin's own pieces (700 001 bytes of 32 KiB pieces: 20 not shared with a neighbour) are proved by the
        // first run's resume file; its two shared pieces and every other piece are hashed
        Map<String, Object> resumed = all.firstEvent("resumed").orElseThrow();
        assertThat(BtgetProcess.number(resumed, "trusted")).as("pieces the partial run's resume file proved")
                .isGreaterThanOrEqualTo(19);
        assertThat(BtgetProcess.number(resumed, "hashed")).isLessThan(t.pieceCount());
    }

    @Test
    void aHybridTorrentsPaddingFilesMakeNoPieceSharedSoNoPartFileIsNeeded() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 54);
        // libtorrent's hybrid (v1+v2) torrents align every file to a piece with BEP 47 padding files
        Path torrent = Torrents.libtorrent(dir, payload, "tree", 16384, true);
        Torrent t = Torrents.parse(torrent);
        assertThat(t.files()).anyMatch(FileEntry::padding);
        LibtorrentPeer seeder = libtorrentPeer("libtorrent-seed", seedDir, LibtorrentPeer.Options.torrent(torrent)
                .seed());
        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "--exclude", "z/*", "--exclude",
                "tiny-*", "-d", out.toString(), "-p", Integer.toString(Ports.free()), "--peer",
                "127.0.0.1:" + seeder.port(), "--no-dht", "--stall-timeout", "30s");
        assertThat(btget.awaitExit(RUN)).as("btget exit code%s", logsOf(btget, seeder)).isZero();
        assertSelectedIdentical(payload, out.resolve("tree"),
                Set.of("a.txt", "empty.txt", "sub/b.bin", "sub/deeper/c.bin"));
        assertThat(out.resolve(".btget")).as("no piece holds two real files: nothing for a part file").doesNotExist();
    }

    @Test
    void aWebSeedServesOnlyTheSelectionWhenItIsTheOnlySource() throws Exception {
        Path srv = newDir("srv");
        Path data = Payloads.tree(srv.resolve("tree"), 55);
        try (io.btget.webseed.TestHttpServer server = new io.btget.webseed.TestHttpServer(srv,
                io.btget.webseed.TestHttpServer.Mode.RANGE)) {
            // BEP 19, multi-file form: the URL names the folder that holds the torrent's own folder
            byte[] bytes = new io.btget.metainfo.TorrentBuilder(data).pieceLength(java.util.Optional.of(32 << 10))
                    .webSeeds(List.of(server.url())).build((done, total) -> { }).torrentFile();
            Path torrent = Files.write(dir.resolve("ws.torrent"), bytes);
            Torrent t = Torrents.parse(torrent);
            Path out = newDir("out");
            BtgetProcess btget = btget("btget", "download", torrent.toString(), "--select-file", indexes(t, CHOSEN),
                    "-d", out.toString(), "-p", Integer.toString(Ports.free()), "--no-dht", "--stall-timeout", "30s");
            assertThat(btget.awaitExit(RUN)).as("btget exit code%s", logsOf(btget)).isZero();
            assertSelectedIdentical(data, out.resolve("tree"), CHOSEN);
            long wanted = BtgetProcess.number(btget.last(), "totalBytes");
            assertThat(server.bytesServed()).as("bytes the web seed served").isLessThan(t.totalLength() / 2)
                    .isGreaterThanOrEqualTo(wanted);
        }
    }

    @Test
    void aBadSelectionIsAUsageErrorBeforeAnyNetwork() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 52);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15);
        int files = Torrents.parse(torrent).userFiles().size();
        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", torrent.toString(), "--select-file", "1," + (files + 1),
                "-d", out.toString(), "--peer", "127.0.0.1:9", "--no-dht");
        assertThat(btget.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
        assertThat(btget.process().stderr()).contains("index " + (files + 1) + " is past the torrent's " + files
                + " files");
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void aMagnetWithSelectOnlyDownloadsThoseFilesFromLibtorrent() throws Exception {
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 53);
        Path torrent = Torrents.mktorrent(dir, payload, "tree", 15);
        Torrent t = Torrents.parse(torrent);
        LibtorrentPeer seeder = libtorrentPeer("libtorrent-seed", seedDir, LibtorrentPeer.Options.torrent(torrent)
                .seed());
        // BEP 53 counts from 0 over the info dictionary's list (mktorrent makes no padding files)
        StringBuilder so = new StringBuilder();
        for (String f : CHOSEN) {
            int i = t.files().stream().map(FileEntry::displayPath).toList().indexOf(f);
            so.append(so.isEmpty() ? "" : ",").append(i);
        }
        Path out = newDir("out");
        BtgetProcess btget = btget("btget", "download", Magnets.withPeer(Magnets.of(torrent), seeder.port())
                + "&so=" + so, "-d", out.toString(), "-p", Integer.toString(Ports.free()), "--no-dht",
                "--stall-timeout", "30s");
        assertThat(btget.awaitExit(RUN)).as("btget exit code%s", logsOf(btget, seeder)).isZero();
        assertSelectedIdentical(payload, out.resolve("tree"), CHOSEN);
    }
}
