package io.btget.piece;

import java.util.Arrays;

/**
 * Pieces to fetch before any other: the deadline windows of streaming readers ("pieces [a, b] are needed now"). Each
 * reader adds its window and removes it when its read ends; the picker serves pieces in a window first, in index
 * order, before its usual order (sequential or rarest first). libtorrent's {@code set_piece_deadline} does the same
 * job with a deadline per piece (its "time critical" pieces, picked before any other); webtorrent's
 * {@code critical(start, end)} marks a range of pieces the picker serves first.
 *
 * <p>Thread-safe: the windows are an immutable array replaced on each change (readers add and remove a handful per
 * second; the picker reads them on every pick).
 */
public final class PiecePriorities {
    /**
     * Windows at once: one per streaming reader, bounded by the stream server's connection limit; a cap here keeps
     * the picker's cost per pick bounded whoever calls.
     */
    public static final int MAX_WINDOWS = 64;

    /** An inclusive range of piece indexes. Compared by identity: two readers may want the same range. */
    public static final class Window {
        final int first;
        final int last;

        Window(int first, int last) {
            this.first = first;
            this.last = last;
        }

        public int first() {
            return first;
        }

        public int last() {
            return last;
        }

        @Override
        public String toString() {
            return "[" + first + ", " + last + "]";
        }
    }

    private volatile Window[] windows = new Window[0];

    /**
     * Asks for pieces {@code first..last} (inclusive) first; remove the window with {@link #remove} when done.
     *
     * @throws IllegalArgumentException for an empty or negative range
     * @throws IllegalStateException when {@link #MAX_WINDOWS} are open
     */
    public synchronized Window add(int first, int last) {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("bad piece window [" + first + ", " + last + "]");
        }
        if (windows.length >= MAX_WINDOWS) {
            throw new IllegalStateException("more than " + MAX_WINDOWS + " piece windows open");
        }
        Window w = new Window(first, last);
        Window[] next = Arrays.copyOf(windows, windows.length + 1);
        next[windows.length] = w;
        windows = next;
        return w;
    }

    /** Drops a window added here; nothing for one already removed. */
    public synchronized void remove(Window w) {
        Window[] now = windows;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == w) {
                Window[] next = new Window[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                windows = next;
                return;
            }
        }
    }

    /** The open windows, oldest first; the array must not be changed. */
    Window[] snapshot() {
        return windows;
    }

    /** The open windows now, oldest first (for tests and diagnostics). */
    public java.util.List<Window> windows() {
        return java.util.List.of(windows);
    }

    public boolean isEmpty() {
        return windows.length == 0;
    }
}
