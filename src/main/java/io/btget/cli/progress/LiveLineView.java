package io.btget.cli.progress;

import java.io.PrintWriter;
import java.util.Map;

/** One line redrawn in place ({@code \r} + erase to end of line), at most ten times a second. */
final class LiveLineView implements ProgressView {
    private final PrintWriter out;
    private final int width;
    private long lastDraw;
    private boolean lineOpen;

    LiveLineView(PrintWriter out, int width) {
        this.out = out;
        this.width = width;
    }

    @Override
    public synchronized void update(String line, Map<String, Object> fields) {
        long now = System.nanoTime();
        if (lineOpen && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        String fitted = line.length() >= width ? line.substring(0, width - 1) : line;
        out.print("\r\033[K" + fitted);
        out.flush();
        lineOpen = true;
    }

    @Override
    public synchronized void event(String type, String line, Map<String, Object> fields) {
        endLine();
        out.println(line);
        out.flush();
    }

    @Override
    public synchronized void finish(String line, Map<String, Object> fields) {
        endLine();
        out.println(line);
        out.flush();
    }

    private void endLine() {
        if (lineOpen) {
            out.print("\r\033[K");
            lineOpen = false;
        }
    }

    @Override
    public synchronized void close() {
        endLine();
        out.flush();
    }
}
