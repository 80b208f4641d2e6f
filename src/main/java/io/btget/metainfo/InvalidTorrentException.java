package io.btget.metainfo;

/** A .torrent or magnet link that cannot be used; the message says what and where, in one line. */
public final class InvalidTorrentException extends RuntimeException {
    public InvalidTorrentException(String message) {
        super(message);
    }

    public InvalidTorrentException(String message, Throwable cause) {
        super(message, cause);
    }
}
