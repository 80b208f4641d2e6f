package io.btget.dht;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inbound query rate limit: one token bucket per key (the querier's IP address), refilled continuously at
 * {@code perSecond} up to {@code burst}. The map of buckets is bounded: the least recently seen key is forgotten
 * first, so a flood of spoofed addresses costs memory only up to {@code maxKeys}. A forgotten key starts again
 * with a full bucket, which at worst lets an address through that we had throttled.
 *
 * <p>Pure (the caller passes the time); not thread-safe: the DHT node confines it to its reader thread.
 */
public final class QueryRateLimiter {
    private static final long SECOND = 1_000_000_000L;

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }

    private final double perSecond;
    private final int burst;
    private final LinkedHashMap<Object, Bucket> buckets;

    /**
     * @param perSecond tokens added per second (queries allowed per second on average), &gt; 0
     * @param burst     the bucket size (queries allowed at once after a quiet time), &gt;= 1
     * @param maxKeys   keys remembered at most, &gt;= 1
     */
    public QueryRateLimiter(int perSecond, int burst, int maxKeys) {
        if (perSecond <= 0 || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("rate " + perSecond + ", burst " + burst + ", keys " + maxKeys);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Bucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Whether one more query from {@code key} is allowed at {@code nowNanos} (and takes a token if so). */
    public boolean allow(Object key, long nowNanos) {
        Bucket b = buckets.get(key);
        if (b == null) {
            b = new Bucket(burst, nowNanos);
            buckets.put(key, b);
        } else {
            long elapsed = Math.max(0, nowNanos - b.lastNanos);
            b.tokens = Math.min(burst, b.tokens + elapsed * perSecond / SECOND);
            b.lastNanos = nowNanos;
        }
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return true;
        }
        return false;
    }

    /** Keys remembered now. */
    public int size() {
        return buckets.size();
    }
}
