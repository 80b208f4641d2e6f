package io.btget.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP client against a scripted fake tracker on 127.0.0.1. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpTrackerTest {
    private HttpServer server;
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    /** Starts a fake tracker whose reply to each request is {@code script(rawQuery)}; returns the announce URL. */
    private String fake(int status, Function<String, byte[]> script) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> respond(exchange, status, script));
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/announce";
    }

    private void respond(HttpExchange exchange, int status, Function<String, byte[]> script) throws IOException {
        try (exchange) {
            queries.add(exchange.getRequestURI().getRawQuery());
            byte[] body = script.apply(exchange.getRequestURI().getRawQuery());
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static AnnounceRequest request(AnnounceEvent event) {
        return TestData.request(TestData.awkwardInfoHash(), TestData.peerId("-BT-", 1), 6881, 100, event);
    }

    @Test
    void sendsThePercentEncodedInfoHashAndReturnsPeers() throws Exception {
        String url = fake(200, q -> b("d8:intervali60e5:peers6:\u007f\u0000\u0000\u0001\u001a\u00e1e"));
        AnnounceResponse r = new HttpTracker(url).announce(request(AnnounceEvent.STARTED));
        assertThat(r.peers()).containsExactly(new InetSocketAddress("127.0.0.1", 6881));
        assertThat(queries.get(0)).startsWith("info_hash=%00%FF%25%26%20%3D%2B%3F%23%2F%80a~-")
                .contains("event=started");
    }

    @Test
    void failureReasonIsReportedWithTheTrackerUrl() throws Exception {
        String url = fake(200, q -> b("d14:failure reason12:unregisterede"));
        assertThatThrownBy(() -> new HttpTracker(url).announce(request(AnnounceEvent.NONE)))
                .isInstanceOf(TrackerException.class).hasMessage(url + ": tracker failure: unregistered");
    }

    @Test
    void passesTheWarningMessageThrough() throws Exception {
        String url = fake(200, q -> b("d8:intervali60e5:peers0:15:warning message4:slowe"));
        assertThat(new HttpTracker(url).announce(request(AnnounceEvent.NONE)).warning()).hasValue("slow");
    }

    @Test
    void sendsTheTrackerIdBackOnLaterAnnounces() throws Exception {
        String url = fake(200, q -> b("d8:intervali60e5:peers0:10:tracker id4:t-42e"));
        HttpTracker tracker = new HttpTracker(url);
        tracker.announce(request(AnnounceEvent.STARTED));
        tracker.announce(request(AnnounceEvent.NONE));
        assertThat(queries.get(0)).doesNotContain("trackerid=");
        assertThat(queries.get(1)).contains("&trackerid=t-42");
    }

    @Test
    void garbageAndErrorStatusesBecomeOneLineTrackerExceptions() throws Exception {
        String url = fake(200, q -> b("<html>\n<body>oops</body></html>"));
        assertThatThrownBy(() -> new HttpTracker(url).announce(request(AnnounceEvent.NONE)))
                .isInstanceOf(TrackerException.class).hasMessageStartingWith(url + ": reply is not valid bencode")
                .hasMessageNotContaining("\n");
        stop();
        String url500 = fake(500, q -> b("nope"));
        assertThatThrownBy(() -> new HttpTracker(url500).announce(request(AnnounceEvent.NONE)))
                .isInstanceOf(TrackerException.class).hasMessage(url500 + ": HTTP status 500");
    }

    @Test
    void showsAFailureReasonSentWithAnErrorStatus() throws Exception {
        String url = fake(400, q -> b("d14:failure reason9:bad querye"));
        assertThatThrownBy(() -> new HttpTracker(url).announce(request(AnnounceEvent.NONE)))
                .isInstanceOf(TrackerException.class)
                .hasMessage(url + ": HTTP status 400 (tracker failure: bad query)");
    }

    @Test
    void refusesABodyLargerThanTheLimit() throws Exception {
        String url = fake(200, q -> new byte[HttpTracker.MAX_BODY + 10]);
        assertThatThrownBy(() -> new HttpTracker(url).announce(request(AnnounceEvent.NONE)))
                .isInstanceOf(TrackerException.class).hasMessageContaining("larger than");
    }

    @Test
    void givesUpOnASilentTrackerAfterTheRequestTimeout() throws Exception {
        String url = fake(200, q -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new byte[0];
        });
        HttpTracker tracker = new HttpTracker(url, Duration.ofMillis(300));
        assertThatThrownBy(() -> tracker.announce(request(AnnounceEvent.NONE)))
                .isInstanceOf(TrackerException.class).hasMessage(url + ": no reply within 0.3 s");
    }

    @Test
    void reportsAClosedPortAsAConnectionFailure() throws Exception {
        String url = fake(200, q -> new byte[0]);
        stop();
        assertThatThrownBy(() -> new HttpTracker(url).announce(request(AnnounceEvent.NONE)))
                .isInstanceOf(TrackerException.class).hasMessageStartingWith(url + ": ");
    }

    @Test
    void rejectsUnsupportedSchemes() {
        assertThatThrownBy(() -> TrackerClients.forUrl("wss://tracker.example/announce"))
                .isInstanceOf(TrackerException.class).hasMessageContaining("unsupported tracker scheme 'wss'");
    }
}
