package io.btget.storage;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.bencode.BencodeException;
import io.btget.bencode.BencodeLimits;
import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Torrent;
import io.btget.piece.Bitfield;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The resume file of one torrent: which pieces were verified, written and flushed, and what each file looked like
 * (size, modification time) right after the last write those pieces needed. A restart trusts a claimed piece only
 * while every file it touches still looks exactly so ({@link RecheckPlan}); anything else is hashed again.
 *
 * <p>One file per torrent and data folder, {@code <state dir>/resume/<infohash-hex>-<folder key>.resume}
 * ({@link StateDir}, next to the magnet metadata and the DHT state; {@link #pathIn}), a bencoded dictionary:
 * <pre>
 *   version       2 (version 1, without {@code checked}, is still read: it knew every piece)
 *   info-hash     the 20-byte v1 info hash
 *   piece-count   pieces in the torrent
 *   piece-length  bytes per piece
 *   root          the absolute folder the data was in (UTF-8): another folder is another download
 *   pieces        the claimed pieces, a BEP 3 bitfield (MSB first, spare bits zero)
 *   checked       the pieces this file knows the state of, same form: a piece in it is ours when in {@code pieces}
 *                 and missing when not; a piece outside it is unknown and is hashed by the next start that wants
 *                 it. A run with a partial file selection checks only its wanted pieces: it leaves the others out
 *                 (unless the file it read vouched for them and their files are unchanged), so its file never
 *                 makes a later run take pieces an earlier selection fetched as missing. {@code pieces} is within
 *                 {@code checked}.
 *   files         one list per torrent file, in torrent order: [index, size, mtime]; size -1 and mtime 0 for a
 *                 file that did not exist; mtime in nanoseconds since the epoch, as precise as the file system
 *   boot-id       the system's boot id when saved (Linux /proc/sys/kernel/random/boot_id; empty when unknown)
 *   flushed       1 when the data of every claimed piece was flushed (fdatasync) before the save; 0 when it was
 *                 only written (a save at exit): such claims hold across kill -9 (the page cache outlives the
 *                 process) but not across a crash of the system, so they are trusted only within the same boot
 * </pre>
 * Like libtorrent's {@code file sizes} list of [size, mtime] pairs and Transmission's per-file mtimes, with the
 * time kept at the file system's own precision (both keep whole seconds, so they miss a change within the same
 * second).
 *
 * <p>The file is as untrusted as a peer's data: its size is bounded before it is read (by what a file for this
 * torrent can hold at most), it is parsed with tight bencode limits, and every field is checked against the
 * torrent; anything wrong makes it ignored with the reason ({@link Invalid}), and the caller then hashes everything.
 * Written atomically: a temporary file in the same folder, fsync, then a rename over the old one.
 */
public final class ResumeFile {
    /** The format written and the only one read; a file of another version is ignored (a full check). */
    public static final int VERSION = 2;
    /** The format before {@code checked}: read, as a file whose every piece is checked. */
    private static final int VERSION_WITHOUT_CHECKED = 1;
    /** The folder inside the state directory. */
    public static final String DIRECTORY = "resume";
    /**
     * Room for the fixed keys and a root path (PATH_MAX is 4096 bytes on Linux; twice that for any encoding
     * overhead), on top of the per-torrent part computed in {@link #maxBytes}.
     */
    private static final int FIXED_BYTES = 16 << 10;
    /** Most bytes one file entry can take: {@code l} + three integers of at most 20 digits with their i..e + e. */
    private static final int BYTES_PER_FILE = 2 + 3 * 22;
    /** Elements the decoder builds besides three per file entry (the dictionary's keys and values). */
    private static final int FIXED_ELEMENTS = 64;

    /** What a file looked like: its size, or -1 when there was no regular file, and its modification time. */
    public record FileStamp(long size, long mtimeNanos) {
        /** No regular file at the path. */
        public static final FileStamp MISSING = new FileStamp(-1, 0);

        // Written out: a record's generated equals bootstraps java.lang.runtime.ObjectMethods on first use, about
        // 30-40 ms of method-handle spinning at start-up, which is most of what a start with a resume file costs.
        @Override
        public boolean equals(Object o) {
            return o instanceof FileStamp s && s.size == size && s.mtimeNanos == mtimeNanos;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(size) * 31 + Long.hashCode(mtimeNanos);
        }

        /** The stamp of the file at {@code path} now (through links, as reads go), or {@link #MISSING}. */
        public static FileStamp of(Path path) {
            try {
                java.nio.file.attribute.BasicFileAttributes a =
                        Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    return MISSING;
                }
                return new FileStamp(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
            } catch (IOException e) {
                return MISSING;
            }
        }
    }

