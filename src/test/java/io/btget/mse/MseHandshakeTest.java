package io.btget.mse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.InfoHash;
import io.btget.net.TcpTransport;
import io.btget.net.Transport;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both sides of the MSE handshake against each other over loopback sockets, and against hostile peers. */
@Timeout(30)
class MseHandshakeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final InfoHash HASH = hash(1);
    private static final InfoHash OTHER = hash(2);
    private static final int TIMEOUT = 5_000;

    private ServerSocket server;
    private Transport a;
    private Transport b;

    private static InfoHash hash(int seed) {
        byte[] h = new byte[20];
        Arrays.fill(h, (byte) seed);
        return new InfoHash(h);
    }

    /** Two ends of one loopback TCP connection: a (dialled out), b (accepted). */
    private void connect() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket out = new Socket();
        out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        a = new TcpTransport(out);
        b = new TcpTransport(server.accept());
    }

    @AfterEach
    void close() throws IOException {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static MseHandshake.SkeyLookup serving(InfoHash... hashes) {
        return req2 -> {
            for (InfoHash h : hashes) {
                if (Arrays.equals(Mse.req2(h.bytes()), req2)) {
                    return h;
                }
            }
            return null;
        };
    }

    private static byte[] payload(int n, int seed) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 7 + seed);
        }
        return p;
    }

    private record Pair(MseTransport initiator, MseHandshake.Accepted receiver) {
    }

    private Pair handshake(int provide, Encryption receiverPolicy, byte[] ia) throws Exception {
        connect();
        CompletableFuture<MseHandshake.Accepted> rx = CompletableFuture.supplyAsync(() -> {
            try {
                byte[] first = new byte[20];
                new DataInputStream(b.in()).readFully(first);
                return MseHandshake.receive(b, first, serving(OTHER, HASH), receiverPolicy, RANDOM, TIMEOUT);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        MseTransport tx = MseHandshake.initiate(a, HASH, ia, provide, RANDOM, TIMEOUT);
        return new Pair(tx, rx.get(10, TimeUnit.SECONDS));
    }

    @Test
    void rc4BothWaysWithTheInitialPayloadFirst() throws Exception {
        byte[] ia = payload(68, 3);
        Pair p = handshake(Mse.CRYPTO_RC4, Encryption.PREFER, ia);
        assertThat(p.initiator().encrypted()).isTrue();
        assertThat(p.receiver().transport().encrypted()).isTrue();
        assertThat(p.receiver().infoHash()).isEqualTo(HASH);

        byte[] up = payload(200_000, 5);
        byte[] down = payload(150_000, 9);
        CompletableFuture<Void> w1 = CompletableFuture.runAsync(() -> write(p.initiator().out(), up));
        CompletableFuture<Void> w2 = CompletableFuture.runAsync(() -> write(p.receiver().transport().out(), down));
        byte[] got = readN(p.receiver().transport().in(), ia.length + up.length);
        assertThat(Arrays.copyOf(got, ia.length)).isEqualTo(ia);
        assertThat(Arrays.copyOfRange(got, ia.length, got.length)).isEqualTo(up);
        assertThat(readN(p.initiator().in(), down.length)).isEqualTo(down);
        w1.get(5, TimeUnit.SECONDS);
        w2.get(5, TimeUnit.SECONDS);
    }

    @Test
    void theWireCarriesNoPlaintextUnderRc4() throws Exception {
        connect();
        RecordingTransport rec = new RecordingTransport(b);
        CompletableFuture<MseHandshake.Accepted> rx = CompletableFuture.supplyAsync(() -> {
            try {
                return MseHandshake.receive(rec, new byte[0], serving(HASH), Encryption.REQUIRE, RANDOM, TIMEOUT);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        byte[] marker = "\u0013BitTorrent protocol-marker-marker".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MseTransport tx = MseHandshake.initiate(a, HASH, marker, Mse.CRYPTO_RC4, RANDOM, TIMEOUT);
        write(tx.out(), marker);
        MseHandshake.Accepted acc = rx.get(10, TimeUnit.SECONDS);
        assertThat(readN(acc.transport().in(), 2 * marker.length)).isEqualTo(concat(marker, marker));
        assertThat(indexOf(rec.seen.toByteArray(), Arrays.copyOf(marker, 20))).isEqualTo(-1);
        assertThat(rec.seen.size()).isGreaterThan(96 + 20 + 20 + 16 + 2 * marker.length - 1);
    }

    @Test
    void preferChoosesPlaintextWhenBothAreOffered() throws Exception {
        Pair p = handshake(Mse.CRYPTO_RC4 | Mse.CRYPTO_PLAINTEXT, Encryption.PREFER, payload(68, 2));
        assertThat(p.initiator().encrypted()).isFalse();
        assertThat(p.receiver().transport().encrypted()).isFalse();
    }

    @Test
    void plaintextSelectedLeavesThePayloadInTheClear() throws Exception {
        Pair p = handshake(Mse.CRYPTO_PLAINTEXT, Encryption.PREFER, payload(68, 1));
        assertThat(p.initiator().encrypted()).isFalse();
        assertThat(p.receiver().transport().encrypted()).isFalse();
        write(p.initiator().out(), payload(10, 4));
        assertThat(readN(b.in(), 0)).isEmpty();
        byte[] got = readN(p.receiver().transport().in(), 78);
        assertThat(Arrays.copyOfRange(got, 68, 78)).isEqualTo(payload(10, 4));
    }

    @Test
    void requireRefusesAnInitiatorOfferingOnlyPlaintext() throws Exception {
        connect();
        CompletableFuture<Throwable> rx = CompletableFuture.supplyAsync(() -> {
            try {
                MseHandshake.receive(b, new byte[0], serving(HASH), Encryption.REQUIRE, RANDOM, TIMEOUT);
                return null;
            } catch (IOException e) {
                b.close();
                return e;
            }
        });
        assertThatThrownBy(() -> MseHandshake.initiate(a, HASH, new byte[0], Mse.CRYPTO_PLAINTEXT, RANDOM, TIMEOUT))
                .isInstanceOf(IOException.class);
        assertThat(rx.get(10, TimeUnit.SECONDS)).isInstanceOf(MseException.class)
                .hasMessageContaining("crypto methods 0x1, none allowed by --encryption require");
    }

    @Test
    void wrongSkeyIsRefusedByTheReceiver() throws Exception {
        connect();
        CompletableFuture<Throwable> rx = CompletableFuture.supplyAsync(() -> {
            try {
                MseHandshake.receive(b, new byte[0], serving(OTHER), Encryption.PREFER, RANDOM, TIMEOUT);
                return null;
            } catch (IOException e) {
                b.close();
                return e;
            }
        });
        assertThatThrownBy(() -> MseHandshake.initiate(a, HASH, new byte[0], 3, RANDOM, TIMEOUT))
                .isInstanceOf(IOException.class);
        assertThat(rx.get(10, TimeUnit.SECONDS)).isInstanceOf(MseException.class)
                .hasMessageContaining("torrent we do not serve");
    }

    @Test
    void receiverDropsAPeerSending600BytesOfPadding() throws Exception {
        connect();
        Mse.KeyPair keys = new Mse.KeyPair(RANDOM);
        CompletableFuture<Throwable> rx = receiveExpectingFailure();
        write(a.out(), keys.publicKey());
        readN(a.in(), 96);
        write(a.out(), payload(600, 0)); // PadA of 600 bytes, no HASH('req1', S) within 512 + 20
        assertThat(rx.get(10, TimeUnit.SECONDS)).isInstanceOf(MseException.class)
                .hasMessageContaining("no HASH('req1', S) within 512 bytes");
    }

    @Test
    void receiverDropsAPeerThatNeverFinishesTheExchange() throws Exception {
        connect();
        CompletableFuture<Throwable> rx = CompletableFuture.supplyAsync(() -> {
            try {
                MseHandshake.receive(b, new byte[0], serving(HASH), Encryption.PREFER, RANDOM, 500);
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        write(a.out(), payload(40, 1)); // part of Ya, then silence
        assertThat(rx.get(10, TimeUnit.SECONDS)).isInstanceOf(MseException.class)
                .hasMessageContaining("not finished within 0.5 s");
    }

    @Test
    void receiverDropsAPeerTricklingOneByteAtATime() throws Exception {
        connect();
        CompletableFuture<Throwable> rx = CompletableFuture.supplyAsync(() -> {
            try {
                MseHandshake.receive(b, new byte[0], serving(HASH), Encryption.PREFER, RANDOM, 600);
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        // each byte well within a per-read timeout; only the handshake's deadline stops it
        CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 96 && !rx.isDone(); i++) {
                    a.out().write(0x55);
                    a.out().flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException ignored) {
                // the receiver hung up
            }
        });
        assertThat(rx.get(10, TimeUnit.SECONDS)).isInstanceOf(MseException.class)
                .hasMessageContaining("not finished within");
        trickle.get(15, TimeUnit.SECONDS);
    }

    @Test
    void initiatorDropsAReceiverThatSendsNoVerificationConstant() throws Exception {
        connect();
        CompletableFuture<Void> fake = CompletableFuture.runAsync(() -> {
            try {
                readN(b.in(), 96);
                write(b.out(), new Mse.KeyPair(RANDOM).publicKey());
                write(b.out(), payload(600, 2)); // PadB, and never ENCRYPT(VC)
            } catch (IOException | RuntimeException ignored) {
                // the initiator hung up
            }
        });
        assertThatThrownBy(() -> MseHandshake.initiate(a, HASH, new byte[0], 3, RANDOM, TIMEOUT))
                .isInstanceOf(MseException.class).hasMessageContaining("no the receiver's verification constant");
        fake.get(5, TimeUnit.SECONDS);
    }

    @Test
    void initiatorRefusesACryptoSelectItDidNotOffer() throws Exception {
        connect();
        CompletableFuture<Void> fake = CompletableFuture.runAsync(() -> fakeReceiverSelecting(Mse.CRYPTO_PLAINTEXT));
        assertThatThrownBy(() -> MseHandshake.initiate(a, HASH, new byte[0], Mse.CRYPTO_RC4, RANDOM, TIMEOUT))
                .isInstanceOf(MseException.class).hasMessageContaining("selected crypto method 0x1, offered 0x2");
        fake.get(5, TimeUnit.SECONDS);
    }

    @Test
    void initiatorRefusesTwoMethodsSelectedAtOnce() throws Exception {
        connect();
        CompletableFuture<Void> fake = CompletableFuture.runAsync(() -> fakeReceiverSelecting(3));
        assertThatThrownBy(() -> MseHandshake.initiate(a, HASH, new byte[0], 3, RANDOM, TIMEOUT))
                .isInstanceOf(MseException.class).hasMessageContaining("selected crypto method 0x3");
        fake.get(5, TimeUnit.SECONDS);
    }

    @Test
    void acceptorTellsPlaintextFromMse() throws Exception {
        connect();
        byte[] plain = concat(MseAcceptor.PLAIN_START, payload(48, 0));
        write(a.out(), plain);
        MseAcceptor.Opened o = new MseAcceptor(Encryption.PREFER, RANDOM).open(b, serving(HASH), TIMEOUT);
        assertThat(o.skey()).isNull();
        assertThat(readN(o.transport().in(), plain.length)).isEqualTo(plain);
    }

    @Test
    void requireRefusesPlaintextAndOffRefusesMse() throws Exception {
        connect();
        write(a.out(), concat(MseAcceptor.PLAIN_START, payload(48, 0)));
        assertThatThrownBy(() -> new MseAcceptor(Encryption.REQUIRE, RANDOM).open(b, serving(HASH), TIMEOUT))
                .isInstanceOf(MseException.class).hasMessageContaining("refused (--encryption require)");
        close();
        connect();
        write(a.out(), new Mse.KeyPair(RANDOM).publicKey());
        assertThatThrownBy(() -> new MseAcceptor(Encryption.OFF, RANDOM).open(b, serving(HASH), TIMEOUT))
                .isInstanceOf(MseException.class).hasMessageContaining("--encryption off");
    }

    @Test
    void acceptorRunsTheReceiverForAnMseInitiator() throws Exception {
        connect();
        CompletableFuture<MseAcceptor.Opened> rx = CompletableFuture.supplyAsync(() -> {
            try {
                return new MseAcceptor(Encryption.REQUIRE, RANDOM).open(b, serving(OTHER, HASH), TIMEOUT);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        byte[] ia = concat(MseAcceptor.PLAIN_START, payload(48, 6));
        MseHandshake.initiate(a, HASH, ia, Mse.CRYPTO_RC4, RANDOM, TIMEOUT);
        MseAcceptor.Opened o = rx.get(10, TimeUnit.SECONDS);
        assertThat(o.skey()).isEqualTo(HASH);
        assertThat(readN(o.transport().in(), ia.length)).isEqualTo(ia);
    }

    /** A receiver that follows the protocol up to step 4, then answers {@code select} whatever was offered. */
    private void fakeReceiverSelecting(int select) {
        try {
            byte[] ya = readN(b.in(), 96);
            Mse.KeyPair keys = new Mse.KeyPair(RANDOM);
            write(b.out(), keys.publicKey());
            byte[] s = keys.secret(ya);
            byte[] req1 = Mse.req1(s);
            byte[] window = readN(b.in(), 20);
            while (!Arrays.equals(window, req1)) {
                System.arraycopy(window, 1, window, 0, 19);
                window[19] = readN(b.in(), 1)[0];
            }
            readN(b.in(), 20);
            Mse.Rc4 decrypt = new Mse.Rc4(Mse.keyA(s, HASH.bytes()));
            Mse.Rc4 encrypt = new Mse.Rc4(Mse.keyB(s, HASH.bytes()));
            byte[] head = readN(b.in(), 16);
            decrypt.apply(head, 0, 16);
            byte[] answer = ByteBuffer.allocate(14).putLong(0).putInt(select).putShort((short) 0).array();
            encrypt.apply(answer, 0, 14);
            write(b.out(), answer);
        } catch (IOException e) {
            // the initiator hung up
        }
    }

    private CompletableFuture<Throwable> receiveExpectingFailure() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                MseHandshake.receive(b, new byte[0], serving(HASH), Encryption.PREFER, RANDOM, TIMEOUT);
                return null;
            } catch (IOException e) {
                return e;
            }
        });
    }

    private static void write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] readN(InputStream in, int n) {
        try {
            byte[] b = new byte[n];
            new DataInputStream(in).readFully(b);
            return b;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Records every byte read from the wire. */
    private static final class RecordingTransport implements Transport {
        private final Transport t;
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final InputStream in;

        RecordingTransport(Transport t) throws IOException {
            this.t = t;
            InputStream raw = t.in();
            this.in = new InputStream() {
                @Override
                public int read() throws IOException {
                    int b = raw.read();
                    if (b >= 0) {
                        seen.write(b);
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = raw.read(b, off, len);
                    if (n > 0) {
                        seen.write(b, off, n);
                    }
                    return n;
                }
            };
        }

        @Override
        public InputStream in() {
            return in;
        }

        @Override
        public OutputStream out() throws IOException {
            return t.out();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return t.remoteAddress();
        }

        @Override
        public void setReadTimeout(int millis) throws IOException {
            t.setReadTimeout(millis);
        }

        @Override
        public void close() {
            t.close();
        }
    }
}
