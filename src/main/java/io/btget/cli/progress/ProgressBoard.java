package io.btget.cli.progress;

import java.util.Map;

/**
 * Progress of several torrents in one process ({@code btget download A B C}): a {@link ProgressView} per torrent,
 * all drawn on one output. On a terminal a line per torrent plus a total line; piped, plain lines prefixed with the
 * torrent's name; with {@code --json}, the single-torrent events with an {@code infoHash} field added to each.
 */
public interface ProgressBoard extends AutoCloseable {
    /**
     * The view of one torrent, made before it starts (it shows as queued until its first update). Its
     * {@link ProgressView#close} ends nothing: the board is closed once, at the end.
     *
     * @param infoHash the torrent's info hash in hex, added to every JSON event of this view
     * @param label    what the human lines call it (the torrent's name, or the magnet's)
     */
    Slot slot(String infoHash, String label);

    /** An event of no single torrent (the closing summary): a JSON object, or the human line on stdout. */
    void event(String type, String line, Map<String, Object> fields);

    /** A failure of no single torrent (an input that cannot be read): a JSON object, or the line on stderr. */
    void error(String line, Map<String, Object> fields);

    @Override
    void close();

    /** One torrent's view on the board. */
    interface Slot extends ProgressView {
        /** The name once known (a magnet's metadata arrived). */
        void relabel(String label);

        /** The torrent ended (after its summary or failure): the live board drops its line. */
        void done();
    }
}
