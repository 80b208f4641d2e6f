package io.btget.cli;

import java.util.Collection;
import java.util.List;

/**
 * The exit code of a run of several torrents: the worst of theirs. Worst first: terminated (143), interrupted
 * (130) and hung up (129), since the user stopped them all and scripts must see it; an internal error (1); a usage error (2, e.g. two
 * torrents with the same name); a disk error (5); a bad torrent or magnet (3); a network failure or stall (4);
 * incomplete data (6); success (0) only when every torrent succeeded.
 */
final class WorstExit {
    /** From worst to best. */
    static final List<ExitCode> SEVERITY = List.of(ExitCode.TERMINATED, ExitCode.INTERRUPTED, ExitCode.HANGUP,
            ExitCode.INTERNAL,
            ExitCode.USAGE, ExitCode.DISK, ExitCode.BAD_TORRENT, ExitCode.NETWORK, ExitCode.INCOMPLETE, ExitCode.OK);

    /** The help text's sentence on it. */
    static final String HELP = "With several torrents the exit code is the worst of theirs, worst first: 143, 130, 129, 1, 2,"
            + " 5, 3, 4, 6, 0 (0 only when all succeeded).";

    private WorstExit() {
    }

    /** The worst of {@code codes}; OK when there are none. */
    static ExitCode of(Collection<ExitCode> codes) {
        ExitCode worst = ExitCode.OK;
        for (ExitCode c : codes) {
            if (SEVERITY.indexOf(c) < SEVERITY.indexOf(worst)) {
                worst = c;
            }
        }
        return worst;
    }

    /** The ExitCode of a process exit status; an unknown one counts as an internal error. */
    static ExitCode fromCode(int code) {
        for (ExitCode c : ExitCode.values()) {
            if (c.code == code) {
                return c;
            }
        }
        return ExitCode.INTERNAL;
    }
}
