package io.btget.session;

/** How a session ended. The CLI maps each to an exit code. */
public enum Outcome {
    /** Every piece verified on disk (and seeding, if asked for, finished). */
    COMPLETE,
    /** No tracker answered and no peer could be reached. */
    NO_PEERS,
    /** Nothing progressed for the stall timeout. */
    STALLED,
    /** Asked only to seed, but the data on disk is incomplete. */
    INCOMPLETE,
    /** Stopped by a signal. */
    INTERRUPTED
}
