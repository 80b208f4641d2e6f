package io.btget.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our HTTP and UDP clients against opentracker on 127.0.0.1 (see shared/notes/real-peers.md: it is a closed
 * tracker, so the info hashes go in a whitelist; it chroots to its rootdir and, as root, needs a user).
 */
@Tag("interop")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpentrackerIT {
    private static final InfoHash HTTP_HASH = TestData.infoHash(0x11);
    private static final InfoHash UDP_HASH = TestData.infoHash(0x22);

    @TempDir
    Path dir;
    private Process opentracker;
    private int port;

    @BeforeEach
    void startOpentracker() throws Exception {
        port = freePort();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(dir.resolve("whitelist.txt"), List.of(HTTP_HASH.hex(), UDP_HASH.hex()));
        Files.write(dir.resolve("opentracker.conf"), List.of(
                "listen.tcp_udp 127.0.0.1:" + port,
                "access.whitelist whitelist.txt",
                "tracker.rootdir " + dir,
                "tracker.user nobody"));
        opentracker = new ProcessBuilder("/usr/bin/opentracker", "-f", "opentracker.conf")
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("opentracker.log").toFile()).start();
        awaitListening(port);
    }

    @AfterEach
    void stopOpentracker() throws InterruptedException {
        if (opentracker != null) {
            opentracker.destroyForcibly();
            opentracker.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void twoPeersSeeEachOther(String url, InfoHash hash) throws Exception {
        TrackerClient client = TrackerClients.forUrl(url);
        byte[] a = TestData.peerId("-AA-", 1);
        byte[] b = TestData.peerId("-BB-", 2);
        client.announce(TestData.request(hash, a, 7001, 0, AnnounceEvent.STARTED));
        AnnounceResponse seenByB = client.announce(TestData.request(hash, b, 7002, 100, AnnounceEvent.STARTED));
        AnnounceResponse seenByA = client.announce(TestData.request(hash, a, 7001, 0, AnnounceEvent.NONE));
        // opentracker may list the announcing peer itself too: ask only that the other one is there.
        assertThat(seenByB.peers()).contains(new InetSocketAddress("127.0.0.1", 7001));
        assertThat(seenByA.peers()).contains(new InetSocketAddress("127.0.0.1", 7002));
        assertThat(seenByA.intervalSeconds()).isPositive();
    }

    @Test
    void twoPeersFindEachOtherOverHttp() throws Exception {
        twoPeersSeeEachOther("http://127.0.0.1:" + port + "/announce", HTTP_HASH);
    }

    @Test
    void twoPeersFindEachOtherOverUdp() throws Exception {
        twoPeersSeeEachOther("udp://127.0.0.1:" + port + "/announce", UDP_HASH);
    }

    @Test
    void aHashOffTheWhitelistIsRefusedWithAOneLineError() throws Exception {
        TrackerClient client = TrackerClients.forUrl("http://127.0.0.1:" + port + "/announce");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.announce(
                        TestData.request(TestData.infoHash(0x33), TestData.peerId("-AA-", 1), 7001, 0,
                                AnnounceEvent.STARTED)))
                .isInstanceOf(TrackerException.class).hasMessageNotContaining("\n");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (!opentracker.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("opentracker did not start: "
                            + Files.readString(dir.resolve("opentracker.log")));
                }
                Thread.sleep(50);
            }
        }
    }
}
