package io.btget.tracker;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP(S) GET through the JDK's {@link HttpURLConnection}, bounded in time and size: for tracker announces and
 * for .torrent URLs. Not {@code java.net.http.HttpClient}: its first request in a fresh JVM costs about 0.9 CPU
 * seconds and half a second of wall time (selector thread, executor, many classes), against about 0.2 s and 0.1 s
 * here, and btget is a short-lived command that announces at once.
 *
 * <p>What it does not do on its own: follow redirects (callers count them and choose which to follow), use a proxy
 * ({@link Proxy#NO_PROXY}: as before, when the HttpClient had no proxy selector, {@code http.proxyHost} and the
 * like are ignored), cache, or undo content codings.
 *
 * <p>Time: the whole exchange (connect, request, headers, body) ends by a deadline. A blocked socket read cannot
 * be interrupted, so the exchange runs on its own daemon thread and the caller waits for it until the deadline or
 * an interrupt, then returns at once. The exchange thread stops soon after on its own: its connect and read
 * timeouts are the time left, the body is checked against the deadline after every read ({@link BoundedBody}), and
 * an abandoned exchange is interrupted and disconnected (which closes a socket still waiting for headers; one
 * waiting in a body read ends at its read timeout).
 */
public final class HttpGet {
    /** The deadline passed before the whole reply (headers and body) arrived. */
    public static final class TimedOut extends IOException {
        TimedOut() {
            super("no complete reply by the deadline");
        }
    }

    /** No connection within the connect timeout (which was shorter than the time left). */
    public static final class ConnectTimedOut extends IOException {
        ConnectTimedOut() {
            super("no connection within the connect timeout");
        }
    }

    /** Which replies have their body read; the others get an empty body and are not read at all. */
    @FunctionalInterface
    public interface BodyPolicy {
        /** @param contentLength the Content-Length, -1 when there is none (it is only a promise either way) */
        boolean wants(int status, long contentLength);
    }

    /**
     * One reply: the URI that gave it, its status, its header fields in the order sent, and its body (at most the
     * limit; empty when the policy did not want it).
     */
    public record Reply(URI uri, int status, List<Map.Entry<String, String>> headers, byte[] body) {
        /** Every value of a header field, in order (names compare without case). */
        public List<String> values(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    values.add(h.getValue());
                }
            }
            return values;
        }

        /** The first value of a header field. */
        public Optional<String> first(String name) {
            List<String> values = values(name);
            return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    private final Map<String, String> requestHeaders;
    private final Duration connectTimeout;
    private final int maxBody;
    private final BodyPolicy bodyPolicy;

    /**
     * @param requestHeaders header fields sent with every request, besides Host, an Accept of any type and
     *                       {@code Connection: close}
     * @param connectTimeout the longest a connection may take, or {@link Duration#ZERO} for up to the deadline
     * @param maxBody        the largest body read, in bytes
     */
    public HttpGet(Map<String, String> requestHeaders, Duration connectTimeout, int maxBody, BodyPolicy bodyPolicy) {
        this.requestHeaders = Map.copyOf(requestHeaders);
        this.connectTimeout = connectTimeout;
        this.maxBody = maxBody;
        this.bodyPolicy = bodyPolicy;
    }

    /**
     * GETs {@code uri} (http or https) and reads the reply by {@code deadlineNanos}.
     *
     * @throws MalformedURLException  a URI that HttpURLConnection cannot take
     * @throws TimedOut               the deadline passed
     * @throws ConnectTimedOut        no connection within the connect timeout
     * @throws BoundedBody.TooLarge   a body over the limit
     * @throws IOException            what the connection failed with (UnknownHostException, ConnectException, ...)
     * @throws InterruptedException   the calling thread was interrupted; the exchange is abandoned
     */
    public Reply fetch(URI uri, long deadlineNanos) throws IOException, InterruptedException {
        URL url;
        try {
            url = uri.toURL();
        } catch (IllegalArgumentException e) {
            throw new MalformedURLException(e.getMessage());
        }
        long leftNanos = deadlineNanos - System.nanoTime();
        if (leftNanos <= 0) {
            throw new TimedOut();
        }
        Exchange exchange = new Exchange(uri, url, deadlineNanos);
        FutureTask<Reply> task = new FutureTask<>(exchange);
        Thread worker = new Thread(task, "http-get");
        worker.setDaemon(true);
        worker.start();
        try {
            return task.get(leftNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.abandon(worker);
            throw new TimedOut();
        } catch (InterruptedException e) {
            exchange.abandon(worker);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            // HttpURLConnection throws a few unchecked exceptions on odd input (a bad header value, say)
            throw new ProtocolException(cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
    }

    /** The blocking part, run on its own thread. */
    private final class Exchange implements Callable<Reply> {
        private final URI uri;
        private final URL url;
        private final long deadlineNanos;
        private volatile HttpURLConnection connection;
        /** Set once the headers are in: from then on only the exchange thread may close the connection. */
        private volatile boolean headersIn;

        Exchange(URI uri, URL url, long deadlineNanos) {
            this.uri = uri;
            this.url = url;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public Reply call() throws IOException {
            HttpURLConnection c = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
            connection = c;
            try {
                return exchange(c);
            } finally {
                c.disconnect();
            }
        }

        private Reply exchange(HttpURLConnection c) throws IOException {
            long leftMs = leftMillis();
            boolean connectCut = connectTimeout.isZero() || connectTimeout.toMillis() >= leftMs;
            c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectCut ? leftMs : connectTimeout.toMillis()));
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, leftMs));
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestProperty("Accept", "*/*"); // else HttpURLConnection sends one for web browsers of 1997
            // One request per connection: a tracker is asked again in minutes, and a kept-alive connection would
            // outlive the exchange in the JDK's connection cache (and its timer thread).
            c.setRequestProperty("Connection", "close");
            requestHeaders.forEach(c::setRequestProperty);
            try {
                c.connect();
            } catch (SocketTimeoutException e) {
                throw connectCut ? new TimedOut() : new ConnectTimedOut();
            }
            if (Thread.currentThread().isInterrupted()) {
                // abandoned while connecting (a disconnect cannot stop a connect): send nothing, the caller is gone
                throw new InterruptedIOException("abandoned before the request was sent");
            }
            try {
                int status = c.getResponseCode();
                if (status < 0) {
                    throw new ProtocolException("reply is not HTTP");
                }
                if (status >= 100 && status < 200 && status != 101) { // JDK 17: see FinalReplyParser
                    headersIn = true;
                    FinalReplyParser.Parsed reply = new FinalReplyParser(new BufferedInputStream(c.getInputStream()),
                            maxBody, deadlineNanos).parse(bodyPolicy);
                    return new Reply(uri, reply.status(), reply.headers(), reply.body());
                }
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                for (int i = 1; ; i++) { // field 0 is the status line
                    String key = c.getHeaderFieldKey(i);
                    String value = c.getHeaderField(i);
                    if (key == null && value == null) {
                        break; // past the last field (a field may lack either, never both)
                    }
                    if (key != null) {
                        headers.add(Map.entry(key, value == null ? "" : value));
                    }
                }
                headersIn = true;
                byte[] body = new byte[0];
                long promised = c.getContentLengthLong();
                if (bodyPolicy.wants(status, promised)) {
                    if (promised > maxBody) {
                        throw new BoundedBody.TooLarge(maxBody); // refused before a byte of it is read
                    }
                    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
                    if (in != null) {
                        try (in) {
                            body = BoundedBody.read(in, maxBody, deadlineNanos);
                        }
                    }
                }
                return new Reply(uri, status, List.copyOf(headers), body);
            } catch (SocketTimeoutException e) {
                throw new TimedOut();
            }
        }

        private long leftMillis() throws TimedOut {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) {
                throw new TimedOut();
            }
            return left;
        }

        /**
         * The caller gave up: stop the exchange thread. A socket still waiting for the headers is closed at once;
         * a body read holds a lock inside HttpURLConnection's stream that a disconnect would wait for, so then the
         * read timeout ends it (and the interrupt makes the body loop stop after its next read). The disconnect
         * runs on its own daemon thread so the caller never waits for that lock.
         */
        void abandon(Thread worker) {
            worker.interrupt();
            HttpURLConnection c = connection;
            if (c != null && !headersIn) {
                Thread closer = new Thread(c::disconnect, "http-get-abandon");
                closer.setDaemon(true);
                closer.start();
            }
        }
    }
}
