package io.btget.dht.krpc;

/**
 * Bytes of one UDP datagram to and from {@link KrpcMessage} (BEP 5, with BEP 42's {@code ip} and BEP 43's
 * {@code ro}). No sockets. SKELETON: the krpc helper implements it (see /work/wt/_brief/APIS.md).
 */
public final class KrpcCodec {
    /** Largest transaction id accepted, bytes. */
    public static final int MAX_TRANSACTION_ID = 16;
    /** Largest token accepted, bytes. */
    public static final int MAX_TOKEN = 64;
    /** Largest datagram decoded, bytes. */
    public static final int MAX_PACKET = 1500;

    private KrpcCodec() {
    }

    /** Decodes one datagram {@code packet[0, length)}. */
    public static KrpcMessage decode(byte[] packet, int length) throws KrpcException {
        throw new UnsupportedOperationException("krpc helper");
    }

    /** The datagram for {@code message}. */
    public static byte[] encode(KrpcMessage message) {
        throw new UnsupportedOperationException("krpc helper");
    }
}
