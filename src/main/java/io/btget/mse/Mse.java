package io.btget.mse;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The arithmetic of Message Stream Encryption (the Vuze/libtorrent/Transmission "MSE/PE" specification), free of
 * I/O: the 768-bit Diffie-Hellman group, the SHA-1 derivations of the handshake, the RC4 keys and RC4 itself.
 *
 * <pre>
 *   1 A-&gt;B: Ya, PadA
 *   2 B-&gt;A: Yb, PadB
 *   3 A-&gt;B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *            ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
 *   4 B-&gt;A: ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload)
 *   5 A-&gt;B: ENCRYPT2(payload)
 * </pre>
 * SKEY is the torrent's info hash; A encrypts with HASH('keyA', S, SKEY), B with HASH('keyB', S, SKEY), each RC4
 * stream with its first 1024 bytes discarded.
 */
public final class Mse {
    private Mse() {
    }

    /** The specification's prime (768 bits; the Oakley group 1 prime). */
    public static final BigInteger P = new BigInteger(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3"
                    + "CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563", 16);
    public static final BigInteger G = BigInteger.TWO;
    /** Ya, Yb and S are sent as 96-byte big-endian numbers. */
    public static final int KEY_BYTES = 96;
    /** The private exponent's size: 160 bits, as the specification recommends. */
    public static final int PRIVATE_KEY_BITS = 160;
    /** PadA..PadD are 0..512 bytes (specification); more is refused. */
    public static final int MAX_PAD = 512;
    /** The verification constant: 8 zero bytes. */
    public static final int VC_LENGTH = 8;
    public static final int CRYPTO_PLAINTEXT = 0x01;
    public static final int CRYPTO_RC4 = 0x02;
    /** RC4 keystream bytes thrown away before use (specification; the early bytes of RC4 are biased). */
    public static final int RC4_DISCARD = 1024;
    /**
     * The longest initial payload we accept. It carries the initiator's BitTorrent handshake (68 bytes); libtorrent
     * and Transmission send exactly that. A little room is left for a client that appends its first messages.
     */
    public static final int MAX_IA = 1024;

    private static final byte[] REQ1 = ascii("req1");
    private static final byte[] REQ2 = ascii("req2");
    private static final byte[] REQ3 = ascii("req3");
    private static final byte[] KEY_A = ascii("keyA");
    private static final byte[] KEY_B = ascii("keyB");

    /** A Diffie-Hellman key pair: private exponent X (160 random bits) and public Y = G^X mod P as 96 bytes. */
    public static final class KeyPair {
        private final BigInteger x;
        private final byte[] y;

        public KeyPair(SecureRandom random) {
            this(new BigInteger(PRIVATE_KEY_BITS, random).setBit(PRIVATE_KEY_BITS - 1));
        }

        /** A pair with a chosen private exponent (tests). */
        public KeyPair(BigInteger x) {
            this.x = x;
            this.y = toBytes(G.modPow(x, P));
        }

        /** Y, 96 bytes big-endian. */
        public byte[] publicKey() {
            return y.clone();
        }

        /**
         * The shared secret S = Yother^X mod P, 96 bytes.
         *
         * @throws MseException when the peer's key is outside 2..P-2 (0, 1 and P-1 would make S guessable)
         */
        public byte[] secret(byte[] theirPublic) throws MseException {
            if (theirPublic.length != KEY_BYTES) {
                throw new MseException("MSE: public key of " + theirPublic.length + " bytes");
            }
            BigInteger other = new BigInteger(1, theirPublic);
            if (other.compareTo(BigInteger.TWO) < 0 || other.compareTo(P.subtract(BigInteger.TWO)) > 0) {
                throw new MseException("MSE: the peer's public key is degenerate");
            }
            return toBytes(other.modPow(x, P));
        }
    }

