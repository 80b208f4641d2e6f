package io.btget.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM handling for long commands: the first signal asks for a clean stop (announce "stopped",
 * close files) and the command then exits 130 or 143; a second signal exits at once. The JDK's shutdown hooks
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

    private static final AtomicReference<ExitCode> received = new AtomicReference<>();
    private static final AtomicLong receivedAt = new AtomicLong();

    private Signals() {
    }

    static void onStop(Consumer<ExitCode> stop) {
        boolean restarted = System.getenv(LocaleRestart.RESTARTED) != null;
        install("INT", ExitCode.INTERRUPTED, stop, restarted);
        install("TERM", ExitCode.TERMINATED, stop, restarted);
        if (restarted) {
            LocaleRestart.firstJvmGone().ifPresent(gone -> gone.thenRun(() -> {
                // as a first SIGTERM; never a halt: a stop already under way goes on
                if (received.compareAndSet(null, ExitCode.TERMINATED)) {
                    receivedAt.set(System.nanoTime());
                    stop.accept(ExitCode.TERMINATED);
                }
            }));
        }
    }

    static ExitCode received() {
        return received.get();
    }

    /**
     * Whether a signal asking for {@code now}, {@code sinceFirstNanos} after the first one (which asked for
     * {@code first}), ends the JVM at once rather than being ignored as an echo of the first.
     */
    static boolean halts(ExitCode first, ExitCode now, long sinceFirstNanos, boolean restarted) {
        return !(restarted && first == now && sinceFirstNanos >= 0 && sinceFirstNanos < ECHO_NANOS);
    }

    private static void install(String name, ExitCode code, Consumer<ExitCode> stop, boolean restarted) {
        try {
            Signal.handle(new Signal(name), sig -> stop(code, stop, restarted));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // Signal not available on this platform: the default handling stays.
        }
    }

    private static void stop(ExitCode code, Consumer<ExitCode> stop, boolean restarted) {
        long now = System.nanoTime();
        if (received.compareAndSet(null, code)) {
            receivedAt.set(now);
        } else {
            if (halts(received.get(), code, now - receivedAt.get(), restarted)) {
                Runtime.getRuntime().halt(code.code);
            }
            return;
        }
        stop.accept(code);
    }
}
