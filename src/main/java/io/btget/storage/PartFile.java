package io.btget.storage;

import io.btget.metainfo.FileEntry;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Where the bytes of unselected files go when they share a piece with a selected one: a piece is verified as a
 * whole, so its bytes of an unselected neighbour must be kept, but not as a partial file in the user's tree (as
 * libtorrent keeps them in {@code .<infohash>.parts}).
 *
 * <p>Layout, fixed by the torrent (not by the selection, so a file written under one selection reads back under
 * another): slot {@code k} holds the {@code k}-th piece that touches two or more non-padding files, at offset
 * {@code k * pieceLength}; within a slot a byte sits at its offset within the piece. Only the spans of unselected
 * files are ever written there; the rest of a slot is a hole. Unlike libtorrent's part file there is no header: the
 * slot of a piece is computed from the file list, and what a slot holds is proved by the piece's hash, never trusted.
 *
 * <p>Never written through a symbolic link: the file is opened with {@code NOFOLLOW_LINKS} and its folder must be a
 * plain directory. Thread-safe (positional I/O on one channel, opened under this object's lock).
 */
public final class PartFile implements Closeable {
    private final Path path;
    private final int pieceLength;
    private final boolean writable;
    /** The pieces that touch two or more non-padding files, ascending: slot k is boundary[k]. */
    private final int[] boundary;
    /** Guarded by {@code this}. */
    private FileChannel channel;

    PartFile(Path path, FileLayout layout, boolean writable) {
        this.path = path;
        this.pieceLength = layout.pieceLength();
        this.writable = writable;
        this.boundary = boundaryPieces(layout.files(), pieceLength);
    }

    /** {@code <outputDir>/.btget/<infohash hex>.parts}: hidden in the output folder, next to the data it belongs to. */
    public static Path pathFor(Path outputDir, String infoHashHex) {
        return outputDir.resolve(".btget").resolve(infoHashHex + ".parts");
    }

    public Path path() {
        return path;
    }

    /** The pieces that touch two or more non-padding, non-empty files, ascending. */
    public static int[] boundaryPieces(List<FileEntry> files, int pieceLength) {
        // Every file that touches a piece has it as its first or last piece: counting those finds all shared ones.
        long[] ends = new long[2 * files.size()];
        int n = 0;
        for (FileEntry f : files) {
            if (f.padding() || f.length() == 0) {
                continue;
            }
            long first = f.offset() / pieceLength;
            long last = (f.end() - 1) / pieceLength;
            ends[n++] = first;
            if (last != first) {
                ends[n++] = last;
            }
        }
        long[] sorted = Arrays.copyOf(ends, n);
        Arrays.sort(sorted);
        int[] out = new int[n];
        int k = 0;
        for (int i = 1; i < n; i++) {
            if (sorted[i] == sorted[i - 1] && (k == 0 || out[k - 1] != sorted[i])) {
                out[k++] = (int) sorted[i];
            }
        }
        return Arrays.copyOf(out, k);
    }

    /** Number of slots (boundary pieces). */
    int slotCount() {
        return boundary.length;
    }

    /**
     * Writes {@code length} bytes at {@code offset} of the torrent's byte space; the range lies in one boundary
     * piece (Storage hands over the span of one unselected file within one piece).
     */
    void write(long offset, byte[] data, int dataOffset, int length) throws IOException {
        long at = position(offset, length);
        ByteBuffer buf = ByteBuffer.wrap(data, dataOffset, length);
        FileChannel ch = channel(true);
        while (buf.hasRemaining()) {
            at += ch.write(buf, at);
        }
    }

    /** Reads a range written by {@link #write}; false when the part file or that range of it is not there. */
    boolean read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        long at = position(offset, length);
        FileChannel ch = channel(false);
        if (ch == null) {
            return false;
        }
        ByteBuffer buf = ByteBuffer.wrap(dst, dstOffset, length);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                return false;
            }
            at += n;
        }
        return true;
    }

    private long position(long offset, int length) {
        long piece = offset / pieceLength;
        if ((offset + length - 1) / pieceLength != piece && length > 0) {
            throw new IllegalArgumentException("part-file range " + offset + "+" + length + " crosses a piece");
        }
        int slot = Arrays.binarySearch(boundary, (int) piece);
        if (slot < 0) {
            throw new IllegalArgumentException("piece " + piece + " shares no bytes between files");
        }
        return (long) slot * pieceLength + (offset - piece * pieceLength);
    }

    private synchronized FileChannel channel(boolean forWrite) throws IOException {
        if (channel != null && channel.isOpen()) {
            if (!forWrite || writable) {
                return channel;
            }
        }
        if (forWrite && !writable) {
            throw new IOException("storage opened read-only");
        }
        if (!forWrite && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Path dir = path.getParent();
        if (forWrite && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made meanwhile: checked below
            }
        }
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("refusing to keep the part file in " + dir + ": not a plain directory");
        }
        channel = writable
                ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                        LinkOption.NOFOLLOW_LINKS)
                : FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        return channel;
    }

    /**
     * Removes the part file of a torrent in {@code outputDir} (and its folder when empty): once every file is
     * selected nothing routes there, and what it held is fetched again into the files themselves.
     */
    public static void delete(Path outputDir, String infoHashHex) throws IOException {
        Path path = pathFor(outputDir, infoHashHex);
        if (Files.isSymbolicLink(path.getParent())) {
            return; // not ours: a part file is never kept behind a link
        }
        Files.deleteIfExists(path);
        try {
            Files.deleteIfExists(path.getParent());
        } catch (java.nio.file.DirectoryNotEmptyException othersThere) {
            // other torrents' part files (or the user's things): left alone
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing: nothing more to do
            }
            channel = null;
        }
    }
}
