package io.btget.tracker;

/**
 * A tracker could not be reached, refused us, or answered with something we cannot use. The message is one line
 * and, once it leaves a {@link TrackerClient}, starts with the tracker URL.
 */
public final class TrackerException extends Exception {
    public TrackerException(String message) {
        super(oneLine(message));
    }

    public TrackerException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** The same failure with the tracker URL in front, for callers that juggle several trackers. */
    public TrackerException at(String url) {
        return new TrackerException(url + ": " + getMessage(), getCause() != null ? getCause() : this);
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
