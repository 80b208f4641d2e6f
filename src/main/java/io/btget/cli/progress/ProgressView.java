package io.btget.cli.progress;

import java.util.Map;

/**
 * Where a long-running command reports progress. One of three shapes, chosen once per run by
 * {@link ProgressViews#choose}: a live line redrawn in place on a terminal, a plain line every few seconds when
 * output is piped, or one JSON object per line with {@code --json}.
 */
public interface ProgressView extends AutoCloseable {
    /**
     * The current state. Called often (a few times a second); each view decides how often to draw.
     *
     * @param line   the human line (without newline), e.g. "42.0% 1.2 GiB/2.9 GiB  down 120 MB/s ..."
     * @param fields the same facts for JSON (event "progress")
     */
    void update(String line, Map<String, Object> fields);

    /** The current state as parts the view may drop to fit a narrow terminal; plain views print it whole. */
    default void update(StatusLine line, Map<String, Object> fields) {
        update(line.full(), fields);
    }

    /**
     * Routine trouble (a tracker that does not answer): a JSON event, a plain line in plain mode; the live line
     * shows it in the line itself, so it prints nothing here.
     */
    default void notice(String type, String line, Map<String, Object> fields) {
        event(type, line, fields);
    }

    /** Whether this view is for programs ({@code --json}): it wants every event, however routine. */
    default boolean machineReadable() {
        return false;
    }

    /** Something that happened (a piece failed, a tracker error...): human text and JSON fields. */
    void event(String type, String line, Map<String, Object> fields);

    /** The closing one-line summary; the view ends its live line first. */
    void finish(String line, Map<String, Object> fields);

    /**
     * A failure in human form (the JSON form goes to {@link #finish}): the view ends, its live line cleared, and
     * the line goes to stderr. A view that shows several torrents keeps going and prints it above them.
     */
    default void fail(String line, Map<String, Object> fields) {
        close();
        System.err.println(line);
    }

    @Override
    void close();
}
