package io.btget.session;

import java.util.Map;

/** The session's one event stream (as libtorrent's alerts): the CLI turns it into a progress view. */
public interface SessionListener {
    /** Called a few times a second. */
    void stats(Stats stats);

    /**
     * Something worth telling: {@code type} is a stable name for --json ("tracker_error", "piece_failed",
     * "peer_banned", "complete", ...), {@code message} a human line.
     */
    void event(String type, String message, Map<String, Object> fields);
}
