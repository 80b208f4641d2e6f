package io.btget.webseed;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP/1.1 server on 127.0.0.1 (the JDK's {@code com.sun.net.httpserver}) serving the files under a folder,
 * with one {@link Mode} at a time: an honest server honouring Range (206), one ignoring it (200 with the whole
 * file), and hostile ones. Request paths are percent-decoded, as a web server does.
 */
public final class TestHttpServer implements AutoCloseable {
    /** How the server answers. */
    public enum Mode {
        /** 206 with the range asked for (200 without a Range header). */
        RANGE,
        /** 200 with the whole file whatever the Range header says (python3 -m http.server does this). */
        IGNORE_RANGE,
        /** 206 with every 1000th byte flipped: data that fails the piece hashes. */
        CORRUPT,
        /** 404 for everything. */
        NOT_FOUND,
        /** 206 headers, then one byte every 100 ms. */
        TRICKLE,
        /** 200 claiming a Content-Length of 1 TiB, then a few bytes and the connection closed. */
        HUGE_LENGTH,
        /** 206 with a Content-Range other than the one asked for. */
        WRONG_RANGE,
        /** 302 to the same path under /moved/, which is served as RANGE. */
        REDIRECT,
        /** 302 to itself, for ever. */
        REDIRECT_LOOP
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-http");
        t.setDaemon(true);
        return t;
    });
    private final Path root;
    private volatile Mode mode;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytesServed = new AtomicLong();
    /** Paths (decoded, ending with this) answered 404 while {@link #missingLeft} is positive. */
    private volatile String missingSuffix;
    private final AtomicInteger missingLeft = new AtomicInteger();
    private final AtomicInteger missingServed = new AtomicInteger();
    /** The first {@link #busyLeft} requests get {@link #busyCode} with {@link #busyRetryAfter} (if not null). */
    private final AtomicInteger busyLeft = new AtomicInteger();
    private volatile int busyCode;
    private volatile String busyRetryAfter;
    /** When each request came ({@link System#nanoTime}). */
    private final java.util.List<Long> requestTimes = new java.util.concurrent.CopyOnWriteArrayList<>();

    public TestHttpServer(Path root, Mode mode) throws IOException {
        this(root, mode, null);
    }

    /** An https server when {@code tls} is given (see {@link TestTls}), else plain http. */
    public TestHttpServer(Path root, Mode mode, javax.net.ssl.SSLContext tls) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.mode = mode;
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls != null) {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(at, 16);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(at, 16);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The base URL, ending with '/'. */
    public String url() {
        String scheme = server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Answers 404 for the next {@code times} requests of a path ending with {@code suffix} (then serves it). */
    public void missing(String suffix, int times) {
        missingSuffix = suffix;
        missingLeft.set(times);
    }

    /** 404s answered through {@link #missing}. */
    public int missingServed() {
        return missingServed.get();
    }

    /** Answers the next {@code times} requests with {@code code} and, if not null, {@code Retry-After: retryAfter}. */
    public void busy(int times, int code, String retryAfter) {
        busyCode = code;
        busyRetryAfter = retryAfter;
        busyLeft.set(times);
    }

    /** The {@link System#nanoTime} of each request so far. */
    public java.util.List<Long> requestTimes() {
        return java.util.List.copyOf(requestTimes);
    }

    public void mode(Mode m) {
        mode = m;
    }

    public int requests() {
        return requests.get();
    }

    /** Payload bytes written in replies (headers not counted). */
    public long bytesServed() {
        return bytesServed.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            requestTimes.add(System.nanoTime());
            String path = URI.create(ex.getRequestURI().toString()).getPath(); // decoded
            if (busyLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                if (busyRetryAfter != null) {
                    ex.getResponseHeaders().add("Retry-After", busyRetryAfter);
                }
                ex.sendResponseHeaders(busyCode, -1);
                return;
            }
            String suffix = missingSuffix;
            if (suffix != null && path.endsWith(suffix) && missingLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                missingServed.incrementAndGet();
                ex.sendResponseHeaders(404, -1);
                return;
            }
            Mode m = mode;
            if (path.startsWith("/moved/")) {
                path = path.substring("/moved".length());
                m = Mode.RANGE;
            }
            if (m == Mode.REDIRECT || m == Mode.REDIRECT_LOOP) {
                ex.getResponseHeaders().add("Location", m == Mode.REDIRECT ? "/moved" + ex.getRequestURI().getRawPath()
                        : ex.getRequestURI().getRawPath());
                ex.sendResponseHeaders(302, -1);
                return;
            }
            Path file = root.resolve(path.substring(1)).normalize();
            if (m == Mode.NOT_FOUND || !file.startsWith(root) || !Files.isRegularFile(file)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] data = Files.readAllBytes(file);
            if (m == Mode.HUGE_LENGTH) {
                ex.sendResponseHeaders(200, 1L << 40);
                ex.getResponseBody().write(data, 0, Math.min(100, data.length));
                ex.getResponseBody().flush(); // JDK 25's server drops a short reply unsent at close; flushed, it goes
                return;
            }
            String range = ex.getRequestHeaders().getFirst("Range");
            Matcher r = range == null ? null : RANGE.matcher(range);
            if (m == Mode.IGNORE_RANGE || r == null || !r.matches()) {
                send(ex, 200, data, 0, data.length, m);
                return;
            }
            long first = Long.parseLong(r.group(1));
            long last = r.group(2).isEmpty() ? data.length - 1 : Math.min(data.length - 1, Long.parseLong(r.group(2)));
            if (first > last) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + data.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            long shown = m == Mode.WRONG_RANGE ? first + 1 : first;
            ex.getResponseHeaders().add("Content-Range", "bytes " + shown + "-" + last + "/" + data.length);
            send(ex, 206, data, (int) first, (int) (last - first + 1), m);
        }
    }

    private void send(HttpExchange ex, int code, byte[] data, int from, int length, Mode m) throws IOException {
        ex.sendResponseHeaders(code, length);
        OutputStream out = ex.getResponseBody();
        if (m == Mode.TRICKLE) {
            for (int i = 0; i < length; i++) {
                out.write(data[from + i]);
                out.flush();
                bytesServed.incrementAndGet();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            return;
        }
        byte[] copy = java.util.Arrays.copyOfRange(data, from, from + length);
        if (m == Mode.CORRUPT) {
            for (int i = 0; i < copy.length; i += 1000) {
                copy[i] ^= 0x5a;
            }
        }
        out.write(copy);
        bytesServed.addAndGet(length);
    }
}
