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
    /** Guarded by {@code this}; never held while sleeping, so one slow caller does not block the others' turns. */
    private double tokens;
    /** Guarded by {@code this}. */
    private long last;

    /** @param bytesPerSecond 0 for unlimited */
    public RateLimiter(long bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    public RateLimiter(long bytesPerSecond, LongSupplier clock, Sleeper sleeper) {
        this.bytesPerSecond = bytesPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.last = clock.getAsLong();
    }

    public boolean unlimited() {
        return bytesPerSecond <= 0;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Takes {@code bytes} from the bucket, sleeping as long as the rate requires. */
    public void acquire(int bytes) throws InterruptedException {
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
