package io.btget.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentBuilder;
import io.btget.piece.Bitfield;
import io.btget.storage.ResumeFile.FileStamp;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resume file's format: what is written is read back; anything else is refused with a reason, never trusted. */
class ResumeFileTest {
    private static final String ROOT = "/data/t";

    @TempDir
    Path dir;

    private Torrent torrent;
    private ResumeFile.Data data;

    /** Three files, 11 pieces of 16 KiB (the last one short). */
    @BeforeEach
    void torrent() throws Exception {
        Path t = dir.resolve("t");
        Files.createDirectories(t);
        Random r = new Random(7);
        for (String name : List.of("a", "b", "c")) {
            byte[] b = new byte[60_000];
            r.nextBytes(b);
            Files.write(t.resolve(name), b);
        }
        torrent = new TorrentBuilder(t).pieceLength(Optional.of(16 << 10)).threads(1).build((d, n) -> { }).torrent();
        Bitfield pieces = new Bitfield(torrent.pieceCount());
        pieces.set(0);
        pieces.set(5);
        pieces.set(torrent.pieceCount() - 1);
        data = new ResumeFile.Data(torrent.infoHash().bytes(), torrent.pieceCount(), torrent.pieceLength(), ROOT,
                pieces, List.of(new FileStamp(60_000, 1_700_000_000_123_456_789L), FileStamp.MISSING,
                        new FileStamp(12, 5)), "boot-1", true);
    }

    private ResumeFile.Data decode(byte[] bytes) throws ResumeFile.Invalid {
        return ResumeFile.decode(bytes, torrent, ROOT);
    }

    /** The valid encoding with {@code key} set to {@code value} (removed when null). */
    private byte[] with(String key, BValue value) {
        BDict d = (BDict) Bencode.decode(ResumeFile.encode(data));
        Map<String, BValue> m = new LinkedHashMap<>(d.entries());
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return Bencode.encode(new BDict(m));
    }

    private void assertRefused(byte[] bytes, String reason) {
        assertThatThrownBy(() -> decode(bytes)).isInstanceOf(ResumeFile.Invalid.class).hasMessageContaining(reason);
    }

    @Test
    void whatIsEncodedDecodesToTheSameData() throws Exception {
        ResumeFile.Data back = decode(ResumeFile.encode(data));
        assertThat(back.infoHash()).isEqualTo(torrent.infoHash().bytes());
        assertThat(back.pieceCount()).isEqualTo(torrent.pieceCount());
        assertThat(back.pieceLength()).isEqualTo(16 << 10);
        assertThat(back.root()).isEqualTo(ROOT);
        assertThat(back.pieces()).isEqualTo(data.pieces());
        assertThat(back.files()).isEqualTo(data.files());
        assertThat(back.bootId()).isEqualTo("boot-1");
        assertThat(back.flushed()).isTrue();
    }

