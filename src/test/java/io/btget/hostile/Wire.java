package io.btget.hostile;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Peer-wire frames built and read byte by byte in the test itself, so that hostile peers can say what the
 * production codec would refuse to write and read what it may not know yet (BEP 6 Fast messages, BEP 10
 * extended messages). A frame is {@code <length:int32><id:u8><payload>}; length 0 is a keep-alive.
 */
final class Wire {
    private Wire() {
    }

    /** BEP 10: reserved byte 5, bit 0x10. */
    static final int EXTENSION_BYTE = 5;
    static final int EXTENSION_BIT = 0x10;
    /** BEP 6: reserved byte 7, bit 0x04. */
    static final int FAST_BYTE = 7;
    static final int FAST_BIT = 0x04;

    // BEP 3 ids
    static final int CHOKE = 0;
    static final int UNCHOKE = 1;
    static final int INTERESTED = 2;
    static final int HAVE = 4;
    static final int BITFIELD = 5;
    static final int REQUEST = 6;
    static final int PIECE = 7;
    // BEP 6 ids
    static final int SUGGEST_PIECE = 0x0D;
    static final int HAVE_ALL = 0x0E;
    static final int HAVE_NONE = 0x0F;
    static final int REJECT_REQUEST = 0x10;
    static final int ALLOWED_FAST = 0x11;
    // BEP 10
    static final int EXTENDED = 20;
    static final int EXTENDED_HANDSHAKE = 0;

    /** Larger than any frame btget sends (a 16 KiB block, its bitfield, an extended message); bounds our reads. */
    static final int MAX_FRAME = 1 << 20;

    /** One frame read; {@code id} -1 for a keep-alive. */
    record Frame(int id, byte[] payload) {
        boolean isExtended(int extendedId) {
            return id == EXTENDED && payload.length >= 1 && (payload[0] & 0xff) == extendedId;
        }

        /** The payload of an extended message after its one-byte extended id. */
        byte[] extendedPayload() {
            return java.util.Arrays.copyOfRange(payload, 1, payload.length);
        }

        int intAt(int index) {
            return ByteBuffer.wrap(payload).getInt(index * 4);
        }
    }

    static byte[] reserved(boolean extension, boolean fast) {
        byte[] r = new byte[8];
        if (extension) {
            r[EXTENSION_BYTE] |= EXTENSION_BIT;
        }
        if (fast) {
            r[FAST_BYTE] |= FAST_BIT;
        }
        return r;
    }

    static boolean hasExtensionBit(byte[] reserved) {
        return (reserved[EXTENSION_BYTE] & EXTENSION_BIT) != 0;
    }

    static boolean hasFastBit(byte[] reserved) {
        return (reserved[FAST_BYTE] & FAST_BIT) != 0;
    }

    static Frame readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == 0) {
            return new Frame(-1, new byte[0]);
        }
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("btget sent a frame of " + length + " bytes");
        }
        int id = in.readUnsignedByte();
        byte[] payload = new byte[length - 1];
        in.readFully(payload);
        return new Frame(id, payload);
    }

    static byte[] frame(int id, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.putInt(1 + payload.length).put((byte) id).put(payload);
        return b.array();
    }

    static byte[] frame(int id, int... ints) {
        ByteBuffer b = ByteBuffer.allocate(ints.length * 4);
        for (int v : ints) {
            b.putInt(v);
        }
        return frame(id, b.array());
    }

    /** An extended message (BEP 10): id 20, then the receiver's id for the extension, then the payload. */
    static byte[] extended(int extendedId, byte[] payload) {
        byte[] p = new byte[1 + payload.length];
        p[0] = (byte) extendedId;
        System.arraycopy(payload, 0, p, 1, payload.length);
        return frame(EXTENDED, p);
    }

    static byte[] piece(int piece, int offset, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putInt(piece).putInt(offset).put(data);
        return frame(PIECE, b.array());
    }

    static byte[] fullBitfield(int pieceCount) {
        byte[] bits = new byte[(pieceCount + 7) / 8];
        for (int p = 0; p < pieceCount; p++) {
            bits[p / 8] |= (byte) (0x80 >>> (p % 8));
        }
        return frame(BITFIELD, bits);
    }

    /** BEP 9 ut_metadata data message: the bencoded header, then the raw piece bytes. */
    static byte[] metadataData(long piece, long totalSize, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Ben.encode(Ben.map("msg_type", 1, "piece", piece, "total_size", totalSize)));
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] metadataReject(long piece) {
        return Ben.encode(Ben.map("msg_type", 2, "piece", piece));
    }

    /** Compact peers (BEP 11 / BEP 23): 4 or 16 address bytes, then the port, big-endian. */
    static byte[] compact(InetSocketAddress... peers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (InetSocketAddress a : peers) {
            out.writeBytes(a.getAddress().getAddress());
            out.write(a.getPort() >>> 8);
            out.write(a.getPort());
        }
        return out.toByteArray();
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            // a literal: never a name lookup
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
