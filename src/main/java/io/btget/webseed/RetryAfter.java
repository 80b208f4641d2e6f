package io.btget.webseed;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The {@code Retry-After} header of a 503 or 429 (RFC 9110 section 10.2.3): a number of seconds, or an HTTP date.
 * The value comes from the server and is untrusted: a negative, malformed or absurd one is ignored or capped at
 * {@link WebSeedLimits#MAX_RETRY_AFTER}.
 */
final class RetryAfter {
    /** Digits beyond this are not parsed (a number of seconds this long is far above the cap anyway). */
    private static final int MAX_DIGITS = 9;
    /** An HTTP date is about 29 characters; anything much longer is not one. */
    private static final int MAX_LENGTH = 64;

    private RetryAfter() {
    }

    /**
     * The wait the header asks for in milliseconds, at most {@link WebSeedLimits#MAX_RETRY_AFTER}; 0 for a date in
     * the past; -1 when the header is absent or not understood.
     */
    static long millis(String header, Instant now) {
        if (header == null) {
            return -1;
        }
        String v = header.trim();
        if (v.isEmpty() || v.length() > MAX_LENGTH) {
            return -1;
        }
        long cap = WebSeedLimits.MAX_RETRY_AFTER.toMillis();
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (v.length() > MAX_DIGITS) {
                return cap;
            }
            return Math.min(cap, Long.parseLong(v) * 1000);
        }
        try {
            // RFC 1123 form ("Sun, 06 Nov 1994 08:49:37 GMT"), the one RFC 9110 tells senders to use.
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            long ms = Duration.between(now, at).toMillis();
            return Math.max(0, Math.min(cap, ms));
        } catch (DateTimeParseException | ArithmeticException e) {
            return -1;
        }
    }
}
