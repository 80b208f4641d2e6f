package io.btget.cli;

import io.btget.storage.FileNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Runs btget again, in a JVM started under a UTF-8 locale, when this one was started under a locale whose
 * encoding is not UTF-8 ({@code LC_ALL=C} in cron, {@code env -i}, systemd units, bare containers).
 *
 * <p>Why: the JDK encodes and decodes every file name with {@code sun.jnu.encoding}, which it fixes from the locale
 * at start-up and which cannot be changed afterwards ({@code -Dsun.jnu.encoding} is ignored on JDK 17 and 25). Under
 * {@code C} that is ASCII: a torrent's non-ASCII names cannot be created, and names read from disk turn into '?'.
 * BEP 3 names are UTF-8, so names on disk must be those exact bytes whatever the locale.
 *
 * <p>How: the same java binary, the same JVM options and class path, the same arguments, with {@code LC_ALL=C.UTF-8}
 * (C.UTF-8 is built into glibc 2.35+ and shipped by Debian). The arguments travel byte-exact in an environment
 * variable (base64 of the raw {@code /proc/self/cmdline} bytes), because this JVM has already decoded them lossily
 * and would encode them to the child lossily again. Standard input, output and error are inherited; the exit code is
 * the child's. The child runs in its own session ({@code setsid}), so a terminal's Ctrl-C reaches only this process,
 * which passes every SIGINT and SIGTERM on exactly once; a shutdown hook ends the child if this JVM dies otherwise.
 * When the child's locale is still not UTF-8 (no C.UTF-8 installed), it does not restart again: the file-name
 * guards ({@link FileNames}) refuse non-ASCII names with one line and exit code 5.
 */
final class LocaleRestart {
    /** Set in the child's environment: this JVM is the restarted one. */
    static final String RESTARTED = "BTGET_LOCALE_RESTARTED";
    /** The arguments, as the NUL-terminated raw bytes of each, in base64. */
    static final String ARGS = "BTGET_ARGS_BASE64";
    static final String UTF8_LOCALE = "C.UTF-8";

    private LocaleRestart() {
    }

    /** Whether this JVM should hand over to one under a UTF-8 locale. */
    static boolean wanted() {
        return !FileNames.utf8() && System.getenv(RESTARTED) == null && new java.io.File("/proc/self/cmdline").canRead();
    }

    /**
     * In the restarted JVM, the parent's arguments with their exact bytes (decoded as UTF-8); else {@code args}.
     */
    static String[] arguments(String[] args) {
        String encoded = System.getenv(ARGS);
        if (System.getenv(RESTARTED) == null || encoded == null) {
            return args;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return args;
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out.size() == args.length ? out.toArray(String[]::new) : args;
    }

    /**
     * Starts the child and waits for it.
     *
     * @return the child's exit code, or -1 when it could not be started (the caller then runs in this JVM)
     */
    static int run(String[] args) {
        List<String> command = new ArrayList<>();
        String javaBin = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"))) {
            command.add(Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : "/bin/setsid");
        }
        command.add(javaBin);
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
            // started as java -jar (its class path is then the jar alone): keep -jar, so the manifest's attributes apply
            command.add("-jar");
            command.add(classPath);
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(Main.class.getName());
        }
        for (String a : args) {
            // the child takes the exact bytes from ARGS; these only keep the count and read well in ps
            command.add(a);
        }
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = pb.environment();
        env.put("LC_ALL", UTF8_LOCALE);
        env.put(RESTARTED, "1");
        env.put(ARGS, Base64.getEncoder().encodeToString(rawArguments(args)));
        // Both are already among the input arguments above; the child's launcher would add them twice.
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("JAVA_TOOL_OPTIONS");
        Process child;
        try {
            child = pb.start();
        } catch (IOException e) {
            return -1;
        }
        Thread hook = new Thread(() -> {
            // this JVM is going (SIGHUP, SIGQUIT...): the child must not outlive it
            child.destroy();
            try {
                if (!child.waitFor(10, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        }, "locale-restart-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        forward("INT", child);
        forward("TERM", child);
        while (true) {
            try {
                int code = child.waitFor();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
                return code;
            } catch (InterruptedException e) {
                // keep waiting: the child decides when it is done
            }
        }
    }

    /** Passes each {@code name} signal this JVM receives on to the child, once. */
    private static void forward(String name, Process child) {
        try {
            Signal.handle(new Signal(name), sig -> {
                try {
                    new ProcessBuilder("/bin/sh", "-c", "kill -s " + name + " " + child.pid()).inheritIO().start();
                } catch (IOException e) {
                    child.destroy();
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no such signal here: the default handling (and the shutdown hook) stays
        }
    }

    /**
     * The exact bytes of the arguments, each followed by NUL: the last {@code args.length} entries of
     * {@code /proc/self/cmdline} (the launcher's own options come before them), or, when that cannot be read or does
     * not line up, the arguments as this JVM decoded them.
     */
    static byte[] rawArguments(String[] args) {
        List<byte[]> entries = new ArrayList<>();
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            int start = 0;
            for (int i = 0; i < cmdline.length; i++) {
                if (cmdline[i] == 0) {
                    entries.add(Arrays.copyOfRange(cmdline, start, i));
                    start = i + 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            entries.clear();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean fromCmdline = entries.size() >= args.length;
        for (int i = 0; i < args.length && fromCmdline; i++) {
            byte[] raw = entries.get(entries.size() - args.length + i);
            // the same argument, as this JVM read it: else the command line is not what we think
            fromCmdline = new String(raw, FileNames.fileNameCharset()).equals(args[i]);
        }
        for (int i = 0; i < args.length; i++) {
            byte[] raw = fromCmdline ? entries.get(entries.size() - args.length + i) : args[i].getBytes(StandardCharsets.UTF_8);
            out.writeBytes(raw);
            out.write(0);
        }
        return out.toByteArray();
    }
}
