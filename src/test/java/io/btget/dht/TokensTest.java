package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokensTest {
    private static final long MINUTE = 60_000_000_000L;
    /** Any start: nanoTime values may be negative. */
    private static final long T0 = -123_456_789L;

    private final InetAddress asker = address("203.0.113.7");
    private final InetAddress other = address("203.0.113.8");

    @Test
    void aTokenIsValidForItsAskerFromZeroToUnderTenMinutesThenNot() {
        Tokens tokens = new Tokens(new Random(1), T0);
        byte[] token = tokens.tokenFor(asker, T0);
        assertThat(token).hasSize(Tokens.TOKEN_LENGTH);
        assertThat(tokens.valid(token, asker, T0)).isTrue();
        assertThat(tokens.valid(token, asker, T0 + 4 * MINUTE)).isTrue();
        assertThat(tokens.valid(token, asker, T0 + 5 * MINUTE)).isTrue();
        assertThat(tokens.valid(token, asker, T0 + 9 * MINUTE)).isTrue();
        assertThat(tokens.valid(token, asker, T0 + 10 * MINUTE - 1)).isTrue();
        assertThat(tokens.valid(token, asker, T0 + 10 * MINUTE)).isFalse();
        assertThat(tokens.valid(token, asker, T0 + 11 * MINUTE)).isFalse();
    }

    @Test
    void aTokenMadeLateInAPeriodStillLivesAtLeastFiveMinutes() {
        Tokens tokens = new Tokens(new Random(2), T0);
        byte[] token = tokens.tokenFor(asker, T0 + 5 * MINUTE - 1);
        assertThat(tokens.valid(token, asker, T0 + 10 * MINUTE - 1)).isTrue();
        assertThat(tokens.valid(token, asker, T0 + 10 * MINUTE)).isFalse();
    }

    @Test
    void checkingOnlyLateStillExpires() {
        // Rotation is lazy: a first call after a long silence must not keep the old secret as "previous".
        Tokens tokens = new Tokens(new Random(3), T0);
        byte[] token = tokens.tokenFor(asker, T0);
        assertThat(tokens.valid(token, asker, T0 + 60 * MINUTE)).isFalse();
    }

    @Test
    void aTokenIsBoundToTheIpAddress() {
        Tokens tokens = new Tokens(new Random(4), T0);
        byte[] token = tokens.tokenFor(asker, T0);
        assertThat(tokens.valid(token, other, T0)).isFalse();
        assertThat(tokens.valid(token, address("::ffff:203.0.113.7"), T0)).isTrue(); // the same IPv4 address
        assertThat(tokens.tokenFor(asker, T0 + MINUTE)).isEqualTo(token); // one secret, one IP: one token
        assertThat(tokens.tokenFor(other, T0)).isNotEqualTo(token);
    }

    @Test
    void forgedTruncatedAndEmptyTokensAreRefused() {
        Tokens tokens = new Tokens(new Random(5), T0);
        byte[] token = tokens.tokenFor(asker, T0);
        for (int i = 0; i < token.length; i++) {
            byte[] forged = token.clone();
            forged[i] ^= 1;
            assertThat(tokens.valid(forged, asker, T0)).isFalse();
        }
        assertThat(tokens.valid(new byte[Tokens.TOKEN_LENGTH], asker, T0)).isFalse();
        assertThat(tokens.valid(java.util.Arrays.copyOf(token, token.length - 1), asker, T0)).isFalse();
        assertThat(tokens.valid(java.util.Arrays.copyOf(token, token.length + 1), asker, T0)).isFalse();
        assertThat(tokens.valid(new byte[0], asker, T0)).isFalse();
        assertThat(tokens.valid(null, asker, T0)).isFalse();
    }

    @Test
    void anotherNodesTokensAreRefused() {
        Tokens ours = new Tokens(new Random(6), T0);
        Tokens theirs = new Tokens(new Random(7), T0);
        assertThat(ours.valid(theirs.tokenFor(asker, T0), asker, T0)).isFalse();
    }

    @Test
    void tokensChangeWhenTheSecretRotates() {
        Tokens tokens = new Tokens(new Random(8), T0);
        byte[] first = tokens.tokenFor(asker, T0);
        byte[] second = tokens.tokenFor(asker, T0 + Tokens.ROTATE_NANOS);
        assertThat(second).isNotEqualTo(first);
        assertThat(tokens.valid(first, asker, T0 + Tokens.ROTATE_NANOS)).isTrue();
        assertThat(tokens.valid(second, asker, T0 + 2 * Tokens.ROTATE_NANOS)).isTrue();
        assertThat(tokens.valid(first, asker, T0 + 2 * Tokens.ROTATE_NANOS)).isFalse();
    }

    @Test
    void worksForIpv6Askers() {
        Tokens tokens = new Tokens(new Random(9), T0);
        InetAddress v6 = address("2001:db8::7");
        byte[] token = tokens.tokenFor(v6, T0);
        assertThat(tokens.valid(token, v6, T0 + 9 * MINUTE)).isTrue();
        assertThat(tokens.valid(token, address("2001:db8::8"), T0)).isFalse();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
