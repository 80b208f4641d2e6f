package io.btget.piece;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RarityOrderTest {

    /** The order must list exactly the wanted pieces, sorted by availability, after any sequence of updates. */
    @Test
    void staysSortedByAvailabilityUnderRandomUpdates() {
        Random rng = new Random(42);
        int n = 300;
        RarityOrder order = new RarityOrder(n, new Bitfield(n), new Random(1));
        boolean[] removed = new boolean[n];
        for (int step = 0; step < 20_000; step++) {
            int piece = rng.nextInt(n);
            int op = rng.nextInt(10);
            if (op < 5) {
                order.increment(piece);
            } else if (op < 9) {
                if (order.availability(piece) > 0) {
                    order.decrement(piece);
                }
            } else if (rng.nextInt(20) == 0) {
                order.remove(piece);
                removed[piece] = true;
            }
            if (step % 500 == 0) {
                assertConsistent(order, removed);
            }
        }
        assertConsistent(order, removed);
    }

    private static void assertConsistent(RarityOrder order, boolean[] removed) {
        int wanted = 0;
        for (boolean r : removed) {
            wanted += r ? 0 : 1;
        }
        assertThat(order.size()).isEqualTo(wanted);
        int previous = -1;
        for (int i = 0; i < order.size(); i++) {
            int piece = order.pieceAt(i);
            assertThat(removed[piece]).isFalse();
            assertThat(order.positionOf(piece)).isEqualTo(i);
            assertThat(order.availability(piece)).isGreaterThanOrEqualTo(previous);
            previous = order.availability(piece);
        }
    }

    @Test
    void leavesOutPiecesWeAlreadyHave() {
        Bitfield have = new Bitfield(5);
        have.set(2);
        RarityOrder order = new RarityOrder(5, have, new Random(1));
        assertThat(order.size()).isEqualTo(4);
        assertThat(order.positionOf(2)).isEqualTo(-1);
    }
}
