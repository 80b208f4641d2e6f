package io.btget.cli;

/** Tests run many commands in one JVM; -q and -v are process-wide, so each run starts from the defaults. */
final class LoggingOptionsReset {
    private LoggingOptionsReset() {
    }

    static void reset() {
        new LoggingOptions().setQuiet(false);
        new LoggingOptions().setVerbose(new boolean[0]);
    }
}
