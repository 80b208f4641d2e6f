package io.btget.hostile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built btget jar run as a separate process (as a user runs it), with stdout and stderr captured in files so
 * that a chatty process never blocks on a full pipe. Always {@link #close()} it: that kills it if still running.
 */
final class BtgetProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private BtgetProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static Path jar() {
        return Path.of(System.getProperty("btget.jar", "target/btget.jar")).toAbsolutePath();
    }

    /** Starts {@code java -jar btget.jar args...}, its output going to files in {@code logDir}. */
    static BtgetProcess start(Path logDir, List<String> args) throws IOException {
        return start(logDir, List.of(), args);
    }

    /** As {@link #start(Path, List)} with extra JVM options (e.g. -Xmx64m to prove memory stays bounded). */
    static BtgetProcess start(Path logDir, List<String> jvmOptions, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // small and quick to start: these runs are many and short
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmx256m"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar().toString()));
        cmd.addAll(io.btget.DhtOff.args(args)); // no DHT (the internet) unless the test is about it
        Files.createDirectories(logDir);
        String tag = Long.toString(System.nanoTime());
        Path out = logDir.resolve("out-" + tag + ".txt");
        Path err = logDir.resolve("err-" + tag + ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(logDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        // Fetched metadata (BEP 9) is kept in a state directory: one per log directory, so no test reads
        // another's (or the user's) and a rerun with the same log directory finds what the last run kept.
        Path state = stateDir(logDir);
        pb.environment().put("BTGET_STATE_DIR", state.toString());
        pb.environment().put("XDG_STATE_HOME", state.resolve("xdg").toString());
        Process p = pb.start();
        return new BtgetProcess(p, out, err);
    }

    /** The {@code BTGET_STATE_DIR} of runs started with this log directory. */
    static Path stateDir(Path logDir) {
        return logDir.resolve("state");
    }

    static BtgetProcess start(Path logDir, String... args) throws IOException {
        return start(logDir, List.of(args));
    }

    /** Runs to the end (or fails the test after {@code seconds}) and returns the exit code. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("btget did not finish within " + seconds + " s; stderr: " + stderr());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** kill -9: no shutdown hook runs. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    List<String> stderrLines() {
        return stderr().lines().toList();
    }

    /** Matches what a Java stack trace or a leaked exception class name looks like on stderr. */
    private static final java.util.regex.Pattern STACK_TRACE = java.util.regex.Pattern.compile(
            "^\\s+at [\\w$.]+\\(|^Caused by: |Exception in thread|\\b(java|javax|sun|jdk|io\\.btget)\\.[\\w.$]*(Exception|Error)\\b");

    /** stderr lines that belong to a stack trace (btget must report errors in one line, never with a trace). */
    List<String> stackTraceLines() {
        return stderrLines().stream().filter(l -> STACK_TRACE.matcher(l).find()).toList();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
