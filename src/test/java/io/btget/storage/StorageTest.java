package io.btget.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.InfoHash;
import io.btget.metainfo.Torrent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest {
    @TempDir
    Path dir;

    private FileLayout layout() {
        return new FileLayout(List.of(
                new FileEntry(List.of("x", "a.txt"), 4, 0, false),
                new FileEntry(List.of(".pad", "2"), 2, 4, true),
                new FileEntry(List.of("x", "y", "b.txt"), 6, 6, false),
                new FileEntry(List.of("empty.txt"), 0, 12, false)), 8);
    }

    @Test
    void writesAcrossFilesCreatingFoldersButNeverPaddingFiles() throws Exception {
        try (Storage s = Storage.open(dir, layout(), true)) {
            byte[] data = "abcd\0\0efghij".getBytes(StandardCharsets.ISO_8859_1);
            s.write(0, data, 0, data.length);
            s.createEmptyFiles();
        }
        assertThat(Files.readString(dir.resolve("x/a.txt"))).isEqualTo("abcd");
        assertThat(Files.readString(dir.resolve("x/y/b.txt"))).isEqualTo("efghij");
        assertThat(dir.resolve("empty.txt")).exists().isEmptyFile();
        assertThat(dir.resolve(".pad")).doesNotExist();
    }

    @Test
    void readsBackWithZerosForPaddingAndReportsMissingData() throws Exception {
        try (Storage s = Storage.open(dir, layout(), true)) {
            byte[] buf = new byte[12];
            assertThat(s.read(0, buf, 0, 12)).isFalse();
            s.write(0, "abcd".getBytes(StandardCharsets.US_ASCII), 0, 4);
            s.write(6, "efghij".getBytes(StandardCharsets.US_ASCII), 0, 6);
            assertThat(s.read(0, buf, 0, 12)).isTrue();
            assertThat(new String(buf, StandardCharsets.ISO_8859_1)).isEqualTo("abcd\0\0efghij");
        }
    }

    @Test
    void refusesToWriteThroughASymbolicLink() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("x"), outside);
        try (Storage s = Storage.open(root, layout(), true)) {
            assertThatThrownBy(() -> s.write(0, new byte[4], 0, 4))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("symbolic link");
        }
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void refusesAPathThatWouldLeaveTheRoot() {
        FileLayout evil = new FileLayout(List.of(new FileEntry(List.of("..", "escape"), 1, 0, false)), 8);
        assertThatThrownBy(() -> Storage.open(dir.resolve("root"), evil, true))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("outside the output directory");
    }

    @Test
    void reportsADiskFailureWithThePath() throws Exception {
        Path root = Files.createDirectory(dir.resolve("ro"));
        Files.writeString(root.resolve("x"), "a file where a folder should be");
        try (Storage s = Storage.open(root, layout(), true)) {
            assertThatThrownBy(() -> s.write(0, new byte[4], 0, 4))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("a.txt");
        }
    }

    @Test
    void readsThroughTheUsersLinkedFolderButNeverWritesThroughIt() throws Exception {
        Path store = Files.createDirectory(dir.resolve("store"));
        Files.writeString(store.resolve("a.txt"), "abcd");
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("x"), store);
        try (Storage s = Storage.open(root, layout(), true)) {
            byte[] buf = new byte[4];
            assertThat(s.read(0, buf, 0, 4)).isTrue();
            assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("abcd");
            assertThat(s.sizeOnDisk(0)).isEqualTo(4);
            assertThat(s.linkOf(0)).isEqualTo(root.resolve("x"));
            assertThat(s.linkOf(3)).isNull();
            // the channel opened for that read must not serve a write
            assertThatThrownBy(() -> s.write(0, "wxyz".getBytes(StandardCharsets.US_ASCII), 0, 4))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("symbolic link " + root.resolve("x"));
        }
        assertThat(Files.readString(store.resolve("a.txt"))).isEqualTo("abcd");
    }

    @Test
    void refusesADownloadThatWouldWriteIntoALinkedFileBeforeAnyDataMoves() throws Exception {
        Path store = Files.createDirectory(dir.resolve("store"));
        Files.writeString(store.resolve("a.txt"), "ab");
        Path root = Files.createDirectories(dir.resolve("root/x"));
        Files.createSymbolicLink(root.resolve("a.txt"), store.resolve("a.txt"));
        try (Storage s = Storage.open(dir.resolve("root"), layout(), true)) {
            s.checkFileTypes(); // a link to a regular file is the user's data, not an error
            assertThatThrownBy(() -> s.refuseWritesThroughLinks(piece -> true))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("x/a.txt is reached through the symbolic link " + root.resolve("a.txt"));
        }
        Files.writeString(store.resolve("a.txt"), "abcd");
        try (Storage s = Storage.open(dir.resolve("root"), layout(), true)) {
            // full length: piece 0 is shared with the plain b.txt, so it may be fetched; its a.txt part is compared
            s.refuseWritesThroughLinks(piece -> false);
        }
        assertThat(Files.readString(store.resolve("a.txt"))).isEqualTo("abcd");
    }

    @Test
    void aPieceOverALinkedFileWritesOnlyThePlainFilesAndOnlyWhenTheLinkedBytesMatch() throws Exception {
        Path store = Files.createDirectory(dir.resolve("store"));
        Files.writeString(store.resolve("a.txt"), "abcd");
        Path root = Files.createDirectories(dir.resolve("root/x"));
        Files.createSymbolicLink(root.resolve("a.txt"), store.resolve("a.txt"));
        byte[] wrong = "abcX\0\0efghij".getBytes(StandardCharsets.ISO_8859_1);
        byte[] right = "abcd\0\0efghij".getBytes(StandardCharsets.ISO_8859_1);
        try (Storage s = Storage.open(dir.resolve("root"), layout(), true)) {
            assertThatThrownBy(() -> s.write(0, wrong, 0, 8))
                    .isInstanceOf(StorageException.class).hasMessageContaining("holds other bytes");
            assertThat(root.resolve("y")).doesNotExist(); // nothing of the piece was written
            s.write(0, right, 0, 12);
        }
        assertThat(Files.readString(store.resolve("a.txt"))).isEqualTo("abcd");
        assertThat(Files.isSymbolicLink(root.resolve("a.txt"))).isTrue();
        assertThat(Files.readString(root.resolve("y/b.txt"))).isEqualTo("efghij");
    }

    @Test
    void neverCreatesOrCutsAFileThroughALink() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("empty.txt"), outside.resolve("created"));
        try (Storage s = Storage.open(root, layout(), true)) {
            assertThatThrownBy(s::createEmptyFiles).isInstanceOf(StorageException.class)
                    .hasMessageContaining("symbolic link");
            assertThatThrownBy(() -> s.refuseWritesThroughLinks(piece -> true))
                    .isInstanceOf(StorageException.class).hasMessageContaining("empty.txt");
        }
        assertThat(outside).isEmptyDirectory();

        Files.writeString(outside.resolve("long.txt"), "abcd-and-more");
        Files.createDirectories(root.resolve("x"));
        Files.createSymbolicLink(root.resolve("x/a.txt"), outside.resolve("long.txt"));
        try (Storage s = Storage.open(root, layout(), true)) {
            s.trimToTorrentLengths();
        }
        assertThat(Files.readString(outside.resolve("long.txt"))).isEqualTo("abcd-and-more");
    }

    @Test
    void aLinkToAFolderWhereTheTorrentHasAFileIsRefused() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/x"));
        Files.createSymbolicLink(root.resolve("a.txt"), Files.createDirectory(dir.resolve("d")));
        try (Storage s = Storage.open(dir.resolve("root"), layout(), true)) {
            assertThatThrownBy(s::checkFileTypes).isInstanceOf(StorageException.class)
                    .hasMessageContaining("is a directory (through the symbolic link");
        }
    }

    /** A multi-file torrent named {@code name} over {@link #layout()}'s files (hashes unused here). */
    private Torrent torrent(String name) {
        return new Torrent(name, new InfoHash(new byte[20]), Optional.empty(), 8, new byte[40], layout().files(), true,
                List.of(), List.of(), false, Optional.empty(), Optional.empty(), Optional.empty(), new byte[0]);
    }

    @Test
    void theTorrentsOwnFolderIsReadThroughWhenALinkButNeverWrittenThrough() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Path www = out.resolve("www");
        Files.createSymbolicLink(www, outside);
        try (Storage s = Storage.open(out, torrent("www"), true)) {
            assertThat(s.linkOf(0)).isEqualTo(www);
            assertThatThrownBy(() -> s.refuseWritesThroughLinks(piece -> false))
                    .isInstanceOf(StorageException.class).hasMessageContaining("symbolic link " + www);
            assertThatThrownBy(() -> s.write(0, "abcd\0\0efghij".getBytes(StandardCharsets.ISO_8859_1), 0, 12))
                    .isInstanceOf(StorageException.class).hasMessageContaining("symbolic link " + www);
            assertThatThrownBy(s::createEmptyFiles).isInstanceOf(StorageException.class)
                    .hasMessageContaining("symbolic link");
        }
        assertThat(outside).isEmptyDirectory();

        // complete data behind the link: read, never touched
        Files.createDirectories(outside.resolve("x/y"));
        Files.writeString(outside.resolve("x/a.txt"), "abcd");
        Files.writeString(outside.resolve("x/y/b.txt"), "efghij-and-more");
        Files.writeString(outside.resolve("empty.txt"), "");
        try (Storage s = Storage.open(out, torrent("www"), true)) {
            byte[] buf = new byte[12];
            assertThat(s.read(0, buf, 0, 12)).isTrue();
            assertThat(new String(buf, StandardCharsets.ISO_8859_1)).isEqualTo("abcd\0\0efghij");
            s.refuseWritesThroughLinks(piece -> true);
            s.createEmptyFiles();
            s.trimToTorrentLengths();
        }
        assertThat(Files.readString(outside.resolve("x/y/b.txt"))).isEqualTo("efghij-and-more");

        // the output folder itself may be a link: that is where the user wants the data
        Path linkedOut = Files.createSymbolicLink(dir.resolve("linked-out"), out);
        Files.delete(www);
        try (Storage s = Storage.open(linkedOut, torrent("www"), true)) {
            assertThat(s.linkOf(0)).isNull();
            s.write(0, "abcd".getBytes(StandardCharsets.US_ASCII), 0, 4);
        }
        assertThat(Files.readString(out.resolve("www/x/a.txt"))).isEqualTo("abcd");
    }

    @Test
    void missingFoldersAreCreatedOneByOneAndNeverThroughALinkMadeBelowThem() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path root = Files.createDirectory(dir.resolve("root"));
        try (Storage s = Storage.open(root, layout(), true)) {
            s.write(0, "abcd".getBytes(StandardCharsets.US_ASCII), 0, 4); // x/ made, and a.txt opened and cached
            Files.createSymbolicLink(root.resolve("x/y"), outside); // a link where b.txt's folder will be made
            assertThatThrownBy(() -> s.write(6, "efghij".getBytes(StandardCharsets.US_ASCII), 0, 6))
                    .isInstanceOf(StorageException.class).hasMessageContaining("symbolic link");
        }
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void aFileDeletedWhileItsChannelIsClosedIsNeverReCreated() throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        try (Storage s = Storage.open(root, layout(), true)) {
            s.write(0, "abcd".getBytes(StandardCharsets.US_ASCII), 0, 4);
            assertThat(s.intact(0)).isTrue();
            s.closeChannel(0); // as the least recently used of MAX_OPEN_FILES would be
            Files.delete(root.resolve("x/a.txt"));
            assertThat(s.intact(0)).isFalse();
            assertThatThrownBy(() -> s.write(0, "abcd".getBytes(StandardCharsets.US_ASCII), 0, 4))
                    .isInstanceOf(StorageException.class).hasMessageContaining("was deleted or replaced");
            assertThatThrownBy(() -> s.read(0, new byte[4], 0, 4))
                    .isInstanceOf(StorageException.class).hasMessageContaining("was deleted or replaced");
        }
        assertThat(root.resolve("x/a.txt")).doesNotExist();
    }

    @Test
    void aSameLengthReplacementIsCaughtOpenOrClosed() throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        try (Storage s = Storage.open(root, layout(), true)) {
            s.write(6, "efghij".getBytes(StandardCharsets.US_ASCII), 0, 6);
            Path b = root.resolve("x/y/b.txt");
            Path other = root.resolve("other");
            Files.writeString(other, "EFGHIJ");
            Files.move(other, b, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // channel still open
            assertThat(s.sizeOnDisk(2)).isEqualTo(6);
            assertThat(s.intact(2)).isFalse();
            s.closeChannel(2);
            assertThatThrownBy(() -> s.write(6, "efghij".getBytes(StandardCharsets.US_ASCII), 0, 6))
                    .isInstanceOf(StorageException.class).hasMessageContaining("was deleted or replaced");
            assertThat(Files.readString(b)).isEqualTo("EFGHIJ");
        }
    }

    @Test
    void aFileLeftAloneSurvivesItsChannelBeingClosed() throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        try (Storage s = Storage.open(root, layout(), true)) {
            s.write(0, "abcd".getBytes(StandardCharsets.US_ASCII), 0, 4);
            s.closeChannel(0);
            s.write(0, "abcd".getBytes(StandardCharsets.US_ASCII), 0, 4);
            assertThat(s.intact(0)).isTrue();
        }
    }

    @Test
    void aFileDeletedAfterTheLeastRecentlyUsedLimitClosedItIsNeverReCreated() throws Exception {
        int n = Storage.MAX_OPEN_FILES + 2;
        List<FileEntry> files = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(new FileEntry(List.of("f" + i), 1, i, false));
        }
        Path root = Files.createDirectory(dir.resolve("root"));
        try (Storage s = Storage.open(root, new FileLayout(files, 8), true)) {
            for (int i = 0; i < n; i++) {
                s.write(i, new byte[] {7}, 0, 1); // f0's channel is closed by the time the last is written
            }
            Files.delete(root.resolve("f0"));
            assertThatThrownBy(() -> s.write(0, new byte[] {7}, 0, 1))
                    .isInstanceOf(StorageException.class).hasMessageContaining("f0 was deleted or replaced");
        }
        assertThat(root.resolve("f0")).doesNotExist();
    }
}
