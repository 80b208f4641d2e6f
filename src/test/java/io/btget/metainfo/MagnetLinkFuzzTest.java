package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the magnet parser: InvalidTorrentException or a link that survives a round trip through toString().
 * Replays src/test/resources/io/btget/metainfo/MagnetLinkFuzzTestInputs/ in a normal run.
 */
class MagnetLinkFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parseNeverFailsUnexpectedly(byte[] input) {
        MagnetLink m;
        try {
            m = MagnetLink.parse(new String(input, StandardCharsets.UTF_8));
        } catch (InvalidTorrentException expected) {
            return;
        }
        assertThat(MagnetLink.parse(m.toString())).isEqualTo(m);
    }
}
