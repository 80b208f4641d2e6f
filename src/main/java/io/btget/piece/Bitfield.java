package io.btget.piece;

import java.util.Arrays;

/**
 * A fixed-size set of piece indexes (which pieces someone has). Not thread-safe: its owner guards it.
 *
 * <p>The wire form (BEP 3 BITFIELD) is MSB-first: piece 0 is the high bit of byte 0, and the spare bits in the last
 * byte must be zero.
 */
public final class Bitfield {
    private final int size;
    private final long[] words;
    private int cardinality;

    public Bitfield(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("bitfield size must not be negative: " + size);
        }
        this.size = size;
        this.words = new long[(size + 63) >>> 6];
    }

    private Bitfield(Bitfield other) {
        this.size = other.size;
        this.words = other.words.clone();
        this.cardinality = other.cardinality;
    }

    /** Number of bytes of the wire form for {@code size} pieces. */
    public static int wireLength(int size) {
        return (size + 7) >>> 3;
    }

    /**
     * Parses the wire form of a bitfield for {@code size} pieces.
     *
     * @throws IllegalArgumentException if the length is not exactly {@code ceil(size / 8)} or a spare bit is set
     */
    public static Bitfield fromWireBytes(byte[] bytes, int size) {
        Bitfield bitfield = new Bitfield(size);
        if (bytes.length != wireLength(size)) {
            throw new IllegalArgumentException(
                    "bitfield is " + bytes.length + " bytes, expected " + wireLength(size) + " for " + size + " pieces");
        }
        int spareBits = bytes.length * 8 - size;
        if (spareBits > 0 && (bytes[bytes.length - 1] & ((1 << spareBits) - 1)) != 0) {
            throw new IllegalArgumentException("bitfield has a spare bit set beyond piece " + (size - 1));
        }
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b == 0) {
                continue;
            }
            // byte i holds pieces 8i..8i+7, MSB first; they land in word (8i)/64 at bit (8i)%64 upwards
            long reversed = Integer.reverse(b) >>> 24;
            bitfield.words[i >>> 3] |= reversed << ((i & 7) << 3);
        }
        bitfield.recount();
        return bitfield;
    }

    /** The wire form: MSB-first, spare bits zero. */
    public byte[] toWireBytes() {
        byte[] bytes = new byte[wireLength(size)];
        for (int i = 0; i < bytes.length; i++) {
            int b = (int) (words[i >>> 3] >>> ((i & 7) << 3)) & 0xff;
            bytes[i] = (byte) (Integer.reverse(b) >>> 24);
        }
        return bytes;
    }

    public int size() {
        return size;
    }

    public boolean get(int index) {
        checkIndex(index);
        return (words[index >>> 6] & (1L << index)) != 0;
    }

    public void set(int index) {
        checkIndex(index);
        long bit = 1L << index;
        if ((words[index >>> 6] & bit) == 0) {
            words[index >>> 6] |= bit;
            cardinality++;
        }
    }

    public void clear(int index) {
        checkIndex(index);
        long bit = 1L << index;
        if ((words[index >>> 6] & bit) != 0) {
            words[index >>> 6] &= ~bit;
            cardinality--;
        }
    }

    public void setAll() {
        Arrays.fill(words, -1L);
        if ((size & 63) != 0) {
            words[words.length - 1] = (1L << size) - 1;
        }
        cardinality = size;
    }

    /** Number of set bits. */
    public int cardinality() {
        return cardinality;
    }

    public boolean isComplete() {
        return cardinality == size;
    }

    public boolean isEmpty() {
        return cardinality == 0;
    }

    /** The first set index at or after {@code from}, or -1. */
    public int nextSet(int from) {
        if (from < 0) {
            throw new IndexOutOfBoundsException("bitfield index " + from);
        }
        if (from >= size) {
            return -1;
        }
        int w = from >>> 6;
        long word = words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(word);
            }
            if (++w == words.length) {
                return -1;
            }
            word = words[w];
        }
    }

    /** The first clear index at or after {@code from}, or -1. */
    public int nextClear(int from) {
        if (from < 0) {
            throw new IndexOutOfBoundsException("bitfield index " + from);
        }
        if (from >= size) {
            return -1;
        }
        int w = from >>> 6;
        long word = ~words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                int index = (w << 6) + Long.numberOfTrailingZeros(word);
                return index < size ? index : -1;
            }
            if (++w == words.length) {
                return -1;
            }
            word = ~words[w];
        }
    }

    /**
     * The first index at or after {@code from} set here and clear in {@code other}, or -1: walks whole words, so
     * finding the pieces a peer has and we lack costs size/64 steps plus one per hit.
     */
    public int nextSetAndClearIn(Bitfield other, int from) {
        checkSameSize(other);
        if (from < 0) {
            throw new IndexOutOfBoundsException("bitfield index " + from);
        }
        if (from >= size) {
            return -1;
        }
        int w = from >>> 6;
        long word = words[w] & ~other.words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(word);
            }
            if (++w == words.length) {
                return -1;
            }
            word = words[w] & ~other.words[w];
        }
    }

    /** Number of indexes set here and clear in {@code other} (e.g. pieces a peer has that we lack). */
    public int countSetAndClearIn(Bitfield other) {
        checkSameSize(other);
        int count = 0;
        for (int i = 0; i < words.length; i++) {
            count += Long.bitCount(words[i] & ~other.words[i]);
        }
        return count;
    }

    public Bitfield copy() {
        return new Bitfield(this);
    }

    private void recount() {
        int count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        cardinality = count;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("bitfield index " + index + " outside 0.." + (size - 1));
        }
    }

    private void checkSameSize(Bitfield other) {
        if (other.size != size) {
            throw new IllegalArgumentException("bitfield sizes differ: " + size + " vs " + other.size);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bitfield other && other.size == size && Arrays.equals(words, other.words);
    }

    @Override
    public int hashCode() {
        return 31 * size + Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "Bitfield[" + cardinality + "/" + size + "]";
    }
}
