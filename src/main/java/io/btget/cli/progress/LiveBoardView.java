package io.btget.cli.progress;

import io.btget.cli.Units;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Several torrents on a terminal: a line per running or queued torrent, then a total line, redrawn in place at
 * most ten times a second (cursor up, erase to the end of the screen, draw again), each line fitted to the
 * terminal's width. Events, summaries and log lines are printed above the board.
 */
final class LiveBoardView implements ProgressBoard, LiveArea {
    /** Torrent lines shown at most; the rest are counted in the total line (a terminal has only so many rows). */
    static final int MAX_LINES = 20;
    /** Characters of a torrent's name kept at the start of its line. */
    static final int LABEL_WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final IntSupplier width;
    private final AutoCloseable onClose;
    private final List<BoardSlot> slots = new ArrayList<>();
    private int drawn;
    private long lastDraw;

    LiveBoardView(PrintWriter out, IntSupplier width, AutoCloseable onClose) {
        this.out = out;
        this.width = width;
        this.onClose = onClose;
        LiveLineView.ACTIVE.set(this);
    }

    @Override
    public synchronized Slot slot(String infoHash, String label) {
        BoardSlot s = new BoardSlot(label);
        slots.add(s);
        redraw(true);
        return s;
    }

    @Override
    public void event(String type, String line, Map<String, Object> fields) {
        if (!line.isEmpty()) {
            printAbove(() -> {
                out.println(line);
                out.flush();
            });
        }
    }

    @Override
    public void error(String line, Map<String, Object> fields) {
        printAbove(() -> System.err.println(line));
    }

    @Override
    public synchronized void printAbove(Runnable print) {
        erase();
        out.flush();
        try {
            print.run();
        } finally {
            draw();
        }
    }

    @Override
    public synchronized void close() {
        LiveLineView.ACTIVE.compareAndSet(this, null);
        erase();
        out.flush();
        try {
            onClose.close();
        } catch (Exception ignored) {
            // only the terminal handle: nothing to report
        }
    }

    private synchronized void redraw(boolean now) {
        long t = System.nanoTime();
        if (!now && drawn > 0 && t - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = t;
        erase();
        draw();
    }

    private void erase() {
        if (drawn > 0) {
            out.print("\r");
            if (drawn > 1) {
                out.print("\033[" + (drawn - 1) + "A");
            }
            out.print("\033[J");
            drawn = 0;
        }
    }

    private void draw() {
        List<String> lines = lines(width.getAsInt());
        out.print(String.join("\n", lines));
        out.flush();
        drawn = lines.size();
    }

    /** The board's lines for a terminal {@code columns} wide: torrents still running or queued, then the total. */
    synchronized List<String> lines(int columns) {
        List<String> lines = new ArrayList<>();
        int running = 0;
        int queued = 0;
        int finished = 0;
        int hidden = 0;
        long have = 0;
        long total = 0;
        double down = 0;
        double up = 0;
        for (BoardSlot s : slots) {
            if (s.finished) {
                finished++;
            } else if (s.line == null) {
                queued++;
            } else {
                running++;
            }
            have += number(s.fields, "verifiedBytes");
            total += number(s.fields, "totalBytes");
            if (!s.finished) {
                down += number(s.fields, "downloadRate");
                up += number(s.fields, "uploadRate");
            }
            if (s.finished) {
                continue;
            }
            if (lines.size() >= MAX_LINES) {
                hidden++;
                continue;
            }
            // at most half the width: on a narrow terminal a long name would leave no room for the percentage
            int labelWidth = Math.max(6, Math.min(LABEL_WIDTH, columns / 2));
            String label = s.label.length() > labelWidth ? s.label.substring(0, labelWidth - 1) + "~" : s.label;
            StatusLine line = s.line == null ? StatusLine.of("queued") : s.line;
            lines.add(line.withFirst(label + ":", 110).fit(columns)); // the name stays longest
        }
        String pct = total == 0 ? "" : String.format(Locale.ROOT, "%5.1f%%", have * 100.0 / total);
        // narrowing, the combined percentage and download rate stay longest, then the counts
        StatusLine t = StatusLine.builder().add("total:", 100)
                .add(running + " running, " + queued + " queued, " + finished + " done", 90)
                .add(pct, 96).add(total == 0 ? "" : Units.bytes(have) + "/" + Units.bytes(total), 50)
                .add("DL " + Units.rate(down), 94).add("UL " + Units.rate(up), 60)
                .add(hidden == 0 ? "" : "(" + hidden + " more not shown)", 40).build();
        lines.add(t.fit(columns));
        return lines;
    }

    private static double number(Map<String, Object> fields, String key) {
        return fields != null && fields.get(key) instanceof Number n ? n.doubleValue() : 0;
    }

    /** One torrent's line. Guarded by the board. */
    private final class BoardSlot implements Slot {
        private String label;
        private StatusLine line;
        private Map<String, Object> fields;
        private boolean finished;

        BoardSlot(String label) {
            this.label = label;
        }

        @Override
        public void update(String text, Map<String, Object> f) {
            update(StatusLine.of(text), f);
        }

        @Override
        public void update(StatusLine l, Map<String, Object> f) {
            boolean first;
            synchronized (LiveBoardView.this) {
                first = line == null;
                line = l;
                fields = f;
            }
            redraw(first);
        }

        /** Shown in the line itself, as on the single live line. */
        @Override
        public void notice(String type, String text, Map<String, Object> f) {
        }

        /** Above the board, starting with the torrent's name ("beta: download complete: ...") unless it has it. */
        @Override
        public void event(String type, String text, Map<String, Object> f) {
            String name;
            synchronized (LiveBoardView.this) {
                name = label;
            }
            LiveBoardView.this.event(type, text.isEmpty() || text.startsWith(name) ? text : name + ": " + text, f);
        }

        @Override
        public void finish(String text, Map<String, Object> f) {
            synchronized (LiveBoardView.this) {
                fields = f;
                finished = true;
                LiveBoardView.this.event("summary", text, f);
            }
        }

        @Override
        public void fail(String text, Map<String, Object> f) {
            synchronized (LiveBoardView.this) {
                finished = true;
                error(text, f);
            }
        }

        @Override
        public void relabel(String l) {
            synchronized (LiveBoardView.this) {
                label = l;
            }
        }

        @Override
        public void done() {
            synchronized (LiveBoardView.this) {
                finished = true;
            }
            redraw(true);
        }

        @Override
        public void close() {
            // the board is closed once, by its owner
        }
    }
}
