package io.btget.storage;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Sha1;
import io.btget.metainfo.Torrent;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Hash-checks the data on disk against a torrent's piece hashes, spread over several threads. Pieces whose bytes
 * are not all on disk (missing or short files) fail without being read, so checking an empty folder is instant.
 */
public final class Verifier {
    /** Pieces a worker claims at a time: consecutive pieces keep reads sequential within a worker. */
    private static final int BATCH_BYTES = 8 << 20;
    /**
     * Bytes read and hashed at a time within a piece: small enough that what the read copies in (twice: the JDK
     * reads into a temporary direct buffer, then copies into ours) is still in the core's cache when the digest
     * reads it, instead of a whole piece (up to 128 MiB) going through memory three times.
     */
    private static final int READ_BYTES = 256 << 10;

    private final Torrent torrent;
    private final Storage storage;

    public Verifier(Torrent torrent, Storage storage) {
        this.torrent = torrent;
        this.storage = storage;
        Sha1.warmUp(); // before any piece is hashed, here or by the session that checks existing data first
    }

    /**
     * Checks every piece.
     *
     * @param threads   worker threads (1 or more)
     * @param progress  called with the number of bytes just checked (from worker threads; must be thread-safe)
     * @return the set of pieces whose data on disk matches their hash
     */
    public BitSet verify(int threads, LongConsumer progress) throws InterruptedException {
        BitSet all = new BitSet(torrent.pieceCount());
        all.set(0, torrent.pieceCount());
        return verify(threads, progress, all);
    }

    /**
     * Checks the pieces in {@code only} (the others are neither read nor counted in {@code progress}).
     *
     * @return the pieces of {@code only} whose data on disk matches their hash
     */
    public BitSet verify(int threads, LongConsumer progress, BitSet only) throws InterruptedException {
        int pieces = torrent.pieceCount();
        BitSet present = presentPieces();
        BitSet good = new BitSet(pieces);
        int batch = Math.max(1, BATCH_BYTES / Math.max(1, torrent.pieceLength()));
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "verify");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<BitSet>> results = new ArrayList<>();
            for (int w = 0; w < Math.max(1, threads); w++) {
                results.add(pool.submit(() -> work(next, batch, present, only, progress)));
            }
            for (Future<BitSet> f : results) {
                good.or(f.get());
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
        return good;
    }

    private BitSet work(AtomicInteger next, int batch, BitSet present, BitSet only, LongConsumer progress)
            throws InterruptedException {
        int pieces = torrent.pieceCount();
        BitSet good = new BitSet(pieces);
        byte[] buf = new byte[Math.min(torrent.pieceLength(), READ_BYTES)];
        byte[] got = new byte[Sha1.LENGTH];
        MessageDigest sha1 = sha1();
        while (true) {
            int first = next.getAndAdd(batch);
            if (first >= pieces) {
                return good;
            }
            for (int p = first; p < Math.min(pieces, first + batch); p++) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (!only.get(p)) {
                    continue;
                }
                int size = torrent.pieceSize(p);
                if (present.get(p) && pieceMatches(p, size, sha1, buf, got)) {
                    good.set(p);
                }
                progress.accept(size);
            }
        }
    }

    /**
     * Reads piece {@code p} {@code buf.length} bytes at a time, hashing each part as it arrives: the bytes are read
     * back by the digest while still in the core's cache, and memory stays small whatever the piece length.
     */
    private boolean pieceMatches(int p, int size, MessageDigest sha1, byte[] buf, byte[] got) {
        long start = (long) p * torrent.pieceLength();
        sha1.reset();
        for (int at = 0; at < size; at += buf.length) {
            int n = Math.min(buf.length, size - at);
            if (!storage.read(start + at, buf, 0, n)) {
                sha1.reset();
                return false;
            }
            Sha1.update(sha1, buf, 0, n);
        }
        Sha1.finish(sha1, got, 0);
        return Arrays.equals(got, 0, Sha1.LENGTH, torrent.pieceHashes(), p * Sha1.LENGTH, (p + 1) * Sha1.LENGTH);
    }

    /**
     * Whether a piece's hash (BEP 3) matches {@code data[0..size)}. Hashes through {@link Sha1}, which keeps SHA-1 on
     * the JDK's intrinsic (see there).
     */
    public static boolean hashMatches(Torrent torrent, MessageDigest sha1, byte[] data, int size, int piece) {
        return Sha1.matches(sha1, data, 0, size, torrent.pieceHashes(), piece * Sha1.LENGTH);
    }

    /**
     * Pieces all of whose (non-padding) bytes lie within files that exist and are long enough: the pieces a check
     * reads and hashes. The others fail without being read.
     */
    public BitSet presentPieces() {
        List<FileEntry> files = storage.layout().files();
        long[] size = new long[files.size()];
        for (int i = 0; i < files.size(); i++) {
            size[i] = files.get(i).padding() ? Long.MAX_VALUE : storage.sizeOnDisk(i);
        }
        BitSet present = new BitSet(torrent.pieceCount());
        for (int p = 0; p < torrent.pieceCount(); p++) {
            boolean ok = true;
            for (FileSpan s : storage.layout().spans((long) p * torrent.pieceLength(), torrent.pieceSize(p))) {
                if (size[s.fileIndex()] < s.fileOffset() + s.length()) {
                    ok = false;
                    break;
                }
            }
            present.set(p, ok);
        }
        return present;
    }

    public static MessageDigest sha1() {
        return Sha1.newDigest();
    }
}
