package io.btget.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import io.btget.net.Transport;
import io.btget.peer.Handshake;
import io.btget.peer.PeerId;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The process level: one listener routing incoming handshakes by info hash, refusing the others. */
@Timeout(30)
class ClientTest {
    private final Client client = new Client(InetAddress.getLoopbackAddress(), 0, false, 0, 0);

    @AfterEach
    void close() {
        client.close();
    }

    private static InfoHash hash(int b) {
        byte[] h = new byte[InfoHash.LENGTH];
        Arrays.fill(h, (byte) b);
        return new InfoHash(h);
    }

    @Test
    void routesAnIncomingHandshakeToTheTorrentOfItsInfoHash() throws Exception {
        CompletableFuture<Handshake.Start> one = new CompletableFuture<>();
        CompletableFuture<Handshake.Start> two = new CompletableFuture<>();
        client.register(hash(1), (t, start) -> one.complete(start) && false);
        client.register(hash(2), (t, start) -> two.complete(start) && false);
        int port = client.listen();
        assertThat(client.listen()).as("listen is idempotent").isEqualTo(port);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(Handshake.ours(hash(2), PeerId.generate(new Random(1)),
                    Handshake.Features.ALL).encode());
            Handshake.Start start = two.get(10, TimeUnit.SECONDS);
            assertThat(start.infoHash()).isEqualTo(hash(2));
            assertThat(start.withPeerId(PeerId.generate(new Random(1))).supportsFastExtension()).isTrue();
        }
        assertThat(one).isNotDone();
    }

    @Test
    void refusesAHandshakeForATorrentItDoesNotServe() throws Exception {
        client.register(hash(1), (Transport t, Handshake.Start start) -> true);
        int port = client.listen();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(Handshake.ours(hash(3), PeerId.generate(new Random(1)), false).encode());
            assertThat(new DataInputStream(s.getInputStream()).read()).as("closed without an answer").isEqualTo(-1);
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("reset"); // closed while we were still writing: refused too
        }
    }

    @Test
    void everyTorrentSharesOnePeerIdAndOneBandwidthBudget() {
        assertThat(client.peerId()).isSameAs(client.peerId());
        assertThat(client.downloadLimiter()).isSameAs(client.downloadLimiter());
        assertThat(client.uploadLimiter()).isNotSameAs(client.downloadLimiter());
    }
}
