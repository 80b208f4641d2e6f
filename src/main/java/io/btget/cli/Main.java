package io.btget.cli;

import io.btget.bencode.BencodeException;
import io.btget.metainfo.InvalidTorrentException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Entry point: builds the picocli command tree, runs it, and turns every failure into one line and an exit code. */
public final class Main {
    /** Not a static field: a JVM that only hands over to a UTF-8 one ({@link LocaleRestart}) never starts logging. */
    private static Logger log() {
        return LoggerFactory.getLogger(Main.class);
    }

    private Main() {
    }

    public static void main(String[] args) {
        if (LocaleRestart.wanted()) {
            int code = LocaleRestart.run(args);
            if (code >= 0) {
                System.exit(code);
            }
        }
        String[] exact;
        try {
            exact = LocaleRestart.arguments(args);
        } catch (LocaleRestart.NotUtf8Argument e) {
            System.err.println("btget: " + e.getMessage());
            System.exit(ExitCode.DISK.code);
            return;
        }
        String unusable = unusableArgument(exact);
        if (unusable != null) {
            System.err.println("btget: cannot use the argument '" + unusable + "' exactly: the file-name encoding of this"
                    + " locale is " + io.btget.storage.FileNames.fileNameEncoding() + ", not UTF-8 (run btget under a"
                    + " UTF-8 locale, e.g. LC_ALL=C.UTF-8)");
            System.exit(ExitCode.DISK.code);
        }
        System.exit(run(exact));
    }

    /**
     * Under a locale whose file-name encoding is not UTF-8 (and no restart under one), the first non-ASCII argument:
     * the JVM has read it as other characters, or would turn it into other bytes as a file name.
     */
    static String unusableArgument(String[] args) {
        if (io.btget.storage.FileNames.utf8()) {
            return null;
        }
        for (String a : args) {
            if (a.chars().anyMatch(c -> c >= 0x80)) {
                return a;
            }
        }
        return null;
    }

    public static int run(String... args) {
        String first = firstPositional(args);
        if (first != null) {
            var meant = CommandSuggestions.misspelled(first, BtgetCommand.SUBCOMMANDS.keySet());
            if (meant.isPresent()) {
                PrintWriter err = commandLine().getErr();
                err.println("btget: '" + first + "' is not a btget command (nor a file); did you mean '" + meant.get() + "'?");
                err.println("Try 'btget --help' for more information.");
                err.flush();
                return ExitCode.USAGE.code;
            }
        }
        String[] full = withDefaultCommand(args);
        String command = firstPositional(full);
        // generate-completion describes the whole tree; help, --version and errors without a command need it too
        CommandLine cmd = command != null && BtgetCommand.SUBCOMMANDS.containsKey(command)
                && !command.equals("generate-completion") ? commandLine(command) : commandLine();
        return cmd.execute(full);
    }

