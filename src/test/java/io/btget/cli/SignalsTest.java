package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalsTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void inTheRestartedJvmAnEchoOfTheFirstSignalDoesNotHalt() {
        // systemd's control-group kill and the first JVM's forward: the same SIGTERM twice, milliseconds apart
        assertThat(Signals.halts(ExitCode.TERMINATED, ExitCode.TERMINATED, 3 * MS, true)).isFalse();
        assertThat(Signals.halts(ExitCode.INTERRUPTED, ExitCode.INTERRUPTED, 2999 * MS, true)).isFalse(); // a forward through a slow shell
    }

    @Test
    void aLaterRepeatOrTheOtherSignalStillHalts() {
        assertThat(Signals.halts(ExitCode.TERMINATED, ExitCode.TERMINATED, 3000 * MS, true)).isTrue();
        assertThat(Signals.halts(ExitCode.INTERRUPTED, ExitCode.TERMINATED, 3 * MS, true)).isTrue();
    }

    @Test
    void outsideTheRestartedJvmEverySecondSignalHalts() {
        assertThat(Signals.halts(ExitCode.TERMINATED, ExitCode.TERMINATED, 3 * MS, false)).isTrue();
        assertThat(Signals.halts(ExitCode.INTERRUPTED, ExitCode.INTERRUPTED, 0, false)).isTrue();
    }
}
