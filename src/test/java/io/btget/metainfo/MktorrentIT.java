package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code btget create} (the built jar) must produce the same info hash as mktorrent 1.1 for the same data. */
@Tag("interop")
@Timeout(120)
class MktorrentIT {
    private static final String TRACKER = "http://127.0.0.1:6969/announce";

    @TempDir
    Path dir;

    private static void run(Path workDir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("log-" + System.nanoTime() + ".txt").toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished in time", command).isTrue();
            assertThat(p.exitValue()).as("exit code of %s", command).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<String> btget(String... args) {
        String jar = System.getProperty("btget.jar", "target/btget.jar");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of(jar).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void write(Path file, int length, Random random) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] data = new byte[length];
        random.nextBytes(data);
        Files.write(file, data);
    }

    private Path generatedTree() throws IOException {
        Random random = new Random(42);
        Path root = dir.resolve("tree");
        write(root.resolve("a.txt"), 100, random);
        write(root.resolve("a-b.bin"), 70_000, random);
        write(root.resolve("a/z/deep.bin"), 33_333, random);
        write(root.resolve("B/upper.bin"), 1, random);
        write(root.resolve(".hidden/dot"), 5_000, random);
        write(root.resolve("Grüße ✓/ü.bin"), 12_345, random);
        write(root.resolve("empty"), 0, random);
        write(root.resolve("big.bin"), 300_001, random);
        return root;
    }

    private InfoHash hashOf(Path torrent) throws IOException {
        return Torrent.parse(Files.readAllBytes(torrent)).infoHash();
    }

    private void assertSameInfoHash(Path source, int log2PieceLength, boolean isPrivate) throws Exception {
        Path theirs = dir.resolve("mktorrent-" + log2PieceLength + ".torrent");
        Path ours = dir.resolve("btget-" + log2PieceLength + ".torrent");
        List<String> mk = new ArrayList<>(List.of("mktorrent", "-l", Integer.toString(log2PieceLength), "-a", TRACKER,
                "-o", theirs.toString()));
        List<String> bt = new ArrayList<>(btget("create", source.toString(), "--piece-size",
                Integer.toString(1 << log2PieceLength), "-t", TRACKER, "-o", ours.toString()));
        if (isPrivate) {
            mk.add("-p");
            bt.add("--private");
        }
        mk.add(source.toString());
        run(dir, mk);
        run(dir, bt);
        assertThat(hashOf(ours)).isEqualTo(hashOf(theirs));
        Torrent t = Torrent.parse(Files.readAllBytes(ours));
        assertThat(t.userFiles()).extracting(FileEntry::displayPath)
                .isEqualTo(Torrent.parse(Files.readAllBytes(theirs)).userFiles().stream()
                        .map(FileEntry::displayPath).toList());
    }

    @Test
    void directoryGivesTheSameInfoHashAsMktorrent() throws Exception {
        assertSameInfoHash(generatedTree(), 15, false);
    }

    @Test
    void privateDirectoryWithLargePiecesGivesTheSameInfoHashAsMktorrent() throws Exception {
        assertSameInfoHash(generatedTree(), 18, true);
    }

    @Test
    void singleFileGivesTheSameInfoHashAsMktorrent() throws Exception {
        Path file = dir.resolve("single.bin");
        write(file, 200_000, new Random(7));
        assertSameInfoHash(file, 16, false);
    }
}
