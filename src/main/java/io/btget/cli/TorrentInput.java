package io.btget.cli;

import io.btget.bencode.BencodeLimits;
import io.btget.metainfo.Torrent;
import io.btget.tracker.BoundedBody;
import io.btget.tracker.HttpGet;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.MalformedURLException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads the .torrent a user names: a file, or an http(s) URL of one (as aria2c does), always bounded by the
 * .torrent size limit, with one-line errors: 2 for a path that is not a readable regular file, 3 for a body that is
 * too large or not a torrent, 4 for a URL that cannot be fetched.
 */
final class TorrentInput {
    /** The whole request as one deadline: connecting, headers and body, redirects included. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Redirects followed, as many as the JDK's HttpClient followed here before (its default retry limit). */
    static final int MAX_REDIRECTS = 5;

    private TorrentInput() {
    }

    static Torrent load(String arg) {
        return load(arg, REQUEST_TIMEOUT);
    }

    /** As {@link #load(String)}, with {@code timeout} for the whole fetch of a URL (tests use a short one). */
    static Torrent load(String arg, Duration timeout) {
        if (arg.regionMatches(true, 0, "magnet:", 0, 7)) {
            // download and info take magnets (MagnetInput) before they get here
            throw new UserError(ExitCode.USAGE, "this command needs the .torrent file, not a magnet link"
                    + " (btget download MAGNET --save-torrent FILE writes one)");
        }
        byte[] bytes = isUrl(arg) ? fetch(arg, timeout) : readFile(arg);
        try {
            return Torrent.parse(bytes);
        } catch (RuntimeException e) {
            if (e instanceof UserError) {
                throw e;
            }
            throw new UserError(ExitCode.BAD_TORRENT, arg + ": " + Main.oneLine(e), e);
        }
    }

    /** Whether {@code arg} is a URL (scheme "://") rather than a path; an existing file of that name stays a file. */
    static boolean isUrl(String arg) {
        int colon = arg.indexOf("://");
        return colon > 1 && arg.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*") && !Files.exists(Path.of(arg));
    }

    private static int limit() {
        return BencodeLimits.TORRENT_FILE.maxInputBytes();
    }

