package io.btget.hostile;

import static io.btget.hostile.Ben.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed or dangerous .torrent shape, given to the built jar as {@code info X} and {@code download X -d D}:
 * each must end with exit 3, exactly one line on stderr, no stack trace, and nothing created in the output directory.
 * The cases share nothing (a folder each, port 0) and spend their time starting JVMs, so they run two at a time.
 */
@Tag("interop")
@Timeout(30)
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class MalformedTorrentIT {
    private static final int PIECE = 16384;

    @TempDir
    Path dir;

    /** A valid single-file info dictionary: 40000 bytes in 3 pieces of 16 KiB. */
    private static Map<String, Object> single() {
        return map("length", 40000, "name", "x.bin", "piece length", PIECE, "pieces", new byte[3 * 20]);
    }

    /** A valid multi-file info dictionary named "folder" holding the given path/length pairs. */
    private static Map<String, Object> multi(Object... pathAndLength) {
        List<Object> files = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < pathAndLength.length; i += 2) {
            long length = ((Number) pathAndLength[i + 1]).longValue();
            files.add(map("length", length, "path", pathAndLength[i]));
            total += length;
        }
        long pieces = Math.max(1, (total + PIECE - 1) / PIECE);
        return map("files", files, "name", "folder", "piece length", PIECE,
                "pieces", new byte[(int) Math.min(pieces * 20, 1 << 20)]);
    }

    private static byte[] torrent(Map<String, Object> info) {
        return Ben.encode(map("announce", "http://127.0.0.1:9/announce", "info", info));
    }

    private static byte[] with(Consumer<Map<String, Object>> change) {
        Map<String, Object> info = single();
        change.accept(info);
        return torrent(info);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static Arguments bad(String name, byte[] bytes) {
        return Arguments.of(name, bytes);
    }

    static Stream<Arguments> malformed() {
        byte[] valid = torrent(single());
        List<Arguments> cases = new ArrayList<>();
        // ---- bencode ----
        cases.add(bad("empty file", new byte[0]));
        cases.add(bad("truncated in the middle", java.util.Arrays.copyOf(valid, valid.length / 2)));
        cases.add(bad("truncated by one byte", java.util.Arrays.copyOf(valid, valid.length - 1)));
        cases.add(bad("text junk", ascii("this is not a torrent\n")));
        cases.add(bad("binary junk", new byte[] {(byte) 0xff, 0, 1, 2, (byte) 0x80, 'd', 'e'}));
        cases.add(bad("html page", ascii("<html><body>404 Not Found</body></html>")));
        cases.add(bad("nesting 100000 lists deep", concat(ascii("l".repeat(100_000)), ascii("e".repeat(100_000)))));
        cases.add(bad("nesting 65 dictionaries deep", ascii("d1:a".repeat(65) + "i1e" + "e".repeat(65))));
        cases.add(bad("integer with 40 digits", ascii("d1:ai" + "9".repeat(40) + "ee")));
        cases.add(bad("integer with leading zero", ascii("d1:ai03ee")));
        cases.add(bad("negative zero", ascii("d1:ai-0ee")));
        cases.add(bad("empty integer", ascii("d1:aiee")));
        cases.add(bad("string length beyond the input", ascii("d4:info999999999:x")));
        cases.add(bad("string length overflowing int", ascii("d4:info99999999999999999999:x")));
        cases.add(bad("negative string length", ascii("d4:info-5:abcdee")));
        cases.add(bad("trailing bytes after the torrent", concat(valid, ascii("garbage"))));
        cases.add(bad("two torrents back to back", concat(valid, valid)));
        cases.add(bad("unsorted dictionary keys", ascii("d4:infod1:zi1e1:ai1eee")));
        cases.add(bad("duplicate dictionary keys", ascii("d4:infoi1e4:infoi2ee")));
        cases.add(bad("dictionary key that is not a string", ascii("di1ei2ee")));
        // ---- wrong types ----
        cases.add(bad("top level is a list", Ben.encode(List.of(single()))));
        cases.add(bad("info is a string", Ben.encode(map("info", "x"))));
        cases.add(bad("name is an integer", with(i -> i.put("name", 7))));
        cases.add(bad("piece length is a string", with(i -> i.put("piece length", "16384"))));
        cases.add(bad("pieces is an integer", with(i -> i.put("pieces", 0))));
        cases.add(bad("length is a string", with(i -> i.put("length", "40000"))));
        cases.add(bad("files is a dictionary", torrent(map("files", map("a", 1), "name", "f", "piece length", PIECE,
                "pieces", new byte[20]))));
        cases.add(bad("a path is a string, not a list", torrent(multi("a.bin", 10))));
        cases.add(bad("a path component is an integer", torrent(multi(List.of(5), 10))));
        // ---- missing and contradictory fields ----
        cases.add(bad("no info dictionary", Ben.encode(map("announce", "http://127.0.0.1:9/announce"))));
        cases.add(bad("no name", with(i -> i.remove("name"))));
        cases.add(bad("no piece length", with(i -> i.remove("piece length"))));
        cases.add(bad("no pieces", with(i -> i.remove("pieces"))));
        cases.add(bad("neither length nor files", with(i -> i.remove("length"))));
        cases.add(bad("both length and files", with(i -> i.put("files", List.of(map("length", 1, "path", List.of("a")))))));
        cases.add(bad("empty files list", torrent(map("files", List.of(), "name", "f", "piece length", PIECE,
                "pieces", new byte[20]))));
        cases.add(bad("total length zero", with(i -> {
            i.put("length", 0);
            i.put("pieces", new byte[0]);
        })));
        cases.add(bad("fewer hashes than pieces", with(i -> i.put("pieces", new byte[2 * 20]))));
        cases.add(bad("more hashes than pieces", with(i -> i.put("pieces", new byte[4 * 20]))));
        cases.add(bad("pieces not a multiple of 20 bytes", with(i -> i.put("pieces", new byte[59]))));
        // ---- sizes ----
        cases.add(bad("negative length", with(i -> i.put("length", -1))));
        cases.add(bad("length Long.MAX_VALUE", with(i -> i.put("length", Long.MAX_VALUE))));
        cases.add(bad("file lengths whose sum overflows", torrent(multi(List.of("a"), Long.MAX_VALUE, List.of("b"),
                Long.MAX_VALUE))));
        cases.add(bad("petabyte file with too few hashes", with(i -> i.put("length", 1L << 50))));
        cases.add(bad("piece length zero", with(i -> i.put("piece length", 0))));
        cases.add(bad("piece length negative", with(i -> i.put("piece length", -16384))));
        cases.add(bad("piece length 1 GiB", with(i -> i.put("piece length", 1 << 30))));
        cases.add(bad("piece length beyond int", with(i -> i.put("piece length", 1L << 40))));
        // ---- paths ----
        cases.add(bad("path component ..", torrent(multi(List.of("..", "..", "etc", "passwd"), 10))));
        cases.add(bad("name ..", with(i -> i.put("name", ".."))));
        cases.add(bad("empty name", with(i -> i.put("name", ""))));
        cases.add(bad("name with NUL", with(i -> i.put("name", "x\0.bin"))));
        cases.add(bad("path component with NUL", torrent(multi(List.of("a\0b"), 10))));
        cases.add(bad("path of only empty and . components", torrent(multi(List.of("", ".", ""), 10))));
        cases.add(bad("two files at one path", torrent(multi(List.of("a"), 10, List.of("a"), 20))));
        cases.add(bad("two files at one path after sanitising", torrent(multi(List.of("a/b"), 10, List.of("a_b"), 20))));
        cases.add(bad("a path that is both file and directory", torrent(multi(List.of("a"), 10, List.of("a", "b"), 20))));
        cases.add(bad("path too long for the file system (8000 bytes)",
                torrent(multi(Collections.nCopies(40, "d".repeat(200)), 10))));
        cases.add(bad("path with 5000 components", torrent(multi(Collections.nCopies(5000, "d"), 10))));
        // ---- BEP 52 ----
        cases.add(bad("v2-only torrent", torrent(map("file tree", map("a", map("", map("length", 10))),
                "meta version", 2, "name", "v2", "piece length", PIECE))));
        cases.add(bad("hybrid whose v2 tree names another file", with(i -> {
            i.put("meta version", 2);
            i.put("file tree", map("other.bin", map("", map("length", 40000))));
        })));
        cases.add(bad("hybrid whose v2 tree has another length", with(i -> {
            i.put("meta version", 2);
            i.put("file tree", map("x.bin", map("", map("length", 40001))));
        })));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void badTorrentExitsThreeWithOneLineAndCreatesNothing(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve("bad.torrent");
        Files.write(file, bytes);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        assertRejected(List.of("info", file.toString()), out, name);
        assertRejected(List.of("download", file.toString(), "-d", out.toString(), "--stall-timeout", "2s",
                "--progress", "none", "-p", "0"), out, name);
    }

    @org.junit.jupiter.api.Test
    void torrentLargerThanTheFileLimitIsRefusedBeforeReading() throws Exception {
        Path file = dir.resolve("huge.torrent");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(65L << 20); // sparse: costs no disk
        }
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        assertRejected(List.of("info", file.toString()), out, "65 MiB torrent");
        assertRejected(List.of("download", file.toString(), "-d", out.toString()), out, "65 MiB torrent");
    }

    private void assertRejected(List<String> args, Path out, String name) throws IOException, InterruptedException {
        try (BtgetProcess p = BtgetProcess.start(dir.resolve("logs"), args)) {
            int code = p.waitFor(20);
            List<String> err = p.stderrLines();
            assertThat(code).as("%s: exit code of %s (stderr %s)", name, args.get(0), err).isEqualTo(3);
            assertThat(err).as("%s: stderr of %s", name, args.get(0)).hasSize(1);
            assertThat(err.get(0)).startsWith("btget: ").doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(p.stdout()).as("%s: stdout of %s", name, args.get(0)).doesNotContain("Exception");
        }
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files).as("%s: files created by %s", name, args.get(0)).isEmpty();
        }
    }
}
