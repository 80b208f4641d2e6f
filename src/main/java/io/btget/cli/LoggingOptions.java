package io.btget.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code -v}, {@code -vv}, {@code -q}, {@code --log-file}: shared by every command (inherited scope), applied to
 * Logback as soon as picocli sets them. Logs always go to stderr (see StderrLogConfigurator) so stdout stays clean for
 * data and {@code --json}.
 */
public final class LoggingOptions {
    private static int verbosity;
    private static boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "More detail on stderr; -vv for debug output and stack traces.")
    void setVerbose(boolean[] flags) {
        verbosity = flags.length;
        apply();
    }

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Errors only.")
    void setQuiet(boolean q) {
        quiet = q;
        apply();
    }

    @Option(names = "--log-file", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "Also write the log (at debug level) to PATH.")
    void setLogFile(String path) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n");
        encoder.start();
        FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(ctx);
        appender.setName("file");
        appender.setFile(path);
        appender.setEncoder(encoder);
        appender.start();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        logFile = true;
        apply();
    }

    private static boolean logFile;

    /** Whether stack traces should accompany error lines. */
    public static boolean debug() {
        return verbosity >= 2;
    }

    /** {@code -q}: errors only (on stderr); stdout stays empty but for {@code --json}. */
    public static boolean quiet() {
        return quiet;
    }

    public static int verbosity() {
        return quiet ? -1 : verbosity;
    }

    private static void apply() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Level console = quiet ? Level.ERROR : verbosity == 0 ? Level.WARN : verbosity == 1 ? Level.INFO : Level.DEBUG;
        Logger btget = ctx.getLogger("io.btget");
        btget.setLevel(logFile ? Level.DEBUG : console);
        ctx.putProperty("consoleLevel", console.toString());
        var appender = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(StderrLogConfigurator.APPENDER);
        if (appender != null) {
            appender.clearAllFilters();
            ch.qos.logback.classic.filter.ThresholdFilter filter = new ch.qos.logback.classic.filter.ThresholdFilter();
            filter.setLevel(console.toString());
            filter.start();
            appender.addFilter(filter);
        }
    }

    // No static apply(): the defaults (console WARN) are StderrLogConfigurator's, so merely building the command
    // tree (--version, --help, an early usage error) does not start logback (~150 classes, 0.1-0.2 s of CPU).
}
