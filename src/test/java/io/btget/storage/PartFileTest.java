package io.btget.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.FileSelection;
import io.btget.metainfo.InfoHash;
import io.btget.metainfo.Torrent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage with a file selection: unselected bytes of shared pieces go to the part file, never to the user's tree. */
class PartFileTest {
    @TempDir
    Path dir;

    /** Piece length 8: a.txt 0+4, b.txt 4+6 (pieces 0,1), pad 10+6, c.txt 16+8 (piece 2), d.txt 24+3, e.txt 27+2. */
    private static final List<FileEntry> FILES = List.of(
            new FileEntry(List.of("a.txt"), 4, 0, false),
            new FileEntry(List.of("x", "b.txt"), 6, 4, false),
            new FileEntry(List.of(".pad", "6"), 6, 10, true),
            new FileEntry(List.of("c.txt"), 8, 16, false),
            new FileEntry(List.of("d.txt"), 3, 24, false),
            new FileEntry(List.of("e.txt"), 2, 27, false));
    private static final byte[] DATA = "abcdBBBBBB\0\0\0\0\0\0CCCCCCCCdddee".getBytes(StandardCharsets.ISO_8859_1);

    private static Torrent torrent() {
        return new Torrent("t", new InfoHash(new byte[20]), Optional.empty(), 8, new byte[80], FILES, true,
                List.of(), List.of(), false, Optional.empty(), Optional.empty(), Optional.empty(), new byte[0]);
    }

    private static FileSelection select(String spec) {
        return new FileSelection.Request(FileSelection.parseIndexes(spec), List.of(), List.of(), List.of()).resolve(FILES);
    }

    private Path parts() {
        return PartFile.pathFor(dir.toAbsolutePath().normalize(), new InfoHash(new byte[20]).hex());
    }

    @Test
    void boundarySlotsAreThePiecesSharedByTwoOrMoreRealFiles() {
        // piece 0: a + b; piece 1: b + padding (one real file); piece 2: c alone; piece 3: d + e
        assertThat(PartFile.boundaryPieces(FILES, 8)).containsExactly(0, 3);
        assertThat(PartFile.boundaryPieces(List.of(new FileEntry(List.of("s"), 100, 0, false)), 8)).isEmpty();
    }

    @Test
    void aPieceSpanningASelectedAndAnUnselectedFileRoundTripsWithoutCreatingTheUnselectedFile() throws Exception {
        try (Storage s = Storage.open(dir, torrent(), true, select("2"))) { // b.txt only: pieces 0 and 1 wanted
            s.write(0, DATA, 0, 8);
            s.write(8, DATA, 8, 8);
            byte[] back = new byte[8];
            assertThat(s.read(0, back, 0, 8)).isTrue();
            assertThat(back).isEqualTo(java.util.Arrays.copyOfRange(DATA, 0, 8));
            s.createEmptyFiles();
            assertThat(s.inPartFile(0)).isTrue();
            assertThat(s.inPartFile(1)).isFalse();
        }
        assertThat(Files.readString(dir.resolve("t/x/b.txt"))).isEqualTo("BBBBBB");
        assertThat(dir.resolve("t/a.txt")).doesNotExist();
        assertThat(dir.resolve("t/c.txt")).doesNotExist();
        assertThat(Files.list(dir.resolve("t")).map(p -> p.getFileName().toString())).containsExactly("x");
        // slot 0 (piece 0) holds a.txt's 4 bytes at their offset in the piece; nothing else is written
        byte[] part = Files.readAllBytes(parts());
        assertThat(new String(part, StandardCharsets.ISO_8859_1)).isEqualTo("abcd");
        assertThat(parts().getParent().getFileName().toString()).isEqualTo(".btget");
    }

    @Test
    void theCheckFindsBoundaryPiecesThroughThePartFileAndReadsUnderAnotherSelection() throws Exception {
        try (Storage s = Storage.open(dir, torrent(), true, select("1,2"))) {
            s.write(0, DATA, 0, 16);
        }
        try (Storage s = Storage.open(dir, torrent(), false, select("2"))) {
            // the check reads piece 0 (an unselected span is "present" until the part file says otherwise) ...
            assertThat(new Verifier(torrent(), s).presentPieces().get(0)).isTrue();
            // ... not in the part file, but the user's own a.txt (from the run that selected it) is read instead
            byte[] back = new byte[8];
            assertThat(s.read(0, back, 0, 8)).isTrue();
            assertThat(new String(back, StandardCharsets.ISO_8859_1)).isEqualTo("abcdBBBB");
        }
        Files.delete(dir.resolve("t/a.txt"));
        try (Storage s = Storage.open(dir, torrent(), false, select("2"))) {
            assertThat(s.read(0, new byte[8], 0, 8)).as("in neither place").isFalse();
            assertThat(s.read(8, new byte[8], 0, 8)).isTrue();
        }
        try (Storage s = Storage.open(dir, torrent(), true, select("2"))) {
            s.write(0, DATA, 0, 8); // fetched again: a.txt's bytes now in slot 0
        }
        try (Storage s = Storage.open(dir, torrent(), false, select("2"))) {
            byte[] back = new byte[8];
            assertThat(s.read(0, back, 0, 8)).isTrue();
            assertThat(new String(back, StandardCharsets.ISO_8859_1)).isEqualTo("abcdBBBB");
        }
        assertThat(dir.resolve("t/a.txt")).as("never re-created").doesNotExist();
    }

    @Test
    void aReadOfAnUnwrittenSlotIsMissingDataNotAnError() throws Exception {
        try (Storage s = Storage.open(dir, torrent(), false, select("5"))) { // d.txt: piece 3, shared with e.txt
            assertThat(s.read(24, new byte[5], 0, 5)).isFalse();
            assertThat(parts()).doesNotExist();
        }
    }

    @Test
    void neverKeepsThePartFileBehindASymbolicLink() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.createSymbolicLink(dir.resolve(".btget"), outside);
        try (Storage s = Storage.open(dir, torrent(), true, select("2"))) {
            assertThatThrownBy(() -> s.write(0, DATA, 0, 8)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("not a plain directory");
        }
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void theWholeSelectionIsThePlainStorage() throws Exception {
        try (Storage s = Storage.open(dir, torrent(), true, FileSelection.all(FILES))) {
            assertThat(s.partFile()).isNull();
            s.write(0, DATA, 0, 8);
        }
        assertThat(Files.readString(dir.resolve("t/a.txt"))).isEqualTo("abcd");
    }
}
