package io.btget.piece;

import static io.btget.piece.BlockRequest.BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PiecePicker#setSequential} ({@code --sequential}) and {@link PiecePriorities} (streaming readers). */
class PiecePickerSequentialTest {
    private final Object a = new Object();
    private final Object b = new Object();
    private final Object c = new Object();

    private static PiecePicker<Object> picker(int pieces, int maxInFlight) {
        return new PiecePicker<>(pieces, p -> BLOCK_SIZE, new Bitfield(pieces), new Random(7), maxInFlight);
    }

    private static Bitfield all(int size) {
        Bitfield bits = new Bitfield(size);
        bits.setAll();
        return bits;
    }

    private static Bitfield bits(int size, int... set) {
        Bitfield bits = new Bitfield(size);
        for (int i : set) {
            bits.set(i);
        }
        return bits;
    }

    private static List<Integer> pieces(List<BlockRequest> blocks) {
        return new ArrayList<>(new LinkedHashSet<>(blocks.stream().map(BlockRequest::piece).toList()));
    }

    /** Picks one piece at a time from {@code peer} and verifies it, {@code n} times: the order pieces start in. */
    private static List<Integer> order(PiecePicker<Object> picker, Object peer, int n) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<BlockRequest> got = picker.pick(peer, 1);
            if (got.isEmpty()) {
                break;
            }
            int piece = got.get(0).piece();
            order.add(piece);
            picker.blockReceived(peer, got.get(0));
            picker.pieceVerified(piece);
        }
        return order;
    }

    @Test
    void sequentialModeTakesPiecesInIndexOrderWhenAllAreEquallyCommon() {
        PiecePicker<Object> picker = picker(50, 4);
        picker.setSequential(true);
        picker.addPeer(a, all(50));
        assertThat(order(picker, a, 50)).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).boxed().toList());
        assertThat(picker.isComplete()).isTrue();
    }

    @Test
    void withoutSequentialModeTheOrderIsRandomAmongEquallyRarePieces() {
        // the control for the test above: the same picker without the mode does not go in order
        PiecePicker<Object> picker = picker(50, 4);
        picker.addPeer(a, all(50));
        assertThat(order(picker, a, 50)).isNotEqualTo(java.util.stream.IntStream.range(0, 50).boxed().toList());
    }

    @Test
    void sequentialModePrefersARarePieceWithinTheWindowOnly() {
        PiecePicker<Object> picker = picker(400, 4); // window: max(4, min(32, 400 / 100)) = 4 pieces
        picker.setSequential(true);
        picker.addPeer(a, all(400));
        picker.addPeer(b, all(400));
        picker.addPeer(c, all(400));
        // piece 2 and piece 300 are held by a alone: 2 is in the window, 300 far beyond it
        Bitfield lacks = all(400);
        lacks.clear(2);
        lacks.clear(300);
        picker.peerBitfieldReplaced(b, lacks);
        picker.peerBitfieldReplaced(c, lacks);
        assertThat(order(picker, a, 4)).containsExactly(2, 0, 1, 3);
    }

    @Test
    void sequentialModeSkipsPiecesThePeerLacksAndPiecesNotWanted() {
        Bitfield wanted = bits(20, 3, 4, 5, 9, 10, 11, 12);
        PiecePicker<Object> picker = new PiecePicker<>(20, p -> BLOCK_SIZE, new Bitfield(20), wanted, new Random(1), 4);
        picker.setSequential(true);
        picker.addPeer(a, bits(20, 0, 1, 4, 5, 10, 11, 12, 19));
        assertThat(order(picker, a, 20)).containsExactly(4, 5, 10, 11, 12);
    }

    @Test
    void sequentialModeStillReachesEndgame() {
        PiecePicker<Object> picker = picker(3, 10);
        picker.setSequential(true);
        picker.addPeer(a, all(3));
        picker.addPeer(b, all(3));
        assertThat(pieces(picker.pick(a, 10))).containsExactly(0, 1, 2);
        assertThat(picker.isEndgame()).isTrue();
        assertThat(pieces(picker.pick(b, 10))).as("endgame duplicates for the second peer").containsExactly(0, 1, 2);
    }

    @Test
    void webSeedsKeepTheirContiguousRunsInSequentialMode() {
        PiecePicker<Object> picker = picker(20, 16);
        picker.setSequential(true);
        picker.addPeer(a, all(20));
        picker.addPeer(b, all(20));
        assertThat(pieces(picker.pick(a, 2))).containsExactly(0, 1);
        assertThat(pieces(picker.pickContiguous(b, 4, 10, p -> false))).containsExactly(10, 11, 12, 13);
        assertThat(pieces(picker.pick(a, 2))).as("the peer goes on in order around the web seed's run").containsExactly(2, 3);
    }

    @Test
    void aPriorityWindowIsServedFirstInIndexOrder() {
        PiecePicker<Object> picker = picker(100, 8);
        PiecePriorities windows = new PiecePriorities();
        picker.usePriorities(windows);
        picker.setSequential(true);
        picker.addPeer(a, all(100));
        assertThat(pieces(picker.pick(a, 1))).containsExactly(0);
        PiecePriorities.Window w = windows.add(90, 92);
        assertThat(pieces(picker.pick(a, 3))).containsExactly(90, 91, 92);
        windows.remove(w);
        assertThat(pieces(picker.pick(a, 1))).as("back to order once the reader moved on").containsExactly(1);
    }

    @Test
    void aPriorityWindowAlsoWorksInRarestFirstModeAndSkipsVerifiedPieces() {
        PiecePicker<Object> picker = picker(100, 8);
        PiecePriorities windows = new PiecePriorities();
        picker.usePriorities(windows);
        picker.addPeer(a, all(100));
        windows.add(40, 43);
        List<BlockRequest> first = picker.pick(a, 1);
        assertThat(pieces(first)).containsExactly(40);
        picker.blockReceived(a, first.get(0));
        picker.pieceVerified(40);
        assertThat(pieces(picker.pick(a, 3))).containsExactly(41, 42, 43);
    }

    @Test
    void aPriorityWindowFinishesStartedPiecesInItBeforeOthers() {
        PiecePicker<Object> picker = new PiecePicker<>(10, p -> 4 * BLOCK_SIZE, new Bitfield(10), new Random(1), 4);
        PiecePriorities windows = new PiecePriorities();
        picker.usePriorities(windows);
        picker.addPeer(a, all(10));
        picker.addPeer(b, all(10));
        picker.pick(b, 1); // b starts some piece p, one block of four requested
        int p = picker.pick(b, 1).get(0).piece();
        windows.add(p, p);
        List<BlockRequest> got = picker.pick(a, 2);
        assertThat(pieces(got)).containsExactly(p);
        assertThat(got).hasSize(2);
    }

    @Test
    void aPriorityWindowMayStartAPieceBeyondAFullInFlightCapButOnlyABoundedFew() {
        PiecePicker<Object> picker = picker(100, 8); // extra: max(1, 8 / 8) = 1
        PiecePriorities windows = new PiecePriorities();
        picker.usePriorities(windows);
        picker.setSequential(true);
        picker.addPeer(a, all(100));
        assertThat(pieces(picker.pick(a, 8))).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(picker.pick(a, 1)).as("the cap is full").isEmpty();
        windows.add(60, 62);
        assertThat(pieces(picker.pick(a, 10))).as("one piece of the window starts anyway").containsExactly(60);
        assertThat(picker.piecesInFlight()).isEqualTo(9);
    }

    @Test
    void aWindowBeyondTheLastPieceIsClippedAndBadWindowsAreRefused() {
        PiecePicker<Object> picker = picker(5, 8);
        PiecePriorities windows = new PiecePriorities();
        picker.usePriorities(windows);
        picker.addPeer(a, all(5));
        windows.add(3, Integer.MAX_VALUE);
        assertThat(pieces(picker.pick(a, 5))).startsWith(3, 4);
        assertThatThrownBy(() -> windows.add(5, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> windows.add(-1, 2)).isInstanceOf(IllegalArgumentException.class);
        for (int i = 1; i < PiecePriorities.MAX_WINDOWS; i++) {
            windows.add(0, 0);
        }
        assertThatThrownBy(() -> windows.add(0, 0)).isInstanceOf(IllegalStateException.class);
    }
}