    /**
     * The contents of a resume file.
     *
     * @param pieces the claimed pieces ({@code pieceCount} bits)
     * @param checked the pieces whose state the file knows (a superset of {@code pieces}); the others are unknown
     * @param files  one stamp per torrent file, in torrent order (padding files included, as {@link FileStamp#MISSING})
     * @param bootId  the system's boot id when saved, empty when unknown
     * @param flushed whether every claimed piece was flushed to disk before the save
     */
    public record Data(byte[] infoHash, int pieceCount, int pieceLength, String root, Bitfield pieces,
            Bitfield checked, List<FileStamp> files, String bootId, boolean flushed) {
        public Data {
            infoHash = infoHash.clone();
            files = List.copyOf(files);
            if (pieces.size() != pieceCount || checked.size() != pieceCount) {
                throw new IllegalArgumentException(pieces.size() + " and " + checked.size() + " bits for " + pieceCount
                        + " pieces");
            }
            if (pieces.nextSetAndClearIn(checked, 0) >= 0) {
                throw new IllegalArgumentException("piece " + pieces.nextSetAndClearIn(checked, 0)
                        + " is claimed but not checked");
            }
        }

        /** A file that knows every piece (a run with every file selected). */
        public Data(byte[] infoHash, int pieceCount, int pieceLength, String root, Bitfield pieces,
                List<FileStamp> files, String bootId, boolean flushed) {
            this(infoHash, pieceCount, pieceLength, root, pieces, all(pieceCount), files, bootId, flushed);
        }

        private static Bitfield all(int pieceCount) {
            Bitfield b = new Bitfield(pieceCount);
            b.setAll();
            return b;
        }

        @Override
        public byte[] infoHash() {
            return infoHash.clone();
        }
    }

    /** Why a resume file was not used: one line, for the user's {@code -v} log. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private ResumeFile() {
    }

    /**
     * Where the resume file of {@code torrent} with its data in the folder {@code root} lives in {@code dir}:
     * {@code <infohash-hex>-<16 hex digits of the SHA-1 of root>.resume} (hex only: nothing injected). One per torrent
     * and folder, so seeding a torrent from one folder while downloading it to another (or a test swarm on one
     * machine) does not make them overwrite each other's file.
     */
    public static Path pathIn(Path dir, Torrent torrent, String root) {
        byte[] folder = io.btget.metainfo.Sha1.newDigest().digest(root.getBytes(StandardCharsets.UTF_8));
        return dir.resolve(torrent.infoHash().hex() + "-" + java.util.HexFormat.of().formatHex(folder, 0, 8) + ".resume");
    }

    /**
     * The most bytes a valid resume file for {@code torrent} can have: the fixed part, the bitfield, and the file
     * entries. Anything longer is not read at all.
     */
    public static long maxBytes(Torrent torrent) {
        return FIXED_BYTES + 2L * Bitfield.wireLength(torrent.pieceCount())
                + (long) BYTES_PER_FILE * torrent.files().size();
    }

    public static byte[] encode(Data data) {
        Map<String, BValue> d = new LinkedHashMap<>();
        List<BValue> files = new ArrayList<>(data.files().size());
        for (int i = 0; i < data.files().size(); i++) {
            FileStamp s = data.files().get(i);
            files.add(new BList(List.of(new BInt(i), new BInt(s.size()), new BInt(s.mtimeNanos()))));
        }
        // keys in sorted order: canonical bencode
        d.put("boot-id", BString.of(data.bootId()));
        d.put("checked", new BString(data.checked().toWireBytes()));
        d.put("files", new BList(files));
        d.put("flushed", new BInt(data.flushed() ? 1 : 0));
        d.put("info-hash", new BString(data.infoHash()));
        d.put("piece-count", new BInt(data.pieceCount()));
        d.put("piece-length", new BInt(data.pieceLength()));
        d.put("pieces", new BString(data.pieces().toWireBytes()));
        d.put("root", BString.of(data.root()));
        d.put("version", new BInt(VERSION));
        return Bencode.encode(new BDict(d));
    }

