package io.btget.session;

import io.btget.peer.PeerConnection;
import io.btget.piece.BlockRequest;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * One piece being put together from blocks in a pooled buffer. Connections read accepted blocks straight into
 * {@link #buffer} (the picker hands each block to one peer at a time), then record them here; the thread that
 * records the last block owns the completed piece (it hashes and writes it). Completion is decided here, after
 * the data is in place — never from bookkeeping that could run ahead of a read still in progress elsewhere.
 */
final class PieceAssembly {
    final int piece;
    final int size;
    final byte[] buffer;
    private final boolean[] blockDone;
    private int blocksDone;
    /** Peers that sent blocks of this piece: charged if its hash fails. */
    final Set<PeerConnection> contributors = Collections.newSetFromMap(new IdentityHashMap<>());

    PieceAssembly(int piece, int size, byte[] buffer) {
        this.piece = piece;
        this.size = size;
        this.buffer = buffer;
        this.blockDone = new boolean[(size + BlockRequest.BLOCK_SIZE - 1) / BlockRequest.BLOCK_SIZE];
    }

    /**
     * Records a block that was read into {@link #buffer}.
     *
     * @return true when this block completed the piece (the caller then owns it)
     */
    synchronized boolean stored(PeerConnection from, BlockRequest block) {
        int index = block.offset() / BlockRequest.BLOCK_SIZE;
        if (blockDone[index]) {
            return false;
        }
        blockDone[index] = true;
        contributors.add(from);
        return ++blocksDone == blockDone.length;
    }
}
