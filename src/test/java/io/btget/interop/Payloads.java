package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Generated test data (deterministic per seed) and byte-for-byte comparison of downloaded trees. */
final class Payloads {
    private Payloads() {
    }

    /** A file of {@code length} pseudo-random bytes. */
    static Path randomFile(Path file, long length, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Random random = new Random(seed);
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            long left = length;
            while (left > 0) {
                random.nextBytes(buffer);
                int n = (int) Math.min(buffer.length, left);
                out.write(buffer, 0, n);
                left -= n;
            }
        }
        return file;
    }

    /**
     * A folder that exercises the file layout with 32 KiB (or 16 KiB) pieces: nested folders, an empty file, files
     * smaller than one 16 KiB block, and several small files that share one piece (a piece spanning many files).
     */
    static Path tree(Path root, long seed) throws IOException {
        randomFile(root.resolve("a.txt"), 37, seed);
        Files.createDirectories(root);
        Files.write(root.resolve("empty.txt"), new byte[0]);
        randomFile(root.resolve("sub/b.bin"), 50_000, seed + 1);
        randomFile(root.resolve("sub/deeper/c.bin"), 20_000, seed + 2);
        randomFile(root.resolve("sub/deeper/tiny-1.bin"), 1_000, seed + 3);
        randomFile(root.resolve("sub/deeper/tiny-2.bin"), 5_000, seed + 4);
        randomFile(root.resolve("sub/deeper/tiny-3.bin"), 3, seed + 5);
        randomFile(root.resolve("z/big.bin"), 700_001, seed + 6);
        randomFile(root.resolve("z/last.bin"), 9_999, seed + 7);
        return root;
    }

    /** Every regular file under {@code root}, as relative paths with '/' separators, sorted. */
    static TreeSet<String> files(Path root, Predicate<String> keep) {
        try (Stream<Path> walk = Files.walk(root)) {
            TreeSet<String> names = new TreeSet<>();
            walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(keep).forEach(names::add);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The downloaded tree holds exactly the expected files (same names, including empty files) with identical bytes.
     * {@code ignore} names files a client keeps beside the data (aria2's control files, for instance).
     */
    static void assertSameTree(Path expected, Path actual, Predicate<String> ignore) throws IOException {
        assertThat(actual).as("downloaded data").exists();
        if (Files.isRegularFile(expected)) {
            assertThat(Files.mismatch(expected, actual)).as("first differing byte of %s", actual).isEqualTo(-1L);
            return;
        }
        TreeSet<String> want = files(expected, n -> true);
        TreeSet<String> got = files(actual, ignore.negate());
        assertThat(List.copyOf(got)).as("files under %s", actual).isEqualTo(List.copyOf(want));
        for (String name : want) {
            assertThat(Files.mismatch(expected.resolve(name), actual.resolve(name)))
                    .as("first differing byte of %s", name).isEqualTo(-1L);
        }
    }

    static void assertSameTree(Path expected, Path actual) throws IOException {
        assertSameTree(expected, actual, n -> false);
    }
}
