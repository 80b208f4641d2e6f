package io.btget.tracker;

/**
 * A tracker could not be reached, refused us, or answered with something we cannot use. The message is one line
 * and, once it leaves a {@link TrackerClient}, starts with the tracker URL.
 *
 * <p>A failure is <em>hard</em> when asking again soon will not change it: the URL is unusable, the host name does
 * not exist, nothing listens on the port (connection refused), or the tracker answered HTTP 4xx other than the
 * "try again" ones (408, 421, 425, 429). A {@code failure reason} (BEP 3) or a UDP error reply (BEP 15) is a
 * <em>refusal</em>: its text is free-form ("unregistered torrent" and "overloaded, try later" look alike to us),
 * so a refusal is transient the first time and hard only when the same tracker refuses twice in a row. Every
 * other failure (timeouts, HTTP 5xx, resets, a reply we cannot parse) is transient. When every tracker of a
 * torrent failed hard, no tracker will ever give us peers.
 */
public final class TrackerException extends Exception {
    private final boolean hard;
    private final boolean refusal;

    public TrackerException(String message) {
        this(message, null, false, false);
    }

    public TrackerException(String message, Throwable cause) {
        this(message, cause, false, false);
    }

    private TrackerException(String message, Throwable cause, boolean hard, boolean refusal) {
        super(oneLine(message), cause);
        this.hard = hard;
        this.refusal = refusal;
    }

    /**
     * The tracker answered and refused: a {@code failure reason} (BEP 3) or a UDP error reply (BEP 15). Transient
     * as made; the tracker client makes it hard when the same tracker refused the announce before (class comment).
     */
    static TrackerException refusal(String message) {
        return new TrackerException(message, null, false, true);
    }

    /** Whether the tracker refused the announce in words (see {@link #refusal}). */
    boolean isRefusal() {
        return refusal;
    }

    /** The same failure, hard: a refusal repeated by the same tracker. */
    TrackerException asHard() {
        return new TrackerException(getMessage(), getCause() != null ? getCause() : this, true, refusal);
    }

    /** A failure that asking again will not change (see the class comment). */
    public static TrackerException hard(String message) {
        return new TrackerException(message, null, true, false);
    }

    /** A failure that asking again will not change (see the class comment). */
    public static TrackerException hard(String message, Throwable cause) {
        return new TrackerException(message, cause, true, false);
    }

    /** Whether this failure is hard (see the class comment). */
    public boolean isHard() {
        return hard;
    }

    /** The same failure with the tracker URL in front, for callers that juggle several trackers. */
    public TrackerException at(String url) {
        return new TrackerException(url + ": " + getMessage(), getCause() != null ? getCause() : this, hard, refusal);
    }

    /** Text from a tracker is untrusted: keep it on one printable line and short. */
    static String printable(String text, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < max; i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (text.length() > max) {
            sb.append("...");
        }
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "tracker error" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