    /** A number 0 &lt;= n &lt; 2^768 as 96 bytes big-endian, zero-padded on the left. */
    static byte[] toBytes(BigInteger n) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[KEY_BYTES];
        int len = Math.min(raw.length, KEY_BYTES);
        System.arraycopy(raw, raw.length - len, out, KEY_BYTES - len, len);
        return out;
    }

    /** SHA-1 over the concatenation of {@code parts}. */
    public static byte[] hash(byte[]... parts) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
        for (byte[] p : parts) {
            sha1.update(p);
        }
        return sha1.digest();
    }

    /** HASH('req1', S): how the receiver finds the end of PadA. */
    public static byte[] req1(byte[] s) {
        return hash(REQ1, s);
    }

    /** HASH('req2', SKEY): the receiver compares this against each info hash it serves. */
    public static byte[] req2(byte[] skey) {
        return hash(REQ2, skey);
    }

    /** HASH('req3', S). */
    public static byte[] req3(byte[] s) {
        return hash(REQ3, s);
    }

    /** HASH('req2', SKEY) xor HASH('req3', S): what the initiator sends to name the torrent without revealing it. */
    public static byte[] obfuscatedSkey(byte[] skey, byte[] s) {
        return xor(req2(skey), req3(s));
    }

    /** The initiator's RC4 key, HASH('keyA', S, SKEY). */
    public static byte[] keyA(byte[] s, byte[] skey) {
        return hash(KEY_A, s, skey);
    }

    /** The receiver's RC4 key, HASH('keyB', S, SKEY). */
    public static byte[] keyB(byte[] s, byte[] skey) {
        return hash(KEY_B, s, skey);
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * One direction's RC4 keystream, the first {@link #RC4_DISCARD} bytes already thrown away. Not thread-safe: one
     * reader or one writer owns it.
     *
     * <p>RC4 is written out here rather than taken from the JDK's ARCFOUR cipher because it is the whole cost of an
     * encrypted transfer and the JDK's runs at about half the speed on this kind of machine (measured: 140-180 MiB/s
     * against 290-320 MiB/s for this loop, 64 KiB buffers, JDK 17). Its output is checked against the JDK's ARCFOUR
     * and a textbook RC4 in the tests ({@code MseTest}).
     */
    public static final class Rc4 {
        private final int[] s = new int[256];
        private int i;
        private int j;

        public Rc4(byte[] key) {
            if (key.length == 0 || key.length > 256) {
                throw new IllegalArgumentException("RC4 key of " + key.length + " bytes");
            }
            for (int n = 0; n < 256; n++) {
                s[n] = n;
            }
            for (int n = 0, m = 0; n < 256; n++) {
                m = (m + s[n] + (key[n % key.length] & 0xff)) & 0xff;
                int t = s[n];
                s[n] = s[m];
                s[m] = t;
            }
            byte[] discard = new byte[RC4_DISCARD];
            apply(discard, 0, discard.length);
        }

        /** XORs {@code len} bytes of {@code b} from {@code off} with the keystream, in place. */
        public void apply(byte[] b, int off, int len) {
            apply(b, off, len, b, off);
        }

        /** XORs {@code len} bytes of {@code src} with the keystream into {@code dst} (which may be {@code src}). */
        public void apply(byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
            java.util.Objects.checkFromIndexSize(srcOff, len, src.length);
            java.util.Objects.checkFromIndexSize(dstOff, len, dst.length);
            int[] st = s;
            int x = i;
            int y = j;
            for (int n = 0; n < len; n++) {
                x = (x + 1) & 0xff;
                int sx = st[x];
                y = (y + sx) & 0xff;
                int sy = st[y];
                st[x] = sy;
                st[y] = sx;
                dst[dstOff + n] = (byte) (src[srcOff + n] ^ st[(sx + sy) & 0xff]);
            }
            i = x;
            j = y;
        }

        /** The next {@code n} keystream bytes (what {@code n} zero bytes encrypt to). */
        public byte[] next(int n) {
            byte[] b = new byte[n];
            apply(b, 0, n);
            return b;
        }
    }

    /** Whether {@code a[aOff..aOff+len)} equals {@code b[0..len)}. */
    static boolean regionEquals(byte[] a, int aOff, byte[] b, int len) {
        return Arrays.equals(a, aOff, aOff + len, b, 0, len);
    }
}