    @Test
    void aSavedFileLoadsBackAndLeavesNoTemporaryFileBehind() throws Exception {
        Path file = ResumeFile.pathIn(dir.resolve("state"), torrent, ROOT);
        assertThat(ResumeFile.load(file, torrent, ROOT)).isNull();
        ResumeFile.save(file, data);
        ResumeFile.Data other = new ResumeFile.Data(data.infoHash(), data.pieceCount(), data.pieceLength(), ROOT,
                new Bitfield(torrent.pieceCount()), data.files(), "boot-1", false);
        ResumeFile.save(file, other); // replaces the first
        assertThat(ResumeFile.load(file, torrent, ROOT).pieces().cardinality()).isZero();
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
        assertThat(file.getFileName().toString()).matches(torrent.infoHash().hex() + "-[0-9a-f]{16}\\.resume");
        assertThat(ResumeFile.pathIn(dir, torrent, "/data/other")).isNotEqualTo(ResumeFile.pathIn(dir, torrent, ROOT));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] good = ResumeFile.encode(data);
        for (int n = 0; n < good.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(good, n);
            assertThatThrownBy(() -> decode(cut)).as("first %d bytes", n).isInstanceOf(ResumeFile.Invalid.class);
        }
    }

    @Test
    void aFileLongerThanAnyForThisTorrentIsRefusedBeforeParsing() throws Exception {
        byte[] huge = new byte[(int) ResumeFile.maxBytes(torrent) + 1];
        assertRefused(huge, "more than the " + ResumeFile.maxBytes(torrent));
        Path file = ResumeFile.pathIn(dir, torrent, ROOT);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(1L << 32); // 4 GiB, sparse: only maxBytes + 1 of it may be read
        }
        assertThatThrownBy(() -> ResumeFile.load(file, torrent, ROOT)).isInstanceOf(ResumeFile.Invalid.class)
                .hasMessageContaining("more than");
    }

    @Test
    void deepNestingAndTrailingBytesAreRefused() {
        assertRefused("l".repeat(5000).getBytes(), "");
        byte[] good = ResumeFile.encode(data);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        trailing[good.length] = 'x';
        assertRefused(trailing, "");
        assertRefused("le".getBytes(), "not a dictionary");
    }

    @Test
    void wrongTypesAreRefused() {
        assertRefused(with("version", BString.of("1")), "version");
        assertRefused(with("info-hash", new BInt(1)), "info-hash");
        assertRefused(with("pieces", new BInt(0)), "pieces");
        assertRefused(with("root", new BList(List.of())), "root");
        assertRefused(with("files", BString.of("x")), "files");
        assertRefused(with("flushed", new BInt(2)), "flushed");
        assertRefused(with("files", new BList(List.of(new BInt(0), new BInt(1), new BInt(2)))), "file entry 0");
        assertRefused(with("files", new BList(List.of(entry(0, 60_000, 1), entry(1, -1, 0),
                new BList(List.of(new BInt(2), BString.of("12"), new BInt(5)))))), "file entry 2");
        assertRefused(with("files", new BList(List.of(entry(0, 60_000, 1), entry(1, -1, 0),
                new BList(List.of(new BInt(2), new BInt(12)))))), "file entry 2");
    }

    @Test
    void missingKeysAreRefused() {
        for (String key : List.of("version", "info-hash", "piece-count", "piece-length", "root", "pieces", "files",
                "boot-id", "flushed", "checked")) {
            assertRefused(with(key, null), key);
        }
    }

    @Test
    void anotherVersionTorrentOrFolderIsRefused() {
        assertRefused(with("version", new BInt(3)), "version 3");
        assertRefused(with("version", new BInt(0)), "version 0");
        assertRefused(with("info-hash", new BString(new byte[20])), "another torrent");
        assertRefused(with("piece-count", new BInt(torrent.pieceCount() + 1)), "piece count");
        assertRefused(with("piece-length", new BInt(32 << 10)), "piece length");
        assertThatThrownBy(() -> ResumeFile.decode(ResumeFile.encode(data), torrent, "/elsewhere"))
                .isInstanceOf(ResumeFile.Invalid.class).hasMessageContaining("/elsewhere");
    }

    @Test
    void checkedPiecesRoundTripAndAClaimOutsideThemIsRefused() throws Exception {
        Bitfield checked = data.pieces().copy();
        checked.set(1);
        ResumeFile.Data partial = new ResumeFile.Data(data.infoHash(), data.pieceCount(), data.pieceLength(), ROOT,
                data.pieces(), checked, data.files(), "boot-1", true);
        assertThat(decode(ResumeFile.encode(partial)).checked()).isEqualTo(checked);
        assertThat(decode(ResumeFile.encode(data)).checked().isComplete()).as("every piece known").isTrue();

        Bitfield narrow = new Bitfield(torrent.pieceCount());
        narrow.set(0);
        assertRefused(with("checked", new BString(narrow.toWireBytes())), "piece 5 is claimed but not checked");
        assertRefused(with("checked", new BString(new byte[1])), "checked");
        assertRefused(with("checked", new BInt(0)), "checked");
    }

    @Test
    void aVersion1FileWithoutCheckedIsReadAsKnowingEveryPiece() throws Exception {
        BDict d = (BDict) Bencode.decode(with("checked", null));
        Map<String, BValue> m = new LinkedHashMap<>(d.entries());
        m.put("version", new BInt(1));
        ResumeFile.Data old = decode(Bencode.encode(new BDict(m)));
        assertThat(old.checked().isComplete()).isTrue();
        assertThat(old.pieces()).isEqualTo(data.pieces());
    }

    @Test
    void wrongLengthsAreRefused() {
        int bytes = Bitfield.wireLength(torrent.pieceCount());
        assertRefused(with("pieces", new BString(new byte[bytes - 1])), "pieces");
        assertRefused(with("pieces", new BString(new byte[bytes + 1])), "pieces");
        byte[] spare = new byte[bytes];
        spare[bytes - 1] = 1; // a bit past the last piece
        assertRefused(with("pieces", new BString(spare)), "spare bit");
        assertRefused(with("files", new BList(List.of(entry(0, 60_000, 1), entry(1, -1, 0)))), "2 file entries");
        assertRefused(with("files", new BList(List.of(entry(0, 60_000, 1), entry(1, -1, 0), entry(2, 12, 5),
                entry(3, 1, 1)))), "4 file entries");
    }

    @Test
    void impossibleFileEntriesAreRefused() {
        assertRefused(with("files", new BList(List.of(entry(0, 60_000, 1), entry(2, -1, 0), entry(1, 12, 5)))),
                "has index 2");
        assertRefused(with("files", new BList(List.of(entry(0, -2, 1), entry(1, -1, 0), entry(2, 12, 5)))),
                "size -2");
        assertRefused(with("files", new BList(List.of(entry(0, -1, 7), entry(1, -1, 0), entry(2, 12, 5)))),
                "size -1");
    }

    private static BList entry(long index, long size, long mtime) {
        return new BList(List.of(new BInt(index), new BInt(size), new BInt(mtime)));
    }

    @Test
    void aStampHasTheFileSystemsPrecisionAndAMissingFileHasNone() throws Exception {
        Path f = dir.resolve("stamped");
        Files.write(f, new byte[3]);
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(java.time.Instant.ofEpochSecond(1_700_000_000,
                123_456_789)));
        FileStamp s = FileStamp.of(f);
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.mtimeNanos() / 1_000_000_000L).isEqualTo(1_700_000_000L);
        assertThat(FileStamp.of(dir.resolve("none"))).isEqualTo(FileStamp.MISSING);
        assertThat(FileStamp.of(dir)).isEqualTo(FileStamp.MISSING); // a folder is not the file
    }
}
