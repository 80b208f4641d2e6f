package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MultiRunnerSummaryTest {
    @Test
    void aBadInputIsNamedOnceInItsSummaryLine() {
        MultiRunner.Result bad = new MultiRunner.Result("bad.torrent", null, "bad.torrent", ExitCode.BAD_TORRENT,
                "error", "bad.torrent: not a valid .torrent: expected a dictionary");
        assertThat(MultiRunner.summaryLine(bad))
                .isEqualTo("  bad.torrent: error (exit 3): not a valid .torrent: expected a dictionary");
    }

    @Test
    void aMessageNotStartingWithTheNameIsKeptWholeAndASuccessHasNone() {
        MultiRunner.Result stalled = new MultiRunner.Result("a.torrent", "00", "alpha", ExitCode.NETWORK, "stalled",
                "no progress for 2m");
        assertThat(MultiRunner.summaryLine(stalled)).isEqualTo("  alpha: stalled (exit 4): no progress for 2m");
        MultiRunner.Result ok = new MultiRunner.Result("b.torrent", "01", "beta", ExitCode.OK, "complete", "done");
        assertThat(MultiRunner.summaryLine(ok)).isEqualTo("  beta: complete (exit 0)");
    }
}
