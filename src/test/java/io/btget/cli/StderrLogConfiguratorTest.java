package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.btget.cli.progress.LogAboveLiveLineAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StderrLogConfiguratorTest {
    @Test
    void logbackIsConfiguredInCodeWithTheStderrLiveLineAppender() {
        // the configurator is what logback found through META-INF/services (no logback.xml is shipped)
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender(StderrLogConfigurator.APPENDER)).isInstanceOf(LogAboveLiveLineAppender.class);
        assertThat(Thread.currentThread().getContextClassLoader().getResource("logback.xml")).isNull();
    }

    @Test
    void freshContextGetsTheSameLinesLevelsAndTargetAsTheOldXml() {
        LoggerContext ctx = new LoggerContext();
        new StderrLogConfigurator().configure(ctx);
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(ctx.getLogger("io.btget").getLevel()).isEqualTo(Level.WARN);

        var appender = (LogAboveLiveLineAppender<ILoggingEvent>) root.getAppender("stderr");
        assertThat(appender.isStarted()).isTrue();
        assertThat(appender.getTarget()).isEqualTo("System.err");
        // the console threshold that LoggingOptions used to set eagerly: WARN passes, INFO does not
        assertThat(appender.getFilterChainDecision(new LoggingEvent("x", root, Level.INFO, "i", null, null)))
                .isEqualTo(ch.qos.logback.core.spi.FilterReply.DENY);
        assertThat(appender.getFilterChainDecision(new LoggingEvent("x", root, Level.WARN, "w", null, null)))
                .isNotEqualTo(ch.qos.logback.core.spi.FilterReply.DENY);
        var encoder = (PatternLayoutEncoder) appender.getEncoder();
        assertThat(encoder.getPattern()).isEqualTo("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");

        LoggingEvent event = new LoggingEvent("x", ctx.getLogger("io.btget.peer.PeerConnection"), Level.WARN,
                "peer {} sent junk", null, new Object[] {"1.2.3.4:5"});
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  PeerConnection - peer 1\\.2\\.3\\.4:5 sent junk"
                + System.lineSeparator());
        ctx.stop();
    }
}
