package io.btget.storage;

import io.btget.metainfo.FileEntry;
import io.btget.piece.Bitfield;
import io.btget.storage.ResumeFile.FileStamp;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What a start-up check must hash, given a resume file and what the files look like now. Pure: no I/O.
 *
 * <p>A file is <em>unchanged</em> when its stamp now (size and modification time) equals the one saved; padding
 * files (BEP 47) are never on disk and always unchanged. Then:
 * <ul>
 *   <li>a piece the resume file claims is <b>trusted</b> (ours without hashing) when every file it touches is
 *       unchanged and holds the piece's bytes within its saved size;</li>
 *   <li>every piece that touches a changed file is <b>hashed</b>, claimed or not: new data may have been written
 *       there after the resume file was saved (a run killed between two saves), or the user changed it;</li>
 *   <li>every piece the resume file does not know ({@code checked}: a run with a partial selection saved it) is
 *       <b>hashed</b>, claimed or not;</li>
 *   <li>the other pieces (checked, not claimed, all their files unchanged) are missing, without reading them: nothing
 *       was written to those files since the resume file was saved, and what it did not claim was not verified.</li>
 * </ul>
 * A claimed piece beyond a file's saved size (a file the resume file says is shorter than the piece needs) is
 * hashed: the resume file contradicts itself there, and only the hash can tell.
 *
 * @param trusted      pieces taken as ours without hashing
 * @param toHash       pieces to hash
 * @param changedFiles indexes of the files whose stamp differs (for the user's {@code -v} log)
 */
public record RecheckPlan(BitSet trusted, BitSet toHash, List<Integer> changedFiles) {

    /** A full check: every piece hashed, nothing trusted (no usable resume file, or {@code --recheck}). */
    public static RecheckPlan full(int pieceCount) {
        BitSet all = new BitSet(pieceCount);
        all.set(0, pieceCount);
        return new RecheckPlan(new BitSet(pieceCount), all, List.of());
    }

    /**
     * The plan for {@code layout} from a resume file's claimed {@code pieces} and {@code saved} stamps, and the
     * stamps {@code now} (both one per file of the layout, in order).
     */
    public static RecheckPlan of(FileLayout layout, Bitfield pieces, List<FileStamp> saved, List<FileStamp> now) {
        Bitfield all = new Bitfield(pieces.size());
        all.setAll();
        return of(layout, pieces, all, saved, now);
    }

    /**
     * The plan from a resume file that knows only the pieces {@code checked} (a run with a partial file selection
     * saved it): a piece outside it is hashed like one of a changed file, as the file cannot say whether it is ours.
     */
    public static RecheckPlan of(FileLayout layout, Bitfield pieces, Bitfield checked, List<FileStamp> saved,
            List<FileStamp> now) {
        List<FileEntry> files = layout.files();
        if (saved.size() != files.size() || now.size() != files.size()) {
            throw new IllegalArgumentException("stamps for " + saved.size() + " and " + now.size() + " files, the layout has "
                    + files.size());
        }
        int pieceCount = pieces.size();
        long pieceLength = layout.pieceLength();
        if (checked.size() != pieceCount) {
            throw new IllegalArgumentException(checked.size() + " checked bits for " + pieceCount + " pieces");
        }
        BitSet toHash = new BitSet(pieceCount);
        for (int p = checked.nextClear(0); p >= 0 && p < pieceCount; p = checked.nextClear(p + 1)) {
            toHash.set(p);
        }
        List<Integer> changed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            FileEntry f = files.get(i);
            if (f.padding() || saved.get(i).equals(now.get(i))) {
                continue;
            }
            changed.add(i);
            if (f.length() > 0) {
                toHash.set((int) (f.offset() / pieceLength), (int) ((f.end() - 1) / pieceLength) + 1);
            }
        }
        BitSet trusted = new BitSet(pieceCount);
        for (int p = pieces.nextSet(0); p >= 0; p = pieces.nextSet(p + 1)) {
            if (toHash.get(p)) {
                continue;
            }
            if (withinSavedSizes(layout, p, saved)) {
                trusted.set(p);
            } else {
                toHash.set(p);
            }
        }
        return new RecheckPlan(trusted, toHash, List.copyOf(changed));
    }

    /** Whether every (non-padding) byte of piece {@code p} lies within its file's saved size. */
    private static boolean withinSavedSizes(FileLayout layout, int p, List<FileStamp> saved) {
        long offset = layout.pieceOffset(p);
        int size = (int) Math.min(layout.pieceLength(), layout.totalLength() - offset);
        for (FileSpan s : layout.spans(offset, size)) {
            if (layout.files().get(s.fileIndex()).padding()) {
                continue;
            }
            if (saved.get(s.fileIndex()).size() < s.fileOffset() + s.length()) {
                return false;
            }
        }
        return true;
    }
}
