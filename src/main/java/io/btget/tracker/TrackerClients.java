package io.btget.tracker;

import java.util.Locale;

/** Makes the right {@link TrackerClient} for an announce URL. */
public final class TrackerClients {
    private TrackerClients() {
    }

    /** {@code http}, {@code https} and {@code udp} URLs; anything else is a {@link TrackerException}. */
    public static TrackerClient forUrl(String url) throws TrackerException {
        return forUrl(url, UdpRetryPolicy.DEFAULT);
    }

    public static TrackerClient forUrl(String url, UdpRetryPolicy udpRetry) throws TrackerException {
        int colon = url.indexOf(':');
        String scheme = colon > 0 ? url.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        switch (scheme) {
            case "http":
            case "https":
                return new HttpTracker(url);
            case "udp":
                return new UdpTracker(url, udpRetry);
            default:
                throw TrackerException.hard(url + ": unsupported tracker scheme '" + scheme + "'");
        }
    }
}
