package io.btget.stream;

/**
 * What a {@code Range} request header asks of a resource of a known length (RFC 9110 section 14): the whole of it
 * (200), one range of it (206), or nothing it can satisfy (416).
 *
 * <p>The header comes from any local program, so it is parsed defensively: numbers of any size are taken without
 * overflow, a syntactically bad header is ignored (the whole resource, as the RFC allows), and of several ranges only
 * the first is served (a player asks for one at a time; multipart/byteranges replies are allowed to be skipped).
 */
public sealed interface RangeRequest {
    /** Longest header looked at: a real one is a few dozen characters; longer ones are ignored (the whole file). */
    int MAX_HEADER_LENGTH = 1024;

    /** No usable Range header: the whole resource, 200. */
    record Whole() implements RangeRequest {
    }

    /** Bytes {@code first..last} inclusive, within the resource: 206 with Content-Range. */
    record Part(long first, long last) implements RangeRequest {
        public long length() {
            return last - first + 1;
        }
    }

    /** A well-formed range that lies outside the resource: 416 with {@code Content-Range: bytes *}{@code /length}. */
    record Unsatisfiable() implements RangeRequest {
    }

    /** Parses {@code header} (null when absent) against a resource of {@code length} bytes. */
    static RangeRequest parse(String header, long length) {
        if (header == null || header.length() > MAX_HEADER_LENGTH) {
            return new Whole();
        }
        String h = header.strip();
        int eq = h.indexOf('=');
        if (eq < 0 || !h.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
            return new Whole(); // another unit: ignored, as RFC 9110 says
        }
        String first = h.substring(eq + 1);
        int comma = first.indexOf(',');
        if (comma >= 0) {
            first = first.substring(0, comma); // several ranges: serve the first alone
        }
        first = first.strip();
        int dash = first.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String a = first.substring(0, dash).strip();
        String b = first.substring(dash + 1).strip();
        if (a.isEmpty()) { // suffix: the last N bytes
            long n = number(b);
            if (n < 0) {
                return new Whole();
            }
            if (n == 0 || length == 0) {
                return new Unsatisfiable();
            }
            return new Part(Math.max(0, length - n), length - 1);
        }
        long start = number(a);
        long end = b.isEmpty() ? Long.MAX_VALUE : number(b);
        if (start < 0 || end < 0 || end < start) {
            return new Whole(); // bytes=5-2 and the like: invalid, so ignored
        }
        if (start >= length) {
            return new Unsatisfiable();
        }
        return new Part(start, Math.min(end, length - 1));
    }

    /** A non-negative decimal, saturating at Long.MAX_VALUE; -1 when not a plain run of digits. */
    private static long number(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v > (Long.MAX_VALUE - (c - '0')) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
        }
        return v;
    }
}
