package io.btget.cli.progress;

import ch.qos.logback.core.ConsoleAppender;

/**
 * The console log appender (stderr, see StderrLogConfigurator) that cooperates with the live progress line: while one is
 * shown, each log line is printed with the live line cleared first and redrawn after, so a {@code -v} line is never
 * glued to the progress line.
 */
public final class LogAboveLiveLineAppender<E> extends ConsoleAppender<E> {
    @Override
    protected void append(E event) {
        LiveArea live = LiveLineView.active();
        if (live == null) {
            super.append(event);
        } else {
            live.printAbove(() -> super.append(event));
        }
    }
}
