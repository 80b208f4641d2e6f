package io.btget.webseed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-12-01T02:00:00Z");
    private static final long CAP = WebSeedLimits.MAX_RETRY_AFTER.toMillis();

    private static String date(Instant at) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atZone(ZoneOffset.UTC));
    }

    @Test
    void seconds() {
        assertThat(RetryAfter.millis("120", NOW)).isEqualTo(120_000);
        assertThat(RetryAfter.millis(" 5 ", NOW)).isEqualTo(5_000);
        assertThat(RetryAfter.millis("0", NOW)).isZero();
    }

    @Test
    void anHttpDate() {
        assertThat(RetryAfter.millis(date(NOW.plusSeconds(30)), NOW)).isEqualTo(30_000);
        assertThat(RetryAfter.millis("Tue, 01 Dec 2026 02:00:45 GMT", NOW)).isEqualTo(45_000);
        assertThat(RetryAfter.millis(date(NOW.minusSeconds(30)), NOW)).isZero();
    }

    @Test
    void longAsksAreCapped() {
        assertThat(RetryAfter.millis("3600", NOW)).isEqualTo(CAP);
        assertThat(RetryAfter.millis("99999999999999999999999", NOW)).isEqualTo(CAP);
        assertThat(RetryAfter.millis(date(NOW.plusSeconds(365L * 86400)), NOW)).isEqualTo(CAP);
    }

    @Test
    void garbageIsIgnored() {
        assertThat(RetryAfter.millis(null, NOW)).isEqualTo(-1);
        assertThat(RetryAfter.millis("", NOW)).isEqualTo(-1);
        assertThat(RetryAfter.millis("-5", NOW)).isEqualTo(-1);
        assertThat(RetryAfter.millis("1.5", NOW)).isEqualTo(-1);
        assertThat(RetryAfter.millis("soon", NOW)).isEqualTo(-1);
        assertThat(RetryAfter.millis("x".repeat(10_000), NOW)).isEqualTo(-1);
    }
}
