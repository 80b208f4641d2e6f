package io.btget.peer;

import java.util.Arrays;

/**
 * One peer wire message (BEP 3, plus the BEP 6 fast extension and the BEP 10 extended message), after the handshake. {@link WireCodec} turns bytes into these and back.
 * Records validate their own fields (IllegalArgumentException); the codec checks peer input before building them.
 */
public sealed interface Message {
    int CHOKE_ID = 0;
    int UNCHOKE_ID = 1;
    int INTERESTED_ID = 2;
    int NOT_INTERESTED_ID = 3;
    int HAVE_ID = 4;
    int BITFIELD_ID = 5;
    int REQUEST_ID = 6;
    int PIECE_ID = 7;
    int CANCEL_ID = 8;
    /** BEP 5: the sender's DHT port. */
    int PORT_ID = 9;
    /** BEP 6: the sender suggests we download this piece (advisory). */
    int SUGGEST_PIECE_ID = 0x0D;
    /** BEP 6: the sender has every piece; sent instead of a BITFIELD, only when both sides set the fast bit. */
    int HAVE_ALL_ID = 0x0E;
    /** BEP 6: the sender has no piece; sent instead of a BITFIELD, only when both sides set the fast bit. */
    int HAVE_NONE_ID = 0x0F;
    /** BEP 6: the sender will not serve this REQUEST (each request gets a PIECE or a REJECT under the fast extension). */
    int REJECT_REQUEST_ID = 0x10;
    /** BEP 6: the sender serves this piece to us even while it chokes us. */
    int ALLOWED_FAST_ID = 0x11;
    /** BEP 10: extension protocol; the first payload byte is the extended message id (0 = extended handshake). */
    int EXTENDED_ID = 20;

    KeepAlive KEEP_ALIVE = new KeepAlive();
    Choke CHOKE = new Choke();
    Unchoke UNCHOKE = new Unchoke();
    Interested INTERESTED = new Interested();
    NotInterested NOT_INTERESTED = new NotInterested();
    HaveAll HAVE_ALL = new HaveAll();
    HaveNone HAVE_NONE = new HaveNone();

    /** A zero-length message: keeps an idle connection open (BEP 3 suggests one every two minutes). */
    record KeepAlive() implements Message {
    }

    record Choke() implements Message {
    }

    record Unchoke() implements Message {
    }

    record Interested() implements Message {
    }

    record NotInterested() implements Message {
    }

    record Have(int piece) implements Message {
        public Have {
            requireNonNegative("piece", piece);
        }
    }

    /** The raw wire form of a bitfield (see {@code io.btget.piece.Bitfield#fromWireBytes}). */
    record BitfieldMessage(byte[] bits) implements Message {
        public BitfieldMessage {
            bits = bits.clone();
        }

        @Override
        public byte[] bits() {
            return bits.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BitfieldMessage other && Arrays.equals(bits, other.bits);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bits);
        }

