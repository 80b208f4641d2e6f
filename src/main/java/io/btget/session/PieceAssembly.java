package io.btget.session;

import io.btget.peer.PeerConnection;
import io.btget.piece.BlockRequest;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * One piece being put together from blocks in a pooled buffer. The thread that copies in the last block owns the
 * completed piece (it hashes and writes it), so completion is decided here, under this object's lock, after the
 * copy — never from bookkeeping that could run ahead of a copy still in progress on another thread.
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
     * Copies a block in.
     *
     * @return true when this block completed the piece (the caller then owns it)
     */
    synchronized boolean add(PeerConnection from, BlockRequest block, byte[] data, int dataOffset) {
        int index = block.offset() / BlockRequest.BLOCK_SIZE;
        if (blockDone[index]) {
            return false;
        }
        System.arraycopy(data, dataOffset, buffer, block.offset(), block.length());
        blockDone[index] = true;
        contributors.add(from);
        return ++blocksDone == blockDone.length;
    }
}
