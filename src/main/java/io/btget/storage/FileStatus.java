package io.btget.storage;

import io.btget.metainfo.FileEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * What a check found for one file of a torrent. Each label is chosen only by the evidence that proves it: a piece
 * holds bytes of several files, so a piece that fails, or that could not be read because a neighbour is missing,
 * does not by itself say which file is at fault.
 */
public enum FileStatus {
    /** Every piece of the file was read and matches, and the file has its torrent length. */
    OK,
    /** No file there (or only a dangling part of the path). */
    MISSING,
    /** The file's path runs through a symbolic link that points nowhere, or into a loop. */
    BROKEN_LINK,
    /** A directory, a device, or a link to one where the torrent has a file. */
    NOT_A_FILE,
    /** Shorter than the torrent says. */
    SHORT,
    /** A piece that lies in this file alone failed its hash: its bytes are wrong. */
    CORRUPT,
    /** Failed pieces, each shared with another file: the wrong bytes are in this file or in a neighbour. */
    SUSPECT,
    /** All its bytes are on disk and none failed, but pieces it shares with a missing or short file could not be checked. */
    UNCHECKED,
    /** Every piece matches, but the file is longer than the torrent says (the extra bytes are left alone). */
    LONG;

    /** The label used in reports and {@code --json}: lower case, words joined by '-'. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The outcome of classifying one file. */
    public record Finding(FileStatus status, int badPieces, long sizeOnDisk) {
    }

    /**
     * Classifies file {@code i} of a checked storage.
     *
     * @param good    pieces whose hash matched
     * @param present pieces all of whose bytes were on disk (so they were read and hashed)
     */
    public static Finding of(Storage storage, int i, BitSet good, BitSet present) {
        FileLayout layout = storage.layout();
        FileEntry f = layout.files().get(i);
        Path p = storage.path(i);
        long size = storage.sizeOnDisk(i);
        int bad = 0;
        int ownFailed = 0;
        int sharedFailed = 0;
        int unchecked = 0;
        if (f.length() > 0) {
            int pieceLength = layout.pieceLength();
            int first = (int) (f.offset() / pieceLength);
            int last = (int) ((f.end() - 1) / pieceLength);
            for (int piece = first; piece <= last; piece++) {
                if (good.get(piece)) {
                    continue;
                }
                bad++;
                if (!present.get(piece)) {
                    unchecked++;
                } else if (aloneIn(layout, piece, i)) {
                    ownFailed++;
                } else {
                    sharedFailed++;
                }
            }
        }
        Path link = storage.linkOf(i);
        FileStatus status;
        if (link != null && !Files.exists(link)) {
            status = BROKEN_LINK;
        } else if (Files.exists(p) && !Files.isRegularFile(p)) {
            status = NOT_A_FILE;
        } else if (size < 0) {
            status = MISSING;
        } else if (size < f.length()) {
            status = SHORT;
        } else if (ownFailed > 0) {
            status = CORRUPT;
        } else if (sharedFailed > 0) {
            status = SUSPECT;
        } else if (unchecked > 0) {
            status = UNCHECKED;
        } else if (size > f.length()) {
            status = LONG;
        } else {
            status = OK;
        }
        return new Finding(status, bad, size);
    }

    /** Whether every non-padding byte of {@code piece} lies in file {@code i}. */
    private static boolean aloneIn(FileLayout layout, int piece, int i) {
        long offset = layout.pieceOffset(piece);
        int size = (int) Math.min(layout.pieceLength(), layout.totalLength() - offset);
        for (FileSpan s : layout.spans(offset, size)) {
            if (s.fileIndex() != i && !layout.files().get(s.fileIndex()).padding()) {
                return false;
            }
        }
        return true;
    }
}
