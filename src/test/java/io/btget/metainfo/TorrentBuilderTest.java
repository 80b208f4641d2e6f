package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.bencode.BDict;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.Bencode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class TorrentBuilderTest {
    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path tree() throws IOException {
        Path root = dir.resolve("data");
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.createDirectories(root.resolve(".hidden"));
        Files.createDirectories(root.resolve("no-files-here"));
        Files.write(root.resolve("b.bin"), random(50_000, 1));
        Files.write(root.resolve("a-b"), random(7, 2));
        Files.write(root.resolve("a.txt"), random(40_000, 3));
        Files.write(root.resolve("sub/deeper/c"), random(16_384, 4));
        Files.write(root.resolve(".hidden/h"), random(3, 5));
        Files.write(root.resolve("empty"), new byte[0]);
        return root;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void hashesPiecesThatSpanFilesWithAnyThreadCount(int threads) throws Exception {
        Path root = tree();
        TorrentBuilder.Result result = new TorrentBuilder(root).pieceLength(Optional.of(16384)).threads(threads)
                .build((done, total) -> { });
        Torrent t = result.torrent();

        // Files in byte order of their '/'-joined paths: '-' < '.' < '/' < letters, hidden files included.
        assertThat(t.files()).extracting(FileEntry::displayPath)
                .containsExactly(".hidden/h", "a-b", "a.txt", "b.bin", "empty", "sub/deeper/c");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (FileEntry f : t.files()) {
            all.write(Files.readAllBytes(root.resolve(f.displayPath())));
        }
        byte[] data = all.toByteArray();
        assertThat(t.totalLength()).isEqualTo(data.length);
        for (int i = 0; i < t.pieceCount(); i++) {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(data, i * 16384, t.pieceSize(i));
            assertThat(t.pieceHash(i)).as("piece %d", i).isEqualTo(sha1.digest());
        }
    }

    @Test
    void reportsProgressUpToTheTotal() throws Exception {
        Path root = tree();
        AtomicLong last = new AtomicLong();
        AtomicLong totalSeen = new AtomicLong();
        new TorrentBuilder(root).pieceLength(Optional.of(16384)).threads(2).build((done, total) -> {
            last.accumulateAndGet(done, Math::max);
            totalSeen.set(total);
        });
        assertThat(last.get()).isEqualTo(totalSeen.get()).isEqualTo(50_000 + 7 + 40_000 + 16_384 + 3);
    }

    @Test
    void writesSingleFileTorrentWithMktorrentLayout() throws Exception {
        Path file = dir.resolve("one.bin");
        Files.write(file, random(100, 9));
        TorrentBuilder.Result r = new TorrentBuilder(file).pieceLength(Optional.of(32768))
                .trackerTiers(List.of(List.of("http://t/a"))).isPrivate(true).comment(Optional.of("c"))
                .creationDate(Optional.of(1700000000L)).createdBy(Optional.of("btget test"))
                .webSeeds(List.of("http://w/")).build((d, t) -> { });
        BDict top = (BDict) Bencode.decode(r.torrentFile());
        // one tracker: announce only, no announce-list; one web seed: a plain string (as mktorrent does)
        assertThat(top.entries().keySet())
                .containsExactly("announce", "comment", "created by", "creation date", "info", "url-list");
        assertThat(top.get("url-list")).containsInstanceOf(BString.class);
        BDict info = (BDict) top.get("info").orElseThrow();
        assertThat(info.entries().keySet()).containsExactly("length", "name", "piece length", "pieces", "private");
        Torrent t = r.torrent();
        assertThat(t.name()).isEqualTo("one.bin");
        assertThat(t.multiFile()).isFalse();
        assertThat(t.isPrivate()).isTrue();
        assertThat(t.creationDate()).contains(1700000000L);
        assertThat(t.webSeeds()).containsExactly("http://w/");
    }

    @Test
    void writesAnnounceListOnlyWhenThereIsMoreThanOneTracker() throws Exception {
        Path file = dir.resolve("one.bin");
        Files.write(file, random(100, 9));
        TorrentBuilder.Result r = new TorrentBuilder(file)
                .trackerTiers(List.of(List.of("http://a/1", "http://a/2"), List.of("http://b/")))
                .webSeeds(List.of("http://w/1", "http://w/2")).build((d, t) -> { });
        BDict top = (BDict) Bencode.decode(r.torrentFile());
        assertThat(((BString) top.get("announce").orElseThrow()).text()).isEqualTo("http://a/1");
        assertThat(r.torrent().trackerTiers()).containsExactly(List.of("http://a/1", "http://a/2"), List.of("http://b/"));
        assertThat(top.get("url-list")).containsInstanceOf(BList.class);
        assertThat(top.has("creation date")).isFalse();
        assertThat(((BDict) top.get("info").orElseThrow()).has("private")).isFalse();
    }

    @Test
    void usesTheGivenNameInsteadOfTheDirectoryName() throws Exception {
        Torrent t = new TorrentBuilder(tree()).name(Optional.of("other")).build((d, x) -> { }).torrent();
        assertThat(t.name()).isEqualTo("other");
    }

    @Test
    void choosesAPowerOfTwoPieceSizeGivingAtMost2000Pieces() {
        assertThat(TorrentBuilder.autoPieceLength(1)).isEqualTo(16 << 10);
        assertThat(TorrentBuilder.autoPieceLength(2000L * 16384)).isEqualTo(16 << 10);
        assertThat(TorrentBuilder.autoPieceLength(2000L * 16384 + 1)).isEqualTo(32 << 10);
        assertThat(TorrentBuilder.autoPieceLength(1L << 30)).isEqualTo(1 << 20);
        assertThat(TorrentBuilder.autoPieceLength(1L << 40)).isEqualTo(16 << 20);
        for (long size = 1 << 25; size < 1L << 35; size = size * 3 / 2) {
            long pieces = (size + TorrentBuilder.autoPieceLength(size) - 1) / TorrentBuilder.autoPieceLength(size);
            assertThat(pieces).as("pieces for %d bytes", size).isBetween(1000L, 2000L);
        }
    }

    @Test
    void refusesADirectoryWithoutData() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("nothing/inside"));
        assertThatThrownBy(() -> new TorrentBuilder(empty).build((d, t) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no files under");
        Files.write(empty.resolve("zero"), new byte[0]);
        assertThatThrownBy(() -> new TorrentBuilder(empty).build((d, t) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only empty files");
    }

    @Test
    void refusesPieceLengthsOutOfRange() {
        assertThatThrownBy(() -> new TorrentBuilder(dir).pieceLength(Optional.of(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TorrentBuilder(dir).pieceLength(Optional.of((128 << 20) + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Files made by /bin/sh so the name's bytes are exact whatever this JVM's locale. */
    private static void shell(Path dir, String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void refusesAFileWhoseNameIsNotValidUtf8() throws Exception {
        Path root = Files.createDirectories(dir.resolve("nu"));
        Files.writeString(root.resolve("ok.txt"), "fine");
        shell(root, "printf hello > \"$(printf 'caf\\351.txt')\"");
        assertThatThrownBy(() -> new TorrentBuilder(root).build((d, t) -> { }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("file name is not valid UTF-8: " + root);
    }

    @Test
    void readsValidNonAsciiNamesAsTheirUtf8Bytes() throws Exception {
        Path root = Files.createDirectories(dir.resolve("u"));
        shell(root, "printf hello > \"$(printf 'caf\\303\\251.txt')\"");
        TorrentBuilder.Result r = new TorrentBuilder(root).build((d, t) -> { });
        assertThat(r.torrent().files().get(0).path()).containsExactly("caf\u00e9.txt");
    }

    @Test
    void namesABrokenLinkAndALinkLoopInsteadOfSkippingThem() throws Exception {
        Path root = Files.createDirectories(dir.resolve("l"));
        Files.writeString(root.resolve("a.txt"), "data");
        Files.createSymbolicLink(root.resolve("gone"), dir.resolve("nowhere"));
        assertThatThrownBy(() -> new TorrentBuilder(root).build((d, t) -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("broken symbolic link: " + root.resolve("gone"));
        Files.delete(root.resolve("gone"));
        Files.createSymbolicLink(root.resolve("up"), root);
        assertThatThrownBy(() -> new TorrentBuilder(root).build((d, t) -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("symbolic link loop: " + root.resolve("up"));
    }
}
