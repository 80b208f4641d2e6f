package io.btget.cli;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM handling for long commands: the first signal asks for a clean stop (announce "stopped",
 * close files) and the command then exits 130 or 143; a second signal exits at once. The JDK's shutdown hooks
 * cannot tell the two signals apart, so this uses sun.misc.Signal (module jdk.unsupported, present on every JDK).
 */
final class Signals {
    private static final AtomicReference<ExitCode> received = new AtomicReference<>();

    private Signals() {
    }

    static void onStop(Consumer<ExitCode> stop) {
        install("INT", ExitCode.INTERRUPTED, stop);
        install("TERM", ExitCode.TERMINATED, stop);
    }

    static ExitCode received() {
        return received.get();
    }

    private static void install(String name, ExitCode code, Consumer<ExitCode> stop) {
        try {
            Signal.handle(new Signal(name), sig -> {
                if (!received.compareAndSet(null, code)) {
                    Runtime.getRuntime().halt(code.code);
                }
                stop.accept(code);
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // Signal not available on this platform: the default handling stays.
        }
    }
}
