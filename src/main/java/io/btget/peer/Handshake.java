package io.btget.peer;

import io.btget.metainfo.InfoHash;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 68-byte handshake that opens every peer connection (BEP 3): length 19, "BitTorrent protocol", 8 reserved
 * bytes of feature bits, the info hash, the peer id.
 */
public record Handshake(byte[] reserved, InfoHash infoHash, PeerId peerId) {
    public static final int LENGTH = 68;
    /** Bytes up to and including the info hash: a receiver may answer once it has seen these (BEP 3). */
    public static final int LENGTH_BEFORE_PEER_ID = 48;
    public static final String PROTOCOL = "BitTorrent protocol";
    private static final byte[] PROTOCOL_BYTES = PROTOCOL.getBytes(StandardCharsets.US_ASCII);

    /** BEP 10 extension protocol: reserved byte 5, bit 0x10. */
    private static final int EXTENSION_BYTE = 5;
    private static final int EXTENSION_BIT = 0x10;
    /** BEP 6 fast extension: reserved byte 7, bit 0x04. */
    private static final int FAST_BYTE = 7;
    private static final int FAST_BIT = 0x04;
    /** BEP 5 DHT: reserved byte 7, bit 0x01. */
    private static final int DHT_BYTE = 7;
    private static final int DHT_BIT = 0x01;

    public Handshake {
        if (reserved.length != 8) {
            throw new IllegalArgumentException("reserved bytes must be 8, got " + reserved.length);
        }
        reserved = reserved.clone();
    }

    /**
     * What we support, as announced in our reserved bits: BEP 10 extension protocol (byte 5, 0x10), BEP 6 Fast
     * (byte 7, 0x04) and BEP 5 DHT (byte 7, 0x01). The DHT bit is set only when this process runs a DHT node and
     * the torrent is not private (BEP 27).
     */
    public record Features(boolean extensionProtocol, boolean fast, boolean dht) {
        public static final Features NONE = new Features(false, false, false);
        /** Extension protocol and Fast; no DHT (see {@link #withDht}). */
        public static final Features ALL = new Features(true, true, false);

        /** Without the DHT bit. */
        public Features(boolean extensionProtocol, boolean fast) {
            this(extensionProtocol, fast, false);
        }

        /** These features with the DHT bit as given. */
        public Features withDht(boolean on) {
            return new Features(extensionProtocol, fast, on);
        }
    }

    /** Our handshake with the bits of {@code features}. */
    public static Handshake ours(InfoHash infoHash, PeerId peerId, Features features) {
        byte[] reserved = new byte[8];
        if (features.extensionProtocol()) {
            reserved[EXTENSION_BYTE] |= EXTENSION_BIT;
        }
        if (features.fast()) {
            reserved[FAST_BYTE] |= FAST_BIT;
        }
        if (features.dht()) {
            reserved[DHT_BYTE] |= DHT_BIT;
        }
        return new Handshake(reserved, infoHash, peerId);
    }

    /** Our handshake: the extension protocol bit as asked, no fast extension, no DHT. */
    public static Handshake ours(InfoHash infoHash, PeerId peerId, boolean extensionProtocol) {
        byte[] reserved = new byte[8];
        if (extensionProtocol) {
            reserved[EXTENSION_BYTE] |= EXTENSION_BIT;
        }
        return new Handshake(reserved, infoHash, peerId);
    }

    /** What precedes the peer id: enough to pick the torrent for an incoming connection. */
    public record Start(byte[] reserved, InfoHash infoHash) {
        public Start {
            reserved = reserved.clone();
        }

        @Override
        public byte[] reserved() {
            return reserved.clone();
        }

        public Handshake withPeerId(PeerId peerId) {
            return new Handshake(reserved, infoHash, peerId);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Start other && Arrays.equals(reserved, other.reserved)
                    && infoHash.equals(other.infoHash);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(reserved) + infoHash.hashCode();
        }

        @Override
        public String toString() {
            return "Handshake.Start[" + infoHash + "]";
        }
    }

    /** Parses exactly 68 bytes. */
    public static Handshake parse(byte[] bytes) throws WireException {
        if (bytes.length != LENGTH) {
            throw new WireException("handshake: " + bytes.length + " bytes, expected " + LENGTH);
        }
        checkProtocol(bytes[0] & 0xff, Arrays.copyOfRange(bytes, 1, 20));
        return new Handshake(Arrays.copyOfRange(bytes, 20, 28), new InfoHash(Arrays.copyOfRange(bytes, 28, 48)),
                new PeerId(Arrays.copyOfRange(bytes, 48, 68)));
    }

