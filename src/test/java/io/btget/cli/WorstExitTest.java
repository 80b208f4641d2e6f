package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorstExitTest {
    @Test
    void successOnlyWhenAllSucceeded() {
        assertThat(WorstExit.of(List.of(ExitCode.OK, ExitCode.OK))).isEqualTo(ExitCode.OK);
        assertThat(WorstExit.of(List.of())).isEqualTo(ExitCode.OK);
        assertThat(WorstExit.of(List.of(ExitCode.OK, ExitCode.INCOMPLETE, ExitCode.OK))).isEqualTo(ExitCode.INCOMPLETE);
    }

    @Test
    void theWorstWinsWhateverTheOrder() {
        assertThat(WorstExit.of(List.of(ExitCode.NETWORK, ExitCode.BAD_TORRENT, ExitCode.OK))).isEqualTo(ExitCode.BAD_TORRENT);
        assertThat(WorstExit.of(List.of(ExitCode.BAD_TORRENT, ExitCode.DISK))).isEqualTo(ExitCode.DISK);
        assertThat(WorstExit.of(List.of(ExitCode.DISK, ExitCode.USAGE, ExitCode.INCOMPLETE))).isEqualTo(ExitCode.USAGE);
        assertThat(WorstExit.of(List.of(ExitCode.INCOMPLETE, ExitCode.NETWORK))).isEqualTo(ExitCode.NETWORK);
    }

    @Test
    void aSignalOutranksEveryFailure() {
        assertThat(WorstExit.of(List.of(ExitCode.INTERNAL, ExitCode.INTERRUPTED, ExitCode.OK)))
                .isEqualTo(ExitCode.INTERRUPTED);
        assertThat(WorstExit.of(List.of(ExitCode.INTERRUPTED, ExitCode.TERMINATED))).isEqualTo(ExitCode.TERMINATED);
    }

    @Test
    void everyExitCodeHasARankAndUnknownCodesCountAsInternal() {
        assertThat(WorstExit.SEVERITY).containsExactlyInAnyOrder(ExitCode.values());
        assertThat(WorstExit.fromCode(3)).isEqualTo(ExitCode.BAD_TORRENT);
        assertThat(WorstExit.fromCode(77)).isEqualTo(ExitCode.INTERNAL);
    }
}
