package io.btget.cli.progress;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;

/** Picks the progress view for this run. */
public final class ProgressViews {
    private ProgressViews() {
    }

    /** How progress is shown: picked automatically unless the user forces one with {@code --progress}. */
    public enum Mode {
        AUTO, LIVE, PLAIN, NONE;

        /** As typed on the command line (and shown as a default in --help): lower case. */
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The view for this run: JSON lines with {@code --json}; nothing on stdout with {@code -q} ({@code quiet}: errors
     * only, and they go to stderr); otherwise {@code mode}, where auto means live on a terminal, plain lines if not.
     */
    public static ProgressView choose(boolean json, Mode mode, boolean quiet, PrintWriter out) {
        if (json) {
            return new JsonLinesView(out);
        }
        if (quiet) {
            return new QuietView(out);
        }
        Mode m = mode == Mode.AUTO ? (stdoutIsTerminal() ? Mode.LIVE : Mode.PLAIN) : mode;
        return switch (m) {
            case LIVE -> {
                TerminalWidth width = TerminalWidth.open();
                yield new LiveLineView(out, width, width);
            }
            case PLAIN -> new PlainLinesView(out, 5_000);
            case NONE, AUTO -> new PlainLinesView(out, Long.MAX_VALUE);
        };
    }

    /**
     * The view of several torrents in one process ({@link ProgressBoard}), chosen as {@link #choose} chooses: JSON
     * lines, nothing ({@code quiet}), a live board on a terminal, or plain lines.
     */
    public static ProgressBoard board(boolean json, Mode mode, boolean quiet, PrintWriter out) {
        if (json) {
            return new LinesBoard(out, true, () -> new JsonLinesView(out));
        }
        if (quiet) {
            return new LinesBoard(out, false, () -> new QuietView(out));
        }
        Mode m = mode == Mode.AUTO ? (stdoutIsTerminal() ? Mode.LIVE : Mode.PLAIN) : mode;
        return switch (m) {
            case LIVE -> {
                TerminalWidth width = TerminalWidth.open();
                yield new LiveBoardView(out, width, width);
            }
            case PLAIN -> new LinesBoard(out, false, () -> new PlainLinesView(out, 5_000));
            case NONE, AUTO -> new LinesBoard(out, false, () -> new PlainLinesView(out, Long.MAX_VALUE));
        };
    }

    /**
     * Whether stdout is a terminal. On JDK 17-21 {@code System.console()} is non-null only for a terminal; from
     * JDK 22 it may exist when piped, and {@code Console.isTerminal()} (looked up reflectively, since we compile
     * for 17) tells the truth.
     */
    public static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
