package io.btget.cli;

import io.btget.bencode.BencodeLimits;
import io.btget.metainfo.Torrent;
import io.btget.tracker.BoundedBody;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;

/**
 * Reads the .torrent a user names: a file, or an http(s) URL of one (as aria2c does), always bounded by the
 * .torrent size limit, with one-line errors: 2 for a path that is not a readable regular file, 3 for a body that is
 * too large or not a torrent, 4 for a URL that cannot be fetched.
 */
final class TorrentInput {
    /**
     * The whole request as one deadline: connecting, headers and body, redirects included. (No separate connect
     * timeout: with one, JDK 17's HttpClient keeps retrying a refused connection for seconds instead of failing at
     * once.)
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

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
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", "btget")
                .GET().build();
        // On JDK 17 the request timeout only covers the headers: a server that then stalls or trickles the body
        // would hold us forever, so the whole exchange runs under one deadline and is cancelled past it.
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, info -> {
            long length = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            return info.statusCode() == 200 && length <= limit() ? new BoundedBody(limit()) : new Unread();
        });
        HttpResponse<byte[]> response;
        try {
            response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw noReply(url, timeout);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new UserError(ExitCode.INTERRUPTED, url + ": interrupted");
        } catch (ExecutionException e) {
            throw failure(url, uri, timeout, e.getCause());
        }
        if (response.statusCode() != 200) {
            throw new UserError(ExitCode.NETWORK, url + ": HTTP " + response.statusCode());
        }
        byte[] bytes = response.body();
        if (bytes == null) { // Content-Length over the limit: not read
            throw tooLarge(url);
        }
        boolean gzip = response.headers().firstValue("Content-Encoding")
                .map(v -> v.trim().equalsIgnoreCase("gzip")).orElse(false);
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

    private static UserError failure(String url, URI uri, Duration timeout, Throwable cause) {
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof BoundedBody.TooLarge) {
            return tooLarge(url);
        }
        if (cause instanceof HttpTimeoutException) {
            return noReply(url, timeout);
        }
        if (cause instanceof ConnectException) {
            return new UserError(ExitCode.NETWORK, url + ": connection refused or unreachable");
        }
        if (cause instanceof UnknownHostException) {
            return new UserError(ExitCode.NETWORK, url + ": unknown host " + uri.getHost());
        }
        if (cause instanceof IOException io) {
            return new UserError(ExitCode.NETWORK, url + ": " + Main.reason(io));
        }
        return new UserError(ExitCode.NETWORK, url + ": " + Main.oneLine(cause), cause);
    }

    private static UserError noReply(String url, Duration timeout) {
        long ms = timeout.toMillis();
        String within = ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
        return new UserError(ExitCode.NETWORK, url + ": no complete reply within " + within);
    }

    /** The body of a reply we refuse whatever it holds (an error status, a Content-Length over the limit): not read. */
    private static final class Unread implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.cancel(); // an endless 404 page must not hold us until the deadline
            result.complete(null);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
        }

        @Override
        public void onError(Throwable t) {
            result.complete(null);
        }

        @Override
        public void onComplete() {
            result.complete(null);
        }
    }

    private static UserError tooLarge(String url) {
        return new UserError(ExitCode.BAD_TORRENT, url + ": more than " + limit() + " bytes is too large for a .torrent");
    }
}
