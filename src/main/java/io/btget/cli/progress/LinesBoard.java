package io.btget.cli.progress;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The board when nothing is redrawn in place ({@code --json}, piped output, {@code -q}): each torrent gets a view
 * of its own kind (so each keeps its own pace of progress lines), writing to the same output. JSON objects gain
 * an {@code infoHash} field; human lines start with the torrent's name.
 */
final class LinesBoard implements ProgressBoard {
    private final PrintWriter out;
    private final boolean json;
    private final Supplier<ProgressView> perTorrent;
    private final ProgressView shared;

    LinesBoard(PrintWriter out, boolean json, Supplier<ProgressView> perTorrent) {
        this.out = out;
        this.json = json;
        this.perTorrent = perTorrent;
        this.shared = perTorrent.get();
    }

    @Override
    public Slot slot(String infoHash, String label) {
        return new Tagged(perTorrent.get(), infoHash, label);
    }

    @Override
    public void event(String type, String line, Map<String, Object> fields) {
        shared.event(type, line, fields);
    }

    @Override
    public void error(String line, Map<String, Object> fields) {
        if (json) {
            shared.finish(line, fields);
        } else {
            out.flush();
            System.err.println(line);
        }
    }

    @Override
    public void close() {
        out.flush();
    }

    /** One torrent's view: its JSON carries the info hash, its progress lines start with its name. */
    private final class Tagged implements Slot {
        private final ProgressView view;
        private final String infoHash;
        private volatile String label;

        Tagged(ProgressView view, String infoHash, String label) {
            this.view = view;
            this.infoHash = infoHash;
            this.label = label;
        }

        private Map<String, Object> tag(Map<String, Object> fields) {
            if (fields.containsKey("infoHash")) {
                return fields;
            }
            Map<String, Object> f = new LinkedHashMap<>(fields);
            f.put("infoHash", infoHash);
            return f;
        }

        private String named(String line) {
            return line.isEmpty() || line.startsWith(label + ":") ? line : label + ": " + line;
        }

        @Override
        public boolean machineReadable() {
            return view.machineReadable();
        }

        @Override
        public void update(String line, Map<String, Object> fields) {
            view.update(named(line), tag(fields));
        }

        @Override
        public void notice(String type, String line, Map<String, Object> fields) {
            view.notice(type, named(line), tag(fields));
        }

        @Override
        public void event(String type, String line, Map<String, Object> fields) {
            view.event(type, named(line), tag(fields));
        }

        @Override
        public void finish(String line, Map<String, Object> fields) {
            view.finish(named(line), tag(fields));
        }

        @Override
        public void fail(String line, Map<String, Object> fields) {
            if (json) {
                finish(line, fields);
            } else {
                out.flush();
                System.err.println(line);
            }
        }

        @Override
        public void relabel(String label) {
            this.label = label;
        }

        @Override
        public void done() {
        }

        @Override
        public void close() {
            // the board's output stays open for the other torrents
        }
    }
}
