package io.btget.storage;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Torrent;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Positional reads and writes of the torrent's byte space, spread over its files through FileChannels. Files are opened lazily and at most {@link #MAX_OPEN_FILES} stay open (least recently used closed
 * first). Padding files (BEP 47) are never created: writes to them are dropped, reads give zeros.
 *
 * <p>Every path is built from the torrent's sanitised components under {@link #root()}, and checked once more
 * here: a path that would leave the root is refused. Symbolic links on the way from the output folder to a file
 * (the torrent's own folder {@code outputDir/name} included; the output folder itself is the user's choice) follow
 * one policy:
 * <ul>
 *   <li><b>reads follow them</b>: data the user linked into place on purpose (a file linked from a store, a
 *       linked sub-folder) is checked and seeded like any other, as {@code btget create} reads it. A read can
 *       never leak anything: a piece is used only after its bytes match the torrent's SHA-1.</li>
 *   <li><b>writes never go through them</b>: nothing is created, written, or truncated through a link, whether it
 *       points inside the output folder or out of it. That keeps a hostile torrent, or a link planted in the output
 *       directory, from making us write elsewhere. A download that would have to write into a file reached through
 *       a link is refused before it starts ({@link #refuseWritesThroughLinks}).</li>
 * </ul>
 */
public final class Storage implements Closeable {
    public static final int MAX_OPEN_FILES = 256;

    private final Path root;
    /** The folder links are checked from: the output folder (root, or the parent of the torrent's own folder). */
    private final Path base;
    private final FileLayout layout;
    private final boolean writable;
    private final Path[] paths;
    private final Map<Integer, FileChannel> open = new LinkedHashMap<>(16, 0.75f, true);
    /** Whether the cached channel of a file was opened for writing (a file reached through a link never is). */
    private final boolean[] openForWrite;
    /**
     * The identity ({@link BasicFileAttributes#fileKey()}: device and inode on Unix) of each file when this storage
     * first opened it for writing; null until then, or where the file system has no keys.
     */
    private final Object[] fileKeys;
    /**
     * The modification time of each file when its writable channel was last closed (evicted), null while open or
     * never closed: a file deleted while closed frees its inode, which a replacement may get again.
     */
    private final FileTime[] closedModified;
    /**
     * Files left out of the user's selection (indexed like the layout's files), or null when every file is selected.
     * Their bytes that share a piece with a selected file live in {@link #parts}; no file of theirs is ever created.
     */
    private final boolean[] unselected;
    /** Where the spans of unselected files go; null when every file is selected. */
    private final PartFile parts;

    private Storage(Path base, Path root, FileLayout layout, boolean writable) {
        this(base, root, layout, writable, null, null);
    }

    private Storage(Path base, Path root, FileLayout layout, boolean writable, boolean[] unselected, PartFile parts) {
        this.unselected = unselected;
        this.parts = parts;
        this.root = root.toAbsolutePath().normalize();
        this.base = base.toAbsolutePath().normalize();
        this.layout = layout;
        this.writable = writable;
        List<FileEntry> files = layout.files();
        this.paths = new Path[files.size()];
        this.openForWrite = new boolean[files.size()];
        this.fileKeys = new Object[files.size()];
        this.closedModified = new FileTime[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Path p = this.root;
            for (String component : files.get(i).path()) {
                p = FileNames.resolve(p, component);
            }
            p = p.normalize();
            if (!p.startsWith(this.root) || p.equals(this.root) || !this.root.startsWith(this.base)) {
                throw new StorageException("refusing path outside the output directory: " + files.get(i).displayPath());
            }
            paths[i] = p;
        }
    }

    /**
     * Opens the storage of {@code torrent} under {@code outputDir}: a multi-file torrent lives in the folder
     * {@code outputDir/name}, a single-file torrent is the file {@code outputDir/name}. The torrent's folder is
     * part of the torrent's tree: a link there is read through, never written through.
     */
    public static Storage open(Path outputDir, Torrent torrent, boolean writable) {
        Path root = torrent.multiFile() ? FileNames.resolve(outputDir, torrent.name()) : outputDir;
        return new Storage(outputDir, root, new FileLayout(torrent), writable);
    }

    /**
     * As {@link #open(Path, Torrent, boolean)}, holding only the files {@code selection} selects: the bytes of the
     * others that share a piece with a selected file go to the part file {@link PartFile#pathFor} in
     * {@code outputDir}. With every file selected this is the plain storage.
     */
    public static Storage open(Path outputDir, Torrent torrent, boolean writable,
            io.btget.metainfo.FileSelection selection) {
        if (selection.isAll()) {
            return open(outputDir, torrent, writable);
        }
        Path root = torrent.multiFile() ? FileNames.resolve(outputDir, torrent.name()) : outputDir;
        FileLayout layout = new FileLayout(torrent);
        boolean[] unselected = new boolean[layout.files().size()];
        for (int i = 0; i < unselected.length; i++) {
            unselected[i] = !layout.files().get(i).padding() && !selection.isSelected(i);
        }
        PartFile parts = new PartFile(PartFile.pathFor(outputDir.toAbsolutePath().normalize(),
                torrent.infoHash().hex()), layout, writable);
        return new Storage(outputDir, root, layout, writable, unselected, parts);
    }

    /**
     * Whether a file is left out of the selection: its bytes (those that share a piece with a selected file) are in
     * the part file, and nothing of it is created, checked, cut or compared in the user's tree.
     */
    public boolean inPartFile(int fileIndex) {
        return unselected != null && unselected[fileIndex];
    }

    /** The part file of this storage, or null when every file is selected. */
    public Path partFile() {
        return parts == null ? null : parts.path();
    }

    /** Storage of {@code layout} directly under {@code root}, which is the user's folder (it may be a link). */
    public static Storage open(Path root, FileLayout layout, boolean writable) {
        return new Storage(root, root, layout, writable);
    }

    public Path root() {
        return root;
    }

    public FileLayout layout() {
        return layout;
    }

    public Path path(int fileIndex) {
        return paths[fileIndex];
    }

    /**
     * Writes {@code length} bytes of {@code data} at {@code offset} in the torrent's byte space (a whole verified
     * piece, in the session). The part of it that falls in a file reached through a symbolic link is never written:
     * it must already hold exactly those bytes (compared before anything is written), else the write is refused.
     *
     * @throws StorageException on a disk failure, or naming the link when its file holds other bytes
     */
    public void write(long offset, byte[] data, int dataOffset, int length) {
        List<FileSpan> spans = layout.spans(offset, length);
        boolean[] linked = new boolean[spans.size()];
        for (int k = 0; k < spans.size(); k++) {
            FileSpan span = spans.get(k);
            if (layout.files().get(span.fileIndex()).padding() || inPartFile(span.fileIndex())) {
                continue;
            }
            Path link = linkOf(span.fileIndex());
            if (link != null) {
                linked[k] = true;
                byte[] onDisk = new byte[span.length()];
                boolean same = readSpan(span, onDisk, 0) && java.util.Arrays.equals(onDisk, 0, span.length(),
                        data, dataOffset + span.rangeOffset(), dataOffset + span.rangeOffset() + span.length());
                if (!same) {
                    throw new StorageException("cannot write " + paths[span.fileIndex()]
                            + ": it is reached through the symbolic link " + link
                            + " and holds other bytes; btget never writes through a link");
                }
            }
        }
        for (int k = 0; k < spans.size(); k++) {
            FileSpan span = spans.get(k);
            if (linked[k] || layout.files().get(span.fileIndex()).padding()) {
                continue;
            }
            if (inPartFile(span.fileIndex())) {
                try {
                    parts.write(offset + span.rangeOffset(), data, dataOffset + span.rangeOffset(), span.length());
                } catch (IOException e) {
                    throw new StorageException("cannot write " + parts.path() + ": " + IoReason.of(e), e);
                }
                continue;
            }
            ByteBuffer buf = ByteBuffer.wrap(data, dataOffset + span.rangeOffset(), span.length());
            long pos = span.fileOffset();
            int attempts = 0;
            while (true) {
                try {
                    FileChannel ch = channel(span.fileIndex(), true);
                    while (buf.hasRemaining()) {
                        pos += ch.write(buf, pos);
                    }
                    break;
                } catch (ClosedChannelException e) {
                    // Evicted by another thread between lookup and use: reopen once more.
                    if (++attempts > 3) {
                        throw failure("write", span.fileIndex(), e);
                    }
                } catch (IOException e) {
                    throw failure("write", span.fileIndex(), e);
                }
            }
        }
    }

    /**
     * Reads {@code length} bytes at {@code offset} into {@code dst}.
     *
     * @return false when some of the range is not on disk (missing file, file too short); true when all of it was read
     */
    public boolean read(long offset, byte[] dst, int dstOffset, int length) {
        for (FileSpan span : layout.spans(offset, length)) {
            if (layout.files().get(span.fileIndex()).padding()) {
                Arrays.fill(dst, dstOffset + span.rangeOffset(), dstOffset + span.rangeOffset() + span.length(), (byte) 0);
                continue;
            }
            if (inPartFile(span.fileIndex())) {
                // The part file first; else the user's own copy of the file, if any (a tree downloaded whole, then
                // checked or seeded with a selection): a read is safe, as only bytes that match the hash are used.
                if (!readPart(offset + span.rangeOffset(), dst, dstOffset + span.rangeOffset(), span.length())
                        && !readSpan(span, dst, dstOffset + span.rangeOffset())) {
                    return false;
                }
                continue;
            }
            if (!readSpan(span, dst, dstOffset + span.rangeOffset())) {
                return false;
            }
        }
        return true;
    }

    /** Reads an unselected file's span from the part file; false when it is not there. */
    private boolean readPart(long offset, byte[] dst, int at, int length) {
        try {
            return parts.read(offset, dst, at, length);
        } catch (IllegalArgumentException notShared) {
            return false; // a piece of unselected files alone: never kept in the part file
        } catch (IOException e) {
            throw new StorageException("cannot read " + parts.path() + ": " + IoReason.of(e), e);
        }
    }

    /** Reads one span into {@code dst[at..]}; false when the file is missing or too short. */
    private boolean readSpan(FileSpan span, byte[] dst, int at) {
        ByteBuffer buf = ByteBuffer.wrap(dst, at, span.length());
        long pos = span.fileOffset();
        int attempts = 0;
        while (true) {
            try {
                FileChannel ch = channel(span.fileIndex(), false);
                if (ch == null) {
                    return false;
                }
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        return false;
                    }
                    pos += n;
                }
                return true;
            } catch (ClosedChannelException e) {
                if (++attempts > 3) {
                    throw failure("read", span.fileIndex(), e);
                }
            } catch (IOException e) {
                throw failure("read", span.fileIndex(), e);
            }
        }
    }

    /**
     * Makes what was written to a file durable ({@code fdatasync}), so that a resume file may claim it. Nothing for
     * a padding file or a file that is not there.
     *
     * @throws StorageException when the flush fails (the data may not be on disk)
     */
    public void flush(int fileIndex) {
        if (layout.files().get(fileIndex).padding()) {
            return;
        }
        int attempts = 0;
        while (true) {
            try {
                FileChannel ch = channel(fileIndex, false);
                if (ch != null) {
                    ch.force(false);
                }
                return;
            } catch (ClosedChannelException e) {
                if (++attempts > 3) { // evicted by another thread between lookup and use: open again
                    throw failure("flush", fileIndex, e);
                }
            } catch (IOException e) {
                throw failure("flush", fileIndex, e);
            }
        }
    }

    /**
     * The size of a file on disk, following the user's links, or -1 when no regular file is there (no file, a
     * directory, a device, a dangling link or a link loop).
     */
    public long sizeOnDisk(int fileIndex) {
        try {
            if (!Files.isRegularFile(paths[fileIndex])) {
                return -1;
            }
            return Files.size(paths[fileIndex]);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Creates the torrent's empty files (they hold no piece, so no write would ever create them). */
    public void createEmptyFiles() {
        List<FileEntry> files = layout.files();
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).length() == 0 && !files.get(i).padding() && !inPartFile(i)) {
                if (Files.isRegularFile(paths[i])) {
                    continue; // already there, perhaps through the user's link: nothing to create
                }
                try {
                    channel(i, true);
                } catch (IOException e) {
                    throw failure("create", i, e);
                }
            }
        }
    }

    /**
     * Cuts every file that is longer than its torrent length back to that length. Called once every piece is
     * verified: until then the extra bytes are left alone (a longer file found on disk is checked as data, and an
     * interrupted run must not destroy what the user had).
     */
    public void trimToTorrentLengths() {
        List<FileEntry> files = layout.files();
        for (int i = 0; i < files.size(); i++) {
            FileEntry f = files.get(i);
            if (f.padding() || inPartFile(i) || sizeOnDisk(i) <= f.length() || linkOf(i) != null) {
                continue; // a file reached through a link is the user's: never cut
            }
            try {
                channel(i, true).truncate(f.length());
            } catch (IOException e) {
                throw failure("truncate", i, e);
            }
        }
    }

    /**
     * Refuses, before any checking or downloading, a torrent file whose place is taken by something that is not a
     * regular file (a directory, a device, or a link to one of those): otherwise the check would call it "missing"
     * and the download would fail only when the first piece is written. A link to a regular file is data the user
     * put there and is read through; a dangling link is data that is missing.
     */
    public void checkFileTypes() {
        List<FileEntry> files = layout.files();
        for (int i = 0; i < files.size(); i++) {
            Path p = paths[i];
            if (files.get(i).padding() || inPartFile(i) || !Files.exists(p)) {
                continue;
            }
            if (!Files.isRegularFile(p)) {
                Path link = linkOf(i);
                throw new StorageException(p + " is " + (Files.isDirectory(p) ? "a directory" : "not a regular file")
                        + (link != null ? " (through the symbolic link " + link + ")" : "")
                        + ", where the torrent has a file");
            }
        }
    }

    /**
     * The first symbolic link on the way from the output folder to a file (the torrent's own folder and the file
     * itself included), or null when the path holds none. The output folder itself may be a link: that is where
     * the user asked the data to go.
     */
    public Path linkOf(int fileIndex) {
        Path rel = base.relativize(paths[fileIndex]);
        Path q = base;
        for (Path component : rel) {
            q = q.resolve(component);
            if (Files.isSymbolicLink(q)) {
                return q;
            }
        }
        return null;
    }

    /**
     * Refuses, before any data moves, a download that would have to write through a symbolic link: a file reached
     * through a link that is missing or shorter than the torrent says, or a missing piece that lies in linked files
     * only (its bytes there are wrong). A missing piece shared with plain files goes ahead: its linked part is
     * compared, never written ({@link #write}). Linked files that are complete are only ever read.
     *
     * @param have the pieces already verified on disk
     * @throws StorageException naming the file and the link (exit code 5)
     */
    public void refuseWritesThroughLinks(java.util.function.IntPredicate have) {
        List<FileEntry> files = layout.files();
        for (int i = 0; i < files.size(); i++) {
            FileEntry f = files.get(i);
            if (f.padding() || inPartFile(i)) {
                continue;
            }
            Path link = linkOf(i);
            if (link == null) {
                continue;
            }
            boolean incomplete = f.length() == 0 ? !Files.isRegularFile(paths[i]) : sizeOnDisk(i) < f.length();
            if (!incomplete && f.length() > 0) {
                int first = (int) (f.offset() / pieceLength());
                int last = (int) ((f.end() - 1) / pieceLength());
                for (int p = first; p <= last && !incomplete; p++) {
                    incomplete = !have.test(p) && onlyLinkedFilesIn(p);
                }
            }
            if (incomplete) {
                throw new StorageException(f.displayPath() + " is reached through the symbolic link " + link
                        + " and is incomplete or wrong; btget never writes through a link (complete the data it points"
                        + " to, or replace the link with a plain file or folder)");
            }
        }
    }

    private boolean onlyLinkedFilesIn(int piece) {
        long offset = layout.pieceOffset(piece);
        int size = (int) Math.min(layout.pieceLength(), layout.totalLength() - offset);
        for (FileSpan s : layout.spans(offset, size)) {
            if (!layout.files().get(s.fileIndex()).padding() && !inPartFile(s.fileIndex()) && linkOf(s.fileIndex()) == null) {
                return false;
            }
        }
        return true;
    }

    private long pieceLength() {
        return layout.pieceLength();
    }

    private FileChannel channel(int fileIndex, boolean forWrite) throws IOException {
        synchronized (open) {
            FileChannel ch = open.get(fileIndex);
            if (ch != null && ch.isOpen() && (!forWrite || openForWrite[fileIndex])) {
                return ch;
            }
            if (ch != null) {
                // closed by eviction, or opened read-only through the user's link: open again (and check again)
                open.remove(fileIndex);
                ch.close();
            }
            Path p = paths[fileIndex];
            if (forWrite && !writable) {
                throw new IOException("storage opened read-only");
            }
            // Checked on every open, not once: a link may appear between two opens.
            Path link = linkOf(fileIndex);
            if (forWrite && link != null) {
                throw new IOException("refusing to write through the symbolic link " + link);
            }
            if (fileKeys[fileIndex] != null && !sameFile(fileIndex)) {
                // Re-creating it would leave zeros where verified pieces were, and reading another file would serve
                // other bytes: the loss must end the run.
                throw lost(fileIndex);
            }
            if (!forWrite && !Files.exists(p)) {
                return null;
            }
            boolean canWrite = writable && link == null;
            if (forWrite) {
                createParents(fileIndex);
            }
            // NOFOLLOW_LINKS: a link put in the file's place after the check above still fails the open (ELOOP).
            ch = canWrite
                    ? FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                            LinkOption.NOFOLLOW_LINKS)
                    : FileChannel.open(p, StandardOpenOption.READ);
            openForWrite[fileIndex] = canWrite;
            if (canWrite) {
                closedModified[fileIndex] = null;
                if (fileKeys[fileIndex] == null) {
                    fileKeys[fileIndex] = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .fileKey();
                }
            }
            open.put(fileIndex, ch);
            if (open.size() > MAX_OPEN_FILES) {
                closeChannel(open.entrySet().iterator().next().getKey());
            }
            return ch;
        }
    }

    /** Closes the cached channel of a file (least recently used, or from a test), remembering its write time. */
    void closeChannel(int fileIndex) throws IOException {
        synchronized (open) {
            FileChannel ch = open.remove(fileIndex);
            if (ch == null) {
                return;
            }
            ch.close();
            if (openForWrite[fileIndex] && fileKeys[fileIndex] != null) {
                try {
                    closedModified[fileIndex] = Files.getLastModifiedTime(paths[fileIndex], LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    closedModified[fileIndex] = FileTime.fromMillis(Long.MIN_VALUE); // already gone: any reopen fails
                }
            }
        }
    }

    /**
     * Whether the file at the path is still the one this storage wrote: same key, a regular file (not a link), and,
     * when its channel was closed since, not modified after that.
     */
    private boolean sameFile(int fileIndex) {
        try {
            BasicFileAttributes a = Files.readAttributes(paths[fileIndex], BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() && fileKeys[fileIndex].equals(a.fileKey())
                    && (closedModified[fileIndex] == null || closedModified[fileIndex].equals(a.lastModifiedTime()));
        } catch (IOException e) {
            return false;
        }
    }

    private StorageException lost(int fileIndex) {
        return new StorageException(paths[fileIndex] + " was deleted or replaced during the download;"
                + " what was written to it is lost");
    }

    /**
     * Whether a file is still whole on disk: a regular file (through the user's links) at least as long as the
     * torrent says and, once this storage has written to it, still the same file (same {@code fileKey}, so a
     * replacement of the same length is caught). The session checks every file before calling a download complete.
     */
    public boolean intact(int fileIndex) {
        synchronized (open) {
            if (sizeOnDisk(fileIndex) < layout.files().get(fileIndex).length()) {
                return false;
            }
            return fileKeys[fileIndex] == null || sameFile(fileIndex);
        }
    }

    /**
     * Creates the missing folders from the output folder down to a file's parent, one at a time, refusing a link at
     * any of them: {@code Files.createDirectories} would follow a link it finds on the way.
     */
    private void createParents(int fileIndex) throws IOException {
        Files.createDirectories(base); // the user's output folder: a link there is where they want the data
        Path q = base;
        for (Path component : base.relativize(paths[fileIndex].getParent())) {
            q = q.resolve(component);
            if (!Files.exists(q, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(q); // mkdir: never follows a link in the last component
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // made by another thread or process meanwhile: checked below like any other
                }
            }
            if (Files.isSymbolicLink(q)) {
                throw new IOException("refusing to write through the symbolic link " + q);
            }
            if (!Files.isDirectory(q, LinkOption.NOFOLLOW_LINKS)) {
                throw new java.nio.file.NotDirectoryException(q.toString());
            }
        }
    }

    private StorageException failure(String op, int fileIndex, IOException e) {
        String reason = IoReason.of(e);
        return new StorageException("cannot " + op + " " + paths[fileIndex] + ": " + reason, e);
    }

    @Override
    public void close() {
        synchronized (open) {
            for (FileChannel ch : open.values()) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing: nothing more to do
                }
            }
            open.clear();
        }
        if (parts != null) {
            parts.close();
        }
    }
}
