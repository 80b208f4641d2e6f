package io.btget.tracker.server;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a raw (still percent-encoded) URL query into byte values: {@code info_hash} and {@code peer_id} are
 * binary, so decoding to a String first would corrupt them. Bounded: at most {@link #MAX_PARAMS} parameters.
 */
final class QueryString {
    static final int MAX_PARAMS = 200;

    private final Map<String, List<byte[]>> values;

    private QueryString(Map<String, List<byte[]>> values) {
        this.values = values;
    }

    static QueryString parse(String rawQuery) {
        Map<String, List<byte[]>> values = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new QueryString(values);
        }
        int count = 0;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            if (++count > MAX_PARAMS) {
                throw new IllegalArgumentException("more than " + MAX_PARAMS + " query parameters");
            }
            int eq = pair.indexOf('=');
            String name = new String(decode(eq < 0 ? pair : pair.substring(0, eq)),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            byte[] value = eq < 0 ? new byte[0] : decode(pair.substring(eq + 1));
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new QueryString(values);
    }

    /** The first value of {@code name}, or null. */
    byte[] first(String name) {
        List<byte[]> v = values.get(name);
        return v == null ? null : v.get(0);
    }

    String text(String name) {
        byte[] v = first(name);
        return v == null ? null : new String(v, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    List<byte[]> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** Percent-decoding to bytes; {@code +} means space (form encoding, which some clients use). */
    static byte[] decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("truncated percent escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent escape");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+') {
                out.write(' ');
            } else if (c < 0x80) {
                out.write(c);
            } else {
                throw new IllegalArgumentException("non-ASCII character in query");
            }
        }
        return out.toByteArray();
    }
}
