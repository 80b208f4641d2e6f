package io.btget.peer;

/** Size limits for what peers send us; everything larger is a {@link WireException}, checked before allocating. */
public final class WireLimits {
    /** The block size we request (16 KiB, what every mainstream client uses). */
    public static final int BLOCK_SIZE = 16 * 1024;

    /**
     * Largest block a PIECE message may carry to us. We only ever request {@link #BLOCK_SIZE}, so anything larger is
     * data we did not ask for.
     */
    public static final int MAX_PIECE_BLOCK = BLOCK_SIZE;

    /**
     * Largest block a peer may REQUEST from us when we serve. Most clients ask for 16 KiB; BEP 3 mentions older
     * clients asking for up to 128 KiB, and serving that costs us nothing but a bigger read, so we accept it.
     */
    public static final int MAX_REQUEST = 128 * 1024;

    /** Largest payload of a BEP 10 extended message (metadata pieces are 16 KiB; PEX lists are far smaller). */
    public static final int MAX_EXTENDED_PAYLOAD = 1024 * 1024;

    /** Largest payload of a message id we do not understand; we read and drop it. */
    public static final int MAX_UNKNOWN_PAYLOAD = 1024 * 1024;

    /** Largest BITFIELD before we know the piece count (magnet links): 8 Mi pieces. */
    public static final int MAX_BITFIELD_WITHOUT_METADATA = 1024 * 1024;

    /** Largest length prefix of any message: id byte + the largest payload above. */
    public static final int MAX_MESSAGE = 1 + Math.max(MAX_EXTENDED_PAYLOAD + 1,
            Math.max(MAX_UNKNOWN_PAYLOAD, MAX_BITFIELD_WITHOUT_METADATA));

    private WireLimits() {
    }
}
