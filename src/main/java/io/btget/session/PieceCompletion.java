package io.btget.session;

import io.btget.metainfo.Torrent;
import io.btget.peer.BlockSource;
import io.btget.peer.Limits;
import io.btget.peer.PeerConnection;
import io.btget.piece.Bitfield;
import io.btget.piece.BlockRequest;
import io.btget.piece.PiecePicker;
import io.btget.storage.Storage;
import io.btget.storage.StorageException;
import io.btget.storage.Verifier;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The one owner of piece completion for a torrent: pieces being assembled (pooled buffers), hashing a completed
 * piece, writing it, our {@code have} set, and the HAVE broadcast. Connections put blocks in through it (the
 * session's {@code TorrentContext} methods delegate here); nothing else marks a piece ours.
 *
 * <p>Threads: connections' reader threads (blocks, completion: hashing spreads over them), the session thread
 * (check, abandon, stop). {@code have} is guarded by itself; the assemblies map is thread-safe, entries removed with
 * {@code remove(key, value)} by whoever owns them.
 */
final class PieceCompletion implements io.btget.storage.ResumeFileKeeper.Claims {
    /** One digest per thread that completes pieces (the connections' reader threads). */
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(Verifier::sha1);

    /** What completion tells the rest of the session. */
    interface Events {
        /** A piece failed its hash check (its contributors already charged). */
        void pieceFailed(int piece, int contributors);

        /** A storage error we cannot go on after. */
        void storageFailed(StorageException e);
    }

    private final Torrent torrent;
    private final LongAdder wasted;
    private final Events events;
    private final Supplier<List<PeerConnection>> connections;
    private final Map<Integer, PieceAssembly> assemblies = new ConcurrentHashMap<>();
    private final BufferPool buffers;
    /** Our verified pieces. Guarded by itself. */
    private final Bitfield have;
    private volatile int haveCount;
    private final AtomicLong verifiedBytes = new AtomicLong();
    private final AtomicInteger hashFailures = new AtomicInteger();
    private volatile long lastProgressAt = System.nanoTime();
    /**
     * When a piece last passed its hash check (or the session started). A piece that fails sets the progress clock
     * back to this or to the newest block of another piece in progress ({@link #progressWithout}): the blocks it was
     * built from were no progress, so a peer sending bad data over and over cannot hold off the stall timeout (what
     * the timeout is for is a download that gets nothing it can keep).
     */
    private volatile long lastVerifiedAt = lastProgressAt;
    /**
     * Held (shared) from a verified piece's write until it is in {@code have}; held exclusively by a resume-file
     * save while it takes our pieces and stamps the files, so every piece it claims was fully written before the
     * stamps and no write lands between the two.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock writes =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    // Set once by the session thread before any connection exists (safely published by the threads' start):
    private Storage storage;
    private PiecePicker<BlockSource> picker;

    /**
     * @param wasted      the session's wasted-bytes counter (discarded partial pieces and failed pieces add to it)
     * @param connections the torrent's connections now (HAVE goes to each)
     */
    PieceCompletion(Torrent torrent, LongAdder wasted, Events events, Supplier<List<PeerConnection>> connections) {
        this.torrent = torrent;
        this.wasted = wasted;
        this.events = events;
        this.connections = connections;
        this.have = new Bitfield(torrent.pieceCount());
        int inFlightPieces = (int) Math.max(4, Limits.PIECE_BYTES_IN_FLIGHT / Math.max(1, torrent.pieceLength()));
        this.buffers = new BufferPool(torrent.pieceLength(), inFlightPieces);
    }

    void useStorage(Storage storage) {
        this.storage = storage;
    }

    void usePicker(PiecePicker<BlockSource> picker) {
        this.picker = picker;
    }

    /** What the check found on disk: these pieces are ours. */
    void checked(BitSet good) {
        long bytes = 0;
        synchronized (have) {
            for (int p = good.nextSetBit(0); p >= 0; p = good.nextSetBit(p + 1)) {
                have.set(p);
                bytes += torrent.pieceSize(p);
            }
            haveCount = have.cardinality();
        }
        verifiedBytes.set(bytes);
    }

    boolean havePiece(int piece) {
        synchronized (have) {
            return have.get(piece);
        }
    }

    /** Our pieces as BEP 3 bitfield bytes, or null when we have none. */
    byte[] bitfieldWire() {
        synchronized (have) {
            return haveCount == 0 ? null : have.toWireBytes();
        }
    }

    Bitfield copyOfHave() {
        synchronized (have) {
            return have.copy();
        }
    }

    @Override
    public Bitfield verified() {
        return copyOfHave();
    }

    @Override
    public <T> T whileNoWrites(java.util.function.Function<Bitfield, T> action) {
        writes.writeLock().lock();
        try {
            return action.apply(copyOfHave());
        } finally {
            writes.writeLock().unlock();
        }
    }

    int haveCount() {
        return haveCount;
    }

    boolean isComplete() {
        return haveCount == torrent.pieceCount();
    }

    long verifiedBytes() {
        return verifiedBytes.get();
    }

    int hashFailures() {
        return hashFailures.get();
    }

    long lastProgressAt() {
        return lastProgressAt;
    }

    /**
     * The progress clock once a failed piece (already out of {@code assemblies}) no longer counts: the last verified
     * piece, or the newest block of a piece still being assembled. Not simply the last verified piece: with large
     * pieces from slow peers that can be minutes ago while good blocks keep arriving, and one bad piece from another
     * peer must not end such a download as stalled.
     */
    private long progressWithout() {
        long newest = lastVerifiedAt;
        for (PieceAssembly other : assemblies.values()) {
            long at = other.lastBlockAtNanos;
            if (at - newest > 0) {
                newest = at;
            }
        }
        return newest;
    }

    /** The buffer assembling {@code piece}, created on first use. */
    byte[] pieceBuffer(int piece) {
        return assemblies.computeIfAbsent(piece, p -> new PieceAssembly(p, torrent.pieceSize(p), buffers.take())).buffer;
    }

    /** A block is in its piece's buffer; the block that completes a piece hashes and writes it, on this thread. */
    void blockStored(BlockSource from, BlockRequest block, byte[] buffer) {
        lastProgressAt = System.nanoTime();
        PieceAssembly a = assemblies.get(block.piece());
        // The piece may have been abandoned (and even restarted) while the block was read: then the data went
        // into a buffer nobody uses any more (wasted), and the picker fetches the block again.
        PieceAssembly.Stored stored = a != null && a.buffer == buffer ? a.stored(from, block) : PieceAssembly.Stored.DISCARDED;
        if (stored == PieceAssembly.Stored.COMPLETED) {
            complete(a);
        } else if (stored == PieceAssembly.Stored.DISCARDED) {
            wasted.add(block.length());
        }
    }

    /** A block was torn (the peer vanished mid-block): its piece starts over, if that buffer is still its. */
    void blockLost(BlockRequest block, byte[] buffer) {
        // Not pooled: the buffer holds a torn block, and nobody may be reading into it when it is reused.
        PieceAssembly a = assemblies.get(block.piece());
        if (a != null && a.buffer == buffer && assemblies.remove(block.piece(), a)) {
            wasted.add(a.discard());
            picker.pieceFailed(block.piece());
        }
    }

    /** The picker gave up on these started pieces: their partial data goes. */
    void abandoned(List<Integer> pieces) {
        // Dropped, not pooled: a reader thread may still be copying a block in; the GC takes the buffer after.
        for (int p : pieces) {
            PieceAssembly a = assemblies.remove(p);
            if (a != null) {
                wasted.add(a.discard());
            }
        }
    }

    /** The session stops for good: every piece being assembled is dropped (counted as wasted). */
    void discardAll() {
        for (PieceAssembly a : assemblies.values()) {
            if (assemblies.remove(a.piece, a)) {
                wasted.add(a.discard());
            }
        }
    }

    /** Hash, write, mark ours, tell the picker and every peer. */
    private void complete(PieceAssembly a) {
        assemblies.remove(a.piece);
        boolean good = Verifier.hashMatches(torrent, SHA1.get(), a.buffer, a.size, a.piece);
        if (!good) {
            buffers.give(a.buffer);
            picker.pieceFailed(a.piece);
            hashFailures.incrementAndGet();
            wasted.add(a.size);
            lastProgressAt = progressWithout(); // this piece's blocks were no progress; other pieces' still are
            events.pieceFailed(a.piece, a.contributors.size());
            for (BlockSource c : a.contributors) {
                int charged = c.chargeHashFailure();
                if (a.contributors.size() == 1) {
                    charged = c.chargeHashFailure();
                }
                if (charged >= Limits.MAX_HASH_FAILURES) {
                    c.close("sent data for pieces that failed their hash check", true);
                }
            }
            return;
        }
        StorageException failure = null; // reported once the lock is released (stopping the session joins threads)
        writes.readLock().lock();
        try {
            try {
                storage.write((long) a.piece * torrent.pieceLength(), a.buffer, 0, a.size);
            } catch (StorageException e) {
                picker.pieceFailed(a.piece);
                buffers.give(a.buffer);
                wasted.add(a.size);
                failure = e;
                return;
            }
            buffers.give(a.buffer);
            synchronized (have) {
                have.set(a.piece);
                haveCount = have.cardinality();
            }
            picker.pieceVerified(a.piece);
            verifiedBytes.addAndGet(a.size);
            if (isComplete()) {
                try {
                    storage.trimToTorrentLengths(); // a longer file found on disk was checked as data; now it must end
                } catch (StorageException e) {
                    failure = e;
                }
            }
        } finally {
            writes.readLock().unlock();
            if (failure != null) {
                events.storageFailed(failure);
            }
        }
        long verifiedAt = System.nanoTime();
        lastVerifiedAt = verifiedAt;
        lastProgressAt = verifiedAt;
        for (PeerConnection c : connections.get()) {
            c.guard("have", () -> c.announceHave(a.piece)); // a failure there is that peer's, not this reader's
        }
    }
}