    /** The first argument that is neither an option of the root command nor its value; null if none. */
    static String firstPositional(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return null;
            }
            if (a.startsWith("-")) {
                if (ROOT_OPTIONS_WITH_VALUE.contains(a)) {
                    i++;
                }
                continue;
            }
            return a;
        }
        return null;
    }

    /** Options of the root command that take a value (so that value is not taken for the torrent). */
    private static final java.util.Set<String> ROOT_OPTIONS_WITH_VALUE = java.util.Set.of("--log-file");

    /**
     * {@code btget FILE.torrent ...} means {@code btget download FILE.torrent ...}: when the first positional
     * argument is not a command name, "download" goes in front.
     */
    static String[] withDefaultCommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            }
            if (a.startsWith("-")) {
                if (ROOT_OPTIONS_WITH_VALUE.contains(a)) {
                    i++;
                }
                continue;
            }
            if (BtgetCommand.SUBCOMMANDS.containsKey(a)) {
                return args;
            }
            String[] out = new String[args.length + 1];
            out[0] = "download";
            System.arraycopy(args, 0, out, 1, args.length);
            return out;
        }
        return args;
    }

    /** The whole command tree. */
    static CommandLine commandLine() {
        return commandLine(null);
    }

    /** The root command with only the subcommand {@code only} (all of them when null): see BtgetCommand.SUBCOMMANDS. */
    static CommandLine commandLine(String only) {
        CommandLine cmd = new CommandLine(new BtgetCommand());
        BtgetCommand.SUBCOMMANDS.forEach((name, make) -> {
            if (only == null || only.equals(name)) {
                cmd.addSubcommand(name, make.get());
            }
        });
        // A torrent named "@x" must be a file name, never an argument file.
        cmd.setExpandAtFiles(false);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setUsageHelpAutoWidth(true);
        addExitCodeFooter(cmd);
        cmd.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("btget: " + ex.getMessage());
            // "--sed-time": picocli knows the options, and says which one was meant
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCode.USAGE.code;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            ExitCode code = exitCodeFor(ex);
            PrintWriter err = commandLine.getErr();
            err.println("btget: " + oneLine(ex));
            if (jsonRequested(parseResult)) {
                // a script reading --json gets the failure too, as the error event a run reports itself with
                java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
                f.put("event", "error");
                f.put("message", oneLine(ex));
                f.put("exitCode", code.code);
                PrintWriter out = commandLine.getOut();
                out.println(Json.object(f));
                out.flush();
            }
            if (LoggingOptions.debug() || code == ExitCode.INTERNAL) {
                if (LoggingOptions.debug()) {
                    ex.printStackTrace(err);
                } else {
                    log().debug("internal error", ex);
                    err.println("btget: (run with -vv for the stack trace)");
                }
            }
            err.flush();
            return code.code;
        });
        return cmd;
    }

    /** Whether the command that ran (the innermost subcommand) was given {@code --json}. */
    static boolean jsonRequested(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult pr = parseResult;
        while (pr != null && pr.hasSubcommand()) {
            pr = pr.subcommand();
        }
        return pr != null && pr.hasMatchedOption("--json");
    }

    private static void addExitCodeFooter(CommandLine cmd) {
        cmd.getCommandSpec().usageMessage().footer(ExitCode.helpFooter());
        for (CommandLine sub : cmd.getSubcommands().values()) {
            addExitCodeFooter(sub);
        }
    }

    static ExitCode exitCodeFor(Throwable ex) {
        if (ex instanceof UserError u) {
            return u.exitCode();
        }
        if (ex instanceof BencodeException || ex instanceof InvalidTorrentException) {
            return ExitCode.BAD_TORRENT;
        }
        if (ex instanceof io.btget.storage.StorageException || ex instanceof io.btget.session.SessionException) {
            return ExitCode.DISK;
        }
        if (ex instanceof io.btget.tracker.TrackerException) {
            return ExitCode.NETWORK;
        }
        if (ex instanceof UncheckedIOException || ex instanceof FileSystemException) {
            return ExitCode.DISK;
        }
        if (ex instanceof java.nio.file.InvalidPathException) {
            // a name this JVM's file-name encoding cannot express (see LocaleRestart): a disk problem, not a bug
            return ExitCode.DISK;
        }
        if (ex instanceof java.io.IOException) {
            return ExitCode.DISK;
        }
        return ExitCode.INTERNAL;
    }

    /** One line that says what went wrong, without a class name unless nothing better exists. */
    static String oneLine(Throwable ex) {
        Throwable t = ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
        String msg;
        if (t instanceof java.nio.file.InvalidPathException ipe) {
            msg = "cannot use the file name '" + ipe.getInput() + "': " + ipe.getReason()
                    + (io.btget.storage.FileNames.utf8() ? "" : " (the file-name encoding of this locale is "
                    + io.btget.storage.FileNames.fileNameEncoding() + ", not UTF-8; run btget under a UTF-8 locale,"
                    + " e.g. LC_ALL=C.UTF-8)");
        } else if (t instanceof FileSystemException fse) {
            msg = io.btget.storage.IoReason.describe(fse);
        } else {
            msg = t.getMessage();
            if (msg == null || msg.isBlank() || !(t instanceof UserError || t instanceof BencodeException
                    || t instanceof io.btget.storage.StorageException || t instanceof io.btget.tracker.TrackerException || t instanceof io.btget.session.SessionException
                    || t instanceof InvalidTorrentException || t instanceof java.io.IOException)) {
                msg = t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
            }
        }
        return msg.replace('\n', ' ').replace('\r', ' ');
    }

    /** Why an I/O operation failed, without the path ("Permission denied"): see {@link io.btget.storage.IoReason}. */
    static String reason(java.io.IOException e) {
        return io.btget.storage.IoReason.of(e);
    }
}
