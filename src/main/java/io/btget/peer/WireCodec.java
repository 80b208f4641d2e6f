package io.btget.peer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntUnaryOperator;

/**
 * Turns the length-prefixed peer wire messages of BEP 3 (plus the BEP 6 fast extension messages and the BEP 10
 * extended message) into {@link Message}s and back. No sockets here: it reads a {@link DataInputStream} and writes
 * a {@link DataOutputStream}, whatever is underneath.
 *
 * <p>Everything a peer sends is checked before anything is allocated for it: the length prefix against
 * {@link WireLimits}, fixed-size messages for their exact size, piece indexes against the piece count, blocks
 * against the piece's length, bitfields for their exact length and zero spare bits, extended payloads against
 * {@link WireLimits#MAX_EXTENDED_PAYLOAD}. A violation throws {@link WireException}; a stream that ends, even
 * mid-message, throws {@link EOFException}.
 *
 * <p>Give it buffered streams: {@link DataOutputStream#writeInt} is four single-byte writes, and a PIECE is read
 * with one {@code readFully} that a {@link java.io.BufferedInputStream} smaller than the block passes straight to
 * the socket. Stateless and thread-safe; one instance per torrent serves every connection.
 */
public final class WireCodec {
    /**
     * Where the data of an incoming PIECE message goes, so a block is copied once: from the stream straight into
     * the buffer that assembles its piece.
     */
    @FunctionalInterface
    public interface BlockDestination {
        /**
         * Returns the buffer to read this block into at index {@code offset} (the piece buffer, at least
         * {@code offset + length} bytes), or null to have the codec read it into a fresh array. Called after the
         * message is validated and before its data is read. Return a buffer only for a block you will keep (the
         * picker said ACCEPTED): bytes written into it cannot be taken back.
         */
        byte[] bufferFor(int piece, int offset, int length);
    }

    private static final BlockDestination FRESH_ARRAY = (piece, offset, length) -> null;

    /** -1 before the metadata is known (magnet link, BEP 9): no piece messages, bitfields unchecked. */
    private final int pieceCount;
    private final IntUnaryOperator pieceLength;

    /**
     * @param pieceCount  pieces in the torrent
     * @param pieceLength length of each piece in bytes (the last may be shorter)
     */
    public WireCodec(int pieceCount, IntUnaryOperator pieceLength) {
        if (pieceCount < 0) {
            throw new IllegalArgumentException("piece count must not be negative: " + pieceCount);
        }
        this.pieceCount = pieceCount;
        this.pieceLength = pieceLength;
    }

    private WireCodec() {
        this.pieceCount = -1;
        this.pieceLength = piece -> 0;
    }

    /**
     * A codec for a connection opened before the info dictionary is known (magnet links): HAVE, BITFIELD,
     * SUGGEST_PIECE and ALLOWED_FAST are accepted up to {@link WireLimits} without range checks (the connection
     * checks their piece index once it knows the piece count); REQUEST/PIECE/CANCEL/REJECT_REQUEST are violations,
     * since no block can be asked for, sent or refused before the piece lengths are known.
     */
    public static WireCodec withoutMetadata() {
        return new WireCodec();
    }

    // ---- reading ----

    /** Reads one message; PIECE data goes into a fresh array. */
    public Message read(DataInputStream in) throws IOException {
        return read(in, FRESH_ARRAY);
    }

    /** Reads one message; PIECE data goes where {@code destination} says. */
    public Message read(DataInputStream in, BlockDestination destination) throws IOException {
        int length = in.readInt();
        if (length == 0) {
            return Message.KEEP_ALIVE;
        }
        if (length < 0 || length > WireLimits.MAX_MESSAGE) {
            throw new WireException("wire: message length " + Integer.toUnsignedString(length) + " exceeds limit "
                    + WireLimits.MAX_MESSAGE);
        }
        int id = in.readUnsignedByte();
        int payload = length - 1;
        switch (id) {
            case Message.CHOKE_ID:
                expectPayload(id, payload, 0);
                return Message.CHOKE;
            case Message.UNCHOKE_ID:
                expectPayload(id, payload, 0);
                return Message.UNCHOKE;
            case Message.INTERESTED_ID:
                expectPayload(id, payload, 0);
                return Message.INTERESTED;
            case Message.NOT_INTERESTED_ID:
                expectPayload(id, payload, 0);
                return Message.NOT_INTERESTED;
            case Message.HAVE_ID:
                expectPayload(id, payload, 4);
                return new Message.Have(checkPiece("have", in.readInt()));
            case Message.BITFIELD_ID:
                return readBitfield(in, payload);
            case Message.REQUEST_ID:
            case Message.CANCEL_ID:
                return readBlockRequestShaped(in, id, payload);
            case Message.PIECE_ID:
                return readPiece(in, payload, destination);
            case Message.SUGGEST_PIECE_ID:
                expectPayload(id, payload, 4);
                return new Message.SuggestPiece(checkPiece("suggest piece", in.readInt()));
            case Message.HAVE_ALL_ID:
                expectPayload(id, payload, 0);
                return Message.HAVE_ALL;
            case Message.HAVE_NONE_ID:
                expectPayload(id, payload, 0);
                return Message.HAVE_NONE;
            case Message.REJECT_REQUEST_ID:
                return readBlockRequestShaped(in, id, payload);
            case Message.ALLOWED_FAST_ID:
                expectPayload(id, payload, 4);
                return new Message.AllowedFast(checkPiece("allowed fast", in.readInt()));
            case Message.PORT_ID:
                expectPayload(id, payload, 2);
                return new Message.Port(in.readUnsignedShort());
            case Message.EXTENDED_ID:
                if (payload < 1 || payload > WireLimits.MAX_EXTENDED_PAYLOAD + 1) {
                    throw new WireException("wire: extended message payload of " + payload + " bytes, expected 1.."
                            + (WireLimits.MAX_EXTENDED_PAYLOAD + 1));
                }
                int extendedId = in.readUnsignedByte();
                return new Message.Extended(extendedId, readBytes(in, payload - 1));
            default:
                if (payload > WireLimits.MAX_UNKNOWN_PAYLOAD) {
                    throw new WireException("wire: message id " + id + " with " + payload + " bytes exceeds limit "
                            + WireLimits.MAX_UNKNOWN_PAYLOAD);
                }
                return new Message.Unknown(id, readBytes(in, payload));
        }
    }

