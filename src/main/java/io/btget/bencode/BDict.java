package io.btget.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bencode dictionary: {@code d...e}. Keys are byte strings; they are held as ISO-8859-1 Java strings, which
 * maps every byte to one char losslessly and makes {@link String#compareTo} agree with the raw byte order that
 * canonical bencode sorts by. Entries keep the order they were read in.
 */
public record BDict(Map<String, BValue> entries, int start, int end) implements BValue {
    public BDict {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public BDict(Map<String, BValue> entries) {
        this(entries, -1, -1);
    }

    /** Turns a raw key into the form used in {@link #entries()}. */
    public static String key(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    public Optional<BValue> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    @Override
    public String typeName() {
        return "dictionary";
    }
}
