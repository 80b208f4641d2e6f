package io.btget.cli;

/** The exit codes every btget command uses; listed in {@code --help} and the README. */
public enum ExitCode {
    OK(0, "success"),
    INTERNAL(1, "internal error (a bug: please report it)"),
    USAGE(2, "usage error (bad flags or arguments)"),
    BAD_TORRENT(3, "bad .torrent file or magnet link"),
    NETWORK(4, "network or tracker failure, or the download stalled"),
    DISK(5, "disk I/O error"),
    INCOMPLETE(6, "verification failed or data incomplete"),
    HANGUP(129, "hung up (SIGHUP: the terminal closed, the ssh session dropped)"),
    INTERRUPTED(130, "interrupted (SIGINT, Ctrl-C)"),
    TERMINATED(143, "terminated (SIGTERM)");

    public final int code;
    public final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The table shown at the bottom of every {@code --help}. */
    public static String[] helpFooter() {
        ExitCode[] all = values();
        String[] lines = new String[all.length + 2];
        lines[0] = "";
        lines[1] = "Exit codes:";
        for (int i = 0; i < all.length; i++) {
            lines[i + 2] = String.format("  %3d  %s", all[i].code, all[i].meaning);
        }
        return lines;
    }
}
