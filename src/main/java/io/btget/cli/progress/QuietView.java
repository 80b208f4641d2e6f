package io.btget.cli.progress;

import java.io.PrintWriter;
import java.util.Map;

/** {@code -q}: errors only, so no progress, no events and no summary on stdout (errors go to stderr elsewhere). */
final class QuietView implements ProgressView {
    private final PrintWriter out;

    QuietView(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void update(String line, Map<String, Object> fields) {
    }

    @Override
    public void event(String type, String line, Map<String, Object> fields) {
    }

    @Override
    public void finish(String line, Map<String, Object> fields) {
    }

    @Override
    public void close() {
        out.flush();
    }
}
