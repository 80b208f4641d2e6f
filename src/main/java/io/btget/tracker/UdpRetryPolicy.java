package io.btget.tracker;

import java.time.Duration;

/**
 * How long a UDP tracker client waits. BEP 15 suggests 15 * 2^n seconds for up to 8 tries (about an hour); a
 * command-line tool must give up on a dead tracker in seconds, so ours is a few short tries, each doubling.
 *
 * @param tries          attempts per request (connect and announce each get this many)
 * @param firstTimeout   wait for the first attempt; each further attempt waits twice as long as the previous
 */
public record UdpRetryPolicy(int tries, Duration firstTimeout) {
    /** 1 s, 2 s, 4 s: at most 7 s per request on a dead tracker. */
    public static final UdpRetryPolicy DEFAULT = new UdpRetryPolicy(3, Duration.ofSeconds(1));

    public UdpRetryPolicy {
        if (tries < 1 || tries > 8) {
            throw new IllegalArgumentException("tries must be 1..8");
        }
        if (firstTimeout.isNegative() || firstTimeout.isZero() || firstTimeout.toSeconds() > 60) {
            throw new IllegalArgumentException("first timeout must be in (0, 60 s]");
        }
    }

    /** The timeout of attempt {@code n} (0-based). */
    public Duration timeout(int n) {
        return firstTimeout.multipliedBy(1L << n);
    }
}
