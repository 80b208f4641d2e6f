package io.btget.peer;

/**
 * Serves a peer's block requests from a small read-ahead window instead of one disk read per 16 KiB block:
 * downloaders walk a piece block by block, so one read of 256 KiB answers the next sixteen requests. The window
 * never leaves its piece (pieces can be verified ones only) and is allocated on the first upload, so a connection
 * that never uploads costs nothing. Writer thread only (every field is confined to it). A read error of verified
 * data is fatal to the session (see {@link TorrentContext#readBlock}), so nothing here retries.
 */
final class UploadReadAhead {
    static final int WINDOW = 256 * 1024;

    private final TorrentContext ctx;
    private byte[] window;
    private int piece = -1;
    private int start;
    private int end;

    UploadReadAhead(TorrentContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Makes sure {@code [offset, offset + length)} of {@code piece} is in {@link #buffer()}.
     *
     * @return where the block starts in the buffer, or -1 when it cannot be read
     */
    int load(int piece, int offset, int length) {
        if (piece == this.piece && offset >= start && offset + length <= end) {
            return offset - start;
        }
        if (window == null) {
            window = new byte[WINDOW];
        }
        int readEnd = Math.min(ctx.pieceSize(piece), offset + Math.max(length, WINDOW));
        if (readEnd - offset > window.length || !ctx.readBlock(piece, offset, readEnd - offset, window)) {
            this.piece = -1;
            return -1;
        }
        this.piece = piece;
        this.start = offset;
        this.end = readEnd;
        return 0;
    }

    byte[] buffer() {
        return window;
    }
}
