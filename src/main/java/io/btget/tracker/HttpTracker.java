package io.btget.tracker;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/** An HTTP or HTTPS tracker (BEP 3) reached through the JDK's HttpClient. */
final class HttpTracker implements TrackerClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** Same bound as the bencode limit for network input: a reply never costs more memory than this. */
    static final int MAX_BODY = io.btget.bencode.BencodeLimits.NETWORK.maxInputBytes();

    /**
     * One client for all HTTP trackers: it pools connections and threads. {@code Redirect.NORMAL} follows at most
     * five redirects (the JDK's {@code jdk.httpclient.redirects.retrylimit}) and never from HTTPS to HTTP.
     */
    private static final HttpClient SHARED = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    private final String url;
    private final URI uri;
    private final HttpClient http;
    private final Duration requestTimeout;
    /** BEP 3 {@code key}: lets a tracker recognise us if our IP changes; random per client. */
    private final String key = HexFormat.of().formatHex(randomBytes(4));
    /** BEP 3: once a tracker sends a {@code tracker id}, it is sent back on later announces. */
    private final AtomicReference<String> trackerId = new AtomicReference<>();

    HttpTracker(String url) throws TrackerException {
        this(url, SHARED, REQUEST_TIMEOUT);
    }

    HttpTracker(String url, HttpClient http, Duration requestTimeout) throws TrackerException {
        this.url = url;
        try {
            this.uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new TrackerException(url + ": not a valid URL");
        }
        if (uri.getHost() == null) {
            throw new TrackerException(url + ": URL has no host");
        }
        this.http = http;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public AnnounceResponse announce(AnnounceRequest request) throws TrackerException {
        String full = AnnounceUrl.build(url, request, key, Optional.ofNullable(trackerId.get()));
        HttpRequest httpRequest;
        try {
            httpRequest = HttpRequest.newBuilder(URI.create(full)).timeout(requestTimeout)
                    .header("User-Agent", "btget").GET().build();
        } catch (IllegalArgumentException e) {
            throw new TrackerException(url + ": not a valid URL");
        }
        byte[] body;
        try {
            HttpResponse<InputStream> response = http.send(httpRequest, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = readBounded(in, url);
                if (response.statusCode() != 200) {
                    throw new TrackerException(url + ": HTTP status " + response.statusCode()
                            + failureReasonIn(body).map(r -> " (" + r + ")").orElse(""));
                }
            }
        } catch (java.net.http.HttpConnectTimeoutException e) {
            throw new TrackerException(url + ": no connection within " + seconds(CONNECT_TIMEOUT), e);
        } catch (HttpTimeoutException e) {
            throw new TrackerException(url + ": no reply within " + seconds(requestTimeout), e);
        } catch (IOException e) {
            throw new TrackerException(url + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackerException(url + ": interrupted", e);
        }
        AnnounceResponse response;
        try {
            response = HttpAnnounceParser.parse(body);
        } catch (TrackerException e) {
            throw e.at(url);
        }
        response.trackerId().ifPresent(trackerId::set);
        return response;
    }

    private static byte[] readBounded(InputStream in, String url) throws IOException, TrackerException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new TrackerException(url + ": reply larger than " + MAX_BODY + " bytes");
        }
        return body;
    }

    private static String describe(IOException e) {
        String msg = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof java.net.ConnectException) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                    return "unknown host";
                }
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                String m = t.getMessage();
                if (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("refused")) {
                    return "connection refused";
                }
            }
            // The JDK client gives no reason here (a null message over a ClosedChannelException).
            return "connection refused or unreachable" + (msg != null && !msg.isBlank() ? " (" + msg + ")" : "");
        }
        return msg == null || msg.isBlank() ? kind : kind + ": " + msg;
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
