package io.btget.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the HTTP tracker reply parser. A normal test run replays the seeds in
 * src/test/resources/io/btget/tracker/HttpAnnounceParserFuzzTestInputs/; JAZZER_FUZZ=1 fuzzes for real.
 */
class HttpAnnounceParserFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parseReturnsOrThrowsTrackerException(byte[] body) {
        AnnounceResponse response;
        try {
            response = HttpAnnounceParser.parse(body);
        } catch (TrackerException expected) {
            return;
        }
        assertThat(response.peers()).hasSizeLessThanOrEqualTo(CompactPeers.MAX_PEERS);
    }
}
