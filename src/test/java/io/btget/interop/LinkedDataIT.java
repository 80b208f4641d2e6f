package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The built jar over data the user linked into place: {@code seed} serves it to a real peer (another btget), a
 * {@code download} resumes around it without writing through any link, and one that would have to write through a
 * link is refused before any data moves.
 */
@Timeout(180)
class LinkedDataIT extends InteropTestBase {

    /** store/{a.txt, sub/..., z/...}: the data; tree/ links to it (one file link, one folder link) plus one plain file. */
    private Path linkedTree(Path parent) throws Exception {
        Path store = Payloads.tree(parent.resolve("store"), 23);
        Path tree = Files.createDirectories(parent.resolve("tree"));
        try (var files = Files.list(store)) {
            for (Path p : files.toList()) {
                Files.createSymbolicLink(tree.resolve(p.getFileName().toString()), p);
            }
        }
        Payloads.randomFile(tree.resolve("plain.bin"), 100_000, 5);
        return tree;
    }

    private Path create(Path source) throws Exception {
        Path torrent = dir.resolve("t.torrent");
        assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "create", source.toString(), "-o",
                torrent.toString(), "--piece-size", "16K")).isZero();
        return torrent;
    }

    @Test
    void seedServesDataReachedThroughTheUsersLinks() throws Exception {
        Path seedDir = newDir("seed");
        Path tree = linkedTree(seedDir);
        Path torrent = create(tree);
        assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "verify", torrent.toString(), "-d",
                seedDir.toString())).as("verify of a tree btget just made").isZero();

        int port = Ports.free();
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(), "-p",
                Integer.toString(port));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(60), "seeding");
        Path out = newDir("out");
        BtgetProcess leecher = btget("btget-get", "download", torrent.toString(), "-d", out.toString(), "--peer",
                "127.0.0.1:" + port, "-p", Integer.toString(Ports.free()), "--stall-timeout", "60s");
        assertThat(leecher.awaitExit(Duration.ofSeconds(120))).as(leecher.process().describe()).isZero();
        Path expected = Payloads.tree(dir.resolve("expected/tree"), 23);
        Payloads.randomFile(expected.resolve("plain.bin"), 100_000, 5);
        Payloads.assertSameTree(expected, out.resolve("tree"));
    }

    @Test
    void downloadResumesAroundCompleteLinkedDataAndLeavesTheLinksAndTheStoreAlone() throws Exception {
        Path seedDir = newDir("seed");
        Path full = Payloads.tree(seedDir.resolve("tree"), 23);
        Payloads.randomFile(full.resolve("plain.bin"), 100_000, 5);
        Path torrent = create(full);
        int port = Ports.free();
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(), "-p",
                Integer.toString(port));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(60), "seeding");

        // the user already has everything but plain.bin, in a store linked into the output folder
        Path out = newDir("out");
        Path tree = linkedTree(out);
        Files.delete(tree.resolve("plain.bin"));
        Path store = out.resolve("store");
        long storeModified = Files.getLastModifiedTime(store.resolve("a.txt")).toMillis();
        BtgetProcess leecher = btget("btget-get", "download", torrent.toString(), "-d", out.toString(), "--peer",
                "127.0.0.1:" + port, "-p", Integer.toString(Ports.free()), "--stall-timeout", "60s");
        assertThat(leecher.awaitExit(Duration.ofSeconds(120))).as(leecher.process().describe()).isZero();
        for (String name : Payloads.files(full, n -> true)) {
            // read through the links: every file of the torrent is there, with the seeder's bytes
            assertThat(Files.mismatch(full.resolve(name), tree.resolve(name))).as(name).isEqualTo(-1L);
        }
        assertThat(Files.isSymbolicLink(tree.resolve("a.txt"))).isTrue();
        assertThat(Files.getLastModifiedTime(store.resolve("a.txt")).toMillis()).isEqualTo(storeModified);
    }

    @Test
    void aDownloadThatWouldWriteThroughALinkLeavingTheFolderIsRefusedBeforeAnyDataMoves() throws Exception {
        Path src = newDir("src");
        Path full = Payloads.tree(src.resolve("tree"), 23);
        Path torrent = create(full);
        Path outside = newDir("outside");
        Files.write(outside.resolve("target"), new byte[] {1, 2, 3});
        Path out = newDir("out");
        Path tree = Files.createDirectories(out.resolve("tree"));
        Files.createSymbolicLink(tree.resolve("a.txt"), outside.resolve("target"));

        BtgetProcess leecher = btget("btget-get", "download", torrent.toString(), "-d", out.toString(), "--peer",
                "127.0.0.1:9", "-p", Integer.toString(Ports.free()));
        assertThat(leecher.awaitExit(Duration.ofSeconds(60))).as(leecher.process().describe()).isEqualTo(5);
        assertThat(leecher.process().stdout()).contains("symbolic link " + tree.resolve("a.txt"));
        assertThat(Files.readAllBytes(outside.resolve("target"))).containsExactly(1, 2, 3);
        try (var left = Files.list(tree)) {
            assertThat(left).containsExactly(tree.resolve("a.txt"));
        }
    }

    @Test
    void theTorrentsOwnFolderLinkedOutOfTheOutputFolderIsReadThroughButNeverWrittenThrough() throws Exception {
        Path src = newDir("src");
        Path full = Payloads.tree(src.resolve("tree"), 23);
        Path torrent = create(full);

        // out/tree (the torrent's own folder) links to an empty folder elsewhere: nothing may land there
        Path outside = newDir("outside");
        Path out = newDir("out");
        Files.createSymbolicLink(out.resolve("tree"), outside);
        BtgetProcess leecher = btget("btget-get", "download", torrent.toString(), "-d", out.toString(), "--peer",
                "127.0.0.1:9", "-p", Integer.toString(Ports.free()));
        assertThat(leecher.awaitExit(Duration.ofSeconds(60))).as(leecher.process().describe()).isEqualTo(5);
        assertThat(leecher.process().stdout()).contains("symbolic link " + out.resolve("tree"));
        assertThat(outside).isEmptyDirectory();

        // the same link to the complete data: verify and seed read through it
        Path seedDir = newDir("seed");
        Path store = Payloads.tree(dir.resolve("store/tree"), 23);
        Files.createSymbolicLink(seedDir.resolve("tree"), store);
        assertThat(BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "verify", torrent.toString(), "-d",
                seedDir.toString())).as("verify through the linked torrent folder").isZero();
        int port = Ports.free();
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(), "-p",
                Integer.toString(port));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(60), "seeding");
        Path got = newDir("got");
        BtgetProcess getter = btget("btget-get2", "download", torrent.toString(), "-d", got.toString(), "--peer",
                "127.0.0.1:" + port, "-p", Integer.toString(Ports.free()), "--stall-timeout", "60s");
        assertThat(getter.awaitExit(Duration.ofSeconds(120))).as(getter.process().describe()).isZero();
        Payloads.assertSameTree(full, got.resolve("tree"));
        Payloads.assertSameTree(full, store);
    }
}
