package io.btget.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentBuilder;
import io.btget.piece.Bitfield;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and planning with real files: what was saved is trusted while the files are as they were, and only then. */
class ResumeFileKeeperTest {
    @TempDir
    Path dir;

    private Torrent torrent;
    private Storage storage;

    /** Files a (40 000 bytes) and b (40 000 bytes), pieces of 16 KiB: 0-1 in a, 2 in a and b, 3-4 in b. */
    @BeforeEach
    void data() throws Exception {
        Path t = dir.resolve("data").resolve("t");
        Files.createDirectories(t);
        Random r = new Random(3);
        for (String name : List.of("a", "b")) {
            byte[] b = new byte[40_000];
            r.nextBytes(b);
            Files.write(t.resolve(name), b);
        }
        torrent = new TorrentBuilder(t).pieceLength(Optional.of(16 << 10)).threads(1).build((d, n) -> { }).torrent();
        storage = Storage.open(dir.resolve("data"), torrent, true);
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        storage.close();
    }

    /** Claims that say {@code outside} to a glance and {@code inside} while writes are held back. */
    private static ResumeFileKeeper.Claims claims(Bitfield outside, Bitfield inside) {
        return new ResumeFileKeeper.Claims() {
            @Override
            public Bitfield verified() {
                return outside.copy();
            }

            @Override
            public <T> T whileNoWrites(Function<Bitfield, T> action) {
                return action.apply(inside.copy());
            }
        };
    }

