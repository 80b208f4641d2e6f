package io.btget.stream;

import io.btget.piece.PiecePriorities;

/** What the stream server needs of a download: which pieces are verified, their bytes, and a say in what comes next. */
public interface PieceSource {
    /** The torrent's piece length (the last piece may be shorter). */
    int pieceLength();

    /** True once the piece passed its hash check: only then are its bytes served. */
    boolean have(int piece);

    /** Reads {@code length} bytes of a verified piece from {@code offset} into {@code dst[0..]}; false when it cannot. */
    boolean read(int piece, int offset, byte[] dst, int length);

    /** The windows of pieces the download fetches before any other. */
    PiecePriorities priorities();

    /** True once the download is stopping (Ctrl-C, an error): waits for pieces end. */
    boolean stopping();
}
