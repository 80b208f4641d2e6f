package io.btget.webseed;

import io.btget.peer.BlockSource;
import io.btget.peer.RateLimiter;
import io.btget.piece.BlockRequest;
import io.btget.piece.PiecePicker;
import java.util.List;
import java.util.Map;

/** What a web seed needs of its torrent's session: the same picker and completion path as a peer's blocks. */
public interface WebSeedHost {
    PiecePicker<BlockSource> picker();

    /** The buffer assembling {@code piece}, for a block the picker accepted. */
    byte[] pieceBuffer(int piece);

    /** A block is in its piece's buffer (counted as downloaded); the block that completes a piece verifies it. */
    void blockStored(BlockSource from, BlockRequest block, byte[] buffer);

    /** Bytes that arrived and were of no use (a block another source delivered first). */
    void countWasted(int bytes);

    /** The picker gave these started pieces up when the web seed left: their partial data goes. */
    void piecesAbandoned(List<Integer> pieces);

    boolean isComplete();

    RateLimiter downloadLimiter();

    /** A line for the user and {@code --json} (a web seed failing, retrying, banned, given up). */
    void event(String type, String message, Map<String, Object> fields);
}