    private Message readBitfield(DataInputStream in, int payload) throws IOException {
        if (pieceCount < 0) {
            if (payload > WireLimits.MAX_BITFIELD_WITHOUT_METADATA) {
                throw new WireException("wire: bitfield of " + payload + " bytes exceeds limit "
                        + WireLimits.MAX_BITFIELD_WITHOUT_METADATA);
            }
            return new Message.BitfieldMessage(readBytes(in, payload));
        }
        int expected = (pieceCount + 7) >>> 3;
        if (payload != expected) {
            throw new WireException("wire: bitfield of " + payload + " bytes, expected " + expected + " for "
                    + pieceCount + " pieces");
        }
        byte[] bits = readBytes(in, payload);
        int spareBits = expected * 8 - pieceCount;
        if (spareBits > 0 && (bits[expected - 1] & ((1 << spareBits) - 1)) != 0) {
            throw new WireException("wire: bitfield has a spare bit set beyond piece " + (pieceCount - 1));
        }
        return new Message.BitfieldMessage(bits);
    }

    private Message readBlockRequestShaped(DataInputStream in, int id, int payload) throws IOException {
        String what = id == Message.REQUEST_ID ? "request" : id == Message.CANCEL_ID ? "cancel" : "reject request";
        expectPayload(id, payload, 12);
        int piece = in.readInt();
        int offset = in.readInt();
        int length = in.readInt();
        // A REJECT_REQUEST names one of our REQUESTs, so it has a REQUEST's shape and bounds (BEP 6); whether we
        // really asked for that block is the connection's business.
        checkBlock(what, piece, offset, length, WireLimits.MAX_REQUEST);
        if (id == Message.REQUEST_ID) {
            return new Message.Request(piece, offset, length);
        }
        return id == Message.CANCEL_ID
                ? new Message.Cancel(piece, offset, length)
                : new Message.RejectRequest(piece, offset, length);
    }

    private Message readPiece(DataInputStream in, int payload, BlockDestination destination) throws IOException {
        if (payload < 9 || payload > 8 + WireLimits.MAX_PIECE_BLOCK) {
            throw new WireException("wire: piece message payload of " + payload + " bytes, expected 9.."
                    + (8 + WireLimits.MAX_PIECE_BLOCK));
        }
        int piece = in.readInt();
        int offset = in.readInt();
        int length = payload - 8;
        checkBlock("piece", piece, offset, length, WireLimits.MAX_PIECE_BLOCK);
        byte[] buffer = destination.bufferFor(piece, offset, length);
        if (buffer == null) {
            byte[] data = readBytes(in, length);
            return new Message.Piece(piece, offset, data, 0, length);
        }
        if (buffer.length - length < offset) {
            throw new IllegalArgumentException("destination buffer of " + buffer.length + " bytes cannot hold block at "
                    + offset + " of " + length + " bytes");
        }
        in.readFully(buffer, offset, length);
        return new Message.Piece(piece, offset, buffer, offset, length);
    }

    private static void expectPayload(int id, int payload, int expected) throws WireException {
        if (payload != expected) {
            throw new WireException("wire: message id " + id + " has " + payload + " payload bytes, expected "
                    + expected);
        }
    }

    private int checkPiece(String what, int piece) throws WireException {
        if (piece < 0 || (pieceCount >= 0 && piece >= pieceCount)) {
            throw new WireException("wire: " + what + " for piece " + Integer.toUnsignedString(piece)
                    + (pieceCount >= 0 ? " outside 0.." + (pieceCount - 1) : ""));
        }
        return piece;
    }

