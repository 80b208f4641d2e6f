package io.btget.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * SIGINT, SIGTERM and SIGHUP handling for long commands: the first signal asks for a clean stop (announce
 * "stopped", close files) and the command then exits 130, 143 or 129; a second signal exits at once. The JDK's shutdown hooks
 * cannot tell the two signals apart, so this uses sun.misc.Signal (module jdk.unsupported, present on every JDK).
 *
 * <p>In the JVM restarted under a UTF-8 locale ({@link LocaleRestart}) one user action often arrives twice: systemd's
 * control-group kill signals both JVMs, and the first JVM forwards the signal it got. So there a repeat of the
 * same signal within {@link #ECHO_NANOS} of the first counts as the first; a later one, or the other signal, still
 * exits at once. The restarted JVM also watches the first one: when that dies by any means (SIGKILL, the OOM
 * killer, {@code timeout -k}), it stops cleanly as on SIGTERM instead of running on, orphaned, in its own session.
 */
final class Signals {
    /**
     * How close a repeat of the same signal must follow the first to be taken as its echo (3 s). The first JVM
     * forwards SIGINT through {@code /bin/sh -c kill}, which a loaded machine took over a second to start (CI saw the
     * echo halt the clean stop); a user's deliberate second Ctrl-C in that window gets the clean stop, which is bounded.
     */
    static final long ECHO_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** This JVM's arbiter: every SIGINT, SIGTERM and first-JVM loss goes through it. */
    private static final Arbiter arbiter = new Arbiter(System.getenv(LocaleRestart.RESTARTED) != null);

    private Signals() {
    }

    static void onStop(Consumer<ExitCode> stop) {
        install("INT", ExitCode.INTERRUPTED, stop);
        install("TERM", ExitCode.TERMINATED, stop);
        // the terminal closed or the ssh session dropped: the same clean stop (resume file saved, trackers told), as
        // aria2c does; under nohup the JVM leaves an ignored SIGHUP ignored and installs nothing
        install("HUP", ExitCode.HANGUP, stop);
        if (arbiter.restarted) {
            LocaleRestart.firstJvmGone().ifPresent(gone -> gone.thenRun(() -> {
                // as a first SIGTERM; never a halt: a stop already under way goes on
                if (arbiter.decide(ExitCode.TERMINATED) == Decision.FIRST) {
                    stop.accept(ExitCode.TERMINATED);
                }
            }));
        }
    }

    static ExitCode received() {
        First f = arbiter.first.get();
        return f == null ? null : f.code();
    }

    /**
     * Whether a signal asking for {@code now}, {@code sinceFirstNanos} after the first one (which asked for
     * {@code first}), ends the JVM at once rather than being ignored as an echo of the first. A negative gap counts
     * as an echo too: it can only come from two handlers racing (the JVM runs each signal's handler on a thread of
     * its own).
     */
    static boolean halts(ExitCode first, ExitCode now, long sinceFirstNanos, boolean restarted) {
        return !(restarted && first == now && Math.abs(sinceFirstNanos) < ECHO_NANOS);
    }

    /** What a signal means given the ones before it. */
    enum Decision {
        /** The first: start the clean stop. */
        FIRST,
        /** An echo of the first (restarted JVM only): ignore it. */
        ECHO,
        /** A second signal: end the JVM at once. */
        HALT
    }

    /** The first stop request and when it came, recorded as one value so a racing handler never sees half of it. */
    private record First(ExitCode code, long atNanos) {
    }

    /**
     * Decides each signal against the first one. The JVM dispatches every signal on a new thread, so the two
     * SIGTERMs of a control-group kill (one from systemd, one forwarded by the first JVM a few microseconds later)
     * run their handlers at the same time: the first's code and time must be published together, and the second's
     * gap measured after it lost, or the echo reads a time of 0 (or one taken before the first's) and halts.
     */
    static final class Arbiter {
        private final AtomicReference<First> first = new AtomicReference<>();
        private final boolean restarted;

        Arbiter(boolean restarted) {
            this.restarted = restarted;
        }

        Decision decide(ExitCode code) {
            if (first.compareAndSet(null, new First(code, System.nanoTime()))) {
                return Decision.FIRST;
            }
            First earlier = first.get();
            // read after the CAS lost, so never before the winner's time (System.nanoTime is monotonic)
            long since = System.nanoTime() - earlier.atNanos();
            return halts(earlier.code(), code, since, restarted) ? Decision.HALT : Decision.ECHO;
        }
    }

    private static void install(String name, ExitCode code, Consumer<ExitCode> stop) {
        try {
            Signal.handle(new Signal(name), sig -> {
                switch (arbiter.decide(code)) {
                    case FIRST -> stop.accept(code);
                    case HALT -> Runtime.getRuntime().halt(code.code);
                    case ECHO -> { }
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // Signal not available on this platform: the default handling stays.
        }
    }
}
