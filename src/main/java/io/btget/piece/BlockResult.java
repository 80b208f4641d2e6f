package io.btget.piece;

import java.util.List;

/**
 * What the picker made of a block that arrived.
 *
 * @param status        whether the block is new and wanted
 * @param pieceComplete every block of the piece has now been received: hash it
 * @param cancelFrom    other peers that still had this block outstanding (endgame): send them CANCEL
 */
public record BlockResult<P>(Status status, boolean pieceComplete, List<P> cancelFrom) {
    public enum Status {
        /** New data we asked this peer for: keep it. */
        ACCEPTED,
        /** We already have this block (received from another peer, or the piece is verified): drop the data. */
        DUPLICATE,
        /** We have no outstanding request for this block with this peer: drop the data. */
        UNREQUESTED,
        /** The picker is stopped (a fatal disk error): nothing more is taken. */
        REFUSED
    }

    public BlockResult {
        cancelFrom = List.copyOf(cancelFrom);
    }

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }
}
