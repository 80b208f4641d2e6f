package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Drives the limiter on a simulated clock: each sleep advances it, so the test is exact and instant. */
class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RateLimiter limiter(long rate) {
        return new RateLimiter(rate, now::get, now::addAndGet);
    }

    @Test
    void holdsTheRateWithinOnePercentOverTenSeconds() throws InterruptedException {
        RateLimiter l = limiter(1_000_000);
        long start = now.get();
        long sent = 0;
        while (now.get() - start < 10_000_000_000L) {
            l.acquire(16384);
            sent += 16384;
        }
        double seconds = (now.get() - start) / 1e9;
        assertThat(sent / seconds).isCloseTo(1_000_000, within(10_000.0));
    }

    @Test
    void sharesOneBudgetBetweenCallers() throws InterruptedException {
        RateLimiter l = limiter(500_000);
        long start = now.get();
        for (int i = 0; i < 300; i++) {
            l.acquire(16384); // connection A
            l.acquire(16384); // connection B
        }
        double seconds = (now.get() - start) / 1e9;
        assertThat(600 * 16384 / seconds).isCloseTo(500_000, within(15_000.0));
    }

    @Test
    void burstAfterIdlingIsAtMostAQuarterSecondOfRate() throws InterruptedException {
        RateLimiter l = limiter(1_000_000);
        now.addAndGet(60_000_000_000L); // a minute idle
        long start = now.get();
        long sent = 0;
        while (now.get() == start) {
            l.acquire(1000);
            sent += 1000;
        }
        assertThat(sent).isBetween(250_000L, 252_000L);
    }

    @Test
    void zeroMeansUnlimited() throws InterruptedException {
        RateLimiter l = limiter(0);
        long start = now.get();
        l.acquire(Integer.MAX_VALUE);
        assertThat(now.get()).isEqualTo(start);
        assertThat(l.unlimited()).isTrue();
    }
}
