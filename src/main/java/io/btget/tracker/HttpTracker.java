package io.btget.tracker;

import java.io.IOException;
import java.net.ConnectException;
import java.net.MalformedURLException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP or HTTPS tracker (BEP 3) reached through the JDK's HttpURLConnection ({@link HttpGet}), speaking plain
 * HTTP/1.1 as other clients do (no {@code Upgrade: h2c}, which some servers answer with 400), with no proxy. It asks
 * for {@code gzip, deflate} and undoes them, follows up to {@link #MAX_REDIRECTS} redirects (relative or absolute,
 * between http and https), and bounds each announce as a whole: {@link #REQUEST_TIMEOUT} from the first byte sent
 * to the last body byte read over all redirects, and {@link #MAX_BODY} bytes before and after decompression.
 */
final class HttpTracker implements TrackerClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The whole announce: connect, redirects, headers and a body that may arrive byte by byte. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** Same bound as the bencode limit for network input: a reply never costs more memory than this. */
    static final int MAX_BODY = io.btget.bencode.BencodeLimits.NETWORK.maxInputBytes();
    /** Redirects followed per announce; a small number, as in other clients and browsers. */
    static final int MAX_REDIRECTS = 5;

    /**
     * Redirects are followed here, not by the connection, to allow https to http and to count them; their bodies
     * are not read. Every other body is: a tracker may send its failure reason with an error status.
     */
    private static final HttpGet HTTP = new HttpGet(
            Map.of("User-Agent", "btget", "Accept-Encoding", ContentCodings.ACCEPT_ENCODING),
            CONNECT_TIMEOUT, MAX_BODY, (status, contentLength) -> !isRedirect(status));

    private final String url;
    private final Duration requestTimeout;
    /** BEP 3 {@code key}: lets a tracker recognise us if our IP changes; random per client. */
    private final String key = HexFormat.of().formatHex(randomBytes(4));
    /** BEP 3: once a tracker sends a {@code tracker id}, it is sent back on later announces. */
    private final AtomicReference<String> trackerId = new AtomicReference<>();
    /** Consecutive announces this tracker refused with a {@code failure reason}: the second one is hard. */
    private final AtomicInteger refusals = new AtomicInteger();

    HttpTracker(String url) throws TrackerException {
        this(url, REQUEST_TIMEOUT);
    }

    /** @param requestTimeout the whole announce, redirects and body included (tests shorten it) */
    HttpTracker(String url, Duration requestTimeout) throws TrackerException {
        this.url = url;
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw TrackerException.hard(url + ": not a valid URL");
        }
        if (uri.getHost() == null) {
            throw TrackerException.hard(url + ": URL has no host");
        }
        this.requestTimeout = requestTimeout;
    }

    @Override
    public String url() {
        return url;
    }

    /**
     * One announce. A {@code failure reason} is a transient failure the first time and hard when this tracker's
     * previous announce was refused too (see {@link TrackerException}).
     */
    @Override
    public AnnounceResponse announce(AnnounceRequest request) throws TrackerException {
        try {
            AnnounceResponse response = announceOnce(request);
            refusals.set(0);
            return response;
        } catch (TrackerException e) {
            if (!e.isRefusal()) {
                refusals.set(0);
                throw e;
            }
            throw refusals.incrementAndGet() >= 2 && !e.isHard() ? e.asHard() : e;
        }
    }

    private AnnounceResponse announceOnce(AnnounceRequest request) throws TrackerException {
        URI target;
        try {
            target = URI.create(AnnounceUrl.build(url, request, key, Optional.ofNullable(trackerId.get())));
        } catch (IllegalArgumentException e) {
            throw TrackerException.hard(url + ": not a valid URL");
        }
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        HttpGet.Reply response = fetch(target, deadline);
        for (int redirects = 0; isRedirect(response.status()); redirects++) {
            if (redirects == MAX_REDIRECTS) {
                throw new TrackerException(url + ": more than " + MAX_REDIRECTS + " redirects");
            }
            target = redirectTarget(response);
            response = fetch(target, deadline);
        }
        int status = response.status();
        byte[] body;
        try {
            body = ContentCodings.decode(response.body(), response.values("Content-Encoding"), MAX_BODY);
        } catch (TrackerException e) {
            throw e.at(url);
        }
        if (status / 100 != 2) {
            // Some trackers send their failure reason with an error status; show it if there is one. A 4xx will
            // not change by asking again, except those that say "later" (isRetryable); a 5xx may.
            String text = url + ": HTTP status " + status + failureReasonIn(body).map(r -> " (" + r + ")").orElse("");
            throw status / 100 == 4 && !isRetryable(status) ? TrackerException.hard(text) : new TrackerException(text);
        }
        AnnounceResponse parsed;
        try {
            parsed = HttpAnnounceParser.parse(body);
        } catch (TrackerException e) {
            String type = response.first("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            if (!e.isHard() && type.startsWith("text/html")) {
                throw new TrackerException(url + ": reply is a web page (text/html), not bencode: " + e.getMessage(),
                        e);
            }
            throw e.at(url);
        }
        parsed.trackerId().ifPresent(trackerId::set);
        return parsed;
    }

    /**
     * Client errors that ask for another try rather than refuse (RFC 9110 section 15.5.9 408 Request Timeout,
     * 15.5.20 421 Misdirected Request; RFC 8470 425 Too Early; RFC 6585 429 Too Many Requests).
     */
    static boolean isRetryable(int status) {
        return status == 408 || status == 421 || status == 425 || status == 429;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** The Location of a redirect, resolved against the URL that sent it (RFC 9110 section 10.2.2). */
    private URI redirectTarget(HttpGet.Reply response) throws TrackerException {
        Optional<String> location = response.first("Location");
        if (location.isEmpty()) {
            throw new TrackerException(url + ": HTTP status " + response.status() + " without a Location");
        }
        URI next;
        try {
            next = response.uri().resolve(location.get().trim());
        } catch (IllegalArgumentException e) {
            throw new TrackerException(url + ": redirect to an invalid URL '"
                    + TrackerException.printable(location.get(), 100) + "'");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || next.getHost() == null) {
            throw TrackerException.hard(url + ": redirect to an unsupported URL '"
                    + TrackerException.printable(location.get(), 100) + "'");
        }
        return next;
    }

    /** One request and its whole body, within what is left of the announce's time. */
    private HttpGet.Reply fetch(URI target, long deadline) throws TrackerException {
        try {
            return HTTP.fetch(target, deadline);
        } catch (MalformedURLException e) {
            throw TrackerException.hard(url + ": not a valid URL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackerException(url + ": interrupted", e);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private TrackerException failure(IOException cause) {
        if (cause instanceof BoundedBody.TooLarge) {
            return new TrackerException(url + ": " + cause.getMessage(), cause);
        }
        if (cause instanceof HttpGet.ConnectTimedOut) {
            return new TrackerException(url + ": no connection within " + seconds(CONNECT_TIMEOUT), cause);
        }
        if (cause instanceof HttpGet.TimedOut) {
            return new TrackerException(url + ": no reply within " + seconds(requestTimeout), cause);
        }
        // Nothing listens there, or the name does not exist: asking again soon will not help.
        if (cause instanceof UnknownHostException) {
            return TrackerException.hard(url + ": unknown host", cause);
        }
        String msg = cause.getMessage();
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
            if (msg != null && msg.toLowerCase(Locale.ROOT).contains("refused")) {
                return TrackerException.hard(url + ": connection refused", cause);
            }
            return new TrackerException(url + ": connection refused or unreachable"
                    + (msg != null && !msg.isBlank() ? " (" + msg + ")" : ""), cause);
        }
        String kind = cause.getClass().getSimpleName();
        return new TrackerException(url + ": " + (msg == null || msg.isBlank() ? kind : kind + ": " + msg), cause);
    }

    /** Some trackers send their {@code failure reason} with an error status; show it if there is one. */
    private static Optional<String> failureReasonIn(byte[] body) {
        try {
            HttpAnnounceParser.parse(body);
            return Optional.empty();
        } catch (TrackerException e) {
            return e.getMessage().startsWith("tracker failure: ") ? Optional.of(e.getMessage()) : Optional.empty();
        }
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return (ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0)) + " s";
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
