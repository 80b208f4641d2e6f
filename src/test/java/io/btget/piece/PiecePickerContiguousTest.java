package io.btget.piece;

import static io.btget.piece.BlockRequest.BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PiecePicker#pickContiguous}: what a web seed (BEP 19) is given. */
class PiecePickerContiguousTest {
    private final Object web = new Object();
    private final Object peer = new Object();

    private static PiecePicker<Object> picker(int pieces, int maxInFlight) {
        return new PiecePicker<>(pieces, p -> 2 * BLOCK_SIZE, new Bitfield(pieces), new Random(1), maxInFlight);
    }

    private static Bitfield all(int size) {
        Bitfield b = new Bitfield(size);
        b.setAll();
        return b;
    }

    private static List<Integer> pieces(List<BlockRequest> blocks) {
        return blocks.stream().map(BlockRequest::piece).distinct().toList();
    }

    @Test
    void givesWholePiecesInIndexOrderFromTheOneAsked() {
        PiecePicker<Object> picker = picker(10, 10);
        picker.addPeer(web, all(10));
        List<BlockRequest> got = picker.pickContiguous(web, 6, 3, p -> false);
        assertThat(pieces(got)).containsExactly(3, 4, 5);
        assertThat(got).hasSize(6);
        assertThat(pieces(picker.pickContiguous(web, 4, 6, p -> false))).containsExactly(6, 7);
    }

    @Test
    void skipsPiecesOthersStartedOrWeHaveAndStopsAtAGap() {
        PiecePicker<Object> picker = picker(10, 10);
        picker.addPeer(web, all(10));
        picker.addPeer(peer, all(10));
        picker.pieceVerified(0);
        List<BlockRequest> byPeer = picker.pick(peer, 2); // the peer starts one piece
        int started = byPeer.get(0).piece();
        List<BlockRequest> got = picker.pickContiguous(web, 20, 0, p -> false);
        assertThat(pieces(got)).doesNotContain(0, started);
        List<Integer> order = pieces(got);
        for (int i = 1; i < order.size(); i++) {
            assertThat(order.get(i)).isEqualTo(order.get(i - 1) + 1); // one run: it stops at the first gap
        }
    }

    @Test
    void wrapsRoundAndRespectsThePiecesInFlightCap() {
        PiecePicker<Object> picker = picker(10, 2);
        picker.addPeer(web, all(10));
        assertThat(pieces(picker.pickContiguous(web, 100, 9, p -> false))).containsExactly(9);
        assertThat(pieces(picker.pickContiguous(web, 100, 10, p -> false))).containsExactly(0);
        assertThat(picker.pickContiguous(web, 100, 1, p -> false)).isEmpty(); // two pieces in flight already
    }

    @Test
    void withNothingLeftToStartItHelpsAsAPeerAndDuplicatesLaggingBlocksInEndgame() {
        PiecePicker<Object> picker = picker(2, 10);
        picker.addPeer(web, all(2));
        picker.addPeer(peer, all(2));
        List<BlockRequest> byPeer = picker.pick(peer, 4);
        assertThat(byPeer).hasSize(4); // everything is requested: endgame
        assertThat(picker.pickContiguous(web, 10, 0, p -> false)).isEmpty();
        assertThat(picker.pickContiguous(web, 10, 0, p -> p == peer)).hasSize(4);
    }
}
