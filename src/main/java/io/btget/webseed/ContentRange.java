package io.btget.webseed;

/**
 * A {@code Content-Range: bytes FIRST-LAST/TOTAL} header of a 206 reply (RFC 9110 14.4); TOTAL may be {@code *}.
 *
 * @param first  first byte position, inclusive
 * @param last   last byte position, inclusive
 * @param total  the complete length, or -1 when the server sent {@code *}
 */
record ContentRange(long first, long last, long total) {
    /** Longest header value we parse: two 19-digit numbers, a third, and the punctuation fit easily. */
    private static final int MAX_LENGTH = 100;

    /** Parses the header strictly; null when it is missing or not of that form (the reply is then refused). */
    static ContentRange parse(String header) {
        if (header == null || header.length() > MAX_LENGTH) {
            return null;
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes ", 0, 6)) {
            return null;
        }
        h = h.substring(6).trim();
        int dash = h.indexOf('-');
        int slash = h.indexOf('/');
        if (dash <= 0 || slash < dash + 2 || slash == h.length() - 1) {
            return null;
        }
        long first = number(h.substring(0, dash));
        long last = number(h.substring(dash + 1, slash));
        String t = h.substring(slash + 1);
        long total = t.equals("*") ? -1 : number(t);
        if (first < 0 || last < first || (total != -1 && (total < 0 || last >= total))) {
            return null;
        }
        return new ContentRange(first, last, total);
    }

    private static long number(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -2;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -2;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
