package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btget.bencode.BencodeException;

/**
 * Fuzzes the .torrent parser: any input either parses into a self-consistent Torrent or fails with
 * InvalidTorrentException (never another exception, never a hang). Replays the seeds in
 * src/test/resources/io/btget/metainfo/TorrentFuzzTestInputs/ in a normal run; JAZZER_FUZZ=1 fuzzes for real.
 */
class TorrentFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parseNeverFailsUnexpectedly(byte[] input) {
        Torrent t;
        try {
            t = Torrent.parse(input);
        } catch (InvalidTorrentException expected) {
            return;
        } catch (BencodeException leaked) {
            throw new AssertionError("bencode error escaped the parser", leaked);
        }
        assertThat(t.pieceCount()).isPositive();
        assertThat(t.totalLength()).isPositive();
        assertThat((t.totalLength() + t.pieceLength() - 1) / t.pieceLength()).isEqualTo(t.pieceCount());
        for (FileEntry f : t.files()) {
            assertThat(f.path()).isNotEmpty().allSatisfy(c -> assertThat(c).isNotEmpty().isNotEqualTo("..")
                    .doesNotContain("/").doesNotContain("\\").doesNotContain("\0"));
        }
        assertThat(MagnetLink.parse(t.magnetLink().toString()).infoHash()).contains(t.infoHash());
    }
}
