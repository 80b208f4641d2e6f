package io.btget.cli.progress;

import io.btget.cli.Json;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --json}: one JSON object per line, each with an {@code event} field ("progress" about once a second,
 * then the command's own events, and a final one passed to {@link #finish}).
 */
final class JsonLinesView implements ProgressView {
    private final PrintWriter out;
    private long lastProgress;

    JsonLinesView(PrintWriter out) {
        this.out = out;
    }

    @Override
    public boolean machineReadable() {
        return true;
    }

    @Override
    public synchronized void update(String line, Map<String, Object> fields) {
        long now = System.nanoTime();
        if (lastProgress != 0 && now - lastProgress < 1_000_000_000L) {
            return;
        }
        lastProgress = now;
        emit("progress", fields);
    }

    @Override
    public synchronized void event(String type, String line, Map<String, Object> fields) {
        emit(type, fields);
    }

    @Override
    public synchronized void finish(String line, Map<String, Object> fields) {
        Object type = fields.getOrDefault("event", "summary");
        emit(String.valueOf(type), fields);
    }

    private void emit(String type, Map<String, Object> fields) {
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("event", type);
        obj.put("time", System.currentTimeMillis() / 1000.0); // epoch seconds, millisecond precision
        fields.forEach((k, v) -> {
            if (!k.equals("event")) {
                obj.put(k, v);
            }
        });
        out.println(Json.write(obj));
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
