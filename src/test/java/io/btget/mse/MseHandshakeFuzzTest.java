package io.btget.mse;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btget.metainfo.InfoHash;
import io.btget.net.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Fuzzes both sides of the MSE handshake parser ({@link MseHandshake}): whatever the peer sends, it may only fail with
 * {@link MseException} (a one-line reason) and never allocate past its bounds or loop. The fuzzer cannot invert
 * SHA-1, so the peer here is half real: its Diffie-Hellman key is fixed, and with input byte 0 odd it computes the
 * real sync hash and RC4 keys and encrypts the rest of the input as its plaintext fields (VC, crypto_provide or
 * crypto_select, pad lengths, pads, initial payload), which is how the length checks behind the encryption are
 * reached; with byte 0 even the rest goes on the wire as it is. Bytes 1-2 give the padding before the sync point.
 * Seeds in src/test/resources/io/btget/mse/MseHandshakeFuzzTestInputs/; JAZZER_FUZZ=1 fuzzes for real.
 */
class MseHandshakeFuzzTest {
    private static final InfoHash HASH = new InfoHash(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20});
    private static final Mse.KeyPair PEER = new Mse.KeyPair(new BigInteger("123456789abcdef0123456789abcdef012345678", 16));

    @FuzzTest(maxDuration = "60s")
    void receiverFailsOnlyWithMseException(byte[] input) throws IOException {
        Plan plan = Plan.of(input);
        // our side reads Ya, writes Yb (first 96 bytes out), then reads the rest
        FakeTransport t = new FakeTransport(PEER.publicKey(), written -> {
            byte[] s = secret(written);
            if (!plan.structured) {
                return concat(plan.pad, plan.body);
            }
            byte[] body = plan.body.clone();
            new Mse.Rc4(Mse.keyA(s, HASH.bytes())).apply(body, 0, body.length);
            return concat(plan.pad, Mse.req1(s), Mse.obfuscatedSkey(HASH.bytes(), s), body);
        });
        try {
            MseHandshake.Accepted a = MseHandshake.receive(t, new byte[0], req2 ->
                    Arrays.equals(req2, Mse.req2(HASH.bytes())) ? HASH : null, Encryption.PREFER, new SecureRandom(),
                    1_000);
            assertThat(a.infoHash()).isEqualTo(HASH);
            a.transport().in().read(new byte[16]);
        } catch (MseException expected) {
            // refused with a reason
        }
    }

    @FuzzTest(maxDuration = "60s")
    void initiatorFailsOnlyWithMseException(byte[] input) throws IOException {
        Plan plan = Plan.of(input);
        // our side writes Ya, PadA, reads Yb, writes step 3, then reads PadB, ENCRYPT(VC, crypto_select ...)
        FakeTransport t = new FakeTransport(PEER.publicKey(), written -> {
            byte[] s = secret(written);
            if (!plan.structured) {
                return concat(plan.pad, plan.body);
            }
            byte[] body = plan.body.clone();
            new Mse.Rc4(Mse.keyB(s, HASH.bytes())).apply(body, 0, body.length);
            return concat(plan.pad, body);
        });
        try {
            MseTransport tx = MseHandshake.initiate(t, HASH, new byte[68], Mse.CRYPTO_RC4 | Mse.CRYPTO_PLAINTEXT,
                    new SecureRandom(), 1_000);
            tx.in().read(new byte[16]);
        } catch (MseException expected) {
            // refused with a reason
        }
    }

    private static byte[] secret(byte[] written) {
        try {
            return PEER.secret(Arrays.copyOf(written, Mse.KEY_BYTES));
        } catch (MseException e) {
            throw new AssertionError("our public key is degenerate", e);
        }
    }

    private record Plan(boolean structured, byte[] pad, byte[] body) {
        static Plan of(byte[] input) {
            if (input.length < 3) {
                return new Plan(false, new byte[0], input);
            }
            int padLength = (((input[1] & 0xff) << 8) | (input[2] & 0xff)) % 700;
            return new Plan((input[0] & 1) != 0, new byte[padLength], Arrays.copyOfRange(input, 3, input.length));
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * In memory: serves {@code first}, then whatever {@code rest} makes of the bytes written so far (called once,
     * when {@code first} is used up), then end of stream.
     */
    private static final class FakeTransport implements Transport {
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final InputStream in;

        FakeTransport(byte[] first, Function<byte[], byte[]> rest) {
            this.in = new InputStream() {
                private byte[] buffer = first;
                private int pos;
                private boolean restServed;

                private boolean fill() {
                    if (pos < buffer.length) {
                        return true;
                    }
                    if (restServed) {
                        return false;
                    }
                    restServed = true;
                    buffer = rest.apply(written.toByteArray());
                    pos = 0;
                    return pos < buffer.length;
                }

                @Override
                public int read() {
                    return fill() ? buffer[pos++] & 0xff : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (len == 0) {
                        return 0;
                    }
                    if (!fill()) {
                        return -1;
                    }
                    int n = Math.min(len, buffer.length - pos);
                    System.arraycopy(buffer, pos, b, off, n);
                    pos += n;
                    return n;
                }
            };
        }

        @Override
        public InputStream in() {
            return in;
        }

        @Override
        public OutputStream out() {
            return written;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 6881);
        }

        @Override
        public void setReadTimeout(int millis) {
        }

        @Override
        public void close() {
        }
    }
}
