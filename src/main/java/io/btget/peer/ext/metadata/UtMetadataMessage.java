package io.btget.peer.ext.metadata;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.bencode.BencodeException;
import io.btget.bencode.BencodeLimits;
import io.btget.peer.WireException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One BEP 9 {@code ut_metadata} message: the payload of an extended message (BEP 10, id 20) after its extended id.
 * The payload is a bencoded dictionary {@code {msg_type, piece[, total_size]}}; a {@link Data} message is followed
 * by the raw bytes of the metadata piece. The metadata (the info dictionary) is cut into {@link #PIECE_SIZE} pieces,
 * the last one shorter.
 *
 * <p>Decoding is strict and bounded: a payload over {@link #MAX_PAYLOAD} bytes, a header that is not a dictionary,
 * a missing or non-integer {@code msg_type} or {@code piece}, a piece index outside {@code 0..}{@link #MAX_PIECES}-1,
 * bytes after a request or reject, a {@code total_size} outside {@code 1..}{@link MetadataFetch#MAX_METADATA_SIZE},
 * or piece bytes whose length is not the one {@code total_size} implies for that piece are all a
 * {@link WireException}. An unknown {@code msg_type} decodes to {@link Unknown}, which BEP 9 says to ignore.
 */
public sealed interface UtMetadataMessage {
    /** BEP 9: "Metadata is handled in blocks of 16KiB (16384 Bytes)". */
    int PIECE_SIZE = 16 * 1024;
    /** The most pieces metadata of the largest size we accept can have. */
    int MAX_PIECES = (int) ((MetadataFetch.MAX_METADATA_SIZE + PIECE_SIZE - 1) / PIECE_SIZE);
    /**
     * Room for the bencoded header. Ours is under 60 bytes; 1 KiB leaves room for keys other clients may add, while
     * keeping a message within one piece plus a little.
     */
    int MAX_HEADER = 1024;
    /** The longest payload we decode: a header and one full piece. */
    int MAX_PAYLOAD = MAX_HEADER + PIECE_SIZE;
    /** BEP 9 msg_type values. */
    int REQUEST = 0;
    int DATA = 1;
    int REJECT = 2;

    /** Decoder limits for the header: one flat dictionary of a few small entries. */
    BencodeLimits HEADER_LIMITS = new BencodeLimits(MAX_PAYLOAD, 4, 64);

    /** BEP 9 msg_type 0: the peer asks for metadata piece {@code piece}. */
    record Request(int piece) implements UtMetadataMessage {
        public Request {
            checkPiece(piece);
        }
    }

    /**
     * BEP 9 msg_type 1: metadata piece {@code piece} of a metadata of {@code totalSize} bytes.
     *
     * @param data the piece bytes: {@link #PIECE_SIZE} long except for the last piece, which holds the rest
     */
    record Data(int piece, long totalSize, byte[] data) implements UtMetadataMessage {
        public Data {
            checkPiece(piece);
            if (totalSize < 1 || totalSize > MetadataFetch.MAX_METADATA_SIZE) {
                throw new IllegalArgumentException("total_size " + totalSize + " outside 1.."
                        + MetadataFetch.MAX_METADATA_SIZE);
            }
            if (data.length != pieceLength(piece, totalSize)) {
                throw new IllegalArgumentException("piece " + piece + " of " + data.length + " bytes, expected "
                        + pieceLength(piece, totalSize) + " for total_size " + totalSize);
            }
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data d && d.piece == piece && d.totalSize == totalSize && Arrays.equals(d.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * piece + Long.hashCode(totalSize)) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Data[piece=" + piece + ", totalSize=" + totalSize + ", " + data.length + " bytes]";
        }
    }

    /** BEP 9 msg_type 2: the peer does not have (or will not send) metadata piece {@code piece}. */
    record Reject(int piece) implements UtMetadataMessage {
        public Reject {
            checkPiece(piece);
        }
    }

    /** A msg_type this version does not know; BEP 9: "an unrecognized message ID MUST be ignored". */
    record Unknown(long msgType, int piece) implements UtMetadataMessage {
        public Unknown {
            if (msgType >= REQUEST && msgType <= REJECT) {
                throw new IllegalArgumentException("msg_type " + msgType + " is known");
            }
            checkPiece(piece);
        }
    }

    /**
     * The length of metadata piece {@code piece} for a metadata of {@code totalSize} bytes, or -1 when the piece lies
     * past the end.
     */
    static int pieceLength(int piece, long totalSize) {
        long start = (long) piece * PIECE_SIZE;
        if (piece < 0 || start >= totalSize) {
            return -1;
        }
        return (int) Math.min(PIECE_SIZE, totalSize - start);
    }

    /** The number of metadata pieces of a metadata of {@code totalSize} bytes (BEP 9: 16 KiB each, last shorter). */
    static int pieceCount(long totalSize) {
        return (int) ((totalSize + PIECE_SIZE - 1) / PIECE_SIZE);
    }

    private static void checkPiece(int piece) {
        if (piece < 0 || piece >= MAX_PIECES) {
            throw new IllegalArgumentException("metadata piece " + piece + " outside 0.." + (MAX_PIECES - 1));
        }
    }

    /**
     * Reads one ut_metadata payload.
     *
     * @throws WireException with a one-line reason when the payload breaks BEP 9 or a bound above
     */
    static UtMetadataMessage decode(byte[] payload) throws WireException {
        if (payload.length > MAX_PAYLOAD) {
            throw new WireException("ut_metadata message of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
        BValue header;
        try {
            header = Bencode.decodePrefix(payload, HEADER_LIMITS);
        } catch (BencodeException e) {
            throw new WireException("ut_metadata: " + e.getMessage());
        }
        if (!(header instanceof BDict dict)) {
            throw new WireException("ut_metadata: header is a " + header.typeName() + ", not a dictionary");
        }
        if (header.end() > MAX_HEADER) {
            throw new WireException("ut_metadata: header of " + header.end() + " bytes exceeds " + MAX_HEADER);
        }
        long msgType = integer(dict, "msg_type");
        long pieceValue = integer(dict, "piece");
        if (pieceValue < 0 || pieceValue >= MAX_PIECES) {
            throw new WireException("ut_metadata: piece " + pieceValue + " outside 0.." + (MAX_PIECES - 1));
        }
        int piece = (int) pieceValue;
        int rest = payload.length - header.end();
        if (msgType == DATA) {
            long totalSize = integer(dict, "total_size");
            if (totalSize < 1 || totalSize > MetadataFetch.MAX_METADATA_SIZE) {
                throw new WireException("ut_metadata: total_size " + totalSize + " outside 1.."
                        + MetadataFetch.MAX_METADATA_SIZE);
            }
            int expected = pieceLength(piece, totalSize);
            if (expected < 0) {
                throw new WireException("ut_metadata: piece " + piece + " lies past total_size " + totalSize);
            }
            if (rest != expected) {
                throw new WireException("ut_metadata: piece " + piece + " carries " + rest + " bytes, total_size "
                        + totalSize + " implies " + expected);
            }
            return new Data(piece, totalSize, Arrays.copyOfRange(payload, header.end(), payload.length));
        }
        if (rest != 0) {
            throw new WireException("ut_metadata: " + rest + " bytes after a msg_type " + msgType + " header");
        }
        if (msgType == REQUEST) {
            return new Request(piece);
        }
        if (msgType == REJECT) {
            return new Reject(piece);
        }
        return new Unknown(msgType, piece);
    }

    /** The payload bytes (header, then piece bytes for {@link Data}); what {@link #decode} reads back. */
    default byte[] encode() {
        Map<String, BValue> header = new LinkedHashMap<>();
        byte[] tail = new byte[0];
        if (this instanceof Request r) {
            header.put("msg_type", new BInt(REQUEST));
            header.put("piece", new BInt(r.piece()));
        } else if (this instanceof Data d) {
            header.put("msg_type", new BInt(DATA));
            header.put("piece", new BInt(d.piece()));
            header.put("total_size", new BInt(d.totalSize()));
            tail = d.data;
        } else if (this instanceof Reject r) {
            header.put("msg_type", new BInt(REJECT));
            header.put("piece", new BInt(r.piece()));
        } else if (this instanceof Unknown u) {
            header.put("msg_type", new BInt(u.msgType()));
            header.put("piece", new BInt(u.piece()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + tail.length);
        Bencode.encode(new BDict(header), out);
        out.writeBytes(tail);
        return out.toByteArray();
    }

    private static long integer(BDict dict, String key) throws WireException {
        BValue v = dict.get(key).orElse(null);
        if (v == null) {
            throw new WireException("ut_metadata: " + key + " is missing");
        }
        if (!(v instanceof BInt i)) {
            throw new WireException("ut_metadata: " + key + " is a " + v.typeName() + ", not an integer");
        }
        return i.value();
    }
}
