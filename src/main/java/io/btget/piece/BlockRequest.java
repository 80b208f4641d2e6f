package io.btget.piece;

/**
 * One block of a piece: the unit peers request and send (BEP 3 REQUEST/PIECE). We always ask for
 * {@link #BLOCK_SIZE} bytes, except for the last block of a piece, which may be shorter.
 */
public record BlockRequest(int piece, int offset, int length) {
    /** 16 KiB: the block size every mainstream client requests and serves. */
    public static final int BLOCK_SIZE = 16 * 1024;

    public BlockRequest {
        if (piece < 0 || offset < 0 || length <= 0) {
            throw new IllegalArgumentException(
                    "invalid block request: piece " + piece + " offset " + offset + " length " + length);
        }
    }

    /** Number of blocks in a piece of {@code pieceLength} bytes. */
    public static int blockCount(int pieceLength) {
        return (pieceLength + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    /** The {@code block}-th block of a piece of {@code pieceLength} bytes. */
    public static BlockRequest of(int piece, int block, int pieceLength) {
        int offset = block * BLOCK_SIZE;
        return new BlockRequest(piece, offset, Math.min(BLOCK_SIZE, pieceLength - offset));
    }

    /** Index of this block within its piece. */
    public int blockIndex() {
        return offset / BLOCK_SIZE;
    }
}
