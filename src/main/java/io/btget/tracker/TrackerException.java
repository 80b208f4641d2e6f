package io.btget.tracker;

/**
 * A tracker could not be reached, refused us, or answered with something we cannot use. The message is one line
 * and, once it leaves a {@link TrackerClient}, starts with the tracker URL.
 *
 * <p>A failure is <em>hard</em> when asking again soon will not change it: the URL is unusable, the host name does
 * not exist, nothing listens on the port (connection refused), the tracker answered HTTP 4xx, or it sent a
 * {@code failure reason} (BEP 3) or a UDP error (BEP 15). Every other failure (timeouts, HTTP 5xx, resets, a reply
 * we cannot parse) is transient. When every tracker of a torrent failed hard, no tracker will ever give us peers.
 */
public final class TrackerException extends Exception {
    private final boolean hard;

    public TrackerException(String message) {
        this(message, null, false);
    }

    public TrackerException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private TrackerException(String message, Throwable cause, boolean hard) {
        super(oneLine(message), cause);
        this.hard = hard;
    }

    /** A failure that asking again will not change (see the class comment). */
    public static TrackerException hard(String message) {
        return new TrackerException(message, null, true);
    }

    /** A failure that asking again will not change (see the class comment). */
    public static TrackerException hard(String message, Throwable cause) {
        return new TrackerException(message, cause, true);
    }

    /** Whether this failure is hard (see the class comment). */
    public boolean isHard() {
        return hard;
    }

    /** The same failure with the tracker URL in front, for callers that juggle several trackers. */
    public TrackerException at(String url) {
        return new TrackerException(url + ": " + getMessage(), getCause() != null ? getCause() : this, hard);
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
