package io.btget.interop;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The built btget jar run as a separate JVM ({@code java -jar}), with its {@code --json} lines read back as maps.
 * The jar comes from the {@code btget.jar} system property (set by Failsafe), else {@code target/btget.jar}.
 */
final class BtgetProcess implements AutoCloseable {
    /** Where btget keeps state (e.g. metadata fetched for magnet links); else $XDG_STATE_HOME/btget. */
    static final String STATE_DIR_VARIABLE = "BTGET_STATE_DIR";

    private final ManagedProcess process;

    private BtgetProcess(ManagedProcess process) {
        this.process = process;
    }

    static Path jar() {
        return Path.of(System.getProperty("btget.jar", "target/btget.jar")).toAbsolutePath();
    }

    /** The java command line for the jar with {@code args}. */
    static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar().toString()));
        cmd.addAll(io.btget.DhtOff.args(args)); // no DHT (the internet) unless the test is about it
        return cmd;
    }

    /** The state directory btget uses when started in {@code workDir}: one per test, never the user's own. */
    static Path stateDir(Path workDir) {
        return workDir.resolve("btget-state");
    }

    /**
     * Starts btget in {@code workDir} with {@code BTGET_STATE_DIR} set to {@link #stateDir} (kept metadata of magnet
     * links goes there): processes of one test share it, tests do not.
     */
    static BtgetProcess start(String name, Path logDir, Path workDir, List<String> args) throws IOException {
        return start(name, logDir, workDir, args, stateDir(workDir));
    }

    /** As {@link #start(String, Path, Path, List)} with a state directory of the caller's choice. */
    static BtgetProcess start(String name, Path logDir, Path workDir, List<String> args, Path stateDir)
            throws IOException {
        return new BtgetProcess(ManagedProcess.start(name, logDir, workDir, command(args),
                Map.of(STATE_DIR_VARIABLE, stateDir.toAbsolutePath().toString())));
    }

    /** Runs btget to its end and returns the exit code (for create, info, verify). */
    static int run(Path logDir, Path workDir, Duration timeout, String... args)
            throws IOException, InterruptedException {
        try (BtgetProcess p = start("btget-" + args[0] + "-" + System.nanoTime(), logDir, workDir, List.of(args))) {
            return p.awaitExit(timeout);
        }
    }

    ManagedProcess process() {
        return process;
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    /** Every JSON line printed so far (a torn last line is left out). */
    List<Map<String, Object>> events() {
        List<Map<String, Object>> events = new ArrayList<>();
        String out = process.stdout();
        int end = out.lastIndexOf('\n');
        if (end < 0) {
            return events;
        }
        for (String line : out.substring(0, end).split("\n")) {
            if (line.startsWith("{")) {
                events.add(JsonLine.parseObject(line));
            }
        }
        return events;
    }

    List<Map<String, Object>> events(String type) {
        return events().stream().filter(e -> type.equals(e.get("event"))).toList();
    }

    /** The last JSON line: after exit, the summary ("complete", "stalled", "stopped", ...). */
    Map<String, Object> last() {
        List<Map<String, Object>> all = events();
        if (all.isEmpty()) {
            throw new AssertionError(process.name() + " printed no JSON\n" + process.describe());
        }
        return all.get(all.size() - 1);
    }

    Optional<Map<String, Object>> firstEvent(String type) {
        return events(type).stream().findFirst();
    }

    /** Waits for a JSON line that matches {@code condition}. */
    Map<String, Object> awaitEvent(Predicate<Map<String, Object>> condition, Duration timeout, String what)
            throws InterruptedException {
        process.await(() -> events().stream().anyMatch(condition), timeout, what);
        return events().stream().filter(condition).findFirst().orElseThrow();
    }

    String describe() {
        return process.describe();
    }

    static long number(Map<String, Object> event, String field) {
        Object v = event.get(field);
        if (!(v instanceof Double d)) {
            throw new AssertionError("no number '" + field + "' in " + event);
        }
        return d.longValue();
    }

    @Override
    public void close() {
        process.close();
    }
}
