package io.btget.piece;

import static io.btget.piece.BlockRequest.BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A picker built with a wanted set (the user's file selection) picks, wants and completes those pieces alone. */
class PiecePickerWantedTest {
    private final Object a = new Object();
    private final Object b = new Object();

    private static Bitfield bits(int size, int... set) {
        Bitfield bits = new Bitfield(size);
        for (int i : set) {
            bits.set(i);
        }
        return bits;
    }

    private static Bitfield all(int size) {
        Bitfield bits = new Bitfield(size);
        bits.setAll();
        return bits;
    }

    @Test
    void picksOnlyWantedPiecesAndCompletesWhenTheyAreVerified() {
        PiecePicker<Object> picker = new PiecePicker<>(8, p -> BLOCK_SIZE, new Bitfield(8), bits(8, 2, 5),
                new Random(1), 8);
        picker.addPeer(a, all(8));
        List<BlockRequest> picked = picker.pick(a, 100);
        Set<Integer> pieces = picked.stream().map(BlockRequest::piece).collect(Collectors.toSet());
        assertThat(pieces).containsExactlyInAnyOrder(2, 5);
        assertThat(picker.missingPieces()).isEqualTo(2);
        assertThat(picker.isComplete()).isFalse();
        picker.pieceVerified(2);
        picker.pieceVerified(5);
        assertThat(picker.isComplete()).isTrue();
        assertThat(picker.isInteresting(a)).isFalse();
    }

    @Test
    void aPeerWithOnlyUnwantedPiecesIsNotInteresting() {
        PiecePicker<Object> picker = new PiecePicker<>(8, p -> BLOCK_SIZE, new Bitfield(8), bits(8, 2),
                new Random(1), 8);
        picker.addPeer(a, bits(8, 0, 1, 3, 7));
        picker.addPeer(b, bits(8, 2));
        assertThat(picker.isInteresting(a)).isFalse();
        assertThat(picker.pick(a, 10)).isEmpty();
        assertThat(picker.isInteresting(b)).isTrue();
        picker.peerHave(a, 2);
        assertThat(picker.isInteresting(a)).isTrue();
    }

    @Test
    void withoutAWantedSetEveryPieceIsWanted() {
        PiecePicker<Object> picker = new PiecePicker<>(4, p -> BLOCK_SIZE, new Bitfield(4), null, new Random(1), 8);
        picker.addPeer(a, all(4));
        assertThat(picker.pick(a, 100)).hasSize(4);
    }
}
