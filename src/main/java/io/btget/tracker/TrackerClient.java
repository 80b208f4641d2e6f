package io.btget.tracker;

/** Talks to one tracker URL. Implementations are safe to call from more than one thread. */
public interface TrackerClient {
    /** Sends one announce; blocks for a bounded time (seconds, never minutes). */
    AnnounceResponse announce(AnnounceRequest request) throws TrackerException;

    /** The announce URL this client talks to. */
    String url();
}
