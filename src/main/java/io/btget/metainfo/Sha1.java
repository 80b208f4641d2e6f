package io.btget.metainfo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SHA-1 of pieces (BEP 3: each piece's 20-byte hash is in the info dictionary's {@code pieces}), the one way every
 * command hashes piece data: {@code create}, {@code verify}, the start-up check of {@code download} and {@code seed},
 * and each piece a download completes.
 *
 * <p>Why not just {@code MessageDigest.update(piece)}: the JDK's SHA-1 runs at CPU speed (the SHA instructions,
 * 1.3-2 GB/s a core) only inside code that C2, HotSpot's optimising compiler, compiled for a <em>caller</em> of
 * {@code SHA.implCompress0} or {@code DigestBase.implCompressMultiBlock0}: C2 replaces that call by the intrinsic.
 * The interpreter and C1 never use it, and C2's compilation of those methods themselves is plain Java, so SHA-1
 * reached from anything else runs at 16-50 MB/s (measured here: {@code -XX:TieredStopAtLevel=3}, or
 * {@code SHA.implCompress} kept out of C2). With one {@code update} per 1 MiB piece, every method above
 * {@code implCompressMultiBlock0} is called once a piece: fewer times in a whole 1 GiB download than C2's threshold
 * (5 000 calls, more while the compile queue is long). The speed then rests on the compilations of the two lowest
 * methods alone: when they happen depends on when the JIT threads get CPU, and the one of
 * {@code implCompressMultiBlock0} inlined {@code SHA.implCompress} because SHA was the only loaded
 * {@code DigestBase}: the JDK's {@code HttpClient} (the tracker announce) loads SHA-2 and SHA-5 mid-download and
 * that compiled code is thrown away (seen in 4 of 14 logged runs). So this class
 * <ul>
 *   <li>feeds the digest in {@link #CHUNK}-byte slices: every method on the path is called 64 times a MiB, so
 *       {@code DigestBase.engineUpdate} itself reaches C2, with the intrinsic inlined, after a few MiB; the fast
 *       path no longer depends on how the lower methods were compiled (measured with {@code SHA.implCompress} and
 *       {@code implCompressMultiBlock0} kept out of C2: 1 MiB updates 140-170 MB/s, slices 0.8-1.2 GB/s);</li>
 *   <li>{@link #warmUp() warms up} once per JVM, on a background thread, before the first piece: it loads the
 *       JDK's other digest classes first, so that no later class loading throws SHA-1 code away, then hashes small
 *       inputs of every shape until the callers are past C2's thresholds.</li>
 * </ul>
 * {@code scripts/bench-sha1-runs} measures whole downloads, run after run.
 */
public final class Sha1 {
    /** Bytes per {@link MessageDigest#update(byte[], int, int)} call: 256 SHA-1 blocks, a few ns of call per 10 us. */
    public static final int CHUNK = 16 << 10;

    /** SHA-1 digest length in bytes. */
    public static final int LENGTH = 20;

    /**
     * Warm-up rounds: each makes 5 updates (0 to 2 blocks, aligned and not) and one digest, 20 000 updates in all:
     * four times C2's invocation threshold (5 000), which grows while the compile queue is long. About 1.6 MB
     * hashed: about 70 ms of one core (JDK 17 and 25), on a background thread.
     */
    private static final int WARM_UP_ROUNDS = 4_000;

    /** Every digest the JDK implements on {@code sun.security.provider.DigestBase}; see the class comment. */
    private static final List<String> OTHER_DIGESTS = List.of("MD2", "MD5", "SHA-224", "SHA-256", "SHA-384",
            "SHA-512", "SHA-512/224", "SHA-512/256", "SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512");

    private static final AtomicBoolean WARM_UP_STARTED = new AtomicBoolean();

    private Sha1() {
    }

    /** A new SHA-1 digest. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    /** Feeds {@code data[off, off + len)} to {@code sha1} in slices of at most {@link #CHUNK} bytes. */
    public static void update(MessageDigest sha1, byte[] data, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        int end = off + len;
        for (int at = off; at < end; at += CHUNK) {
            sha1.update(data, at, Math.min(CHUNK, end - at));
        }
    }

    /**
     * The SHA-1 of {@code data[off, off + len)}, written to {@code out[outOff, outOff + 20)}. {@code sha1} is reset
     * first and left reset.
     */
    public static void digest(MessageDigest sha1, byte[] data, int off, int len, byte[] out, int outOff) {
        sha1.reset();
        update(sha1, data, off, len);
        finish(sha1, out, outOff);
    }

    /**
     * Completes the hash of what was fed to {@code sha1} since its last reset, writes it to
     * {@code out[outOff, outOff + 20)} and leaves {@code sha1} reset.
     *
     * @throws IllegalArgumentException if {@code out} has no room for 20 bytes at {@code outOff}
     */
    public static void finish(MessageDigest sha1, byte[] out, int outOff) {
        try {
            sha1.digest(out, outOff, LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalArgumentException("no room for 20 bytes at " + outOff + " in " + out.length, e);
        }
    }

    /** Whether the SHA-1 of {@code data[off, off + len)} equals {@code expected[expectedOff, expectedOff + 20)}. */
    public static boolean matches(MessageDigest sha1, byte[] data, int off, int len, byte[] expected,
            int expectedOff) {
        byte[] got = new byte[LENGTH];
        digest(sha1, data, off, len, got, 0);
        return Arrays.equals(got, 0, LENGTH, expected, expectedOff, expectedOff + LENGTH);
    }

    /**
     * Starts the warm-up (see the class comment) once per JVM on a daemon thread and returns at once. Commands that
     * hash call it as early as they can; hashing is correct whether or not it has finished.
     */
    public static void warmUp() {
        if (WARM_UP_STARTED.compareAndSet(false, true)) {
            Thread t = new Thread(Sha1::runWarmUp, "sha1-warm-up");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Whether {@link #warmUp()} has been called in this JVM (for tests). */
    static boolean warmUpStarted() {
        return WARM_UP_STARTED.get();
    }

    private static void runWarmUp() {
        for (String name : OTHER_DIGESTS) {
            try {
                MessageDigest.getInstance(name); // loads and initialises the class; absent ones are simply skipped
            } catch (NoSuchAlgorithmException e) {
                // not in this JDK: then it cannot be loaded later either
            }
        }
        MessageDigest sha1 = newDigest();
        byte[] data = new byte[2 * 64 + 7];
        byte[] out = new byte[LENGTH];
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            data[i % data.length] = (byte) i;
            sha1.update(data, 0, 64);              // one whole block, buffer empty
            sha1.update(data, 0, 7);               // a partial block stays buffered
            sha1.update(data, 0, data.length);     // fills the buffer, then whole blocks, then a remainder
            update(sha1, data, 0, 1 + i % data.length); // this class's own path, of every length
            digest(sha1, data, 0, data.length, out, 0);
        }
    }
}
