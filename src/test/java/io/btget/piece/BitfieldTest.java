package io.btget.piece;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BitfieldTest {

    @Test
    void wireFormIsMostSignificantBitFirstWithZeroSpareBits() {
        Bitfield bits = new Bitfield(10);
        bits.set(0);
        bits.set(7);
        bits.set(9);
        assertThat(bits.toWireBytes()).containsExactly(0b1000_0001, 0b0100_0000);
    }

    @Test
    void parsesWireFormBackToTheSameSet() {
        Random rng = new Random(7);
        for (int size : new int[] {0, 1, 7, 8, 9, 63, 64, 65, 130, 1000}) {
            Bitfield bits = new Bitfield(size);
            for (int i = 0; i < size; i++) {
                if (rng.nextBoolean()) {
                    bits.set(i);
                }
            }
            Bitfield parsed = Bitfield.fromWireBytes(bits.toWireBytes(), size);
            assertThat(parsed).isEqualTo(bits);
            assertThat(parsed.cardinality()).isEqualTo(bits.cardinality());
        }
    }

    @Test
    void rejectsWireFormOfTheWrongLength() {
        assertThatThrownBy(() -> Bitfield.fromWireBytes(new byte[3], 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 2");
        assertThatThrownBy(() -> Bitfield.fromWireBytes(new byte[1], 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsWireFormWithASpareBitSet() {
        assertThatThrownBy(() -> Bitfield.fromWireBytes(new byte[] {0, 0b0010_0000}, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spare bit");
        assertThat(Bitfield.fromWireBytes(new byte[] {0, (byte) 0b1100_0000}, 10).cardinality()).isEqualTo(2);
    }

    @Test
    void countsSetBitsWithoutDoubleCounting() {
        Bitfield bits = new Bitfield(100);
        bits.set(3);
        bits.set(3);
        bits.set(99);
        assertThat(bits.cardinality()).isEqualTo(2);
        bits.clear(3);
        bits.clear(3);
        assertThat(bits.cardinality()).isEqualTo(1);
        assertThat(bits.isComplete()).isFalse();
    }

    @Test
    void findsNextSetAndNextClearAcrossWords() {
        Bitfield bits = new Bitfield(200);
        bits.set(5);
        bits.set(130);
        assertThat(bits.nextSet(0)).isEqualTo(5);
        assertThat(bits.nextSet(6)).isEqualTo(130);
        assertThat(bits.nextSet(131)).isEqualTo(-1);
        bits.setAll();
        assertThat(bits.nextClear(0)).isEqualTo(-1);
        bits.clear(199);
        assertThat(bits.nextClear(0)).isEqualTo(199);
        assertThat(bits.nextClear(200)).isEqualTo(-1);
    }

    @Test
    void setAllLeavesNoBitsBeyondTheSize() {
        Bitfield bits = new Bitfield(70);
        bits.setAll();
        assertThat(bits.isComplete()).isTrue();
        assertThat(bits.cardinality()).isEqualTo(70);
        assertThat(bits.nextClear(0)).isEqualTo(-1);
        assertThat(bits.toWireBytes()[8]).isEqualTo((byte) 0b1111_1100); // pieces 64..69
    }

    @Test
    void copyIsIndependent() {
        Bitfield bits = new Bitfield(10);
        Bitfield copy = bits.copy();
        copy.set(1);
        assertThat(bits.get(1)).isFalse();
        assertThat(copy.get(1)).isTrue();
    }

    @Test
    void rejectsIndexesOutsideTheSize() {
        Bitfield bits = new Bitfield(10);
        assertThatThrownBy(() -> bits.set(10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> bits.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void countsPiecesSetHereAndMissingThere() {
        Bitfield peer = new Bitfield(10);
        Bitfield ours = new Bitfield(10);
        peer.set(1);
        peer.set(2);
        ours.set(2);
        assertThat(peer.countSetAndClearIn(ours)).isEqualTo(1);
    }

    @Test
    void findsIndexesSetHereAndClearThereWordByWord() {
        Bitfield peer = new Bitfield(300);
        Bitfield ours = new Bitfield(300);
        for (int i : new int[] {0, 64, 65, 200, 299}) {
            peer.set(i);
        }
        ours.set(0);
        ours.set(65);
        assertThat(peer.nextSetAndClearIn(ours, 0)).isEqualTo(64);
        assertThat(peer.nextSetAndClearIn(ours, 65)).isEqualTo(200);
        assertThat(peer.nextSetAndClearIn(ours, 201)).isEqualTo(299);
        assertThat(peer.nextSetAndClearIn(ours, 300)).isEqualTo(-1);
    }
}
