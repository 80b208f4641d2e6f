package io.btget.storage;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Torrent;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Positional reads and writes of the torrent's byte space, spread over its files through RandomAccessFile
 * channels. Files are opened lazily and at most {@link #MAX_OPEN_FILES} stay open (least recently used closed
 * first). Padding files (BEP 47) are never created: writes to them are dropped, reads give zeros.
 *
 * <p>Every path is built from the torrent's sanitised components under {@link #root()}, and checked once more
 * here: a path that would leave the root, or that goes through a symbolic link, is refused. That keeps a hostile
 * torrent, or a link planted in the output directory, from making us write elsewhere.
 */
public final class Storage implements Closeable {
    public static final int MAX_OPEN_FILES = 256;

    private final Path root;
    private final FileLayout layout;
    private final boolean writable;
    private final Path[] paths;
    private final Map<Integer, FileChannel> open = new LinkedHashMap<>(16, 0.75f, true);
    private final boolean[] checked;

    private Storage(Path root, FileLayout layout, boolean writable) {
        this.root = root.toAbsolutePath().normalize();
        this.layout = layout;
        this.writable = writable;
        List<FileEntry> files = layout.files();
        this.paths = new Path[files.size()];
        this.checked = new boolean[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Path p = this.root;
            for (String component : files.get(i).path()) {
                p = p.resolve(component);
            }
            p = p.normalize();
            if (!p.startsWith(this.root) || p.equals(this.root)) {
                throw new StorageException("refusing path outside the output directory: " + files.get(i).displayPath());
            }
            paths[i] = p;
        }
    }

    /**
     * Opens the storage of {@code torrent} under {@code outputDir}: a multi-file torrent lives in the folder
     * {@code outputDir/name}, a single-file torrent is the file {@code outputDir/name}.
     */
    public static Storage open(Path outputDir, Torrent torrent, boolean writable) {
        Path root = torrent.multiFile() ? outputDir.resolve(torrent.name()) : outputDir;
        return new Storage(root, new FileLayout(torrent), writable);
    }

    public static Storage open(Path root, FileLayout layout, boolean writable) {
        return new Storage(root, layout, writable);
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

    /** Writes {@code length} bytes of {@code data} at {@code offset} in the torrent's byte space. */
    public void write(long offset, byte[] data, int dataOffset, int length) {
        for (FileSpan span : layout.spans(offset, length)) {
            if (layout.files().get(span.fileIndex()).padding()) {
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
            ByteBuffer buf = ByteBuffer.wrap(dst, dstOffset + span.rangeOffset(), span.length());
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
                    break;
                } catch (ClosedChannelException e) {
                    if (++attempts > 3) {
                        throw failure("read", span.fileIndex(), e);
                    }
                } catch (IOException e) {
                    throw failure("read", span.fileIndex(), e);
                }
            }
        }
        return true;
    }

    /** The size of a file on disk, or -1 when there is no regular file (no file, or a directory or link in its place). */
    public long sizeOnDisk(int fileIndex) {
        try {
            if (!Files.isRegularFile(paths[fileIndex], LinkOption.NOFOLLOW_LINKS)) {
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
            if (files.get(i).length() == 0 && !files.get(i).padding()) {
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
            if (f.padding() || sizeOnDisk(i) <= f.length()) {
                continue;
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
     * regular file (a directory, a link, a device): otherwise the check would call it "missing" and the download
     * would fail only when the first piece is written.
     */
    public void checkFileTypes() {
        List<FileEntry> files = layout.files();
        for (int i = 0; i < files.size(); i++) {
            Path p = paths[i];
            if (files.get(i).padding() || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (Files.isSymbolicLink(p)) {
                throw new StorageException(p + " is a symbolic link; refusing to follow it");
            }
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new StorageException(p + " is " + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        ? "a directory" : "not a regular file") + ", where the torrent has a file");
            }
        }
    }

    private FileChannel channel(int fileIndex, boolean forWrite) throws IOException {
        synchronized (open) {
            FileChannel ch = open.get(fileIndex);
            if (ch != null && ch.isOpen()) {
                return ch;
            }
            Path p = paths[fileIndex];
            if (!checked[fileIndex]) {
                checkNoLinks(p);
            }
            if (!forWrite && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            if (forWrite && !writable) {
                throw new IOException("storage opened read-only");
            }
            if (forWrite || writable) {
                Files.createDirectories(p.getParent());
            }
            RandomAccessFile raf = new RandomAccessFile(p.toFile(), writable ? "rw" : "r");
            ch = raf.getChannel();
            checked[fileIndex] = true;
            open.put(fileIndex, ch);
            if (open.size() > MAX_OPEN_FILES) {
                Iterator<Map.Entry<Integer, FileChannel>> it = open.entrySet().iterator();
                FileChannel eldest = it.next().getValue();
                it.remove();
                eldest.close();
            }
            return ch;
        }
    }

    /** Refuses a file path that runs through a symbolic link anywhere below the root. */
    private void checkNoLinks(Path p) throws IOException {
        for (Path q = p; q != null && q.startsWith(root) && !q.equals(root); q = q.getParent()) {
            if (Files.isSymbolicLink(q)) {
                throw new IOException("refusing to follow the symbolic link " + q);
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
    }
}
