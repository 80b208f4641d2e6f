package io.btget.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An external program started by a test: stdout and stderr go to files under the test's temporary directory (so a
 * failure message can quote them), and {@link #close()} kills it and its children for certain.
 */
final class ManagedProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ManagedProcess(String name, List<String> command, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code command} in {@code workDir}, logging to {@code logDir/name.out} and {@code .err}. */
    static ManagedProcess start(String name, Path logDir, Path workDir, List<String> command) throws IOException {
        return start(name, logDir, workDir, command, Map.of());
    }

    /** As {@link #start(String, Path, Path, List)}, with {@code environment} added to the inherited one. */
    static ManagedProcess start(String name, Path logDir, Path workDir, List<String> command,
            Map<String, String> environment) throws IOException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(environment);
        Process p = builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ManagedProcess(name, List.copyOf(command), p, out, err);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path stdoutFile() {
        return stdout;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Waits for the program to exit by itself; fails the test (with its logs) when it does not in time. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + "\n" + describe());
        }
        return process.exitValue();
    }

    /** Waits until {@code text} appears in stdout or stderr; fails with the logs if the program dies or time runs out. */
    void awaitOutput(String text, Duration timeout) throws InterruptedException {
        await(() -> stdout().contains(text) || stderr().contains(text), timeout, "output '" + text + "'");
    }

    /** Polls {@code condition} every 100 ms while the program runs. */
    void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive() && !condition.getAsBoolean()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before " + what + "\n"
                        + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": no " + what + " within " + timeout + "\n" + describe());
            }
            Thread.sleep(100);
        }
    }

    /** Sends a signal by name (TERM, INT, HUP, KILL) with kill(1). */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        kill.waitFor(5, TimeUnit.SECONDS);
    }

    /** The command and the tail of both logs, for failure messages. */
    String describe() {
        return "--- " + String.join(" ", command) + "\n--- stdout (tail):\n" + tail(stdout()) + "\n--- stderr (tail):\n"
                + tail(stderr());
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
