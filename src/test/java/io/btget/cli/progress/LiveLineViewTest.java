package io.btget.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveLineViewTest {

    /**
     * What a terminal shows for {@code raw}: the finished lines (those ended by a newline) and the line the cursor
     * is on. Handles what the views send: {@code \r}, erase to end of line ({@code ESC [K}) and text.
     */
    static List<String> screen(String raw) {
        List<String> lines = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int col = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                lines.add(cur.toString());
                cur.setLength(0);
                col = 0;
            } else if (c == '\033' && raw.startsWith("\033[K", i)) {
                cur.setLength(col);
                i += 2;
            } else {
                if (col < cur.length()) {
                    cur.setCharAt(col, c);
                } else {
                    cur.append(c);
                }
                col++;
            }
        }
        lines.add(cur.toString());
        return lines;
    }

    @Test
    void aLogLineIsPrintedOnALineOfItsOwnAndTheLiveLineIsRedrawnBelowIt() {
        // stdout and stderr go to the same terminal: one buffer stands for both
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintWriter out = new PrintWriter(terminal, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        LogAboveLiveLineAppender<ILoggingEvent> appender = appender(err);
        try (LiveLineView view = new LiveLineView(out, () -> 60)) {
            view.update(StatusLine.of(" 10.0% DL 1.00 MiB/s peers 1/2"), Map.of());
            appender.doAppend(event("tracker http://127.0.0.1:1/announce: connection refused"));
            assertThat(screen(terminal.toString(StandardCharsets.UTF_8))).containsExactly(
                    "INFO tracker http://127.0.0.1:1/announce: connection refused",
                    " 10.0% DL 1.00 MiB/s peers 1/2");
        } finally {
            appender.stop();
        }
        assertThat(screen(terminal.toString(StandardCharsets.UTF_8))).last().isEqualTo("");
    }

    @Test
    void withoutALiveLineTheAppenderWritesAsUsual() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        LogAboveLiveLineAppender<ILoggingEvent> appender = appender(new PrintStream(terminal, true, StandardCharsets.UTF_8));
        try {
            appender.doAppend(event("hello"));
        } finally {
            appender.stop();
        }
        assertThat(terminal.toString(StandardCharsets.UTF_8)).isEqualTo("INFO hello\n");
    }

    @Test
    void theLiveLineFollowsTheTerminalWidthAsItChanges() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintWriter out = new PrintWriter(terminal, true, StandardCharsets.UTF_8);
        int[] width = {100};
        StatusLine line = StatusLine.builder().add(" 10.0%", 100).add("[#---------]", 20).add("DL 1.00 MiB/s", 90).build();
        try (LiveLineView view = new LiveLineView(out, () -> width[0])) {
            view.update(line, Map.of());
            assertThat(screen(terminal.toString(StandardCharsets.UTF_8))).last().isEqualTo(line.full());
            width[0] = 24;
            view.update(line, Map.of()); // a new width is drawn at once, whatever the rate limit
            assertThat(terminal.toString(StandardCharsets.UTF_8)).doesNotContain("an event");
            assertThat(screen(terminal.toString(StandardCharsets.UTF_8))).last().isEqualTo(" 10.0% DL 1.00 MiB/s");
        }
    }

    private static LogAboveLiveLineAppender<ILoggingEvent> appender(PrintStream stream) {
        LoggerContext ctx = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%level %msg%n");
        encoder.start();
        LogAboveLiveLineAppender<ILoggingEvent> appender = new LogAboveLiveLineAppender<>();
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.start();
        appender.setOutputStream(stream);
        return appender;
    }

    private static ILoggingEvent event(String message) {
        LoggerContext ctx = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        return new LoggingEvent("test", ctx.getLogger("test"), ch.qos.logback.classic.Level.INFO, message, null, null);
    }
}