    private void checkBlock(String what, int piece, int offset, int length, int maxLength) throws WireException {
        if (pieceCount < 0) {
            throw new WireException("wire: " + what + " before the torrent's metadata is known");
        }
        checkPiece(what, piece);
        if (length <= 0 || length > maxLength) {
            throw new WireException("wire: " + what + " of " + Integer.toUnsignedString(length)
                    + " bytes, expected 1.." + maxLength);
        }
        int size = pieceLength.applyAsInt(piece);
        if (offset < 0 || offset > size - length) {
            throw new WireException("wire: " + what + " for bytes " + Integer.toUnsignedString(offset) + "+" + length
                    + " outside piece " + piece + " of " + size + " bytes");
        }
    }

    private static byte[] readBytes(DataInputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    // ---- writing ----

    /** Writes one message (not flushed). Sends what the record holds; validating what we send is the caller's job. */
    public static void write(Message message, DataOutputStream out) throws IOException {
        if (message instanceof Message.Piece piece) {
            writePieceHeader(out, piece.piece(), piece.offset(), piece.length());
            out.write(piece.buffer(), piece.bufferOffset(), piece.length());
        } else if (message instanceof Message.Request request) {
            writeBlockMessage(out, Message.REQUEST_ID, request.piece(), request.offset(), request.length());
        } else if (message instanceof Message.Cancel cancel) {
            writeBlockMessage(out, Message.CANCEL_ID, cancel.piece(), cancel.offset(), cancel.length());
        } else if (message instanceof Message.Have have) {
            writePieceIndexMessage(out, Message.HAVE_ID, have.piece());
        } else if (message instanceof Message.KeepAlive) {
            out.writeInt(0);
        } else if (message instanceof Message.Choke) {
            writeIdOnly(out, Message.CHOKE_ID);
        } else if (message instanceof Message.Unchoke) {
            writeIdOnly(out, Message.UNCHOKE_ID);
        } else if (message instanceof Message.Interested) {
            writeIdOnly(out, Message.INTERESTED_ID);
        } else if (message instanceof Message.NotInterested) {
            writeIdOnly(out, Message.NOT_INTERESTED_ID);
        } else if (message instanceof Message.BitfieldMessage bitfield) {
            byte[] bits = bitfield.bits();
            out.writeInt(1 + bits.length);
            out.writeByte(Message.BITFIELD_ID);
            out.write(bits);
        } else if (message instanceof Message.SuggestPiece suggest) {
            writePieceIndexMessage(out, Message.SUGGEST_PIECE_ID, suggest.piece());
        } else if (message instanceof Message.HaveAll) {
            writeIdOnly(out, Message.HAVE_ALL_ID);
        } else if (message instanceof Message.HaveNone) {
            writeIdOnly(out, Message.HAVE_NONE_ID);
        } else if (message instanceof Message.RejectRequest reject) {
            writeBlockMessage(out, Message.REJECT_REQUEST_ID, reject.piece(), reject.offset(), reject.length());
        } else if (message instanceof Message.AllowedFast allowed) {
            writePieceIndexMessage(out, Message.ALLOWED_FAST_ID, allowed.piece());
        } else if (message instanceof Message.Port port) {
            out.writeInt(3);
            out.writeByte(Message.PORT_ID);
            out.writeShort(port.port());
        } else if (message instanceof Message.Extended extended) {
            byte[] payload = extended.payload();
            out.writeInt(2 + payload.length);
            out.writeByte(Message.EXTENDED_ID);
            out.writeByte(extended.id());
            out.write(payload);
        } else if (message instanceof Message.Unknown unknown) {
            byte[] payload = unknown.payload();
            out.writeInt(1 + payload.length);
            out.writeByte(unknown.id());
            out.write(payload);
        } else {
            throw new IllegalArgumentException("no encoding for " + message);
        }
    }

    /**
     * The 13 bytes before a PIECE message's data, for a seeder that writes the data itself (e.g. straight from a
     * file read) right after.
     */
    public static void writePieceHeader(DataOutputStream out, int piece, int offset, int length) throws IOException {
        writeBlockMessageHeader(out, Message.PIECE_ID, 9 + length, piece, offset);
    }

    /** The message as bytes, length prefix included. */
    public static byte[] encode(Message message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try {
            write(message, new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    private static void writeIdOnly(DataOutputStream out, int id) throws IOException {
        out.writeInt(1);
        out.writeByte(id);
    }

    private static void writePieceIndexMessage(DataOutputStream out, int id, int piece) throws IOException {
        out.writeInt(5);
        out.writeByte(id);
        out.writeInt(piece);
    }

    private static void writeBlockMessage(DataOutputStream out, int id, int piece, int offset, int length)
            throws IOException {
        writeBlockMessageHeader(out, id, 13, piece, offset);
        out.writeInt(length);
    }

    private static void writeBlockMessageHeader(DataOutputStream out, int id, int messageLength, int piece,
            int offset) throws IOException {
        out.writeInt(messageLength);
        out.writeByte(id);
        out.writeInt(piece);
        out.writeInt(offset);
    }
}
