package io.btget.dht.krpc;

import java.util.Optional;

/**
 * A packet that is not a valid KRPC message (BEP 5). Carries the transaction id when one could be read, so that a
 * bad query can be answered with error 203 (protocol error) rather than ignored, and the BEP 5 error code to use.
 */
public final class KrpcException extends Exception {
    /** BEP 5 error codes. */
    public static final int GENERIC = 201;
    public static final int SERVER = 202;
    public static final int PROTOCOL = 203;
    public static final int METHOD_UNKNOWN = 204;

    private final byte[] transactionId;
    private final int code;
    private final boolean query;

    /**
     * @param message       what is wrong, one line
     * @param transactionId the packet's {@code t} when it could be read, else null
     * @param query         whether the packet claimed to be a query ({@code y == "q"}), so an error reply is due
     * @param code          the BEP 5 code for the error reply (203 or 204)
     */
    public KrpcException(String message, byte[] transactionId, boolean query, int code) {
        super(message, null, false, false);
        this.transactionId = transactionId == null ? null : transactionId.clone();
        this.query = query;
        this.code = code;
    }

    public KrpcException(String message) {
        this(message, null, false, PROTOCOL);
    }

    public Optional<byte[]> transactionId() {
        return Optional.ofNullable(transactionId).map(byte[]::clone);
    }

    /** Whether the packet was a query we should answer with an error. */
    public boolean wasQuery() {
        return query && transactionId != null;
    }

    public int code() {
        return code;
    }
}
