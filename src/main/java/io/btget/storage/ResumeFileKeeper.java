package io.btget.storage;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Torrent;
import io.btget.piece.Bitfield;
import io.btget.storage.ResumeFile.FileStamp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one torrent's {@link ResumeFile}: reads it at start (what the check may trust) and saves it while the torrent
 * runs, claiming only pieces whose data is on disk for good.
 *
 * <p>A save, so that {@code kill -9} (or a power cut) at any moment never leaves a claim on data that is not
 * there: (1) flush the files of the pieces verified since the last save, with writes going on; (2) with piece writes
 * held back ({@link Claims#whileNoWrites}), take the verified set, flush those files again (quick: little is left
 * dirty) and stamp every file; (3) write the resume file atomically. A file's recorded mtime is thus taken after the
 * last write of every piece claimed and before any later write; a later write changes the mtime (or the size), so
 * on restart that file's pieces are hashed again. (A write in the same tick of the file system's clock as the stamp
 * may leave the mtime as it was: its piece is not claimed, so it is fetched again; never trusted.)
 *
 * <p>The saves while the download runs ({@link #saveSoon}) and the last one, as the session ends
 * ({@link #saveAtExit}), skip steps (1) and the flush of (2), and say so in the file with the system's boot id: those claims hold across kill -9 (the page cache outlives the
 * process) and are dropped after a restart of the system, when unflushed data may be gone.
 *
 * <p>Threads: {@link #saveSoon} starts a save on a thread of its own (a flush may take seconds); saves never run two
 * at once (but the one at exit does not wait for one still flushing). Failures to save are logged (once as a warning, then at debug) and never stop the torrent: the next start
 * then hashes more.
 */
public final class ResumeFileKeeper {
    private static final Logger log = LoggerFactory.getLogger(ResumeFileKeeper.class);
    /**
     * Saves at most this often while pieces complete (each claims the data written so far, unflushed within this boot:
     * see {@link #saveSoon}); a run killed between two saves hashes again only the files written since, so a few
     * seconds of download is all a crash costs.
     */
    public static final long SAVE_INTERVAL_NANOS = 5_000_000_000L;

    /** The piece completion's side of a save. */
    public interface Claims {
        /** Our verified pieces now (each written; not necessarily flushed). */
        Bitfield verified();

        /** Runs {@code action} on our verified pieces while no piece is being written, and returns its result. */
        <T> T whileNoWrites(Function<Bitfield, T> action);
    }

    private final Path file;
    private final Torrent torrent;
    private final Storage storage;
    private final String root;
    private final Object saving = new Object();
    /** The pieces the file on disk claims (guarded by {@link #saving}). */
    private Bitfield saved;
    /**
     * The pieces known flushed to disk (guarded by {@link #saving}): claimed by a save that flushed them, or by a
     * flushed resume file found at start. A flushing save flushes the files of every other piece it claims.
     */
    private Bitfield flushed;
    /** Whether the resume file {@link #plan} read was a flushed one (its trusted pieces are then flushed). */
    private boolean loadedFlushed;
    private volatile int savedCount;
    private volatile long lastSaveAt = System.nanoTime();
    private volatile Thread background;
    private boolean warned;
    /** The files' stamps when {@link #plan} looked (what a partial selection records for the files it leaves). */
    private volatile List<FileStamp> planStamps;
    /** With a partial selection ({@link #partialSelection}): what a save may say; null when every file is selected. */
    private volatile Partial partial;
    /**
     * Whether the data of the carried claims is known flushed: they come from the file {@link #plan} read, which may
     * have been saved at exit without flushing; the first flushing save flushes their files before it calls them
     * flushed (guarded by {@link #saving}).
     */
    private boolean carriedFlushed;

    /**
     * What a run with a partial file selection may record: the pieces it knows ({@code checked}), the claims it
     * keeps from the file it read for pieces it does not want ({@code carried}), and the files it does not write,
     * whose stamps stay those {@link #plan} compared ({@code frozen}).
     */
    private record Partial(Bitfield checked, Bitfield carried, boolean[] frozen) {
    }

    /** This boot of the system (Linux), or empty when unknown: claims saved unflushed hold within one boot only. */
    private final String bootId;

    /**
     * @param dir where resume files are kept (created on the first save)
     */
    public ResumeFileKeeper(Path dir, Torrent torrent, Storage storage) {
        this(dir, torrent, storage, currentBootId());
    }

    ResumeFileKeeper(Path dir, Torrent torrent, Storage storage, String bootId) {
        this.bootId = bootId;
        this.torrent = torrent;
        this.storage = storage;
        this.root = storage.root().toString();
        this.file = ResumeFile.pathIn(dir, torrent, root);
        this.saved = new Bitfield(torrent.pieceCount());
        this.flushed = new Bitfield(torrent.pieceCount());
    }

    public Path file() {
        return file;
    }

    /**
     * What the start-up check must hash: everything with {@code recheck} or without a usable resume file (the reason
     * logged), else what {@link RecheckPlan} says from the resume file and the files' stamps now.
     */
    public RecheckPlan plan(boolean recheck) {
        List<FileStamp> now = stampsNow();
        planStamps = now;
        if (recheck) {
            log.info("--recheck: hashing every piece, the resume file is not used");
            return RecheckPlan.full(torrent.pieceCount());
        }
        ResumeFile.Data data;
        try {
            data = ResumeFile.load(file, torrent, root);
        } catch (ResumeFile.Invalid e) {
            log.info("resume file {} ignored: {}; hashing every piece", file, e.getMessage());
            return RecheckPlan.full(torrent.pieceCount());
        }
        if (data == null) {
            log.debug("no resume file {}; hashing every piece", file);
            return RecheckPlan.full(torrent.pieceCount());
        }
        if (!data.flushed() && (bootId.isEmpty() || !bootId.equals(data.bootId()))) {
            log.info("resume file {} ignored: saved at exit without flushing the data, and the system has restarted"
                    + " since; hashing every piece", file);
            return RecheckPlan.full(torrent.pieceCount());
        }
        loadedFlushed = data.flushed();
        RecheckPlan plan = RecheckPlan.of(storage.layout(), data.pieces(), data.checked(), data.files(), now);
        for (int i : plan.changedFiles()) {
            log.info("{} changed since the resume file was saved: its pieces are hashed", storage.path(i));
        }
        return plan;
    }

    /**
     * This run downloads only the selected files (call after {@link #plan}, before any save). Its saves then record,
     * as {@code checked}:
     * <ul>
     *   <li>the wanted pieces whose bytes all lie in selected files (and padding): this run checks them, and they
     *       are written only to files whose stamps each save takes. A wanted piece shared with an unselected file
     *       has bytes in the part file, which no stamp covers: it is left unknown, so a later run hashes it;</li>
     *   <li>the pieces it does not want that {@code plan} knew without hashing (claimed and trusted, or known
     *       missing, their files unchanged): their claims are carried over, with the stamps {@code plan} compared, so
     *       a change to those files later still shows.</li>
     * </ul>
     * Every other piece is left unknown. A later run, with this selection or another or all files, thus trusts only
     * what this file proves and hashes the rest it wants.
     */
    public void partialSelection(RecheckPlan plan, io.btget.metainfo.FileSelection selection, BitSet wanted) {
        List<FileEntry> files = storage.layout().files();
        int pieces = torrent.pieceCount();
        boolean[] frozen = new boolean[files.size()];
        for (int i = 0; i < frozen.length; i++) {
            frozen[i] = !files.get(i).padding() && !selection.isSelected(i);
        }
        Bitfield checked = new Bitfield(pieces);
        Bitfield carried = new Bitfield(pieces);
        long pieceLength = torrent.pieceLength();
        for (int p = 0; p < pieces; p++) {
            if (wanted.get(p)) {
                boolean inTree = true;
                for (FileSpan span : storage.layout().spans(pieceLength * p, torrent.pieceSize(p))) {
                    inTree &= !frozen[span.fileIndex()];
                }
                if (inTree) {
                    checked.set(p);
                }
            } else if (!plan.toHash().get(p)) {
                checked.set(p);
                if (plan.trusted().get(p)) {
                    carried.set(p);
                }
            }
        }
        synchronized (saving) {
            carriedFlushed = loadedFlushed;
        }
        partial = new Partial(checked, carried, frozen);
    }

    /** After the check: the pieces {@code known} are what the resume file on disk already claims (nothing to save). */
    public void alreadySaved(Bitfield known) {
        synchronized (saving) {
            saved = known.copy();
            savedCount = saved.cardinality();
            flushed = loadedFlushed ? known.copy() : new Bitfield(torrent.pieceCount());
        }
    }

    /**
     * Starts a save on a thread of its own when pieces were verified since the last one, at most every
     * {@link #SAVE_INTERVAL_NANOS}, and none is running. Called from the session's loop.
     */
    public void saveSoon(Claims claims, int verifiedCount) {
        long now = System.nanoTime();
        Thread t = background;
        if (verifiedCount == savedCount || now - lastSaveAt < SAVE_INTERVAL_NANOS || (t != null && t.isAlive())) {
            return;
        }
        lastSaveAt = now;
        // While the download runs, a save claims what is written without flushing it, like the save at exit: the
        // claims hold across kill -9 (the page cache outlives the process) and die with a restart of the system
        // (boot id). Flushing every 5 s made the download write its data to the disk while it ran, which costs
        // speed on a fast link (7-25% of a 1 GiB loopback download here); the saves after a check and on
        // completion still flush, so a complete torrent seeds after a reboot without hashing. Where the boot id
        // is unknown, every save flushes.
        boolean flush = bootId.isEmpty();
        t = new Thread(() -> {
            synchronized (saving) {
                write(claims, flush);
            }
        }, "resume-file");
        t.setDaemon(true);
        background = t;
        t.start();
    }

    /**
     * Starts a save on a thread of its own now, whatever the interval (after a check that hashed; on completion):
     * the session goes on seeding or downloading while the data is flushed. {@link #saveNow} waits for it.
     */
    public void saveInBackground(Claims claims) {
        Thread previous = background;
        lastSaveAt = System.nanoTime();
        Thread t = new Thread(() -> {
            if (previous != null) {
                try {
                    previous.join(); // saves run one at a time, in order (each also holds the saving lock)
                } catch (InterruptedException e) {
                    return;
                }
            }
            save(claims);
        }, "resume-file");
        t.setDaemon(true);
        background = t;
        t.start();
    }

    /**
     * The last save, as the session ends: what was verified since the last save is claimed without flushing it,
     * so the process exits at once instead of waiting for the disk (a 1 GiB download here waited 0.4-2 s). Such
     * claims hold across kill -9 and restarts (the page cache outlives the process) and are dropped after a
     * restart of the system ({@code boot-id}), as unflushed data may be lost then. A save still flushing in the
     * background is not waited for: it finishes, or dies with the process before its rename; either file is
     * consistent. Nothing when nothing new was verified.
     */
    public void saveAtExit(Claims claims) {
        Thread t = background;
        boolean running = t != null && t.isAlive();
        if (!running && claims.verified().cardinality() == savedCount) {
            return;
        }
        if (running) {
            write(claims, false); // not under the saving lock: the running save holds it
        } else {
            synchronized (saving) {
                write(claims, false);
            }
        }
    }

    /**
     * Saves now, on this thread, after any save running in the background, flushing what it claims.
     *
     * @param always false: nothing when no piece was verified since the last save (on stop)
     */
    public void saveNow(Claims claims, boolean always) throws InterruptedException {
        Thread t = background;
        if (t != null) {
            t.join();
        }
        if (!always && claims.verified().cardinality() == savedCount) {
            return;
        }
        lastSaveAt = System.nanoTime();
        save(claims);
    }

    private void save(Claims claims) {
        synchronized (saving) {
            write(claims, true);
        }
    }

    /** One save; {@code flush}: the claimed data is flushed first (else claimed as written, see {@link #saveAtExit}). */
    private void write(Claims claims, boolean flush) {
        try {
            long start = System.nanoTime();
            // Flush while writes go on, again while the last pass took long: what is left dirty for the flush
            // under the lock (writes held back) is then little (a 1 GiB download here: 125 ms held with one pass).
            for (int pass = 0; flush && pass < PRE_FLUSH_PASSES; pass++) {
                long passStart = System.nanoTime();
                flushFilesOf(claims.verified(), flushed);
                if (System.nanoTime() - passStart < QUICK_FLUSH_NANOS) {
                    break;
                }
            }
            Partial part = partial;
            if (flush && part != null && !carriedFlushed) {
                flushFilesOf(part.carried(), new Bitfield(torrent.pieceCount())); // files this run does not write
                carriedFlushed = true;
            }
            long[] held = new long[2];
            int[] haveCount = new int[1];
            ResumeFile.Data data = claims.whileNoWrites(have -> {
                held[0] = System.nanoTime();
                if (flush) {
                    flushFilesOf(have, flushed);
                }
                List<FileStamp> stamps = stampsNow();
                waitForTheClockToPass(stamps);
                held[1] = System.nanoTime();
                haveCount[0] = have.cardinality();
                if (part == null) {
                    return new ResumeFile.Data(torrent.infoHash().bytes(), torrent.pieceCount(),
                            torrent.pieceLength(), root, have.copy(), stamps, bootId, flush);
                }
                return partialData(part, have, stamps, flush);
            });
            ResumeFileSweeper.sweepOnce(file); // old files of other torrents, once per process
            ResumeFile.save(file, data);
            saved = data.pieces();
            savedCount = haveCount[0];
            if (flush) {
                flushed = data.pieces();
            }
            log.debug("resume file {} saved: {} of {} pieces in {} ms (piece writes held back {} ms)", file, savedCount,
                    torrent.pieceCount(), (System.nanoTime() - start) / 1_000_000, (held[1] - held[0]) / 1_000_000);
        } catch (IOException | StorageException e) {
            String why = e instanceof IOException io ? IoReason.of(io) : e.getMessage();
            if (!warned) {
                warned = true;
                log.warn("cannot save the resume file {}: {} (the next start hashes the data again)", file, why);
            } else {
                log.debug("cannot save the resume file {}: {}", file, why);
            }
        }
    }

    /** What a save with a partial selection records: see {@link #partialSelection}. */
    private ResumeFile.Data partialData(Partial part, Bitfield have, List<FileStamp> now, boolean flush) {
        Bitfield claimed = new Bitfield(torrent.pieceCount());
        for (int p = part.checked().nextSet(0); p >= 0; p = part.checked().nextSet(p + 1)) {
            if (have.get(p) || part.carried().get(p)) {
                claimed.set(p);
            }
        }
        List<FileStamp> stamps = new ArrayList<>(now);
        List<FileStamp> before = planStamps;
        for (int i = 0; i < stamps.size(); i++) {
            if (part.frozen()[i]) {
                stamps.set(i, before.get(i));
            }
        }
        return new ResumeFile.Data(torrent.infoHash().bytes(), torrent.pieceCount(), torrent.pieceLength(), root,
                claimed, part.checked(), stamps, bootId, flush);
    }

    /**
     * What the files look like before {@code verify} hashes them: pass it to {@link #saveAfterVerify} with the wall
     * clock of the moment ({@link #wallClockNanos}).
     */
    public List<FileStamp> stamps() {
        return stampsNow();
    }

    /** The wall clock in nanoseconds since the epoch, the scale of {@link FileStamp#mtimeNanos}. */
    public static long wallClockNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * After {@code verify} hashed the pieces {@code wanted} and found {@code good} among them: rewrites the resume
     * file from that result, so that a later {@code download} or {@code seed} neither trusts a piece verify found
     * bad or missing (the old file may claim it: the data was damaged behind its back, keeping size and mtime) nor
     * hashes again what verify just proved (Transmission's verify and libtorrent's force_recheck rewrite their
     * have-bitfield the same way). What the file says is {@link #afterVerify}; the claimed files are flushed first,
     * as after the check of a download, so the claims outlive a restart of the system (when a flush fails they are
     * saved as unflushed: trusted within this boot only).
     *
     * <p>Nothing is written when there is no resume file and nothing to claim (a verify of an empty or wrong folder
     * leaves no clutter). When the save fails the old file is deleted, since it may claim a bad piece; failures are
     * logged as warnings and never change verify's outcome.
     *
     * @param before    {@link #stamps} taken before hashing, at the wall clock {@code stampedAt}
     * @param selected  per torrent file, whether verify checked it (every file without a selection)
     */
    public void saveAfterVerify(List<FileStamp> before, long stampedAt, BitSet wanted, BitSet good,
            boolean[] selected) {
        ResumeFile.Data old = null;
        try {
            old = ResumeFile.load(file, torrent, root);
        } catch (ResumeFile.Invalid e) {
            log.debug("resume file {} ignored: {}", file, e.getMessage());
        }
        if (old != null && !old.flushed() && (bootId.isEmpty() || !bootId.equals(old.bootId()))) {
            old = null; // its claims are not trusted after a restart of the system (see plan): carry none
        }
        ResumeFile.Data data = afterVerify(storage.layout(), torrent.infoHash().bytes(), torrent.pieceCount(), root,
                old, before, stampsNow(), stampedAt, wanted, good, selected, bootId, true);
        try {
            if (data.pieces().cardinality() == 0 && !java.nio.file.Files.exists(file)) {
                return;
            }
            boolean flush = true;
            try {
                flushFilesOf(data.pieces(), new Bitfield(torrent.pieceCount()));
            } catch (StorageException e) {
                flush = false;
                log.debug("resume file {}: flush failed ({}); claims saved for this boot only", file, e.getMessage());
            }
            if (!flush) {
                data = new ResumeFile.Data(data.infoHash(), data.pieceCount(), data.pieceLength(), data.root(),
                        data.pieces(), data.checked(), data.files(), bootId, false);
            }
            ResumeFileSweeper.sweepOnce(file);
            ResumeFile.save(file, data);
            log.debug("resume file {} saved after verify: {} of {} pieces claimed, {} known", file,
                    data.pieces().cardinality(), torrent.pieceCount(), data.checked().cardinality());
        } catch (IOException e) {
            try {
                java.nio.file.Files.deleteIfExists(file);
                log.warn("cannot save the resume file {}: {}; removed it (the next start hashes the data again)",
                        file, IoReason.of(e));
            } catch (IOException e2) {
                log.warn("cannot save or remove the resume file {}: {}; use --recheck for the next download or seed",
                        file, IoReason.of(e2));
            }
        }
    }

    /**
     * How far a file's mtime must lie before the stamp for verify to trust it: a file written within the file
     * system's clock tick of the stamp may be written again without its mtime changing (see
     * {@link #CLOCK_GRANULARITY_NANOS}), so what verify read of it is not claimed.
     */
    static final long VERIFY_QUIET_NANOS = 10_000_000L; // CLOCK_GRANULARITY_NANOS (declared below)

    /**
     * What the resume file says after a verify. Pure: no I/O.
     *
     * <p>A file is <em>steady</em> when its stamp before hashing equals the one after, and its mtime is older than
     * the stamp by at least {@link #VERIFY_QUIET_NANOS} (or it is missing both times, or it is padding): what verify
     * read of it is then what the recorded stamp describes. For each piece:
     * <ul>
     *   <li>hashed by verify ({@code wanted}), every byte in selected, steady files: claimed when it hashed right;
     *       known missing when it did not and lies in one file; unknown when it did not and spans two files (a
     *       partial download keeps such a piece in its part file, where a run with that selection reads it);</li>
     *   <li>hashed, but with bytes in an unselected file (read from the part file or the user's copy, which no stamp
     *       covers) or in a file that changed while verify ran: unknown, so a later start hashes it;</li>
     *   <li>not hashed (a partial selection): what the old file {@code old} proves of it now (as a start would:
     *       {@link RecheckPlan} against the stamps before hashing), its files steady, is kept: claimed when trusted,
     *       known missing when known; else unknown. Verify never claims what it did not hash, nor drops what it
     *       did not check.</li>
     * </ul>
     * The stamps recorded are those before hashing, for every file.
     *
     * @param old the resume file as read (null when none, unusable, or not to be trusted)
     */
    static ResumeFile.Data afterVerify(FileLayout layout, byte[] infoHash, int pieceCount, String root,
            ResumeFile.Data old, List<FileStamp> before, List<FileStamp> after, long stampedAt, BitSet wanted,
            BitSet good, boolean[] selected, String bootId, boolean flushed) {
        List<FileEntry> files = layout.files();
        boolean[] steady = new boolean[files.size()];
        for (int i = 0; i < steady.length; i++) {
            FileStamp b = before.get(i);
            steady[i] = files.get(i).padding() || (b.equals(after.get(i))
                    && (b.equals(FileStamp.MISSING) || b.mtimeNanos() <= stampedAt - VERIFY_QUIET_NANOS));
        }
        RecheckPlan plan = old == null ? null
                : RecheckPlan.of(layout, old.pieces(), old.checked(), old.files(), before);
        Bitfield checked = new Bitfield(pieceCount);
        Bitfield claimed = new Bitfield(pieceCount);
        long pieceLength = layout.pieceLength();
        for (int p = 0; p < pieceCount; p++) {
            int size = (int) Math.min(pieceLength, layout.totalLength() - pieceLength * p);
            boolean allSteady = true;
            boolean allSelected = true;
            int dataFiles = 0;
            for (FileSpan span : layout.spans(pieceLength * p, size)) {
                int f = span.fileIndex();
                allSteady &= steady[f];
                allSelected &= files.get(f).padding() || selected[f];
                dataFiles += files.get(f).padding() ? 0 : 1;
            }
            if (!allSteady) {
                continue;
            }
            if (wanted.get(p)) {
                if (allSelected && good.get(p)) {
                    checked.set(p);
                    claimed.set(p);
                } else if (allSelected && dataFiles == 1) {
                    checked.set(p); // bad or missing, and its bytes have no other place: known missing
                }
                // A bad piece spanning two files may be whole in the part file of an earlier partial download
                // (DIR/.btget/<infohash>.parts), which a run with that selection reads instead: left unknown, so
                // such a run hashes it there rather than taking it as missing.
            } else if (plan != null && !plan.toHash().get(p)) {
                checked.set(p);
                if (plan.trusted().get(p)) {
                    claimed.set(p);
                }
            }
        }
        return new ResumeFile.Data(infoHash, pieceCount, (int) pieceLength, root, claimed, checked, before, bootId,
                flushed);
    }

    /** Flushes before the one under the lock, at most. */
    private static final int PRE_FLUSH_PASSES = 3;
    /** A flush this quick leaves little dirty: no further pass before the one under the lock. */
    private static final long QUICK_FLUSH_NANOS = 20_000_000L;

    /**
     * How far the clock must be past the newest stamp before writes go on. A file system sets a written file's mtime
     * from a coarse clock (Linux: the timer tick, 1-10 ms), so a write just after the stamps could leave the mtime
     * as stamped; its piece would then not be found at the next start (not claimed, file "unchanged") and be
     * fetched again. Holding writes until the clock has moved on makes every later write show.
     */
    private static final long CLOCK_GRANULARITY_NANOS = 10_000_000L;

    /** Sleeps (writes held back) until the wall clock is {@link #CLOCK_GRANULARITY_NANOS} past the newest stamp. */
    private static void waitForTheClockToPass(List<FileStamp> stamps) {
        long newest = Long.MIN_VALUE;
        for (FileStamp s : stamps) {
            newest = Math.max(newest, s.mtimeNanos());
        }
        java.time.Instant now = java.time.Instant.now();
        long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long wait = newest + CLOCK_GRANULARITY_NANOS - nowNanos;
        if (wait > 0) {
            try {
                Thread.sleep(Math.min(wait, CLOCK_GRANULARITY_NANOS * 2) / 1_000_000 + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Flushes every file touched by a piece of {@code have} that is not in {@code already}. */
    private void flushFilesOf(Bitfield have, Bitfield already) {
        List<FileEntry> files = storage.layout().files();
        BitSet touched = new BitSet(files.size());
        long pieceLength = torrent.pieceLength();
        for (int p = have.nextSetAndClearIn(already, 0); p >= 0; p = have.nextSetAndClearIn(already, p + 1)) {
            for (FileSpan s : storage.layout().spans(pieceLength * p, torrent.pieceSize(p))) {
                touched.set(s.fileIndex());
            }
        }
        for (int i = touched.nextSetBit(0); i >= 0; i = touched.nextSetBit(i + 1)) {
            storage.flush(i);
        }
    }

    /** Linux's boot id (a random UUID per boot), or empty when this system has none. */
    static String currentBootId() {
        try {
            byte[] b = java.nio.file.Files.readAllBytes(Path.of("/proc/sys/kernel/random/boot_id"));
            return b.length > 64 ? "" : new String(b, java.nio.charset.StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private List<FileStamp> stampsNow() {
        List<FileEntry> files = storage.layout().files();
        List<FileStamp> out = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            out.add(files.get(i).padding() ? FileStamp.MISSING : FileStamp.of(storage.path(i)));
        }
        return out;
    }
}
