package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code verify} over data the user linked into place: reads follow the links (as {@code create} does), and each
 * file's label is proven by its own evidence.
 */
@Timeout(60)
class LinkedDataTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** path -> status of every file in the last verify --json report. */
    private Map<String, String> statuses() {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher matcher = Pattern.compile("\"path\":\"([^\"]*)\",\"length\":\\d+,\"status\":\"([a-z-]+)\"")
                .matcher(out.toString());
        while (matcher.find()) {
            m.put(matcher.group(1), matcher.group(2));
        }
        return m;
    }

    private static void write(Path file, int length, long seed) throws Exception {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        Files.createDirectories(file.getParent());
        Files.write(file, b);
    }

    /** tree/{a.bin, b.bin, sub/c.bin, sub/d.bin}: 16 KiB pieces, every file boundary inside a piece. */
    private Path tree() throws Exception {
        Path tree = dir.resolve("tree");
        write(tree.resolve("a.bin"), 20_000, 1);
        write(tree.resolve("b.bin"), 30_000, 2);
        write(tree.resolve("sub/c.bin"), 25_000, 3);
        write(tree.resolve("sub/d.bin"), 10_000, 4);
        return tree;
    }

    private Path create(Path tree) {
        Path torrent = dir.resolve("t.torrent");
        assertThat(run("create", tree.toString(), "--piece-size", "16K", "-o", torrent.toString(), "--progress", "none"))
                .as(err.toString()).isZero();
        out.getBuffer().setLength(0);
        return torrent;
    }

    private int verify(Path torrent) {
        out.getBuffer().setLength(0);
        return run("verify", torrent.toString(), "-d", dir.toString(), "--json");
    }

    @Test
    void verifiesFilesLinkedFromAStoreAndALinkedSubFolder() throws Exception {
        Path tree = tree();
        Path torrent = create(tree);
        // move the data into a store and link it back: two file links and one folder link
        Path store = Files.createDirectories(dir.resolve("store"));
        Files.move(tree.resolve("a.bin"), store.resolve("a.bin"));
        Files.move(tree.resolve("b.bin"), store.resolve("b.bin"));
        Files.move(tree.resolve("sub"), store.resolve("sub"));
        Files.createSymbolicLink(tree.resolve("a.bin"), store.resolve("a.bin"));
        Files.createSymbolicLink(tree.resolve("b.bin"), Path.of("../store/b.bin"));
        Files.createSymbolicLink(tree.resolve("sub"), store.resolve("sub"));

        assertThat(verify(torrent)).as(out + "\n" + err).isZero();
        assertThat(statuses()).containsOnly(Map.entry("a.bin", "ok"), Map.entry("b.bin", "ok"),
                Map.entry("sub/c.bin", "ok"), Map.entry("sub/d.bin", "ok"));
    }

    @Test
    void createThenVerifyOfATreeBuiltFromLinksRoundTrips() throws Exception {
        Path store = dir.resolve("store");
        write(store.resolve("a.bin"), 20_000, 1);
        write(store.resolve("sub/c.bin"), 25_000, 3);
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.createSymbolicLink(tree.resolve("a.bin"), store.resolve("a.bin"));
        Files.createSymbolicLink(tree.resolve("sub"), store.resolve("sub"));
        write(tree.resolve("plain.bin"), 5_000, 5);
        Path torrent = create(tree);

        assertThat(verify(torrent)).as(out + "\n" + err).isZero();
        assertThat(statuses()).hasSize(3).allSatisfy((k, v) -> assertThat(v).isEqualTo("ok"));
    }

    @Test
    void aCorrectFileNextToAMissingOneIsUncheckedNotCorrupt() throws Exception {
        Path tree = tree();
        Path torrent = create(tree);
        Files.delete(tree.resolve("a.bin"));

        assertThat(verify(torrent)).isEqualTo(6);
        // b.bin shares its first piece with the missing a.bin: that piece cannot be checked, b.bin is not at fault
        assertThat(statuses()).containsEntry("a.bin", "missing").containsEntry("b.bin", "unchecked")
                .containsEntry("sub/c.bin", "ok").containsEntry("sub/d.bin", "ok");
    }

    @Test
    void aBadByteInAPieceOfOneFileIsCorruptButInASharedPieceBothAreSuspect() throws Exception {
        Path tree = tree();
        Path torrent = create(tree);
        // b.bin spans bytes 20000..50000; piece 2 (32768..49152) lies in b.bin alone
        flip(tree.resolve("b.bin"), 40_000 - 20_000);
        assertThat(verify(torrent)).isEqualTo(6);
        assertThat(statuses()).containsEntry("b.bin", "corrupt").containsEntry("a.bin", "ok")
                .containsEntry("sub/c.bin", "ok");

        flip(tree.resolve("b.bin"), 40_000 - 20_000); // undo
        flip(tree.resolve("a.bin"), 19_000); // piece 1 (16384..32768) holds the end of a.bin and the start of b.bin
        assertThat(verify(torrent)).isEqualTo(6);
        assertThat(statuses()).containsEntry("a.bin", "suspect").containsEntry("b.bin", "suspect")
                .containsEntry("sub/c.bin", "ok").containsEntry("sub/d.bin", "ok");
    }

    @Test
    void aDanglingLinkAndALinkLoopAreBrokenLinks() throws Exception {
        Path tree = tree();
        Path torrent = create(tree);
        Files.delete(tree.resolve("a.bin"));
        Files.createSymbolicLink(tree.resolve("a.bin"), dir.resolve("nowhere"));
        Path sub = tree.resolve("sub");
        Files.move(sub, dir.resolve("sub-moved"));
        Files.createSymbolicLink(sub, sub); // a loop

        assertThat(verify(torrent)).as(err.toString()).isEqualTo(6);
        assertThat(statuses()).containsEntry("a.bin", "broken-link").containsEntry("sub/c.bin", "broken-link")
                .containsEntry("sub/d.bin", "broken-link").containsEntry("b.bin", "unchecked");
        assertThat(out.toString()).doesNotContain("\"corrupt\"");
    }

    @Test
    void aLinkToAFolderWhereTheTorrentHasAFileIsNotAFile() throws Exception {
        Path tree = tree();
        Path torrent = create(tree);
        Files.delete(tree.resolve("a.bin"));
        Files.createSymbolicLink(tree.resolve("a.bin"), Files.createDirectories(dir.resolve("adir")));
        assertThat(verify(torrent)).isEqualTo(6);
        assertThat(statuses()).containsEntry("a.bin", "not-a-file");
    }

    private static void flip(Path file, int at) throws Exception {
        byte[] b = Files.readAllBytes(file);
        b[at] ^= 1;
        Files.write(file, b);
    }
}
