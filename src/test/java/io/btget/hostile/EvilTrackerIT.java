package io.btget.hostile;

import static io.btget.hostile.FakeHttpTracker.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.btget.hostile.FakePeer.Conn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * btget against broken trackers (HTTP and UDP, each in its own BEP 12 tier ahead of a working one): every failure
 * is reported as a tracker_error event with its reason, the next tier is tried, a zero interval is clamped (no
 * re-announce storm), and when no tracker works the run ends with exit 4 on time even if trackers hang.
 */
@Tag("interop")
class EvilTrackerIT {
    private static final TestSwarm SWARM = new TestSwarm("tracked.bin", 256 << 10, 32 << 10, 9);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] compactPeer(int port) {
        return ByteBuffer.allocate(6).put(new byte[] {127, 0, 0, 1}).putShort((short) port).array();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The broken HTTP trackers, by the reason text each must produce (null: any reason). */
    private Map<String, String> brokenHttp(FakeHttpTracker http) {
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put(http.add("failure", ex -> send(ex, 200, ascii("d14:failure reason22:torrent not registerede"))),
                "torrent not registered");
        urls.put(http.add("garbage", ex -> send(ex, 200, ascii("<html><body>oops</body></html>"))), null);
        urls.put(http.add("truncated-peers", ex -> send(ex, 200,
                concat(ascii("d8:intervali1800e5:peers7:"), compactPeer(1), new byte[] {9}, ascii("e")))), null);
        urls.put(http.add("redirect-loop", ex -> {
            ex.getResponseHeaders().add("Location", "/redirect-loop?" + ex.getRequestURI().getRawQuery());
            send(ex, 302, new byte[0]);
        }), null);
        urls.put(http.add("error-status", ex -> send(ex, 500, ascii("internal error"))), null);
        return urls;
    }

    @Test
    @Timeout(90)
    void everyBrokenTrackerIsReportedAndTheNextTierIsTriedUntilOneWorks() throws Exception {
        FakePeer honestPeer = keep(new FakePeer(SWARM, c -> {
            c.acceptHandshake();
            c.seed(Conn.HONEST);
        }));
        FakeHttpTracker http = keep(new FakeHttpTracker());
        Map<String, String> broken = brokenHttp(http);
        broken.put(keep(new FakeUdpTracker((action, tx) -> FakeUdpTracker.reply(3, tx, ascii("go away")))).url(),
                "go away");
        broken.put(keep(new FakeUdpTracker((action, tx) -> FakeUdpTracker.reply(2, tx, new byte[8]))).url(), null);
        FakeUdpTracker wrongTx = keep(new FakeUdpTracker((action, tx) -> FakeUdpTracker.reply(0, tx + 1,
                new byte[8])));
        broken.put(wrongTx.url(), null);
        // interval 0 and an enormous min interval: both must be clamped (to 30 s and 1 h)
        String honest = http.add("honest", ex -> send(ex, 200, concat(
                ascii("d8:intervali0e12:min intervali99999999999e5:peers6:"), compactPeer(honestPeer.port()),
                ascii("e"))));
        List<List<String>> tiers = new ArrayList<>();
        broken.keySet().forEach(u -> tiers.add(List.of(u)));
        tiers.add(List.of(honest));
        long started = System.nanoTime();
        try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("download",
                SWARM.writeTorrent(dir, tiers).toString(), "-d", dir.resolve("out").toString(), "--json",
                "--bind", "127.0.0.1", "-p", "0", "--stall-timeout", "40s", "--seed-time", "5s"))) {
            int code = btget.waitFor(70);
            String json = btget.stdout();
            assertThat(code).as("exit code; stderr %s; stdout %s", btget.stderr(), json).isZero();
            assertThat(Files.readAllBytes(dir.resolve("out").resolve(SWARM.name))).isEqualTo(SWARM.data);
            List<String> errors = json.lines().filter(l -> l.contains("\"event\":\"tracker_error\"")).toList();
            broken.forEach((url, reason) -> {
                assertThat(errors).as("tracker_error for %s", url)
                        .anySatisfy(l -> assertThat(l).contains("\"tracker\":\"" + url + "\""));
                if (reason != null) {
                    assertThat(errors).anySatisfy(l -> assertThat(l).contains(url).contains(reason));
                }
            });
            assertThat(errors).noneSatisfy(l -> assertThat(l).contains(honest));
            // the wrong-transaction-id tracker costs its whole UDP budget (1 + 2 + 4 s), no more
            assertThat(wrongTx.packets()).isBetween(1, 6);
            // a 0 s interval taken at face value would re-announce in a loop; clamped, only events are sent
            assertThat(http.queries("honest")).isNotEmpty()
                    .allSatisfy(q -> assertThat(q).containsPattern("event=(started|completed|stopped)"));
            assertThat(System.nanoTime() - started).isLessThan(60_000_000_000L);
        }
    }

    @Test
    @Timeout(60)
    void whenNoTrackerWorksTheRunEndsWithExitFourEvenWhileTrackersHang() throws Exception {
        FakeHttpTracker http = keep(new FakeHttpTracker());
        String failure = http.add("failure", ex -> send(ex, 200, ascii("d14:failure reason22:torrent not registerede")));
        String hang = http.add("hang", ex -> Thread.sleep(120_000));
        FakeUdpTracker silent = keep(new FakeUdpTracker((action, tx) -> null));
        List<List<String>> tiers = List.of(List.of(failure), List.of(hang), List.of(silent.url()));
        long started = System.nanoTime();
        try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("download",
                SWARM.writeTorrent(dir, tiers).toString(), "-d", dir.resolve("out").toString(), "-v",
                "--progress", "none", "--bind", "127.0.0.1", "-p", "0", "--stall-timeout", "4s"))) {
            int code = btget.waitFor(40);
            String err = btget.stderr();
            assertThat(code).as("exit code; stderr %s", err).isEqualTo(4);
            assertThat(err).contains("torrent not registered");
            List<String> lines = err.lines().toList();
            assertThat(lines.get(lines.size() - 1)).startsWith("btget: ").doesNotContain("Exception");
            assertThat(err).doesNotContain("\tat ");
            // the stall timeout plus the announcer's stop budget, not the hanging tracker's two minutes
            assertThat(System.nanoTime() - started).isLessThan(20_000_000_000L);
        }
    }

    private static int closedTcpPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int closedUdpPort() throws java.io.IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    @Timeout(60)
    void whenEveryTrackerFailsHardTheRunEndsWithinSecondsNamingTheError() throws Exception {
        FakeHttpTracker http = keep(new FakeHttpTracker());
        String gone = http.add("gone", ex -> send(ex, 404, ascii("not here")));
        String refusedHttp = "http://127.0.0.1:" + closedTcpPort() + "/announce";
        String refusedUdp = "udp://127.0.0.1:" + closedUdpPort() + "/announce";
        List<List<String>> tiers = List.of(List.of(refusedHttp), List.of(refusedUdp), List.of(gone));
        long started = System.nanoTime();
        // the default stall timeout (3 minutes): nothing waits for it
        try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("download",
                SWARM.writeTorrent(dir, tiers).toString(), "-d", dir.resolve("out").toString(),
                "--progress", "none", "--bind", "127.0.0.1", "-p", "0"))) {
            int code = btget.waitFor(40);
            String err = btget.stderr();
            assertThat(code).as("exit code; stderr %s", err).isEqualTo(4);
            List<String> lines = err.lines().toList();
            // the last line names every tracker's error
            assertThat(lines.get(lines.size() - 1)).startsWith("btget: no tracker answered")
                    .contains(refusedHttp + ": connection refused").contains(refusedUdp + ": connection refused")
                    .contains(gone + ": HTTP status 404");
            assertThat(err).doesNotContain("\tat ");
            assertThat(System.nanoTime() - started).isLessThan(30_000_000_000L);
        }
    }

    @Test
    @Timeout(60)
    void withAnUnlimitedStallTimeoutTrackersThatFailHardDoNotEndTheRun() throws Exception {
        // --stall-timeout inf asks to wait for peers without limit: incoming peers may still come, so a refused
        // tracker (which alone ends a run within seconds, above) must not end this one
        String refusedHttp = "http://127.0.0.1:" + closedTcpPort() + "/announce";
        try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("download",
                SWARM.writeTorrent(dir, List.of(List.of(refusedHttp))).toString(), "-d", dir.resolve("out").toString(),
                "--progress", "none", "--bind", "127.0.0.1", "-p", "0", "--stall-timeout", "inf"))) {
            Thread.sleep(12_000);
            assertThat(btget.isAlive()).as("still waiting; stderr %s", btget.stderr()).isTrue();
        }
    }

    @Test
    @Timeout(60)
    void aPeerNamedByItsHostNameIsResolvedAndTheDownloadCompletes() throws Exception {
        FakePeer seeder = keep(new FakePeer(SWARM, c -> {
            c.acceptHandshake();
            c.seed(Conn.HONEST);
        }));
        FakeHttpTracker http = keep(new FakeHttpTracker());
        String named = http.add("named", ex -> send(ex, 200, ascii("d8:intervali1800e5:peersld2:ip9:localhost"
                + "7:peer id20:-FK0001-abcdefghijkl4:porti" + seeder.port() + "eeee")));
        try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("download",
                SWARM.writeTorrent(dir, List.of(List.of(named))).toString(), "-d", dir.resolve("out").toString(),
                "--progress", "none", "--bind", "127.0.0.1", "-p", "0", "--stall-timeout", "30s"))) {
            int code = btget.waitFor(45);
            assertThat(code).as("exit code; stderr %s", btget.stderr()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("out").resolve(SWARM.name))).isEqualTo(SWARM.data);
            // the tracker hears of the completed download, then that we stopped, before the process ends
            assertThat(String.join("\n", http.queries("named"))).contains("event=started")
                    .contains("event=completed").contains("event=stopped");
        }
    }

    @Test
    @Timeout(60)
    void theCompletedAnnounceIsAnsweredBeforeStoppedIsSentAndTheProcessEnds() throws Exception {
        FakePeer seeder = keep(new FakePeer(SWARM, c -> {
            c.acceptHandshake();
            c.seed(Conn.HONEST);
        }));
        FakeHttpTracker http = keep(new FakeHttpTracker());
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        String slow = http.add("slow", ex -> {
            String q = String.valueOf(ex.getRequestURI().getRawQuery());
            if (q.contains("event=completed")) {
                seen.add("completed received");
                Thread.sleep(1000); // a tracker a second away, as over a real network
                seen.add("completed answered");
                send(ex, 200, ascii("d8:intervali1800e5:peers0:e"));
            } else {
                seen.add(q.contains("event=stopped") ? "stopped received" : "other");
                send(ex, 200, concat(ascii("d8:intervali1800e5:peers6:"), compactPeer(seeder.port()), ascii("e")));
            }
        });
        try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("download",
                SWARM.writeTorrent(dir, List.of(List.of(slow))).toString(), "-d", dir.resolve("out").toString(),
                "--progress", "none", "--bind", "127.0.0.1", "-p", "0", "--stall-timeout", "30s"))) {
            int code = btget.waitFor(45);
            assertThat(code).as("exit code; stderr %s", btget.stderr()).isZero();
            assertThat(seen).containsSubsequence("completed received", "completed answered", "stopped received");
        }
    }

    @Test
    @Timeout(60)
    void aTrackerThatHangsOnTheLastAnnouncesDelaysTheExitByAtMostTheStopBudget() throws Exception {
        FakePeer seeder = keep(new FakePeer(SWARM, c -> {
            c.acceptHandshake();
            c.seed(Conn.HONEST);
        }));
        FakeHttpTracker http = keep(new FakeHttpTracker());
        String sticky = http.add("sticky", ex -> {
            if (String.valueOf(ex.getRequestURI().getRawQuery()).contains("event=started")) {
                send(ex, 200, concat(ascii("d8:intervali1800e5:peers6:"), compactPeer(seeder.port()), ascii("e")));
            } else {
                Thread.sleep(120_000); // completed and stopped are never answered
            }
        });
        try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("download",
                SWARM.writeTorrent(dir, List.of(List.of(sticky))).toString(), "-d", dir.resolve("out").toString(),
                "--json", "--bind", "127.0.0.1", "-p", "0", "--stall-timeout", "30s"))) {
            int code = btget.waitFor(45);
            assertThat(code).as("exit code; stderr %s", btget.stderr()).isZero();
            long completeMs = elapsedMs(btget.stdout(), "download_complete");
            long endMs = elapsedMs(btget.stdout(), "complete");
            // the stop budget is 3 s for all trackers together; the rest is closing files and the JVM
            assertThat(endMs - completeMs).as("ms from download_complete to the end").isLessThan(4_500);
            assertThat(String.join("\n", http.queries("sticky"))).contains("event=completed");
        }
    }

    /** The elapsedMs of the last JSON line of {@code event} (or the last progress before it when it has none). */
    private static long elapsedMs(String json, String event) {
        long last = -1;
        for (String line : json.lines().toList()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"elapsedMs\":(\\d+)").matcher(line);
            if (m.find()) {
                last = Long.parseLong(m.group(1));
            }
            if (line.contains("\"event\":\"" + event + "\"")) {
                return last;
            }
        }
        throw new AssertionError("no " + event + " event in " + json);
    }
}
