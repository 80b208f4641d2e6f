package io.btget.storage;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Torrent;
import java.util.ArrayList;
import java.util.List;

/** Maps ranges of the torrent's byte space (pieces, blocks) onto the files that hold them. */
public final class FileLayout {
    private final List<FileEntry> files;
    private final long[] starts;
    private final long totalLength;
    private final int pieceLength;

    public FileLayout(Torrent torrent) {
        this(torrent.files(), torrent.pieceLength());
    }

    public FileLayout(List<FileEntry> files, int pieceLength) {
        this.files = List.copyOf(files);
        this.pieceLength = pieceLength;
        this.starts = new long[files.size()];
        for (int i = 0; i < files.size(); i++) {
            starts[i] = files.get(i).offset();
        }
        this.totalLength = files.isEmpty() ? 0 : files.get(files.size() - 1).end();
    }

    public List<FileEntry> files() {
        return files;
    }

    public long totalLength() {
        return totalLength;
    }

    /** Bytes per piece (the last piece may be shorter). */
    public int pieceLength() {
        return pieceLength;
    }

    public long pieceOffset(int piece) {
        return (long) piece * pieceLength;
    }

    /** The non-empty file spans covering {@code [offset, offset + length)}, in order. */
    public List<FileSpan> spans(long offset, int length) {
        if (offset < 0 || length < 0 || offset + length > totalLength) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside 0.." + totalLength);
        }
        List<FileSpan> out = new ArrayList<>(2);
        int i = firstFileAt(offset);
        long pos = offset;
        long end = offset + length;
        while (pos < end && i < files.size()) {
            FileEntry f = files.get(i);
            if (f.length() > 0 && pos < f.end()) {
                int n = (int) (Math.min(end, f.end()) - pos);
                out.add(new FileSpan(i, pos - f.offset(), n, (int) (pos - offset)));
                pos += n;
            }
            i++;
        }
        return out;
    }

    /** Indexes of the files a piece touches (padding and empty files left out). */
    public List<Integer> filesOfPiece(int piece, int pieceSize) {
        List<Integer> out = new ArrayList<>(2);
        for (FileSpan s : spans(pieceOffset(piece), pieceSize)) {
            out.add(s.fileIndex());
        }
        return out;
    }

    /** The last file whose start is at or before {@code offset}, stepping back over empty files at the same spot. */
    private int firstFileAt(long offset) {
        int lo = 0;
        int hi = starts.length - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        while (found > 0 && starts[found - 1] == starts[found]) {
            found--;
        }
        return found;
    }
}
