package io.btget.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A bencode byte string: {@code 4:spam}. Bencode strings are bytes; text is a matter of interpretation. */
public record BString(byte[] bytes, int start, int end) implements BValue {
    public BString(byte[] bytes) {
        this(bytes, -1, -1);
    }

    public static BString of(String utf8) {
        return new BString(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes read as UTF-8 (malformed sequences become U+FFFD). */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String typeName() {
        return "string";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BString other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "BString[" + text() + "]";
    }
}