        @Override
        public String toString() {
            return "BitfieldMessage[" + bits.length + " bytes]";
        }
    }

    record Request(int piece, int offset, int length) implements Message {
        public Request {
            requireBlock(piece, offset, length);
        }
    }

    /**
     * A block of data: {@code length} bytes at {@code bufferOffset} of {@code buffer}. The buffer is shared, not
     * copied (the hot path), often a whole piece buffer; whoever holds the message must not change that range.
     */
    record Piece(int piece, int offset, byte[] buffer, int bufferOffset, int length) implements Message {
        public Piece {
            requireBlock(piece, offset, length);
            if (bufferOffset < 0 || bufferOffset > buffer.length - length) {
                throw new IllegalArgumentException("block of " + length + " bytes at " + bufferOffset
                        + " outside a buffer of " + buffer.length);
            }
        }

        /** A block that owns its whole array. */
        public Piece(int piece, int offset, byte[] data) {
            this(piece, offset, data, 0, data.length);
        }

        /** A copy of the block's bytes. */
        public byte[] data() {
            return Arrays.copyOfRange(buffer, bufferOffset, bufferOffset + length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Piece other && piece == other.piece && offset == other.offset
                    && Arrays.equals(buffer, bufferOffset, bufferOffset + length,
                            other.buffer, other.bufferOffset, other.bufferOffset + other.length);
        }

        @Override
        public int hashCode() {
            int h = 31 * piece + offset;
            for (int i = bufferOffset; i < bufferOffset + length; i++) {
                h = 31 * h + buffer[i];
            }
            return h;
        }

        @Override
        public String toString() {
            return "Piece[piece=" + piece + ", offset=" + offset + ", length=" + length + "]";
        }
    }

    record Cancel(int piece, int offset, int length) implements Message {
        public Cancel {
            requireBlock(piece, offset, length);
        }
    }

    /** BEP 5: the port the sender's DHT node listens on. */
    record Port(int port) implements Message {
        public Port {
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("port outside 0..65535: " + port);
            }
        }
    }

    /** BEP 10: an extension message; {@code id} 0 is the extended handshake, others as that handshake assigned. */
    record Extended(int id, byte[] payload) implements Message {
        public Extended {
            if (id < 0 || id > 0xff) {
                throw new IllegalArgumentException("extended message id outside 0..255: " + id);
            }
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Extended other && id == other.id && Arrays.equals(payload, other.payload);
        }

        @Override
        public int hashCode() {
            return 31 * id + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Extended[id=" + id + ", " + payload.length + " bytes]";
        }
    }

    /** BEP 6 SUGGEST_PIECE (id 0x0D): a hint; the receiver may ignore it. */
    record SuggestPiece(int piece) implements Message {
        public SuggestPiece {
            requireNonNegative("piece", piece);
        }
    }

    /** BEP 6 HAVE_ALL (id 0x0E, no payload): replaces the BITFIELD of a seeder. */
    record HaveAll() implements Message {
    }

    /** BEP 6 HAVE_NONE (id 0x0F, no payload): replaces the BITFIELD of a peer with no piece. */
    record HaveNone() implements Message {
    }

    /** BEP 6 REJECT_REQUEST (id 0x10): the sender drops our REQUEST for this block; same fields as REQUEST. */
    record RejectRequest(int piece, int offset, int length) implements Message {
        public RejectRequest {
            requireBlock(piece, offset, length);
        }
    }

    /** BEP 6 ALLOWED_FAST (id 0x11): the sender serves REQUESTs for this piece even while it chokes us. */
    record AllowedFast(int piece) implements Message {
        public AllowedFast {
            requireNonNegative("piece", piece);
        }
    }

    /**
     * A message id we do not implement, kept so it can be logged and skipped (ids other than 0-9, 13-17 and 20;
     * e.g. the BEP 52 hash messages 21-23). Ids we do implement are refused here, so that an {@code Unknown}
     * always re-reads as itself.
     */
    record Unknown(int id, byte[] payload) implements Message {
        public Unknown {
            if (id < 0 || id > 0xff) {
                throw new IllegalArgumentException("message id outside 0..255: " + id);
            }
            if (id <= PORT_ID || (id >= SUGGEST_PIECE_ID && id <= ALLOWED_FAST_ID) || id == EXTENDED_ID) {
                throw new IllegalArgumentException("message id " + id + " is a known message, not Unknown");
            }
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown other && id == other.id && Arrays.equals(payload, other.payload);
        }

        @Override
        public int hashCode() {
            return 31 * id + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Unknown[id=" + id + ", " + payload.length + " bytes]";
        }
    }

    private static void requireNonNegative(String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + value);
        }
    }

    private static void requireBlock(int piece, int offset, int length) {
        requireNonNegative("piece", piece);
        requireNonNegative("offset", offset);
        if (length <= 0) {
            throw new IllegalArgumentException("block length must be positive: " + length);
        }
    }
}
