package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins the exact bytes {@code create} makes for a fixed tree and fixed options, so a change to how files are listed,
 * read or hashed (threads, buffers, batching) cannot change a torrent's info hash unnoticed. The expected values
 * were taken from btget f1a4e77 (before issue 11's hashing changes); its info dictionaries match mktorrent 1.1's
 * (MktorrentIT).
 */
@Timeout(60)
class TorrentBuilderPinnedOutputTest {
    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Files smaller and larger than a piece, empty ones, pieces spanning many files, hidden and nested names. */
    private Path tree() throws IOException {
        Path root = dir.resolve("pinned");
        Random sizes = new Random(11);
        for (int i = 0; i < 40; i++) {
            Path sub = root.resolve("d" + (i % 3)).resolve(i % 2 == 0 ? "x" : ".y");
            Files.createDirectories(sub);
            int size = i % 7 == 0 ? 0 : 1 + sizes.nextInt(i % 5 == 0 ? 200_000 : 9_000);
            Files.write(sub.resolve("f" + i), random(size, i));
        }
        Files.write(root.resolve("Z-last"), random(65_536, 99));
        Files.write(root.resolve("a b"), random(16_384, 98));
        return root;
    }

    private static String sha1Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
    }

    @ParameterizedTest(name = "piece {0}, {1} thread(s)")
    @CsvSource({
        "16384, 1, 2262d69a2b0345e65777f2c94b3eca8a110e42fd, 8b5ea578136a0cae13ef71cb357a22c4afac74da",
        "16384, 2, 2262d69a2b0345e65777f2c94b3eca8a110e42fd, 8b5ea578136a0cae13ef71cb357a22c4afac74da",
        "16384, 7, 2262d69a2b0345e65777f2c94b3eca8a110e42fd, 8b5ea578136a0cae13ef71cb357a22c4afac74da",
        "262144, 2, e46a1e57ead4f4099223a5a26f6eafc6be5c0bc1, 296b65e4e60ef6636d9212407ed5dd5c3aa21c0e",
        "1048576, 3, a5d11434d272d33b35be266d23181d0813db88ab, 6c565619ef3488b44cd11af5fe320c7bd141c5da",
    })
    void treeGivesThePinnedTorrent(int piece, int threads, String infoHash, String fileSha1) throws Exception {
        TorrentBuilder.Result r = new TorrentBuilder(tree())
                .trackerTiers(List.of(List.of("http://127.0.0.1:6969/announce")))
                .pieceLength(Optional.of(piece))
                .createdBy(Optional.of("btget test"))
                .threads(threads)
                .build((done, total) -> { });
        assertThat(r.torrent().infoHash().hex() + " " + sha1Hex(r.torrentFile())).isEqualTo(infoHash + " " + fileSha1);
    }

    @ParameterizedTest(name = "piece {0}, {1} thread(s)")
    @CsvSource({
        "16384, 1, 28d71b1a10d7e453cc0eb42e695d8b848c9a7e6f, 39a09cc3d2d621656b950947a239f52d6f590fa4",
        "262144, 2, b4fb16a41fdfb6559aff4ed44a83426cdb006107, b10051cd812ed68b498aa91b2ae6205728a76112",
    })
    void singleFileGivesThePinnedTorrent(int piece, int threads, String infoHash, String fileSha1) throws Exception {
        Path file = Files.write(dir.resolve("one.bin"), random(1_000_003, 7));
        TorrentBuilder.Result r = new TorrentBuilder(file)
                .pieceLength(Optional.of(piece))
                .threads(threads)
                .build((done, total) -> { });
        assertThat(r.torrent().infoHash().hex() + " " + sha1Hex(r.torrentFile())).isEqualTo(infoHash + " " + fileSha1);
    }
}
