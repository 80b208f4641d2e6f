package io.btget.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Checks a tracker or web seed URL given on the command line, so that a typo fails at once with exit 2 rather than
 * when a download first announces: a scheme btget speaks, a host, and a port in 1..65535 (required for udp://,
 * which has no default port).
 */
final class AnnounceUrls {
    private AnnounceUrls() {
    }

    /** A tracker: http://, https:// (BEP 3) or udp:// (BEP 15). */
    static void checkTracker(String flag, String url) {
        check(flag, url, true);
    }

    /** A web seed (BEP 19): http:// or https://. */
    static void checkWebSeed(String flag, String url) {
        check(flag, url, false);
    }

    private static void check(String flag, String url, boolean tracker) {
        String schemes = tracker ? "an http://, https:// or udp:// URL" : "an http:// or https:// URL";
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new UserError(ExitCode.USAGE, flag + " must be " + schemes + ": '" + url + "' (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean ok = scheme.equals("http") || scheme.equals("https") || (tracker && scheme.equals("udp"));
        if (!ok || uri.isOpaque()) {
            throw new UserError(ExitCode.USAGE, flag + " must be " + schemes + ": '" + url + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            // also what java.net.URI gives for a port that is not a number or a host with '_'
            throw new UserError(ExitCode.USAGE, flag + ": no valid host (and port) in '" + url + "'");
        }
        int port = uri.getPort();
        if (port == 0 || port > 65535 || (port < 0 && scheme.equals("udp"))) {
            throw new UserError(ExitCode.USAGE, flag + ": " + (scheme.equals("udp") && port < 0
                    ? "a udp:// tracker needs a port" : "port must be 1..65535") + " in '" + url + "'");
        }
    }
}