    /** Reads a whole handshake. */
    public static Handshake read(DataInputStream in) throws IOException {
        return readStart(in).withPeerId(readPeerId(in));
    }

    /**
     * Reads the first 48 bytes. The length byte is checked before reading further, so a peer speaking another
     * protocol (or an encrypted one, BEP 8 MSE) is refused at once rather than after a timeout.
     */
    public static Start readStart(DataInputStream in) throws IOException {
        int pstrlen = in.readUnsignedByte();
        if (pstrlen != PROTOCOL_BYTES.length) {
            throw new WireException("handshake: protocol name length " + pstrlen + ", expected 19"
                    + " (not plain BitTorrent, or encrypted)");
        }
        byte[] rest = new byte[LENGTH_BEFORE_PEER_ID - 1];
        in.readFully(rest);
        checkProtocol(pstrlen, Arrays.copyOfRange(rest, 0, 19));
        return new Start(Arrays.copyOfRange(rest, 19, 27), new InfoHash(Arrays.copyOfRange(rest, 27, 47)));
    }

    /** Reads the 20-byte peer id that ends the handshake. */
    public static PeerId readPeerId(DataInputStream in) throws IOException {
        byte[] id = new byte[PeerId.LENGTH];
        in.readFully(id);
        return new PeerId(id);
    }

    private static void checkProtocol(int pstrlen, byte[] pstr) throws WireException {
        if (pstrlen != PROTOCOL_BYTES.length) {
            throw new WireException("handshake: protocol name length " + pstrlen + ", expected 19");
        }
        if (!Arrays.equals(pstr, PROTOCOL_BYTES)) {
            throw new WireException("handshake: protocol name is not \"BitTorrent protocol\"");
        }
    }

    /** The 68 bytes to send. */
    public byte[] encode() {
        byte[] bytes = new byte[LENGTH];
        bytes[0] = (byte) PROTOCOL_BYTES.length;
        System.arraycopy(PROTOCOL_BYTES, 0, bytes, 1, PROTOCOL_BYTES.length);
        System.arraycopy(reserved, 0, bytes, 20, 8);
        System.arraycopy(infoHash.bytes(), 0, bytes, 28, InfoHash.LENGTH);
        System.arraycopy(peerId.bytes(), 0, bytes, 48, PeerId.LENGTH);
        return bytes;
    }

    public void write(DataOutputStream out) throws IOException {
        out.write(encode());
    }

    @Override
    public byte[] reserved() {
        return reserved.clone();
    }

    /** Whether reserved bytes {@code reserved} (8) carry the BEP 10 extension protocol bit. */
    static boolean extensionBit(byte[] reserved) {
        return (reserved[EXTENSION_BYTE] & EXTENSION_BIT) != 0;
    }

    /** Whether reserved bytes {@code reserved} (8) carry the BEP 6 Fast bit. */
    static boolean fastBit(byte[] reserved) {
        return (reserved[FAST_BYTE] & FAST_BIT) != 0;
    }

    /** Whether reserved bytes {@code reserved} (8) carry the BEP 5 DHT bit. */
    static boolean dhtBit(byte[] reserved) {
        return (reserved[DHT_BYTE] & DHT_BIT) != 0;
    }

    /** BEP 10: the peer understands extended messages (and so may do BEP 9 metadata, PEX). */
    public boolean supportsExtensionProtocol() {
        return (reserved[EXTENSION_BYTE] & EXTENSION_BIT) != 0;
    }

    /** BEP 6: the peer speaks the fast extension. */
    public boolean supportsFastExtension() {
        return (reserved[FAST_BYTE] & FAST_BIT) != 0;
    }

    /** BEP 5: the peer runs a DHT node (it may send PORT). */
    public boolean supportsDht() {
        return (reserved[DHT_BYTE] & DHT_BIT) != 0;
    }

    /** The remote client for logs, e.g. "Transmission 3.00 (-TR3000-abcdefghijkl)". */
    public String clientDescription() {
        String guess = peerId.clientDescription();
        String raw = peerId.toString();
        return guess.equals(raw) ? raw : guess + " (" + raw + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Handshake other && Arrays.equals(reserved, other.reserved)
                && infoHash.equals(other.infoHash) && peerId.equals(other.peerId);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(reserved) + infoHash.hashCode()) + peerId.hashCode();
    }

    @Override
    public String toString() {
        return "Handshake[" + infoHash + ", " + clientDescription() + "]";
    }
}
