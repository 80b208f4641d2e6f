package io.btget.cli.progress;

import java.util.function.IntSupplier;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The width of the terminal on stdout, asked of the terminal itself (JLine: the TIOCGWINSZ ioctl, or {@code stty})
 * since bash does not export {@code COLUMNS}, and asked again after each SIGWINCH (a resize). Falls back to
 * {@code COLUMNS}, then 80, when there is no terminal to ask.
 */
final class TerminalWidth implements IntSupplier, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TerminalWidth.class);
    static final int FALLBACK = 80;

    private final Terminal terminal;
    private volatile int width;
    private volatile boolean resized;
    private SignalHandler previous;

    private TerminalWidth(Terminal terminal) {
        this.terminal = terminal;
        this.width = query();
    }

    static TerminalWidth open() {
        Terminal terminal = null;
        try {
            // nativeSignals(false): JLine would otherwise put SIGINT back to its default and bypass our clean stop.
            terminal = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysOut)
                    .nativeSignals(false).dumb(true).build();
        } catch (Exception | LinkageError e) {
            log.debug("no terminal to ask for its width: {}", e.toString());
        }
        TerminalWidth w = new TerminalWidth(terminal);
        w.watchResize();
        return w;
    }

    @Override
    public int getAsInt() {
        if (resized) {
            resized = false;
            width = query();
        }
        return width;
    }

    private int query() {
        if (terminal != null) {
            try {
                int w = terminal.getWidth();
                if (w > 0) {
                    return w;
                }
            } catch (RuntimeException e) {
                log.debug("terminal width: {}", e.toString());
            }
        }
        return fromEnvironment(System.getenv("COLUMNS"));
    }

    static int fromEnvironment(String columns) {
        if (columns != null) {
            try {
                int w = Integer.parseInt(columns.trim());
                if (w >= 1 && w <= 10_000) {
                    return w;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
        }
        return FALLBACK;
    }

    private void watchResize() {
        try {
            previous = Signal.handle(new Signal("WINCH"), sig -> resized = true);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGWINCH on this platform: the width is the one at start
        }
    }

    @Override
    public void close() {
        if (previous != null) {
            try {
                Signal.handle(new Signal("WINCH"), previous);
            } catch (IllegalArgumentException | UnsupportedOperationException ignored) {
                // nothing to restore
            }
        }
        if (terminal != null) {
            try {
                terminal.close();
            } catch (Exception e) {
                log.debug("closing the terminal: {}", e.toString());
            }
        }
    }
}
