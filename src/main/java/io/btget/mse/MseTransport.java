package io.btget.mse;

import io.btget.net.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * A {@link Transport} after the MSE handshake: bytes already received and decrypted during the handshake (the
 * initial payload, or the plaintext handshake's first bytes read to tell it from MSE) come first, then the
 * underlying stream, RC4-decrypted when RC4 was selected; what is written is RC4-encrypted likewise. The wire logic
 * above sees plain BitTorrent either way.
 *
 * <p>Cost on the hot path: reads decrypt in place in the caller's buffer; writes encrypt through one buffer
 * allocated with the transport. No allocation per read or write.
 *
 * <p>Threads: as {@link Transport}: one reader, one writer, close from anywhere.
 */
public final class MseTransport implements Transport {
    /** Bytes encrypted per write to the socket; writes from the wire layer are at most 64 KiB already. */
    static final int WRITE_CHUNK = 32 << 10;

    private final Transport raw;
    private final boolean encrypted;
    private final InputStream in;
    private final OutputStream out;

    /**
     * @param prefix   plaintext to serve before the stream (not copied; the caller gives it up)
     * @param decrypt  the incoming keystream, null for plaintext
     * @param encrypt  the outgoing keystream, null for plaintext
     */
    MseTransport(Transport raw, byte[] prefix, Mse.Rc4 decrypt, Mse.Rc4 encrypt) throws IOException {
        this.raw = raw;
        this.encrypted = decrypt != null;
        this.in = new In(raw.in(), prefix, decrypt);
        this.out = encrypt == null ? raw.out() : new Out(raw.out(), encrypt);
    }

    /** A plaintext transport that first replays {@code prefix} (bytes read to tell plaintext from MSE). */
    public static MseTransport replaying(Transport raw, byte[] prefix) throws IOException {
        return new MseTransport(raw, prefix, null, null);
    }

    /** Whether the payload is RC4-encrypted (false: MSE with plaintext selected, or a plain connection). */
    public boolean encrypted() {
        return encrypted;
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public void setReadTimeout(int millis) throws IOException {
        raw.setReadTimeout(millis);
    }

    @Override
    public void close() {
        raw.close();
    }

    @Override
    public String toString() {
        return (encrypted ? "rc4 " : "") + raw;
    }

    private static final class In extends InputStream {
        private final InputStream raw;
        private final Mse.Rc4 cipher;
        private final byte[] one = new byte[1];
        private byte[] prefix;
        private int prefixPos;

        In(InputStream raw, byte[] prefix, Mse.Rc4 cipher) {
            this.raw = raw;
            this.cipher = cipher;
            this.prefix = prefix == null || prefix.length == 0 ? null : prefix;
        }

        @Override
        public int read() throws IOException {
            if (prefix != null) {
                int b = prefix[prefixPos++] & 0xff;
                dropPrefixIfDone();
                return b;
            }
            int b = raw.read();
            if (b < 0 || cipher == null) {
                return b;
            }
            one[0] = (byte) b; // single-byte reads are not on the hot path (the wire layer buffers), but cheap too
            cipher.apply(one, 0, 1);
            return one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (prefix != null) {
                int n = Math.min(len, prefix.length - prefixPos);
                System.arraycopy(prefix, prefixPos, b, off, n);
                prefixPos += n;
                dropPrefixIfDone();
                return n;
            }
            int n = raw.read(b, off, len);
            if (n > 0 && cipher != null) {
                cipher.apply(b, off, n);
            }
            return n;
        }

        private void dropPrefixIfDone() {
            if (prefixPos == prefix.length) {
                prefix = null;
            }
        }

        @Override
        public int available() throws IOException {
            return prefix != null ? prefix.length - prefixPos : raw.available();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    private static final class Out extends OutputStream {
        private final OutputStream raw;
        private final Mse.Rc4 cipher;
        private final byte[] buffer = new byte[WRITE_CHUNK];

        Out(OutputStream raw, Mse.Rc4 cipher) {
            this.raw = raw;
            this.cipher = cipher;
        }

        @Override
        public void write(int b) throws IOException {
            buffer[0] = (byte) b;
            cipher.apply(buffer, 0, 1);
            raw.write(buffer, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                int n = Math.min(len, buffer.length);
                cipher.apply(b, off, n, buffer, 0);
                raw.write(buffer, 0, n);
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            raw.flush();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }
}
