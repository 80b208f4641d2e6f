package io.btget.mse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The arithmetic of MSE against values computed independently of {@link Mse}. */
class MseTest {
    /** Textbook RC4 (key schedule, then the generator), to check the JDK's cipher and our 1024-byte discard. */
    static byte[] textbookRc4(byte[] key, int skip, int n) {
        int[] s = new int[256];
        for (int i = 0; i < 256; i++) {
            s[i] = i;
        }
        for (int i = 0, j = 0; i < 256; i++) {
            j = (j + s[i] + (key[i % key.length] & 0xff)) & 0xff;
            int t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        byte[] out = new byte[n];
        int i = 0;
        int j = 0;
        for (int k = 0; k < skip + n; k++) {
            i = (i + 1) & 0xff;
            j = (j + s[i]) & 0xff;
            int t = s[i];
            s[i] = s[j];
            s[j] = t;
            if (k >= skip) {
                out[k - skip] = (byte) s[(s[i] + s[j]) & 0xff];
            }
        }
        return out;
    }

    @Test
    void textbookRc4MatchesThePublishedVector() {
        // RC4 with key "Key" encrypts "Plaintext" to BBF316E8D940AF0AD3 (the common published test vector)
        byte[] ks = textbookRc4("Key".getBytes(StandardCharsets.US_ASCII), 0, 9);
        byte[] plain = "Plaintext".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 9; i++) {
            plain[i] ^= ks[i];
        }
        assertThat(HexFormat.of().formatHex(plain)).isEqualTo("bbf316e8d940af0ad3");
    }

    @Test
    void rc4DiscardsTheFirst1024BytesOfTheKeystream() {
        byte[] key = HexFormat.of().parseHex("0123456789abcdef0123456789abcdef01234567");
        Mse.Rc4 rc4 = new Mse.Rc4(key);
        assertThat(rc4.next(3000)).isEqualTo(textbookRc4(key, 1024, 3000));
    }

    @Test
    void rc4MatchesTheJdksArcfourAfterTheDiscardOverMegabytes() throws Exception {
        byte[] key = HexFormat.of().parseHex("f00dfeedbeefcafe0123456789abcdef76543210");
        javax.crypto.Cipher jdk = javax.crypto.Cipher.getInstance("ARCFOUR");
        jdk.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "ARCFOUR"));
        jdk.update(new byte[1024]);
        Mse.Rc4 ours = new Mse.Rc4(key);
        java.util.Random r = new java.util.Random(5);
        for (int chunk = 0; chunk < 40; chunk++) {
            byte[] data = new byte[1 + r.nextInt(100_000)];
            r.nextBytes(data);
            byte[] expected = jdk.update(data);
            ours.apply(data, 0, data.length);
            assertThat(data).as("chunk %d", chunk).isEqualTo(expected);
        }
    }

    @Test
    void rc4InPlaceAndCopyingAgree() {
        byte[] key = new byte[20];
        key[0] = 7;
        byte[] data = new byte[5000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        byte[] copy = new byte[5000];
        new Mse.Rc4(key).apply(data, 0, 5000, copy, 0);
        new Mse.Rc4(key).apply(data, 0, 5000);
        assertThat(data).isEqualTo(copy);
    }

    @Test
    void hashesAreSha1OfTheNamedConcatenations() throws Exception {
        byte[] s = new byte[96];
        s[95] = 5;
        byte[] skey = new byte[20];
        skey[0] = 1;
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update("req1".getBytes(StandardCharsets.US_ASCII));
        sha1.update(s);
        assertThat(Mse.req1(s)).isEqualTo(sha1.digest());
        sha1.update("keyA".getBytes(StandardCharsets.US_ASCII));
        sha1.update(s);
        sha1.update(skey);
        assertThat(Mse.keyA(s, skey)).isEqualTo(sha1.digest());
        sha1.update("keyB".getBytes(StandardCharsets.US_ASCII));
        sha1.update(s);
        sha1.update(skey);
        assertThat(Mse.keyB(s, skey)).isEqualTo(sha1.digest());
        byte[] r2 = sha1.digest(concat("req2".getBytes(StandardCharsets.US_ASCII), skey));
        byte[] r3 = sha1.digest(concat("req3".getBytes(StandardCharsets.US_ASCII), s));
        byte[] xor = new byte[20];
        for (int i = 0; i < 20; i++) {
            xor[i] = (byte) (r2[i] ^ r3[i]);
        }
        assertThat(Mse.obfuscatedSkey(skey, s)).isEqualTo(xor);
    }

    @Test
    void primeIsTheSpecificationsAndKeysAre96Bytes() {
        assertThat(Mse.P.bitLength()).isEqualTo(768);
        assertThat(Mse.P.isProbablePrime(50)).isTrue();
        // x = 1: Y = G = 2, left-padded to 96 bytes
        byte[] y = new Mse.KeyPair(BigInteger.ONE).publicKey();
        assertThat(y).hasSize(96);
        assertThat(y[95]).isEqualTo((byte) 2);
        assertThat(new BigInteger(1, y)).isEqualTo(BigInteger.TWO);
    }

    @Test
    void bothSidesDeriveTheSameSecret() throws Exception {
        java.security.SecureRandom r = new java.security.SecureRandom();
        Mse.KeyPair a = new Mse.KeyPair(r);
        Mse.KeyPair b = new Mse.KeyPair(r);
        byte[] sa = a.secret(b.publicKey());
        assertThat(sa).hasSize(96).isEqualTo(b.secret(a.publicKey()));
        // and it is (G^xb)^xa computed here without the class
        BigInteger xa = BigInteger.valueOf(12345);
        BigInteger xb = BigInteger.valueOf(67890);
        byte[] s = new Mse.KeyPair(xa).secret(new Mse.KeyPair(xb).publicKey());
        assertThat(new BigInteger(1, s)).isEqualTo(Mse.G.modPow(xa.multiply(xb), Mse.P));
    }

    @Test
    void degeneratePublicKeysAreRefused() {
        Mse.KeyPair a = new Mse.KeyPair(new java.security.SecureRandom());
        assertThatThrownBy(() -> a.secret(Mse.toBytes(BigInteger.ONE))).isInstanceOf(MseException.class)
                .hasMessageContaining("degenerate");
        assertThatThrownBy(() -> a.secret(Mse.toBytes(Mse.P.subtract(BigInteger.ONE))))
                .isInstanceOf(MseException.class);
        assertThatThrownBy(() -> a.secret(new byte[95])).isInstanceOf(MseException.class);
    }

    @Test
    void policiesOfferAndSelect() {
        assertThat(Encryption.PREFER.provide()).isEqualTo(3);
        assertThat(Encryption.REQUIRE.provide()).isEqualTo(2);
        assertThat(Encryption.REQUIRE.select(1)).isZero();
        assertThat(Encryption.PREFER.select(1)).isEqualTo(1);
        assertThat(Encryption.PREFER.select(3)).isEqualTo(1); // both offered: plaintext, as libtorrent by default
        assertThat(Encryption.PREFER.select(2)).isEqualTo(2);
        assertThat(Encryption.REQUIRE.select(3)).isEqualTo(2);
        assertThat(Encryption.OFF.select(3)).isZero();
        assertThat(Encryption.parse("Require")).isEqualTo(Encryption.REQUIRE);
        assertThatThrownBy(() -> Encryption.parse("rc4")).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
