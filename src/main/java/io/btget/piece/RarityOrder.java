package io.btget.piece;

import java.util.Arrays;
import java.util.Random;

/**
 * The wanted pieces, kept sorted by availability (how many connected peers have each) with every update O(1).
 *
 * <p>The order is one array split into buckets, one per availability value: bucket {@code a} holds the pieces seen
 * at {@code a} peers and sits before bucket {@code a + 1}. A piece moves one bucket by a single swap with the
 * bucket's boundary element, so the array never needs re-sorting. The array is shuffled at the start and every piece
 * entering a bucket swaps with a random member, which gives the random tie-break among equally rare pieces (rarest first, BEP 3 "piece selection strategy").
 * Not thread-safe: {@link PiecePicker} guards it.
 */
final class RarityOrder {
    private final int[] availability;
    private final int[] order;
    /** Position of each piece in {@link #order}, or -1 once removed (we have it). */
    private final int[] position;
    /** bucketStart[a] = first position whose piece has availability >= a; entries past the top equal size. */
    private int[] bucketStart;
    private int size;
    private final Random rng;

    RarityOrder(int pieceCount, Bitfield have, Random rng) {
        this.rng = rng;
        availability = new int[pieceCount];
        position = new int[pieceCount];
        Arrays.fill(position, -1);
        int[] wanted = new int[pieceCount - have.cardinality()];
        int n = 0;
        for (int piece = have.nextClear(0); piece >= 0; piece = have.nextClear(piece + 1)) {
            wanted[n++] = piece;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = wanted[i];
            wanted[i] = wanted[j];
            wanted[j] = t;
        }
        order = wanted;
        size = n;
        for (int i = 0; i < n; i++) {
            position[order[i]] = i;
        }
        bucketStart = new int[8];
        Arrays.fill(bucketStart, 1, bucketStart.length, size);
    }

    int availability(int piece) {
        return availability[piece];
    }

    int size() {
        return size;
    }

    /** The piece at a position, rarest first. */
    int pieceAt(int index) {
        return order[index];
    }

    /** Position in rarity order (smaller = rarer, random among equals), or -1 when no longer wanted. */
    int positionOf(int piece) {
        return position[piece];
    }

    void increment(int piece) {
        int a = availability[piece]++;
        if (position[piece] < 0) {
            return;
        }
        ensureBucket(a + 2);
        int last = bucketStart[a + 1] - 1;
        swap(position[piece], last);
        bucketStart[a + 1]--;
        shuffleInto(piece, bucketStart[a + 1], bucketStart[a + 2]);
    }

    void decrement(int piece) {
        int a = availability[piece];
        if (a == 0) {
            throw new IllegalStateException("availability of piece " + piece + " below zero");
        }
        availability[piece] = a - 1;
        if (position[piece] < 0) {
            return;
        }
        int first = bucketStart[a];
        swap(position[piece], first);
        bucketStart[a]++;
        shuffleInto(piece, bucketStart[a - 1], bucketStart[a]);
    }

    /** Drops a piece we now have; O(number of availability values). */
    void remove(int piece) {
        if (position[piece] < 0) {
            return;
        }
        // Walk the piece to the very end, one bucket boundary at a time, then shrink.
        for (int b = availability[piece]; b + 1 < bucketStart.length; b++) {
            int last = bucketStart[b + 1] - 1;
            swap(position[piece], last);
            bucketStart[b + 1]--;
        }
        position[piece] = -1;
        size--;
    }

    /**
     * Swaps a piece that just joined the bucket [from, to) with a random member, so each bucket stays a random
     * permutation (as in an inside-out shuffle) rather than the order in which HAVEs happened to arrive.
     */
    private void shuffleInto(int piece, int from, int to) {
        swap(position[piece], from + rng.nextInt(to - from));
    }

    private void ensureBucket(int index) {
        if (index >= bucketStart.length) {
            int old = bucketStart.length;
            bucketStart = Arrays.copyOf(bucketStart, Math.max(index + 1, old * 2));
            Arrays.fill(bucketStart, old, bucketStart.length, size);
        }
    }

    private void swap(int i, int j) {
        int pi = order[i];
        int pj = order[j];
        order[i] = pj;
        order[j] = pi;
        position[pj] = i;
        position[pi] = j;
    }
}
