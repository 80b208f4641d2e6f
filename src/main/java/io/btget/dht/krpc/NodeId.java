package io.btget.dht.krpc;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * A 160-bit DHT identifier (BEP 5): a node id, or a target / info hash in the same keyspace. Distance is XOR,
 * compared as an unsigned 160-bit number. Immutable; the array is copied in and out.
 */
public final class NodeId implements Comparable<NodeId> {
    /** Bytes in an id (BEP 5: 160 bits). */
    public static final int LENGTH = 20;
    /** Bits in an id. */
    public static final int BITS = LENGTH * 8;

    private final byte[] bytes;

    private NodeId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @throws IllegalArgumentException unless {@code bytes} has {@value #LENGTH} bytes */
    public static NodeId of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a node id has 20 bytes, not " + (bytes == null ? 0 : bytes.length));
        }
        return new NodeId(bytes.clone());
    }

    /** The id in bytes {@code [offset, offset + 20)} of {@code buf}. */
    public static NodeId of(byte[] buf, int offset) {
        return new NodeId(Arrays.copyOfRange(buf, offset, offset + LENGTH));
    }

    /** @throws IllegalArgumentException unless 40 hex digits */
    public static NodeId fromHex(String hex) {
        if (hex.length() != LENGTH * 2) {
            throw new IllegalArgumentException("a node id has 40 hex digits");
        }
        return new NodeId(HexFormat.of().parseHex(hex));
    }

    /** A uniformly random id. */
    public static NodeId random(Random random) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        return new NodeId(b);
    }

    /** A copy of the 20 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Byte {@code i} (0..19), unsigned. */
    public int byteAt(int i) {
        return bytes[i] & 0xff;
    }

    /** Bit {@code i}, counted from the most significant (0..159). */
    public boolean bit(int i) {
        return (bytes[i >>> 3] & (0x80 >>> (i & 7))) != 0;
    }

    /** This id XOR {@code other}: the BEP 5 distance, as an id. */
    public NodeId xor(NodeId other) {
        byte[] d = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            d[i] = (byte) (bytes[i] ^ other.bytes[i]);
        }
        return new NodeId(d);
    }

    /** Leading bits this id shares with {@code other} (0..160). */
    public int commonPrefixLength(NodeId other) {
        for (int i = 0; i < LENGTH; i++) {
            int x = (bytes[i] ^ other.bytes[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return BITS;
    }

    /**
     * Compares the distances of {@code a} and {@code b} from this id: negative when {@code a} is closer.
     */
    public int compareDistance(NodeId a, NodeId b) {
        for (int i = 0; i < LENGTH; i++) {
            int da = (a.bytes[i] ^ bytes[i]) & 0xff;
            int db = (b.bytes[i] ^ bytes[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** Unsigned big-endian order of the ids themselves. */
    @Override
    public int compareTo(NodeId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId n && Arrays.equals(bytes, n.bytes);
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
