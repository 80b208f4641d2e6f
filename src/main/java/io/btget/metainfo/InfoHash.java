package io.btget.metainfo;

import java.util.Arrays;
import java.util.HexFormat;

/** A v1 info hash: the SHA-1 (20 bytes) of the bencoded info dictionary exactly as it appears in the torrent. */
public record InfoHash(byte[] bytes) {
    public static final int LENGTH = 20;

    public InfoHash {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("info hash must be 20 bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    public static InfoHash fromHex(String hex) {
        if (hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("info hash must be 40 hex digits");
        }
        return new InfoHash(HexFormat.of().parseHex(hex));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Lowercase hex, as every client prints it. */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoHash other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