    /**
     * Parses a resume file's bytes and checks them against {@code torrent} and the folder {@code root}.
     *
     * @throws Invalid naming the first thing that is wrong
     */
    public static Data decode(byte[] bytes, Torrent torrent, String root) throws Invalid {
        long max = maxBytes(torrent);
        if (bytes.length > max) {
            throw new Invalid("it has " + bytes.length + " bytes, more than the " + max + " a file for this torrent can have");
        }
        int files = torrent.files().size();
        BValue top;
        try {
            top = Bencode.decode(bytes, new BencodeLimits((int) max, 4, FIXED_ELEMENTS + 4 * files));
        } catch (BencodeException e) {
            throw new Invalid(e.getMessage());
        }
        if (!(top instanceof BDict d)) {
            throw new Invalid("not a dictionary");
        }
        long version = integer(d, "version");
        if (version != VERSION && version != VERSION_WITHOUT_CHECKED) {
            throw new Invalid("version " + version + ", this btget reads versions " + VERSION_WITHOUT_CHECKED + " and "
                    + VERSION);
        }
        byte[] hash = string(d, "info-hash");
        if (!Arrays.equals(hash, torrent.infoHash().bytes())) {
            throw new Invalid("it is for another torrent");
        }
        long pieceCount = integer(d, "piece-count");
        if (pieceCount != torrent.pieceCount()) {
            throw new Invalid("piece count " + pieceCount + ", the torrent has " + torrent.pieceCount());
        }
        long pieceLength = integer(d, "piece-length");
        if (pieceLength != torrent.pieceLength()) {
            throw new Invalid("piece length " + pieceLength + ", the torrent has " + torrent.pieceLength());
        }
        String savedRoot = new String(string(d, "root"), StandardCharsets.UTF_8);
        if (!savedRoot.equals(root)) {
            throw new Invalid("it is for the data in " + savedRoot + ", not " + root);
        }
        Bitfield pieces;
        try {
            pieces = Bitfield.fromWireBytes(string(d, "pieces"), torrent.pieceCount());
        } catch (IllegalArgumentException e) {
            throw new Invalid("pieces: " + e.getMessage());
        }
        Bitfield checked;
        if (version == VERSION_WITHOUT_CHECKED) {
            checked = new Bitfield(torrent.pieceCount());
            checked.setAll();
        } else {
            try {
                checked = Bitfield.fromWireBytes(string(d, "checked"), torrent.pieceCount());
            } catch (IllegalArgumentException e) {
                throw new Invalid("checked: " + e.getMessage());
            }
        }
        int unchecked = pieces.nextSetAndClearIn(checked, 0);
        if (unchecked >= 0) {
            throw new Invalid("piece " + unchecked + " is claimed but not checked");
        }
        if (!(d.get("files").orElse(null) instanceof BList list)) {
            throw new Invalid("files: missing or not a list");
        }
        if (list.items().size() != files) {
            throw new Invalid(list.items().size() + " file entries, the torrent has " + files + " files");
        }
        List<FileStamp> stamps = new ArrayList<>(files);
        List<FileEntry> entries = torrent.files();
        for (int i = 0; i < files; i++) {
            if (!(list.items().get(i) instanceof BList entry) || entry.items().size() != 3
                    || !(entry.items().get(0) instanceof BInt index) || !(entry.items().get(1) instanceof BInt size)
                    || !(entry.items().get(2) instanceof BInt mtime)) {
                throw new Invalid("file entry " + i + " is not [index, size, mtime]");
            }
            if (index.value() != i) {
                throw new Invalid("file entry " + i + " has index " + index.value());
            }
            if (size.value() < -1 || (size.value() == -1 && mtime.value() != 0)) {
                throw new Invalid("file entry " + i + " has size " + size.value());
            }
            if (entries.get(i).padding() && size.value() != -1) {
                throw new Invalid("file entry " + i + " is a padding file with a size");
            }
            stamps.add(size.value() == -1 ? FileStamp.MISSING : new FileStamp(size.value(), mtime.value()));
        }
        String bootId = new String(string(d, "boot-id"), StandardCharsets.UTF_8);
        long flushed = integer(d, "flushed");
        if (flushed != 0 && flushed != 1) {
            throw new Invalid("flushed is " + flushed + ", not 0 or 1");
        }
        return new Data(hash, (int) pieceCount, (int) pieceLength, savedRoot, pieces, checked, stamps, bootId,
                flushed == 1);
    }

    private static long integer(BDict d, String key) throws Invalid {
        if (d.get(key).orElse(null) instanceof BInt i) {
            return i.value();
        }
        throw new Invalid(key + ": missing or not an integer");
    }

    private static byte[] string(BDict d, String key) throws Invalid {
        if (d.get(key).orElse(null) instanceof BString s) {
            return s.bytes();
        }
        throw new Invalid(key + ": missing or not a string");
    }

    /**
     * Reads the resume file at {@code path}, reading at most {@link #maxBytes} + 1 bytes of it.
     *
     * @return null when there is no file
     * @throws Invalid when it cannot be read, is too long, or fails {@link #decode}
     */
    public static Data load(Path path, Torrent torrent, String root) throws Invalid {
        long max = maxBytes(torrent);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new Invalid("cannot be read: " + IoReason.of(e));
        }
        return decode(bytes, torrent, root);
    }

    /**
     * Writes {@code data} to {@code path} so that a crash (or a power cut) at any moment leaves the old file or the
     * new one: a temporary file in the same folder, written and fsynced, renamed over the old one, then the folder
     * fsynced so the rename itself lasts.
     */
    public static void save(Path path, Data data) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(encode(data));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // some file systems cannot open or fsync a folder; the rename is atomic all the same
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
