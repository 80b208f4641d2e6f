package io.btget.cli.progress;

import java.io.PrintWriter;
import java.util.Map;

/** For pipes and log files: a plain line every {@code intervalMillis}, plus events and the summary. */
final class PlainLinesView implements ProgressView {
    private final PrintWriter out;
    private final long intervalNanos;
    private long lastLine = System.nanoTime();

    PlainLinesView(PrintWriter out, long intervalMillis) {
        this.out = out;
        this.intervalNanos = intervalMillis >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : intervalMillis * 1_000_000;
    }

    @Override
    public synchronized void update(String line, Map<String, Object> fields) {
        long now = System.nanoTime();
        if (now - lastLine >= intervalNanos) {
            lastLine = now;
            out.println(line);
            out.flush();
        }
    }

    @Override
    public synchronized void event(String type, String line, Map<String, Object> fields) {
        out.println(line);
        out.flush();
    }

    @Override
    public synchronized void finish(String line, Map<String, Object> fields) {
        out.println(line);
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
