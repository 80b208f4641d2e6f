package io.btget.session;

import io.btget.peer.BlockSource;
import io.btget.piece.BlockRequest;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * One piece being put together from blocks in a pooled buffer. Connections read accepted blocks straight into
 * {@link #buffer} (the picker hands each block to one peer at a time), then record them here; the thread that
 * records the last block owns the completed piece (it hashes and writes it). Completion is decided here, after
 * the data is in place — never from bookkeeping that could run ahead of a read still in progress elsewhere.
 * Once {@link #discard() discarded} (abandoned, torn, or the session stopped) it takes no more blocks, so the bytes
 * it held are counted as wasted exactly once.
 */
final class PieceAssembly {
    /** What became of a stored block. */
    enum Stored { KEPT, COMPLETED, DISCARDED }

    final int piece;
    final int size;
    final byte[] buffer;
    /** Guarded by {@code this}. */
    private final boolean[] blockDone;
    /** Guarded by {@code this}. */
    private int blocksDone;
    /** Guarded by {@code this}. */
    private boolean discarded;
    /** Peers that sent blocks of this piece: charged if its hash fails. Guarded by {@code this} until complete. */
    final Set<BlockSource> contributors = Collections.newSetFromMap(new IdentityHashMap<>());
    /** When this piece last took a new block (System.nanoTime): the progress that stays if another piece fails. */
    volatile long lastBlockAtNanos = System.nanoTime();

    PieceAssembly(int piece, int size, byte[] buffer) {
        this.piece = piece;
        this.size = size;
        this.buffer = buffer;
        this.blockDone = new boolean[(size + BlockRequest.BLOCK_SIZE - 1) / BlockRequest.BLOCK_SIZE];
    }

    /**
     * Records a block that was read into {@link #buffer}.
     *
     * @return {@link Stored#COMPLETED} when this block completed the piece (the caller then owns it);
     *     {@link Stored#DISCARDED} when the piece was discarded (the block is wasted)
     */
    synchronized Stored stored(BlockSource from, BlockRequest block) {
        if (discarded) {
            return Stored.DISCARDED;
        }
        int index = block.offset() / BlockRequest.BLOCK_SIZE;
        if (blockDone[index]) {
            return Stored.KEPT;
        }
        blockDone[index] = true;
        contributors.add(from);
        lastBlockAtNanos = System.nanoTime();
        return ++blocksDone == blockDone.length ? Stored.COMPLETED : Stored.KEPT;
    }

    /**
     * Drops the piece: later blocks are refused.
     *
     * @return the payload bytes it held (to count as wasted); 0 if it was already discarded or is complete
     */
    synchronized int discard() {
        if (discarded || blocksDone == blockDone.length) {
            return 0;
        }
        discarded = true;
        int bytes = 0;
        for (int i = 0; i < blockDone.length; i++) {
            if (blockDone[i]) {
                bytes += Math.min(BlockRequest.BLOCK_SIZE, size - i * BlockRequest.BLOCK_SIZE);
            }
        }
        return bytes;
    }
}
