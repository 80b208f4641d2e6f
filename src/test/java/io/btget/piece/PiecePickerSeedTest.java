package io.btget.piece;

import static io.btget.piece.BlockRequest.BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the picker asks a seed for in a swarm: the seed's upload goes to pieces no one else has. */
class PiecePickerSeedTest {
    private static final class Peer {
        private final String name;

        Peer(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final Peer seed = new Peer("seed");
    private final Peer leecher = new Peer("leecher");

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

    private static Set<Integer> pieces(List<BlockRequest> blocks) {
        return blocks.stream().map(BlockRequest::piece).collect(Collectors.toSet());
    }

    @Test
    void aSeedIsAskedForAPieceOnlyItHasBeforeTheRestOfAPieceAnotherPeerAlsoHas() {
        PiecePicker<Peer> picker = new PiecePicker<>(8, p -> 4 * BLOCK_SIZE, new Bitfield(8), new Random(1), 8);
        picker.addPeer(leecher, bits(8, 3));
        picker.addPeer(seed, all(8));
        // piece 3 (also at the leecher) is started from the leecher: one block requested, three not yet
        assertThat(pieces(picker.pick(leecher, 1))).containsExactly(3);

        List<BlockRequest> fromSeed = picker.pick(seed, 4);
        assertThat(fromSeed).hasSize(4);
        assertThat(pieces(fromSeed)).doesNotContain(3).hasSize(1);
        // the rest of piece 3 is left to the leecher
        assertThat(pieces(picker.pick(leecher, 3))).containsExactly(3);
    }

    @Test
    void aLoneSeedStillCompletesStartedPiecesFirst() {
        PiecePicker<Peer> picker = new PiecePicker<>(8, p -> 4 * BLOCK_SIZE, new Bitfield(8), new Random(1), 8);
        picker.addPeer(seed, all(8));
        int first = picker.pick(seed, 1).get(0).piece();
        List<BlockRequest> next = picker.pick(seed, 3);
        assertThat(pieces(next)).containsExactly(first);
    }

    @Test
    void aSeedCompletesAStartedPieceOnceEveryPieceIsAsCommon() {
        // every piece is at the leecher and the seed: nothing is rarer than the started one
        PiecePicker<Peer> picker = new PiecePicker<>(4, p -> 4 * BLOCK_SIZE, new Bitfield(4), new Random(1), 4);
        picker.addPeer(leecher, all(4));
        picker.addPeer(seed, all(4));
        int started = picker.pick(leecher, 1).get(0).piece();
        assertThat(pieces(picker.pick(seed, 3))).containsExactly(started);
    }
}
