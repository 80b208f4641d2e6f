package io.btget.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.FileEntry;
import io.btget.piece.Bitfield;
import io.btget.storage.ResumeFile.FileStamp;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a start with a resume file hashes. Layout (piece length 100): a [0,250) b [250,260) pad [260,300) c [300,520):
 * pieces 0,1 in a; piece 2 in a, b and the padding; pieces 3,4 in c; piece 5 (20 bytes) in c.
 */
class RecheckPlanTest {
    private static final FileLayout LAYOUT = new FileLayout(List.of(
            new FileEntry(List.of("t", "a"), 250, 0, false),
            new FileEntry(List.of("t", "b"), 10, 250, false),
            new FileEntry(List.of("t", ".pad", "40"), 40, 260, true),
            new FileEntry(List.of("t", "c"), 220, 300, false)), 100);
    private static final int PIECES = 6;

    private static List<FileStamp> stamps() {
        return new ArrayList<>(List.of(new FileStamp(250, 1_000), new FileStamp(10, 2_000), FileStamp.MISSING,
                new FileStamp(220, 3_000)));
    }

    private static Bitfield claimed(int... pieces) {
        Bitfield b = new Bitfield(PIECES);
        for (int p : pieces) {
            b.set(p);
        }
        return b;
    }

    private static BitSet set(int... pieces) {
        BitSet b = new BitSet();
        for (int p : pieces) {
            b.set(p);
        }
        return b;
    }

    @Test
    void unchangedFilesTrustEveryClaimedPieceAndHashNothing() {
        RecheckPlan plan = RecheckPlan.of(LAYOUT, claimed(0, 1, 2, 3, 4, 5), stamps(), stamps());
        assertThat(plan.trusted()).isEqualTo(set(0, 1, 2, 3, 4, 5));
        assertThat(plan.toHash()).isEqualTo(set());
        assertThat(plan.changedFiles()).isEmpty();
    }

    @Test
    void aPieceTheFileDoesNotClaimIsNeitherTrustedNorHashedWhenItsFilesAreUnchanged() {
        RecheckPlan plan = RecheckPlan.of(LAYOUT, claimed(0, 3), stamps(), stamps());
        assertThat(plan.trusted()).isEqualTo(set(0, 3));
        assertThat(plan.toHash()).isEqualTo(set());
    }

    @Test
    void aPieceTheFileDoesNotKnowIsHashedClaimedByNoOneOrNot() {
        // A run with a partial selection knew pieces 0, 1 and 5 only; 2-4 may be on disk from another run.
        RecheckPlan plan = RecheckPlan.of(LAYOUT, claimed(0, 5), claimed(0, 1, 5), stamps(), stamps());
        assertThat(plan.trusted()).isEqualTo(set(0, 5));
        assertThat(plan.toHash()).isEqualTo(set(2, 3, 4));
    }

    @Test
    void aFileWithAnotherMtimeHasEveryPieceTouchingItHashedClaimedOrNotAndOnlyThose() {
        List<FileStamp> now = stamps();
        now.set(1, new FileStamp(10, 2_001)); // b: one nanosecond later
        RecheckPlan plan = RecheckPlan.of(LAYOUT, claimed(0, 1, 3, 4, 5), stamps(), now);
        assertThat(plan.toHash()).isEqualTo(set(2));
        assertThat(plan.trusted()).isEqualTo(set(0, 1, 3, 4, 5));
        assertThat(plan.changedFiles()).containsExactly(1);
    }

    @Test
    void aChangedFileAtABoundaryTakesTheSharedPieceOfItsNeighbourWithIt() {
        List<FileStamp> now = stamps();
        now.set(0, new FileStamp(250, 999));
        RecheckPlan plan = RecheckPlan.of(LAYOUT, claimed(0, 1, 2, 3, 4, 5), stamps(), now);
        assertThat(plan.toHash()).isEqualTo(set(0, 1, 2));
        assertThat(plan.trusted()).isEqualTo(set(3, 4, 5));
    }

    @Test
    void aMissingFileHasItsPiecesHashed() {
        List<FileStamp> now = stamps();
        now.set(3, FileStamp.MISSING);
        RecheckPlan plan = RecheckPlan.of(LAYOUT, claimed(0, 1, 2, 3, 4, 5), stamps(), now);
        assertThat(plan.toHash()).isEqualTo(set(3, 4, 5));
        assertThat(plan.trusted()).isEqualTo(set(0, 1, 2));
        assertThat(plan.changedFiles()).containsExactly(3);
    }

    @Test
    void aFileNowShorterWithTheSameMtimeHasItsPiecesHashed() {
        List<FileStamp> now = stamps();
        now.set(3, new FileStamp(150, 3_000));
        RecheckPlan plan = RecheckPlan.of(LAYOUT, claimed(3, 4, 5), stamps(), now);
        assertThat(plan.toHash()).isEqualTo(set(3, 4, 5));
        assertThat(plan.trusted()).isEqualTo(set());
    }

    @Test
    void aFileThatAppearedSinceTheSaveHasItsPiecesHashed() {
        List<FileStamp> saved = stamps();
        saved.set(3, FileStamp.MISSING);
        RecheckPlan plan = RecheckPlan.of(LAYOUT, claimed(0, 1), saved, stamps());
        assertThat(plan.toHash()).isEqualTo(set(3, 4, 5));
        assertThat(plan.trusted()).isEqualTo(set(0, 1));
    }

    @Test
    void aClaimedPieceBeyondItsFilesSavedSizeIsHashedNotTrusted() {
        List<FileStamp> saved = stamps();
        saved.set(3, new FileStamp(150, 3_000)); // c was 150 bytes long: pieces 4 (300..399 of c: 100..199) and 5 lie beyond
        RecheckPlan plan = RecheckPlan.of(LAYOUT, claimed(3, 4, 5), saved, saved);
        assertThat(plan.trusted()).isEqualTo(set(3));
        assertThat(plan.toHash()).isEqualTo(set(4, 5));
    }

    @Test
    void paddingFilesAreNeverLookedAt() {
        List<FileStamp> now = stamps();
        now.set(2, new FileStamp(40, 5)); // a file where the padding is: not ours, not read
        RecheckPlan plan = RecheckPlan.of(LAYOUT, claimed(2), stamps(), now);
        assertThat(plan.trusted()).isEqualTo(set(2));
        assertThat(plan.toHash()).isEqualTo(set());
    }

    @Test
    void aFullPlanHashesEveryPieceAndTrustsNone() {
        RecheckPlan plan = RecheckPlan.full(PIECES);
        assertThat(plan.toHash()).isEqualTo(set(0, 1, 2, 3, 4, 5));
        assertThat(plan.trusted()).isEqualTo(set());
    }
}
