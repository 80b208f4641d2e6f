package io.btget.cli.progress;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * One line redrawn in place ({@code \r} + erase to end of line), at most ten times a second, fitted to the
 * terminal's current width (never wrapped). Log lines are printed above it: {@link #printAbove} clears the line,
 * lets the log line through, and redraws it.
 */
final class LiveLineView implements ProgressView, LiveArea {
    /**
     * The live line being shown, if any. Static because Logback builds its appenders from logback.xml and they
     * have no other way to find the view; set while a view is open, cleared when it closes.
     */
    static final AtomicReference<LiveArea> ACTIVE = new AtomicReference<>();

    private final PrintWriter out;
    private final IntSupplier width;
    private final AutoCloseable onClose;
    private long lastDraw;
    private boolean lineOpen;
    private String shown = "";
    private int shownWidth = -1;

    LiveLineView(PrintWriter out, IntSupplier width) {
        this(out, width, () -> { });
    }

    LiveLineView(PrintWriter out, IntSupplier width, AutoCloseable onClose) {
        this.out = out;
        this.width = width;
        this.onClose = onClose;
        ACTIVE.set(this);
    }

    /** The live line (or lines, {@link LiveBoardView}) currently on screen, or null. */
    static LiveArea active() {
        return ACTIVE.get();
    }

    @Override
    public void update(String line, Map<String, Object> fields) {
        update(StatusLine.of(line), fields);
    }

    @Override
    public synchronized void update(StatusLine line, Map<String, Object> fields) {
        long now = System.nanoTime();
        int columns = width.getAsInt();
        if (lineOpen && now - lastDraw < 100_000_000L && columns == shownWidth) {
            return;
        }
        lastDraw = now;
        shownWidth = columns;
        shown = line.fit(columns);
        out.print("\r\033[K" + shown);
        out.flush();
        lineOpen = true;
    }

    /** Shown in the line itself (the caller adds it to the next update), not as a line of its own. */
    @Override
    public void notice(String type, String line, Map<String, Object> fields) {
    }

    @Override
    public synchronized void event(String type, String line, Map<String, Object> fields) {
        printAbove(() -> {
            out.println(line);
            out.flush();
        });
    }

    /**
     * Runs {@code print} (which writes whole lines, to stdout or stderr) with the live line cleared, then draws the
     * line again, so neither is glued to the other.
     */
    @Override
    public synchronized void printAbove(Runnable print) {
        boolean wasOpen = lineOpen;
        endLine();
        out.flush();
        try {
            print.run();
        } finally {
            if (wasOpen) {
                out.print(shown);
                out.flush();
                lineOpen = true;
            }
        }
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
        ACTIVE.compareAndSet(this, null);
        endLine();
        out.flush();
        try {
            onClose.close();
        } catch (Exception ignored) {
            // only the terminal handle: nothing to report
        }
    }
}
