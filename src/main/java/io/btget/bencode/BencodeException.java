package io.btget.bencode;

/** Input that is not valid bencode, or that exceeds a decoding limit. The message names the byte offset. */
public final class BencodeException extends RuntimeException {
    private final long offset;

    public BencodeException(String reason, long offset) {
        super("bencode: " + reason + " at byte " + offset);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
