package io.btget.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import io.btget.cli.progress.LogAboveLiveLineAppender;

/**
 * The whole logging set-up, in code rather than a logback.xml: logs go to stderr only (stdout is for results,
 * progress lines and JSON), through the appender that clears the live progress line before each log line and
 * redraws it after; levels are then set by {@link LoggingOptions}.
 *
 * <p>Why not XML: parsing logback.xml (Joran, the JDK's XML parser, the model processors) loaded about 500 classes
 * and cost 0.4-0.6 s of CPU in every btget process, {@code --version} included - the largest single start-up
 * cost, and in a swarm of JVMs starting together on few cores it delays the first block by seconds. Found by
 * logback through {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}; it runs before the XML
 * look-up and stops the chain, so a logback.xml or logback-test.xml elsewhere on the class path is not read.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class StderrLogConfigurator extends ContextAwareBase implements Configurator {
    /** The console line: time, level, the class's simple name, the message (a throwable follows, as logback adds). */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    /** Name of the console appender; {@link LoggingOptions} finds it by this name to set its threshold. */
    static final String APPENDER = "stderr";

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        // logback's own status messages never reach the user's terminal
        NopStatusListener nop = new NopStatusListener();
        ctx.getStatusManager().add(nop);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();

        LogAboveLiveLineAppender<ILoggingEvent> appender = new LogAboveLiveLineAppender<>();
        appender.setContext(ctx);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        // the console threshold LoggingOptions.apply() would set without -v/-q: logback need not be touched at all
        // by a command that logs nothing (--version, --help), see LoggingOptions
        ThresholdFilter threshold = new ThresholdFilter();
        threshold.setLevel(Level.WARN.toString());
        threshold.start();
        appender.addFilter(threshold);
        appender.start();
        ctx.putProperty("consoleLevel", Level.WARN.toString());

        ctx.getLogger("io.btget").setLevel(Level.WARN);
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(appender);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
