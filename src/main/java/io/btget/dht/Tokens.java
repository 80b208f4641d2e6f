package io.btget.dht;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Random;

/**
 * The write tokens of BEP 5: a {@code get_peers} reply carries a token that the asker must send back in its
 * {@code announce_peer}. A token is the first {@value #TOKEN_LENGTH} bytes of SHA-1(secret || asker's IP address
 * bytes); the secret changes every {@link #ROTATE_NANOS} and the previous one is still accepted, so a token stays
 * valid for 5 to 10 minutes after it was handed out (BEP 5 suggests exactly this). It is bound to the IP address,
 * not the port (BEP 5: "the IP address of the requestor"), because a NATed asker may announce from another port.
 *
 * <p>Rotation is lazy: each call first moves the secrets on by the periods that have passed. Times are
 * {@link System#nanoTime()} values passed in by the caller. Not thread-safe: the DHT node confines it to its
 * scheduler thread.
 */
public final class Tokens {
    /** BEP 5: the secret changes every five minutes. */
    public static final long ROTATE_NANOS = 5L * 60 * 1_000_000_000L;
    /** Bytes of a token: 64 bits of a SHA-1 cannot be guessed within a token's 10-minute life. */
    public static final int TOKEN_LENGTH = 8;
    /** Bytes of a secret: as many as the SHA-1 it feeds. */
    private static final int SECRET_LENGTH = 20;

    private final Random random;
    private final MessageDigest sha1;
    private byte[] current;
    private byte[] previous;
    /** When {@link #current} was made (start of the current period). */
    private long rotatedAt;

    /** Tokens whose first secret starts at {@code nowNanos}; {@code random} makes every secret. */
    public Tokens(Random random, long nowNanos) {
        this.random = random;
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
        this.current = newSecret();
        this.previous = newSecret();
        this.rotatedAt = nowNanos;
    }

    /** The token to hand {@code asker} in a {@code get_peers} reply now: {@value #TOKEN_LENGTH} bytes. */
    public byte[] tokenFor(InetAddress asker, long nowNanos) {
        rotate(nowNanos);
        return token(current, asker);
    }

    /**
     * Whether {@code token} (from an {@code announce_peer} by {@code asker}) was made for {@code asker}'s IP by
     * the current or the previous secret. Compared in constant time; false for null or a token of another length.
     */
    public boolean valid(byte[] token, InetAddress asker, long nowNanos) {
        rotate(nowNanos);
        if (token == null || token.length != TOKEN_LENGTH) {
            return false;
        }
        boolean byCurrent = MessageDigest.isEqual(token, token(current, asker));
        boolean byPrevious = MessageDigest.isEqual(token, token(previous, asker));
        return byCurrent | byPrevious;
    }

    private void rotate(long nowNanos) {
        long elapsed = nowNanos - rotatedAt;
        if (elapsed < ROTATE_NANOS) {
            return;
        }
        long periods = elapsed / ROTATE_NANOS;
        // After two or more idle periods neither old secret may stay valid.
        previous = periods == 1 ? current : newSecret();
        current = newSecret();
        rotatedAt += periods * ROTATE_NANOS;
    }

    private byte[] token(byte[] secret, InetAddress asker) {
        sha1.reset();
        sha1.update(secret);
        sha1.update(asker.getAddress());
        return Arrays.copyOf(sha1.digest(), TOKEN_LENGTH);
    }

    private byte[] newSecret() {
        byte[] secret = new byte[SECRET_LENGTH];
        random.nextBytes(secret);
        return secret;
    }
}
