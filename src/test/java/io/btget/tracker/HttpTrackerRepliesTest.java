package io.btget.tracker;

import static io.btget.tracker.RawHttpServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP tracker client against replies framed byte for byte as real servers send them: content codings,
 * chunked and close-delimited bodies, informational responses, redirects, trickled bodies, web pages and error
 * statuses. Everything on 127.0.0.1.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpTrackerRepliesTest {
    /** A valid announce reply: interval 900, one peer 127.0.0.1:6881. */
    private static final byte[] REPLY = ascii("d8:intervali900e5:peers6:\u007f\u0000\u0000\u0001\u001a\u00e1e");
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 6881);

    private RawHttpServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private String serve(RawHttpServer.Script script) throws IOException {
        server = new RawHttpServer(script);
        return server.url("/announce");
    }

    private static AnnounceResponse announce(String url) throws TrackerException {
        return new HttpTracker(url).announce(TestData.request(TestData.infoHash(1), TestData.peerId("-BT-", 1), 6881,
                100, AnnounceEvent.STARTED));
    }

    /** A 200 reply with a Content-Length and the given extra header lines (each ending in CRLF). */
    private static void ok(OutputStream out, String headers, byte[] body) throws IOException {
        out.write(ascii("HTTP/1.1 200 OK\r\n" + headers + "Content-Length: " + body.length + "\r\n\r\n"));
        out.write(body);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] deflate(byte[] data, boolean raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, deflater)) {
            out.write(data);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    @Test
    void asksInPlainHttp11WithoutAnUpgradeAndAcceptsGzip() throws Exception {
        String url = serve((head, out) -> ok(out, "", REPLY));
        assertThat(announce(url).peers()).containsExactly(PEER);
        String head = server.heads().get(0).toLowerCase(Locale.ROOT);
        assertThat(head).startsWith("get /announce?").contains(" http/1.1\r\n").contains("accept-encoding: gzip")
                .doesNotContain("upgrade").doesNotContain("http2-settings");
    }

    @Test
    void decodesGzipDeflateAndRawDeflateReplies() throws Exception {
        byte[] gz = gzip(REPLY);
        byte[] zlib = deflate(REPLY, false);
        byte[] raw = deflate(REPLY, true);
        String url = serve((head, out) -> {
            String target = RawHttpServer.target(head);
            if (target.startsWith("/gzip")) {
                ok(out, "Content-Encoding: gzip\r\n", gz);
            } else if (target.startsWith("/x-gzip")) {
                ok(out, "Content-Encoding: x-gzip\r\n", gz);
            } else if (target.startsWith("/zlib")) {
                ok(out, "Content-Encoding: deflate\r\n", zlib);
            } else if (target.startsWith("/raw")) {
                ok(out, "Content-Encoding: deflate\r\n", raw);
            } else if (target.startsWith("/stacked-lines")) {
                ok(out, "Content-Encoding: deflate\r\nX-Between: 1\r\nContent-Encoding: gzip\r\n", gzip(zlib));
            } else if (target.startsWith("/stacked")) {
                ok(out, "Content-Encoding: deflate, gzip\r\n", gzip(zlib));
            } else {
                ok(out, "", gz); // gzip without saying so, as a misconfigured proxy sends it
            }
        });
        for (String path : new String[] {"/gzip", "/x-gzip", "/zlib", "/raw", "/stacked", "/stacked-lines",
                "/unlabelled"}) {
            assertThat(announce(url.replace("/announce", path)).peers()).as(path).containsExactly(PEER);
        }
    }

    @Test
    void aCompressionBombStopsAtTheReplySizeLimit() throws Exception {
        byte[] bomb = gzip(new byte[HttpTracker.MAX_BODY * 4]);
        assertThat(bomb.length).isLessThan(HttpTracker.MAX_BODY / 10);
        String url = serve((head, out) -> ok(out, "Content-Encoding: gzip\r\n", bomb));
        assertThatThrownBy(() -> announce(url)).isInstanceOf(TrackerException.class)
                .hasMessageStartingWith(url).hasMessageContaining("larger than " + HttpTracker.MAX_BODY + " bytes");
    }

    @Test
    void anUnknownOrCorruptCodingIsAOneLineError() throws Exception {
        String url = serve((head, out) -> {
            if (RawHttpServer.target(head).startsWith("/br")) {
                ok(out, "Content-Encoding: br\r\n", REPLY);
            } else {
                ok(out, "Content-Encoding: gzip\r\n", REPLY);
            }
        });
        assertThatThrownBy(() -> announce(url.replace("/announce", "/br"))).isInstanceOf(TrackerException.class)
                .hasMessageContaining("unsupported content coding 'br'");
        assertThatThrownBy(() -> announce(url)).isInstanceOf(TrackerException.class)
                .hasMessageContaining("not valid gzip");
    }

    @Test
    void readsChunkedAndCloseDelimitedBodiesAndSkipsInformationalResponses() throws Exception {
        String url = serve((head, out) -> {
            String target = RawHttpServer.target(head);
            if (target.startsWith("/chunked")) {
                out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                out.write(ascii("5\r\n"));
                out.write(REPLY, 0, 5);
                out.write(ascii("\r\n" + Integer.toHexString(REPLY.length - 5) + "\r\n"));
                out.write(REPLY, 5, REPLY.length - 5);
                out.write(ascii("\r\n0\r\n\r\n"));
            } else if (target.startsWith("/no-length")) {
                out.write(ascii("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"));
                out.write(REPLY); // the end of the body is the end of the connection
            } else {
                out.write(ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"));
                ok(out, "", REPLY);
            }
        });
        for (String path : new String[] {"/chunked", "/no-length", "/informational"}) {
            assertThat(announce(url.replace("/announce", path)).peers()).as(path).containsExactly(PEER);
        }
    }

    @Test
    void followsRelativeAndAbsoluteRedirectsUpToALimit() throws Exception {
        String url = serve((head, out) -> {
            String target = RawHttpServer.target(head);
            String query = target.substring(target.indexOf('?'));
            if (target.startsWith("/announce")) {
                out.write(ascii("HTTP/1.1 302 Found\r\nLocation: moved/here" + query + "\r\nContent-Length: 0\r\n\r\n"));
            } else if (target.startsWith("/moved/here")) {
                out.write(ascii("HTTP/1.1 301 Moved\r\nLocation: " + server.url("/final") + query
                        + "\r\nContent-Length: 0\r\n\r\n"));
            } else if (target.startsWith("/final")) {
                ok(out, "", REPLY);
            } else {
                out.write(ascii("HTTP/1.1 307 Again\r\nLocation: /loop" + query + "\r\nContent-Length: 0\r\n\r\n"));
            }
        });
        assertThat(announce(url).peers()).containsExactly(PEER);
        assertThat(server.heads()).hasSize(3);
        assertThat(RawHttpServer.target(server.heads().get(2))).startsWith("/final?info_hash=");
        server.heads().clear();
        assertThatThrownBy(() -> announce(url.replace("/announce", "/loop"))).isInstanceOf(TrackerException.class)
                .hasMessageContaining("more than " + HttpTracker.MAX_REDIRECTS + " redirects");
        assertThat(server.heads()).hasSize(HttpTracker.MAX_REDIRECTS + 1);
    }

    @Test
    void aRedirectToAnotherSchemeIsRefused() throws Exception {
        String url = serve((head, out) -> out.write(ascii(
                "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n")));
        assertThatThrownBy(() -> announce(url)).isInstanceOf(TrackerException.class)
                .hasMessageContaining("redirect to an unsupported URL 'file:///etc/passwd'")
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).isTrue());
    }

    @Test
    void aBodyThatTricklesInEndsAtTheRequestTimeout() throws Exception {
        String url = serve((head, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nd"));
            while (true) {
                out.flush();
                Thread.sleep(100);
                out.write('8'); // one byte at a time, forever: headers came at once, the body never ends
            }
        });
        HttpTracker tracker = new HttpTracker(url, Duration.ofMillis(1500));
        assertThatThrownBy(() -> tracker.announce(TestData.request(TestData.infoHash(1), TestData.peerId("-BT-", 1),
                6881, 100, AnnounceEvent.NONE))).isInstanceOf(TrackerException.class)
                .hasMessage(url + ": no reply within 1.5 s");
    }

    /**
     * Writes {@code prefix}, then one byte of {@code filler} every 100 ms until the client hangs up, which counts
     * {@code hungUp} down.
     */
    private static RawHttpServer.Script trickle(String prefix, char filler, CountDownLatch hungUp) {
        return (head, out) -> {
            try {
                out.write(ascii(prefix));
                while (true) {
                    out.flush();
                    Thread.sleep(100);
                    out.write(filler);
                }
            } catch (IOException e) {
                hungUp.countDown();
                throw e;
            }
        };
    }

    private static AnnounceRequest plainRequest() {
        return TestData.request(TestData.infoHash(1), TestData.peerId("-BT-", 1), 6881, 100, AnnounceEvent.NONE);
    }

    @Test
    void aTrickledBodyOrHeadEndsAtTheRequestTimeoutAndTheConnectionIsClosed() throws Exception {
        // A socket read cannot be interrupted: the announce returns at its deadline, and the connection must not be
        // left reading a trickle behind it (a head trickled a byte at a time never times out on its own). The body
        // case answers our Connection: close as servers do: without it, the JDK hands a keep-alive connection with
        // a body of up to 512 KiB left to its cleaner thread to drain (bounded: at most 10 queued, then closed).
        String[] prefixes = {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 100000\r\n\r\nd",
                "HTTP/1.1 200 OK\r\nX-Slow: "};
        for (String prefix : prefixes) {
            CountDownLatch hungUp = new CountDownLatch(1);
            String url = serve(trickle(prefix, '8', hungUp));
            HttpTracker tracker = new HttpTracker(url, Duration.ofMillis(1500));
            assertThatThrownBy(() -> tracker.announce(plainRequest())).as(prefix).isInstanceOf(TrackerException.class)
                    .hasMessage(url + ": no reply within 1.5 s");
            assertThat(hungUp.await(10, TimeUnit.SECONDS)).as("hung up on " + prefix).isTrue();
            stop();
        }
    }

    @Test
    void anInterruptEndsAnAnnounceInFlight() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch hungUp = new CountDownLatch(1);
        String url = serve((head, out) -> {
            asked.countDown();
            trickle("HTTP/1.1 200 OK\r\n", 'x', hungUp).reply(head, out);
        });
        HttpTracker tracker = new HttpTracker(url, Duration.ofSeconds(25));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread announcer = new Thread(() -> {
            try {
                tracker.announce(plainRequest());
            } catch (TrackerException e) {
                failure.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        announcer.start();
        assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
        announcer.interrupt(); // what Announcer.close and abandon do to a tracker that hangs
        announcer.join(15_000); // far less than the 25 s request timeout
        assertThat(announcer.isAlive()).as("announce still running after the interrupt").isFalse();
        assertThat(failure.get()).hasMessage(url + ": interrupted");
        assertThat(stillInterrupted).isTrue();
        assertThat(hungUp.await(10, TimeUnit.SECONDS)).as("hung up").isTrue();
    }

    @Test
    void readsTheReplyAfterAnEarlyHintsInEveryFraming() throws Exception {
        // JDK 17's HttpURLConnection returns a 103 as the reply; the real one follows it on the connection
        String hints = "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n";
        String url = serve((head, out) -> {
            String target = RawHttpServer.target(head);
            out.write(ascii(hints));
            if (target.startsWith("/chunked")) {
                out.write(ascii("HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5;ext=1\r\n"));
                out.write(REPLY, 0, 5);
                out.write(ascii("\r\n" + Integer.toHexString(REPLY.length - 5) + "\r\n"));
                out.write(REPLY, 5, REPLY.length - 5);
                out.write(ascii("\r\n0\r\nX-Trailer: 1\r\n\r\n"));
            } else if (target.startsWith("/no-length")) {
                out.write(ascii("HTTP/1.1 200 OK\r\n\r\n"));
                out.write(REPLY);
            } else if (target.startsWith("/gzip")) {
                ok(out, "Content-Encoding: gzip\r\n", gzip(REPLY));
            } else if (target.startsWith("/redirect")) {
                out.write(ascii("HTTP/1.1 302 Found\r\nLocation: /final" + target.substring(target.indexOf('?'))
                        + "\r\nContent-Length: 0\r\n\r\n"));
            } else if (target.startsWith("/huge")) {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + (HttpTracker.MAX_BODY + 1) + "\r\n\r\n"));
            } else if (target.startsWith("/endless")) {
                for (int i = 0; i < 100; i++) {
                    out.write(ascii(hints));
                }
            } else {
                ok(out, "", REPLY);
            }
        });
        for (String path : new String[] {"/chunked", "/no-length", "/gzip", "/redirect", "/final"}) {
            assertThat(announce(url.replace("/announce", path)).peers()).as(path).containsExactly(PEER);
        }
        assertThatThrownBy(() -> announce(url.replace("/announce", "/huge"))).isInstanceOf(TrackerException.class)
                .hasMessageContaining("larger than " + HttpTracker.MAX_BODY + " bytes");
        // JDK 17 stops at FinalReplyParser.MAX_INTERIM; later JDKs skip them all and then meet the end of the stream
        assertThatThrownBy(() -> announce(url.replace("/announce", "/endless"))).isInstanceOf(TrackerException.class)
                .hasMessageStartingWith(url.replace("/announce", "/endless") + ": ");
    }

    @Test
    void aWebPageIsNamedAsSuchAndACharsetInTheContentTypeIsHarmless() throws Exception {
        String url = serve((head, out) -> {
            if (RawHttpServer.target(head).startsWith("/page")) {
                ok(out, "Content-Type: text/html; charset=utf-8\r\n", ascii("<!DOCTYPE html><html>hi</html>"));
            } else {
                ok(out, "Content-Type: text/plain; charset=ISO-8859-1\r\n", REPLY);
            }
        });
        assertThat(announce(url).peers()).containsExactly(PEER);
        assertThatThrownBy(() -> announce(url.replace("/announce", "/page"))).isInstanceOf(TrackerException.class)
                .hasMessageStartingWith(url.replace("/announce", "/page") + ": reply is a web page (text/html)");
    }

    @Test
    void clientErrorsAreHardFailuresAndServerErrorsAreNot() throws Exception {
        String url = serve((head, out) -> {
            String target = RawHttpServer.target(head);
            byte[] reason = ascii("d14:failure reason12:unregisterede");
            String status = target.startsWith("/gone") ? "404 Not Found" : target.startsWith("/bad") ? "400 Bad Request"
                    : "503 Service Unavailable";
            byte[] body = target.startsWith("/gone") ? new byte[0] : reason;
            out.write(ascii("HTTP/1.1 " + status + "\r\nContent-Length: " + body.length + "\r\n\r\n"));
            out.write(body);
        });
        assertThatThrownBy(() -> announce(url.replace("/announce", "/gone"))).isInstanceOf(TrackerException.class)
                .hasMessageEndingWith("HTTP status 404").satisfies(e -> assertThat(((TrackerException) e).isHard()).isTrue());
        assertThatThrownBy(() -> announce(url.replace("/announce", "/bad"))).isInstanceOf(TrackerException.class)
                .hasMessageEndingWith("HTTP status 400 (tracker failure: unregistered)")
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).isTrue());
        assertThatThrownBy(() -> announce(url)).isInstanceOf(TrackerException.class)
                .hasMessageEndingWith("HTTP status 503 (tracker failure: unregistered)")
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).isFalse());
    }

    /**
     * A port held by a bound socket that does not listen: the kernel answers a SYN with a reset, and no other
     * socket can take the port while the test runs. (Closing a server and reusing its port let a later bind, or
     * a pooled connection to an earlier server that happened to get the same port, answer instead.)
     */
    @Test
    void aRefusedPortIsAHardFailure() throws Exception {
        try (Socket held = new Socket()) {
            held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String url = "http://127.0.0.1:" + held.getLocalPort() + "/announce";
            assertThatThrownBy(() -> announce(url)).isInstanceOf(TrackerException.class)
                    .hasMessageContaining("connection refused")
                    .satisfies(e -> assertThat(((TrackerException) e).isHard()).isTrue());
        }
    }

    @Test
    void tryAgainStatusesAreTransientFailures() throws Exception {
        String url = serve((head, out) -> {
            String status = RawHttpServer.target(head).substring(1, 4);
            out.write(ascii("HTTP/1.1 " + status + " Later\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n"));
        });
        for (String status : new String[] {"408", "421", "425", "429"}) {
            assertThatThrownBy(() -> announce(url.replace("/announce", "/" + status))).as(status)
                    .isInstanceOf(TrackerException.class).hasMessageEndingWith("HTTP status " + status)
                    .satisfies(e -> assertThat(((TrackerException) e).isHard()).isFalse());
        }
        assertThatThrownBy(() -> announce(url.replace("/announce", "/403"))).isInstanceOf(TrackerException.class)
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).isTrue());
    }

    @Test
    void aFailureReasonIsHardOnlyWhenTheSameTrackerRepeatsIt() throws Exception {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        // refused, refused, answered, refused, refused
        String url = serve((head, out) -> ok(out, "", n.getAndIncrement() == 2 ? REPLY
                : ascii("d14:failure reason24:overloaded, retry in 60se")));
        HttpTracker tracker = new HttpTracker(url);
        AnnounceRequest request = TestData.request(TestData.infoHash(1), TestData.peerId("-BT-", 1), 6881, 100,
                AnnounceEvent.STARTED);
        assertThatThrownBy(() -> tracker.announce(request)).isInstanceOf(TrackerException.class)
                .hasMessage(url + ": tracker failure: overloaded, retry in 60s")
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).as("first refusal").isFalse());
        assertThatThrownBy(() -> tracker.announce(request)).isInstanceOf(TrackerException.class)
                .hasMessage(url + ": tracker failure: overloaded, retry in 60s")
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).as("second in a row").isTrue());
        assertThat(tracker.announce(request).peers()).containsExactly(PEER);
        assertThatThrownBy(() -> tracker.announce(request)).isInstanceOf(TrackerException.class)
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).as("after an answer").isFalse());
    }

    @Test
    void oddOptionalFieldsDoNotCostThePeers() throws Exception {
        byte[] reply = ascii("d8:completel1:xe11:external ipi7e8:interval3:abc12:min interval2:60"
                + "5:peers6:\u007f\u0000\u0000\u0001\u001a\u00e110:tracker idi42e15:warning messagedee");
        String url = serve((head, out) -> ok(out, "", reply));
        assertThat(announce(url).peers()).containsExactly(PEER);
    }
}
