package io.btget.peer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts bytes and gives a rate over about the last five seconds: quarter-second buckets in a small ring (the
 * current, partial bucket left out). A young meter divides by the time it has existed, so a transfer shows its
 * real rate within half a second instead of ramping up over the whole window.
 */
public final class RateMeter {
    private static final long BUCKET_NANOS = 250_000_000L;
    private static final int BUCKETS = 20;
    private final AtomicLong total = new AtomicLong();
    private final long[] buckets = new long[BUCKETS + 1];
    private final long createdBucket = nowBucket();
    private long currentBucket = createdBucket;

    public void add(long bytes) {
        total.addAndGet(bytes);
        synchronized (buckets) {
            roll();
            buckets[slot(currentBucket)] += bytes;
        }
    }

    public long total() {
        return total.get();
    }

    /** Bytes per second over the last complete buckets. */
    public double rate() {
        synchronized (buckets) {
            roll();
            int n = (int) Math.min(BUCKETS, currentBucket - createdBucket);
            if (n <= 0) {
                return 0;
            }
            long sum = 0;
            for (int i = 1; i <= n; i++) {
                sum += buckets[slot(currentBucket - i)];
            }
            return sum * 1e9 / (n * (double) BUCKET_NANOS);
        }
    }

    private void roll() {
        long now = nowBucket();
        if (now - currentBucket > buckets.length) {
            java.util.Arrays.fill(buckets, 0);
        } else {
            for (long b = currentBucket + 1; b <= now; b++) {
                buckets[slot(b)] = 0;
            }
        }
        currentBucket = Math.max(currentBucket, now);
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) buckets.length);
    }

    private static long nowBucket() {
        return System.nanoTime() / BUCKET_NANOS;
    }
}
