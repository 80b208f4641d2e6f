package io.btget.cli.progress;

import java.util.ArrayList;
import java.util.List;

/**
 * A status line made of parts, each with a priority, so that it can be fitted to any terminal width: the parts of
 * lowest priority are dropped first (the rest keep their order), and what is still too long is cut. The fitted
 * line never reaches the last column, where some terminals wrap.
 */
public final class StatusLine {
    /** One field of the line; the higher the priority, the longer it stays as the width shrinks. */
    public record Part(String text, int priority) {
    }

    private final List<Part> parts;

    private StatusLine(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    /** A line that is one part: fitted by cutting. */
    public static StatusLine of(String text) {
        return new StatusLine(List.of(new Part(text, Integer.MAX_VALUE)));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This line with {@code text} in front (a torrent's name on a board of several). */
    public StatusLine withFirst(String text, int priority) {
        List<Part> all = new ArrayList<>();
        all.add(new Part(Builder.sanitise(text), priority));
        all.addAll(parts);
        return new StatusLine(all);
    }

    /** Every part, separated by one space. */
    public String full() {
        return join(parts);
    }

    /**
     * The line for a terminal {@code columns} wide: at most {@code columns - 1} characters, never a line break.
     * Columns below 1 give an empty line.
     */
    public String fit(int columns) {
        int max = columns - 1;
        if (max <= 0) {
            return "";
        }
        List<Part> kept = new ArrayList<>(parts);
        while (kept.size() > 1 && join(kept).length() > max) {
            int lowest = 0;
            for (int i = 1; i < kept.size(); i++) {
                // the last of equal priority goes first: the line's end is the least important
                if (kept.get(i).priority() <= kept.get(lowest).priority()) {
                    lowest = i;
                }
            }
            kept.remove(lowest);
        }
        String line = join(kept);
        return line.length() > max ? line.substring(0, max) : line;
    }

    private static String join(List<Part> parts) {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p.text().isEmpty()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(p.text());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return full();
    }

    /** Parts in display order. */
    public static final class Builder {
        private final List<Part> parts = new ArrayList<>();

        public Builder add(String text, int priority) {
            parts.add(new Part(sanitise(text), priority));
            return this;
        }

        public StatusLine build() {
            return new StatusLine(parts);
        }

        /** A tracker's message must not move the cursor or break the line. */
        private static String sanitise(String text) {
            return text.replaceAll("\\p{Cntrl}", " ");
        }
    }
}
