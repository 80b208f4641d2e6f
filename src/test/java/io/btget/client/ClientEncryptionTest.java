package io.btget.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import io.btget.mse.Encryption;
import io.btget.mse.Mse;
import io.btget.mse.MseHandshake;
import io.btget.mse.MseTransport;
import io.btget.net.TcpTransport;
import io.btget.peer.Handshake;
import io.btget.peer.PeerId;
import io.btget.session.DhtSettings;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The listener under each encryption policy: MSE routed by the SKEY search, plaintext refused under require. */
@Timeout(30)
class ClientEncryptionTest {
    private Client client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private Client client(Encryption policy) {
        client = new Client(InetAddress.getLoopbackAddress(), 0, false, 0, 0, DhtSettings.OFF, Client.REAL_DHT, policy);
        return client;
    }

    private static InfoHash hash(int b) {
        byte[] h = new byte[InfoHash.LENGTH];
        Arrays.fill(h, (byte) b);
        return new InfoHash(h);
    }

    private static byte[] handshake(InfoHash h) {
        return Handshake.ours(h, PeerId.generate(new Random(1)), Handshake.Features.ALL).encode();
    }

    @Test
    void anMseInitiatorIsRoutedToTheTorrentNamedByItsSkey() throws Exception {
        Client c = client(Encryption.REQUIRE);
        CompletableFuture<Handshake.Start> one = new CompletableFuture<>();
        CompletableFuture<Handshake.Start> two = new CompletableFuture<>();
        c.register(hash(1), (t, start) -> one.complete(start) && false);
        c.register(hash(2), (t, start) -> two.complete(start) && false);
        int port = c.listen();
        try (TcpTransport t = TcpTransport.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                5_000)) {
            MseTransport mse = MseHandshake.initiate(t, hash(2), handshake(hash(2)), Mse.CRYPTO_RC4, new SecureRandom(),
                    10_000);
            assertThat(mse.encrypted()).isTrue();
            assertThat(two.get(10, TimeUnit.SECONDS).infoHash()).isEqualTo(hash(2));
        }
        assertThat(one).isNotDone();
    }

    @Test
    void requireRefusesAPlainHandshake() throws Exception {
        Client c = client(Encryption.REQUIRE);
        CompletableFuture<Handshake.Start> one = new CompletableFuture<>();
        c.register(hash(1), (t, start) -> one.complete(start) && false);
        assertThat(closedWithoutAnswer(c.listen(), handshake(hash(1)))).isTrue();
        assertThat(one).isNotDone();
    }

    @Test
    void offRefusesAnMseHandshake() throws Exception {
        Client c = client(Encryption.OFF);
        CompletableFuture<Handshake.Start> one = new CompletableFuture<>();
        c.register(hash(1), (t, start) -> one.complete(start) && false);
        assertThat(closedWithoutAnswer(c.listen(), new Mse.KeyPair(new SecureRandom()).publicKey())).isTrue();
        assertThat(one).isNotDone();
    }

    @Test
    void preferTakesBoth() throws Exception {
        Client c = client(Encryption.PREFER);
        CompletableFuture<Handshake.Start> plain = new CompletableFuture<>();
        c.register(hash(1), (t, start) -> plain.complete(start) && false);
        int port = c.listen();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(handshake(hash(1)));
            assertThat(plain.get(10, TimeUnit.SECONDS).infoHash()).isEqualTo(hash(1));
        }
        CompletableFuture<Handshake.Start> encrypted = new CompletableFuture<>();
        c.register(hash(1), (t, start) -> encrypted.complete(start) && false);
        try (TcpTransport t = TcpTransport.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                5_000)) {
            MseHandshake.initiate(t, hash(1), handshake(hash(1)), Mse.CRYPTO_RC4 | Mse.CRYPTO_PLAINTEXT,
                    new SecureRandom(), 10_000);
            assertThat(encrypted.get(10, TimeUnit.SECONDS).infoHash()).isEqualTo(hash(1));
        }
        assertThat(c.dialer().prefersEncryption()).isTrue();
    }

    private static boolean closedWithoutAnswer(int port, byte[] first) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(first);
            return new DataInputStream(s.getInputStream()).read() == -1;
        } catch (IOException e) {
            return String.valueOf(e.getMessage()).contains("reset"); // closed while we were still writing
        }
    }
}
