package io.btget.peer;

import java.util.function.LongSupplier;

/**
 * A token bucket shared by every connection of the process ({@code --download-limit}, {@code --upload-limit}).
 * The bucket holds at most a quarter second of tokens so a burst after idling stays small; callers may borrow
 * ahead (the balance goes negative) and then wait it off, which keeps large blocks from starving.
 */
public final class RateLimiter {
    /** Sleeps for a number of nanoseconds; replaceable in tests. */
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long bytesPerSecond;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    /** A wider budget this one also draws from (the process's, under a torrent's own limit), or null. */
    private final RateLimiter parent;
    /** Guarded by {@code this}; never held while sleeping, so one slow caller does not block the others' turns. */
    private double tokens;
    /** Guarded by {@code this}. */
    private long last;

    /** @param bytesPerSecond 0 for unlimited */
    public RateLimiter(long bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    public RateLimiter(long bytesPerSecond, LongSupplier clock, Sleeper sleeper) {
        this(bytesPerSecond, clock, sleeper, null);
    }

    /**
     * A bucket of its own that also takes every byte from {@code parent}: one torrent's limit within the process's.
     *
     * @param bytesPerSecond 0 for no limit of its own
     */
    public RateLimiter(long bytesPerSecond, RateLimiter parent) {
        this(bytesPerSecond, parent.clock, parent.sleeper, parent);
    }

    private RateLimiter(long bytesPerSecond, LongSupplier clock, Sleeper sleeper, RateLimiter parent) {
        this.parent = parent;
        this.bytesPerSecond = bytesPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.last = clock.getAsLong();
    }

    public boolean unlimited() {
        return bytesPerSecond <= 0 && (parent == null || parent.unlimited());
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Takes {@code bytes} from the bucket (and from the parent's, if any), sleeping as long as the rates require. */
    public void acquire(int bytes) throws InterruptedException {
        if (parent != null) {
            parent.acquire(bytes);
        }
        if (bytesPerSecond <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            refill();
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
        }
        if (waitNanos > 0) {
            sleeper.sleep(waitNanos);
        }
    }

    private void refill() {
        long now = clock.getAsLong();
        tokens = Math.min(bytesPerSecond / 4.0, tokens + (now - last) * bytesPerSecond / 1e9);
        last = now;
    }
}