    private Bitfield all() {
        Bitfield b = new Bitfield(torrent.pieceCount());
        b.setAll();
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
    void withoutAResumeFileOrWithRecheckEveryPieceIsHashed() throws Exception {
        ResumeFileKeeper keeper = new ResumeFileKeeper(dir.resolve("state"), torrent, storage);
        assertThat(keeper.plan(false).toHash()).isEqualTo(set(0, 1, 2, 3, 4));
        keeper.saveNow(claims(all(), all()), true);
        assertThat(keeper.plan(true).toHash()).isEqualTo(set(0, 1, 2, 3, 4));
        assertThat(keeper.plan(true).trusted()).isEqualTo(set());
    }

    @Test
    void unchangedFilesAreTrustedAndAWrittenFileHasOnlyItsPiecesHashed() throws Exception {
        ResumeFileKeeper keeper = new ResumeFileKeeper(dir.resolve("state"), torrent, storage);
        keeper.saveNow(claims(all(), all()), true);
        RecheckPlan plan = new ResumeFileKeeper(dir.resolve("state"), torrent, storage).plan(false);
        assertThat(plan.trusted()).isEqualTo(set(0, 1, 2, 3, 4));
        assertThat(plan.toHash()).isEqualTo(set());

        Path b = storage.path(1);
        byte[] bytes = Files.readAllBytes(b);
        bytes[30_000] ^= 1; // same size: only the mtime tells
        FileTime before = Files.getLastModifiedTime(b);
        Files.write(b, bytes);
        Files.setLastModifiedTime(b, FileTime.fromMillis(before.toMillis() + 1)); // as a later write would
        plan = new ResumeFileKeeper(dir.resolve("state"), torrent, storage).plan(false);
        assertThat(plan.toHash()).isEqualTo(set(2, 3, 4));
        assertThat(plan.trusted()).isEqualTo(set(0, 1));
    }

    @Test
    void aSaveClaimsWhatIsVerifiedWhileWritesAreHeldBackNotWhatAGlanceBeforeSaw() throws Exception {
        Bitfield glance = all();
        Bitfield held = new Bitfield(torrent.pieceCount());
        held.set(0);
        ResumeFileKeeper keeper = new ResumeFileKeeper(dir.resolve("state"), torrent, storage);
        keeper.saveNow(claims(glance, held), true);
        assertThat(ResumeFile.load(keeper.file(), torrent, storage.root().toString()).pieces()).isEqualTo(held);
    }

    @Test
    void aResumeFileForTheSameTorrentInAnotherFolderIsNotTrusted() throws Exception {
        new ResumeFileKeeper(dir.resolve("state"), torrent, storage).saveNow(claims(all(), all()), true);
        RecheckPlan plan;
        try (Storage elsewhere = Storage.open(dir.resolve("other"), torrent, false)) {
            plan = new ResumeFileKeeper(dir.resolve("state"), torrent, elsewhere).plan(false);
        }
        assertThat(plan.trusted()).isEqualTo(set());
        assertThat(plan.toHash()).isEqualTo(set(0, 1, 2, 3, 4));
    }

    @Test
    void aStateFolderThatCannotBeWrittenCostsOnlyTheResumeFile() throws Exception {
        Path blocked = dir.resolve("blocked");
        Files.write(blocked, new byte[0]); // a file where the folder should be
        ResumeFileKeeper keeper = new ResumeFileKeeper(blocked, torrent, storage);
        keeper.saveNow(claims(all(), all()), true); // logs, never throws
        assertThat(keeper.plan(false).toHash()).isEqualTo(set(0, 1, 2, 3, 4));
    }

    @Test
    void claimsSavedAtExitWithoutFlushingHoldWithinTheBootAndAreDroppedAfterARestartOfTheSystem() throws Exception {
        new ResumeFileKeeper(dir.resolve("state"), torrent, storage, "boot-1").saveAtExit(claims(all(), all()));
        ResumeFile.Data saved = ResumeFile.load(new ResumeFileKeeper(dir.resolve("state"), torrent, storage, "boot-1")
                .file(), torrent, storage.root().toString());
        assertThat(saved.flushed()).isFalse();
        assertThat(new ResumeFileKeeper(dir.resolve("state"), torrent, storage, "boot-1").plan(false).trusted())
                .isEqualTo(set(0, 1, 2, 3, 4));
        assertThat(new ResumeFileKeeper(dir.resolve("state"), torrent, storage, "boot-2").plan(false).trusted())
                .isEqualTo(set());
        assertThat(new ResumeFileKeeper(dir.resolve("state"), torrent, storage, "").plan(false).trusted())
                .as("boot unknown").isEqualTo(set());
    }

    /** File {@code a} alone (index 0) or {@code b} alone (index 1). */
    private io.btget.metainfo.FileSelection only(int file) {
        io.btget.metainfo.FileSelection s = new io.btget.metainfo.FileSelection.Request(
                List.of(new io.btget.metainfo.MagnetLink.IndexRange(file, file)), List.of(), List.of(), List.of())
                .resolve(torrent.files());
        assertThat(s.isSelected(file)).isTrue();
        assertThat(s.isSelected(1 - file)).isFalse();
        return s;
    }

    private Bitfield bits(int... pieces) {
        Bitfield b = new Bitfield(torrent.pieceCount());
        for (int p : pieces) {
            b.set(p);
        }
        return b;
    }

    @Test
    void aPartialSelectionSavesOnlyWhatItCheckedAndALaterRunHashesTheRest() throws Exception {
        ResumeFileKeeper keeper = new ResumeFileKeeper(dir.resolve("state"), torrent, storage);
        RecheckPlan plan = keeper.plan(false); // no file: everything hashed
        io.btget.metainfo.FileSelection a = only(0);
        keeper.partialSelection(plan, a, a.wantedPieces(torrent.pieceLength(), torrent.pieceCount()));
        keeper.saveNow(claims(bits(0, 1, 2), bits(0, 1, 2)), true);

        ResumeFile.Data saved = ResumeFile.load(keeper.file(), torrent, storage.root().toString());
        // piece 2 has bytes of b, which this run kept in the part file: not claimed, not known
        assertThat(saved.pieces()).isEqualTo(bits(0, 1));
        assertThat(saved.checked()).isEqualTo(bits(0, 1));

        // A later run of the whole torrent trusts 0 and 1 and hashes 2-4 (b is on disk from before: not "missing").
        RecheckPlan later = new ResumeFileKeeper(dir.resolve("state"), torrent, storage).plan(false);
        assertThat(later.trusted()).isEqualTo(set(0, 1));
        assertThat(later.toHash()).isEqualTo(set(2, 3, 4));
    }

    @Test
    void aPartialSelectionKeepsTheClaimsOnFilesItLeavesWithTheStampsItComparedSoALaterChangeShows() throws Exception {
        new ResumeFileKeeper(dir.resolve("state"), torrent, storage).saveNow(claims(all(), all()), true);

        ResumeFileKeeper keeper = new ResumeFileKeeper(dir.resolve("state"), torrent, storage);
        RecheckPlan plan = keeper.plan(false);
        assertThat(plan.trusted()).isEqualTo(set(0, 1, 2, 3, 4));
        io.btget.metainfo.FileSelection b = only(1);
        keeper.partialSelection(plan, b, b.wantedPieces(torrent.pieceLength(), torrent.pieceCount()));
        keeper.saveNow(claims(bits(2, 3, 4), bits(2, 3, 4)), true);
        ResumeFile.Data saved = ResumeFile.load(keeper.file(), torrent, storage.root().toString());
        assertThat(saved.pieces()).isEqualTo(bits(0, 1, 3, 4)); // a's claims carried; 2 shares a: unknown
        assertThat(saved.checked()).isEqualTo(bits(0, 1, 3, 4));
        RecheckPlan later = new ResumeFileKeeper(dir.resolve("state"), torrent, storage).plan(false);
        assertThat(later.trusted()).isEqualTo(set(0, 1, 3, 4));
        assertThat(later.toHash()).isEqualTo(set(2));

        // The unselected file a changes while a partial run goes on: its save records a's stamp as its plan saw it,
        // so the next run sees the change and hashes a's pieces instead of trusting the carried claims.
        keeper = new ResumeFileKeeper(dir.resolve("state"), torrent, storage);
        plan = keeper.plan(false);
        keeper.partialSelection(plan, b, b.wantedPieces(torrent.pieceLength(), torrent.pieceCount()));
        Path fileA = storage.path(0);
        FileTime before = Files.getLastModifiedTime(fileA);
        byte[] bytes = Files.readAllBytes(fileA);
        bytes[100] ^= 1;
        Files.write(fileA, bytes);
        Files.setLastModifiedTime(fileA, FileTime.fromMillis(before.toMillis() + 1));
        keeper.saveNow(claims(bits(2, 3, 4), bits(2, 3, 4)), true);
        later = new ResumeFileKeeper(dir.resolve("state"), torrent, storage).plan(false);
        assertThat(later.trusted()).isEqualTo(set(3, 4));
        assertThat(later.toHash()).isEqualTo(set(0, 1, 2));
    }

    @Test
    void flushedClaimsHoldAcrossARestartOfTheSystem() throws Exception {
        new ResumeFileKeeper(dir.resolve("state"), torrent, storage, "boot-1").saveNow(claims(all(), all()), true);
        assertThat(new ResumeFileKeeper(dir.resolve("state"), torrent, storage, "boot-2").plan(false).trusted())
                .isEqualTo(set(0, 1, 2, 3, 4));
    }

    // ---- verify rewrites the resume file ----

    /** Flips a byte of file {@code i} keeping its size and mtime: only a hash can tell. */
    private void corruptKeepingStamp(int i, int at) throws Exception {
        Path f = storage.path(i);
        FileTime mtime = Files.getLastModifiedTime(f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[at] ^= 1;
        Files.write(f, bytes);
        Files.setLastModifiedTime(f, mtime);
    }

    private static boolean[] selected(boolean... files) {
        return files;
    }

    /** A wall clock well past every file's mtime: the files are quiet. */
    private long later() throws Exception {
        long newest = 0;
        for (int i = 0; i < torrent.files().size(); i++) {
            newest = Math.max(newest, Files.getLastModifiedTime(storage.path(i)).to(java.util.concurrent.TimeUnit.NANOSECONDS));
        }
        return newest + 1_000_000_000L;
    }

    @Test
    void aVerifyThatFindsABadPieceDropsItsClaimAndKeepsTheRestInstant() throws Exception {
        Path state = dir.resolve("state");
        new ResumeFileKeeper(state, torrent, storage).saveNow(claims(all(), all()), true);
        corruptKeepingStamp(0, 100); // piece 0
        assertThat(new ResumeFileKeeper(state, torrent, storage).plan(false).trusted())
                .as("the damage is invisible to the resume file").isEqualTo(set(0, 1, 2, 3, 4));

        ResumeFileKeeper keeper = new ResumeFileKeeper(state, torrent, storage);
        List<ResumeFile.FileStamp> stamps = keeper.stamps();
        BitSet wanted = set(0, 1, 2, 3, 4);
        BitSet good = new Verifier(torrent, storage).verify(1, n -> { }, wanted);
        assertThat(good).isEqualTo(set(1, 2, 3, 4));
        keeper.saveAfterVerify(stamps, later(), wanted, good, selected(true, true));

        RecheckPlan next = new ResumeFileKeeper(state, torrent, storage).plan(false);
        assertThat(next.trusted()).isEqualTo(set(1, 2, 3, 4));
        assertThat(next.toHash()).as("piece 0 is known bad: fetched again, nothing hashed").isEqualTo(set());
        assertThat(ResumeFile.load(keeper.file(), torrent, storage.root().toString()).flushed()).isTrue();
    }

    @Test
    void aVerifyOfSomeFilesKeepsTheClaimsItDidNotCheckAndClaimsNothingItDidNotHash() throws Exception {
        Path state = dir.resolve("state");
        new ResumeFileKeeper(state, torrent, storage).saveNow(claims(all(), all()), true);
        corruptKeepingStamp(1, 39_000); // piece 4, in b alone
        ResumeFileKeeper keeper = new ResumeFileKeeper(state, torrent, storage);
        // verify --select-file 2 (b): it hashes 2, 3 and 4; piece 2 shares a, read from where the selection reads it
        keeper.saveAfterVerify(keeper.stamps(), later(), set(2, 3, 4), set(2, 3), selected(false, true));

        ResumeFile.Data saved = ResumeFile.load(keeper.file(), torrent, storage.root().toString());
        assertThat(saved.pieces()).as("a's claims carried, 3 proved, 4 dropped").isEqualTo(bits(0, 1, 3));
        assertThat(saved.checked()).as("2 has bytes in the unselected a: unknown").isEqualTo(bits(0, 1, 3, 4));
        RecheckPlan next = new ResumeFileKeeper(state, torrent, storage).plan(false);
        assertThat(next.trusted()).isEqualTo(set(0, 1, 3));
        assertThat(next.toHash()).isEqualTo(set(2));
    }

    @Test
    void aVerifyOfSomeFilesWithoutAResumeFileKnowsOnlyWhatItHashed() throws Exception {
        Path state = dir.resolve("state");
        ResumeFileKeeper keeper = new ResumeFileKeeper(state, torrent, storage);
        keeper.saveAfterVerify(keeper.stamps(), later(), set(0, 1, 2), set(0, 1, 2), selected(true, false));
        ResumeFile.Data saved = ResumeFile.load(keeper.file(), torrent, storage.root().toString());
        assertThat(saved.pieces()).isEqualTo(bits(0, 1));
        assertThat(saved.checked()).isEqualTo(bits(0, 1));
    }

    @Test
    void aVerifyThatProvesNothingWritesNoResumeFileWhereThereWasNone() throws Exception {
        ResumeFileKeeper keeper = new ResumeFileKeeper(dir.resolve("state"), torrent, storage);
        keeper.saveAfterVerify(keeper.stamps(), later(), set(0, 1, 2, 3, 4), set(), selected(true, true));
        assertThat(keeper.file()).doesNotExist();
        // ... but one that exists is rewritten, so it no longer claims what verify found missing
        new ResumeFileKeeper(dir.resolve("state"), torrent, storage).saveNow(claims(all(), all()), true);
        keeper.saveAfterVerify(keeper.stamps(), later(), set(0, 1, 2, 3, 4), set(), selected(true, true));
        assertThat(ResumeFile.load(keeper.file(), torrent, storage.root().toString()).pieces().cardinality()).isZero();
    }

    @Test
    void aFileThatChangedWhileVerifyRanOrWasWrittenJustBeforeIsLeftUnknown() throws Exception {
        List<ResumeFile.FileStamp> before = List.of(new ResumeFile.FileStamp(40_000, 5_000_000_000L),
                new ResumeFile.FileStamp(40_000, 7_000_000_000L));
        BitSet all = set(0, 1, 2, 3, 4);
        boolean[] both = selected(true, true);
        FileLayout layout = storage.layout();
        byte[] hash = torrent.infoHash().bytes();
        // b changed between the stamps taken before and after hashing
        List<ResumeFile.FileStamp> after = List.of(before.get(0), new ResumeFile.FileStamp(40_000, 8_000_000_000L));
        ResumeFile.Data d = ResumeFileKeeper.afterVerify(layout, hash, 5, "/r", null, before, after,
                9_000_000_000L, all, all, both, "boot", true);
        assertThat(d.pieces()).isEqualTo(bits(0, 1));
        assertThat(d.checked()).isEqualTo(bits(0, 1));
        assertThat(d.files()).isEqualTo(before);
        // b written 5 ms before the stamps: a write in the same clock tick would not change its mtime
        d = ResumeFileKeeper.afterVerify(layout, hash, 5, "/r", null, before, before, 7_005_000_000L, all, all, both,
                "boot", true);
        assertThat(d.pieces()).isEqualTo(bits(0, 1));
        // quiet long enough: everything hashed right is claimed
        d = ResumeFileKeeper.afterVerify(layout, hash, 5, "/r", null, before, before, 7_020_000_000L, all, all, both,
                "boot", true);
        assertThat(d.pieces()).isEqualTo(bits(0, 1, 2, 3, 4));
        // bad pieces: one in a alone is known missing; piece 2, across a and b, may be whole in the part file of a
        // partial download, which a run with that selection reads: unknown
        d = ResumeFileKeeper.afterVerify(layout, hash, 5, "/r", null, before, before, 7_020_000_000L, all,
                set(1, 3), both, "boot", true);
        assertThat(d.pieces()).isEqualTo(bits(1, 3));
        assertThat(d.checked()).isEqualTo(bits(0, 1, 3, 4));
    }
}
