package io.btget.peer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts bytes and gives a rate over roughly the last few seconds: one-second buckets in a small ring, read
 * without locking the writers (the receiving thread adds, the UI and the choker read).
 */
public final class RateMeter {
    private static final int SECONDS = 5;
    private final AtomicLong total = new AtomicLong();
    private final long[] buckets = new long[SECONDS + 1];
    private long bucketSecond = nowSecond();

    public void add(long bytes) {
        total.addAndGet(bytes);
        synchronized (buckets) {
            roll();
            buckets[(int) Math.floorMod(bucketSecond, (long) buckets.length)] += bytes;
        }
    }

    public long total() {
        return total.get();
    }

    /** Bytes per second over the last complete seconds (the current partial one left out). */
    public double rate() {
        synchronized (buckets) {
            roll();
            long sum = 0;
            for (int i = 1; i <= SECONDS; i++) {
                sum += buckets[(int) Math.floorMod(bucketSecond - i, (long) buckets.length)];
            }
            return sum / (double) SECONDS;
        }
    }

    private void roll() {
        long now = nowSecond();
        if (now - bucketSecond > buckets.length) {
            java.util.Arrays.fill(buckets, 0);
        } else {
            for (long s = bucketSecond + 1; s <= now; s++) {
                buckets[(int) Math.floorMod(s, (long) buckets.length)] = 0;
            }
        }
        bucketSecond = now;
    }

    private static long nowSecond() {
        return System.nanoTime() / 1_000_000_000L;
    }
}
