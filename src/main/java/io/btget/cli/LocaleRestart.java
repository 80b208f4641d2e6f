package io.btget.cli;

import io.btget.storage.FileNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * (C.UTF-8 is built into glibc 2.35+ and shipped by Debian; without it, another installed UTF-8 locale such as
 * en_US.UTF-8). The arguments travel byte-exact in an environment
 * variable (base64 of the raw {@code /proc/self/cmdline} bytes), because this JVM has already decoded them lossily
 * and would encode them to the child lossily again. Standard input, output and error are inherited; the exit code is
 * the child's. The child runs in its own session ({@code setsid}), so a terminal's Ctrl-C reaches only this process,
 * which passes every SIGINT and SIGTERM on exactly once; a shutdown hook ends the child if this JVM dies otherwise,
 * and the child stops by itself when this JVM is killed outright ({@link Signals}). Arguments whose bytes are not
 * UTF-8 (typed under a Latin-1 locale) are refused in the child, exit 5. SIGWINCH (a terminal resize) is passed on
 * too: the child is not in the terminal's foreground process group.
 * When the child's locale is still not UTF-8 (no C.UTF-8 installed), it does not restart again: the file-name
 * guards ({@link FileNames}) refuse non-ASCII names with one line and exit code 5.
 */
final class LocaleRestart {
    /** Set in the child's environment: this JVM is the restarted one. */
    static final String RESTARTED = "BTGET_LOCALE_RESTARTED";
    /** The arguments, as the NUL-terminated raw bytes of each, in base64. */
    static final String ARGS = "BTGET_ARGS_BASE64";
    /** Set in the child's environment: the pid of the JVM that restarted it, which it watches. */
    static final String FIRST_JVM = "BTGET_LOCALE_PARENT";
    static final String UTF8_LOCALE = "C.UTF-8";

    /** An argument whose bytes are not valid UTF-8: refused (exit 5), never read as other characters. */
    static final class NotUtf8Argument extends Exception {
        private static final long serialVersionUID = 1L;

        NotUtf8Argument(String shown) {
            super("cannot use the argument '" + shown + "' exactly: its bytes are not UTF-8 (typed under a locale"
                    + " that is not UTF-8? run btget under a UTF-8 locale, e.g. LC_ALL=C.UTF-8, with UTF-8 arguments)");
        }
    }

    private LocaleRestart() {
    }

    /** Whether this JVM should hand over to one under a UTF-8 locale. */
    static boolean wanted() {
        return !FileNames.utf8() && System.getenv(RESTARTED) == null && new java.io.File("/proc/self/cmdline").canRead();
    }

    /**
     * In the restarted JVM, the parent's arguments with their exact bytes (decoded as UTF-8); else {@code args}.
     *
     * @throws NotUtf8Argument when an argument's bytes are not valid UTF-8 (typed under a Latin-1 locale, say):
     *     decoding it leniently would turn {@code /data/M\u00fcll} into another name
     */
    static String[] arguments(String[] args) throws NotUtf8Argument {
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
                out.add(strictUtf8(raw, start, i));
                start = i + 1;
            }
        }
        return out.size() == args.length ? out.toArray(String[]::new) : args;
    }

    /** {@code raw[from, to)} decoded as UTF-8, refusing any malformed sequence. */
    static String strictUtf8(byte[] raw, int from, int to) throws NotUtf8Argument {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            StringBuilder shown = new StringBuilder();
            for (int i = from; i < to; i++) {
                int b = raw[i] & 0xff;
                shown.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02X", b));
            }
            throw new NotUtf8Argument(shown.toString());
        }
    }

    /**
     * The UTF-8 locale to restart under: {@code C.UTF-8} when {@code locale -a} lists it (or lists nothing usable:
     * glibc 2.35+ has it built in), else the first installed UTF-8 one ({@code en_US.UTF-8} preferred), for systems
     * with an older glibc that ship only language locales.
     */
    static String pickUtf8Locale(List<String> available) {
        String english = null;
        String any = null;
        for (String l : available) {
            String n = l.strip();
            String lower = n.toLowerCase(java.util.Locale.ROOT);
            if (!(lower.endsWith(".utf8") || lower.endsWith(".utf-8"))) {
                continue;
            }
            if (lower.startsWith("c.")) {
                return UTF8_LOCALE;
            }
            if (english == null && lower.startsWith("en_us.")) {
                english = n;
            }
            if (any == null) {
                any = n;
            }
        }
        return english != null ? english : any != null ? any : UTF8_LOCALE;
    }

    /** The installed locales ({@code locale -a}), or none when that cannot be run within 5 s. */
    private static List<String> installedLocales() {
        try {
            Process p = new ProcessBuilder("locale", "-a").redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            java.util.concurrent.CompletableFuture<byte[]> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readNBytes(1 << 20);
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return List.of();
            }
            return new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1).lines().toList();
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /**
     * In the restarted JVM, completes when the JVM that started it has gone, by any means (SIGKILL, OOM killer):
     * the child then becomes someone else's child, which a poll of the parent pid sees even while the dead one is an
     * unreaped zombie. Empty in any other JVM.
     */
    static java.util.Optional<CompletableFuture<Void>> firstJvmGone() {
        long first;
        try {
            first = Long.parseLong(System.getenv().getOrDefault(FIRST_JVM, ""));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
        CompletableFuture<Void> gone = new CompletableFuture<>();
        Thread watch = new Thread(() -> {
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == first) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
            gone.complete(null);
        }, "locale-restart-parent-watch");
        watch.setDaemon(true);
        watch.start();
        return java.util.Optional.of(gone);
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
        env.put("LC_ALL", pickUtf8Locale(installedLocales()));
        env.put(RESTARTED, "1");
        env.put(FIRST_JVM, Long.toString(ProcessHandle.current().pid()));
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
        // the child has its own session: a terminal's hang-up reaches only this JVM (ignored under nohup: no handler)
        forward("HUP", child);
        // the child is not in the terminal's foreground process group, so a resize reaches only this JVM
        forward("WINCH", child);
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

    /** Passes each {@code name} signal this JVM receives on to the child, once (SIGWINCH too: a terminal resize). */
    private static void forward(String name, Process child) {
        try {
            Signal.handle(new Signal(name), sig -> {
                if ("TERM".equals(name)) {
                    // Process.destroy is kill(2) with SIGTERM on every Unix JDK: no fork, so the echo reaches the
                    // child at once (a shell started on a loaded machine took over a second, past Signals.ECHO_NANOS)
                    child.destroy();
                    return;
                }
                try {
                    new ProcessBuilder("/bin/sh", "-c", "kill -s " + name + " " + child.pid()).inheritIO().start();
                } catch (IOException e) {
                    if (!"WINCH".equals(name)) {
                        child.destroy();
                    }
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
