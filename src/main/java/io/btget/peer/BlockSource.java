package io.btget.peer;

import io.btget.piece.BlockRequest;

/**
 * What the picker's peer handle and piece completion need of anything that delivers blocks: a {@link PeerConnection},
 * or a web seed (BEP 19, package {@code webseed}), which is a peer to the picker without being a socket.
 */
public interface BlockSource {
    /**
     * In endgame: nothing arrived from this source for a while (or it cannot deliver now), so the blocks it holds
     * may be requested from others too. Called by the picker under its lock: must be cheap and must not block.
     */
    boolean lagging();

    /** A piece this source sent blocks of failed its hash check. @return the failures charged to it so far */
    int chargeHashFailure();

    /** Ends this source; {@code misbehaved} when it is for bad data (it is not used again). Any thread; idempotent. */
    void close(String reason, boolean misbehaved);

    /** Another source delivered {@code block} first (endgame): stop fetching it if that is still possible. */
    void cancel(BlockRequest block);
}
