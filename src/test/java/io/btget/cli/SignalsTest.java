package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

    @Test
    void anEchoWhoseHandlerRacesTheFirstOnesIsStillAnEcho() throws Exception {
        // CI saw the restarted JVM halt on a control-group kill: the JVM runs each signal's handler on a thread of its
        // own, and the echo read the first signal's time before it was written (or took its own time earlier)
        for (int round = 0; round < 2000; round++) {
            Signals.Arbiter arbiter = new Signals.Arbiter(true);
            CyclicBarrier together = new CyclicBarrier(2);
            List<AtomicReference<Signals.Decision>> seen = List.of(new AtomicReference<>(), new AtomicReference<>());
            List<Thread> handlers = new ArrayList<>();
            for (AtomicReference<Signals.Decision> d : seen) {
                Thread t = new Thread(() -> {
                    try {
                        together.await(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    d.set(arbiter.decide(ExitCode.TERMINATED));
                });
                t.start();
                handlers.add(t);
            }
            for (Thread t : handlers) {
                t.join(10_000);
            }
            assertThat(List.of(seen.get(0).get(), seen.get(1).get())).as("round " + round)
                    .containsExactlyInAnyOrder(Signals.Decision.FIRST, Signals.Decision.ECHO);
        }
    }

    @Test
    void theArbiterHaltsOnTheOtherSignalAndOutsideTheRestartedJvm() {
        Signals.Arbiter restarted = new Signals.Arbiter(true);
        assertThat(restarted.decide(ExitCode.TERMINATED)).isEqualTo(Signals.Decision.FIRST);
        assertThat(restarted.decide(ExitCode.INTERRUPTED)).isEqualTo(Signals.Decision.HALT);
        Signals.Arbiter plain = new Signals.Arbiter(false);
        assertThat(plain.decide(ExitCode.INTERRUPTED)).isEqualTo(Signals.Decision.FIRST);
        assertThat(plain.decide(ExitCode.INTERRUPTED)).isEqualTo(Signals.Decision.HALT);
    }
}
