package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryRateLimiterTest {
    private static final long MS = 1_000_000L;

    @Test
    void allowsTheBurstThenTheRate() {
        QueryRateLimiter limiter = new QueryRateLimiter(10, 5, 100);
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (limiter.allow("a", 0)) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(5);
        assertThat(limiter.allow("a", 50 * MS)).isFalse(); // half a token
        assertThat(limiter.allow("a", 100 * MS)).isTrue(); // one token after 100 ms at 10/s
        assertThat(limiter.allow("a", 100 * MS)).isFalse();
        assertThat(limiter.allow("b", 100 * MS)).isTrue(); // another key has its own bucket
    }

    @Test
    void fiveThousandQueriesASecondFromOneKeyGetTheRateOnly() {
        QueryRateLimiter limiter = new QueryRateLimiter(20, 40, 100);
        int allowed = 0;
        for (int i = 0; i < 5_000; i++) {
            if (limiter.allow("flood", i * 200_000L)) { // 5000 evenly over one second
                allowed++;
            }
        }
        assertThat(allowed).isBetween(40, 61);
    }

    @Test
    void remembersAtMostMaxKeys() {
        QueryRateLimiter limiter = new QueryRateLimiter(1, 1, 3);
        for (int i = 0; i < 1000; i++) {
            limiter.allow(i, 0);
        }
        assertThat(limiter.size()).isEqualTo(3);
    }
}