    private static byte[] readFile(String arg) {
        Path path = Path.of(arg);
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (attrs.isDirectory()) {
                throw new UserError(ExitCode.USAGE, arg + " is a directory, not a .torrent file");
            }
            if (!attrs.isRegularFile()) {
                // a FIFO would block until someone writes to it, /dev/zero would never end
                throw new UserError(ExitCode.USAGE, arg + " is not a regular file (" + kind(path)
                        + "), not a .torrent file");
            }
            long size = attrs.size();
            if (size > limit()) {
                throw new UserError(ExitCode.BAD_TORRENT, arg + ": " + size + " bytes is too large for a .torrent (limit "
                        + limit() + ")");
            }
            try (InputStream in = Files.newInputStream(path)) {
                return in.readNBytes(limit() + 1);
            }
        } catch (NoSuchFileException e) {
            throw new UserError(ExitCode.USAGE, "no such file: " + arg);
        } catch (IOException e) {
            throw new UserError(ExitCode.BAD_TORRENT, "cannot read " + arg + ": " + Main.reason(e));
        }
    }

    private static String kind(Path path) {
        try {
            Object type = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int fmt = ((Integer) type) & 0170000;
            return switch (fmt) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
    }

    /**
     * GET with HTTP/1.1, redirects (never https to http), gzip accepted, the body bounded as a file is, all of it
     * (connecting, redirects, headers and the last body byte) within {@code timeout}.
     */
    private static byte[] fetch(String url, Duration timeout) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UserError(ExitCode.USAGE, "not a valid URL: " + url + " (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UserError(ExitCode.USAGE, "cannot fetch a .torrent over " + scheme + "://: only http and https ("
                    + url + ")");
        }
        if (uri.getHost() == null) {
            throw new UserError(ExitCode.USAGE, "no host in " + url);
        }
        // Only a 200 with a Content-Length within the limit (or none) is read: an endless 404 page must not hold us
        // until the deadline, and a promise of too much is refused before a byte of it.
        HttpGet http = new HttpGet(Map.of("Accept-Encoding", "gzip", "User-Agent", "btget"), Duration.ZERO, limit(),
                (status, length) -> status == 200 && length <= limit());
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpGet.Reply response;
        try {
            response = http.fetch(uri, deadline);
            for (int redirects = 0; ; redirects++) {
                URI next = redirectTarget(url, response);
                if (next == null) {
                    break;
                }
                if (redirects == MAX_REDIRECTS) {
                    throw new UserError(ExitCode.NETWORK, url + ": more than " + MAX_REDIRECTS + " redirects");
                }
                response = http.fetch(next, deadline);
            }
        } catch (MalformedURLException e) {
            throw new UserError(ExitCode.NETWORK, url + ": not a URL that can be fetched (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError(ExitCode.INTERRUPTED, url + ": interrupted");
        } catch (IOException e) {
            throw failure(url, uri, timeout, e);
        }
        if (response.status() != 200) {
            throw new UserError(ExitCode.NETWORK, url + ": HTTP " + response.status());
        }
        if (contentLength(response) > limit()) { // not read
            throw tooLarge(url);
        }
        byte[] bytes = response.body();
        boolean gzip = response.first("Content-Encoding").map(v -> v.trim().equalsIgnoreCase("gzip")).orElse(false);
        if (gzip) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readNBytes(limit() + 1); // a small gzip bomb stops here
            } catch (java.util.zip.ZipException e) {
                throw new UserError(ExitCode.BAD_TORRENT, url + ": bad gzip body (" + e.getMessage() + ")");
            } catch (IOException e) { // a truncated stream (EOFException)
                throw new UserError(ExitCode.BAD_TORRENT, url + ": bad gzip body (" + Main.reason(e) + ")");
            }
            if (bytes.length > limit()) {
                throw tooLarge(url);
            }
        }
        return bytes;
    }

    /**
     * Where a redirect leads, if it is one the JDK's HttpClient followed with its NORMAL policy, as this did before;
     * null for any other reply, and for a redirect from https to http (which stays the answer: an error status).
     */
    private static URI redirectTarget(String url, HttpGet.Reply response) {
        int s = response.status();
        if (!(s == 301 || s == 302 || s == 303 || s == 307 || s == 308) || response.first("Location").isEmpty()) {
            return null;
        }
        URI next;
        try {
            next = response.uri().resolve(response.first("Location").get().trim());
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.NETWORK, url + ": redirect to an invalid URL");
        }
        String from = response.uri().getScheme().toLowerCase(Locale.ROOT);
        String to = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        boolean follow = to.equals("https") || (to.equals("http") && from.equals("http"));
        return follow && next.getHost() != null ? next : null;
    }

    /** The Content-Length of a reply, -1 when it has none or an unreadable one. */
    private static long contentLength(HttpGet.Reply response) {
        try {
            return Long.parseLong(response.first("Content-Length").orElse("-1").trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static UserError failure(String url, URI uri, Duration timeout, IOException cause) {
        if (cause instanceof BoundedBody.TooLarge) {
            return tooLarge(url);
        }
        if (cause instanceof HttpGet.TimedOut) {
            return noReply(url, timeout);
        }
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
            return new UserError(ExitCode.NETWORK, url + ": connection refused or unreachable");
        }
        if (cause instanceof UnknownHostException) {
            return new UserError(ExitCode.NETWORK, url + ": unknown host " + uri.getHost());
        }
        return new UserError(ExitCode.NETWORK, url + ": " + Main.reason(cause));
    }

    private static UserError noReply(String url, Duration timeout) {
        long ms = timeout.toMillis();
        String within = ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
        return new UserError(ExitCode.NETWORK, url + ": no complete reply within " + within);
    }

    private static UserError tooLarge(String url) {
        return new UserError(ExitCode.BAD_TORRENT, url + ": more than " + limit() + " bytes is too large for a .torrent");
    }
}
