package io.btget.peer;

import io.btget.metainfo.InfoHash;
import io.btget.piece.BlockRequest;
import io.btget.piece.PiecePicker;

/**
 * What a peer connection needs from the torrent it serves, and nothing more: the session implements it. Keeping
 * this narrow keeps {@code peer} free of storage and UI concerns, and lets tests drive a connection with a fake.
 */
public interface TorrentContext {
    InfoHash infoHash();

    PeerId ourPeerId();

    /**
     * Whether the info dictionary is known (piece count, sizes). False in a magnet's metadata stage: connections
     * then run in metadata mode (see {@link PeerConnection}) and {@link #picker()} may be null.
     */
    default boolean metadataKnown() {
        return true;
    }

    /** The BEP 10 extensions of this torrent, or null for none (then we do not set the extension bit). */
    default io.btget.peer.ext.ExtensionRegistry extensions() {
        return null;
    }

    /** How peers are dialled (plain, or with protocol encryption: the process's {@code --encryption}). */
    default io.btget.net.Dialer dialer() {
        return io.btget.net.Dialer.PLAIN;
    }

    /** Our listen port, for the extended handshake's {@code p}; 0 when unknown. */
    default int listenPort() {
        return 0;
    }

    /** The protocol extensions we announce in our handshake for this torrent (BEP 6, BEP 10). */
    default Handshake.Features features() {
        return new Handshake.Features(extensions() != null, false);
    }

    /**
     * The UDP port of our DHT node, sent in a PORT message (BEP 5) to a peer that also set the DHT bit; 0 when we
     * run none for this torrent (no DHT, or a private torrent: BEP 27), then nothing is sent.
     */
    default int dhtPort() {
        return 0;
    }

    /**
     * A peer that set the DHT bit told us its DHT node's address (BEP 5 PORT: the peer's IP, {@code port} 1..65535);
     * called at most once per connection, on its reader thread. Must not block.
     */
    default void dhtNodeLearnt(java.net.InetSocketAddress node) {
    }

    /**
     * A peer's extended handshake said it sees us at {@code external} (BEP 10 {@code yourip}); {@code reporter} is
     * the peer's address. For the DHT's BEP 42 node id; called on the connection's reader thread, must not block.
     */
    default void externalAddressReported(java.net.InetAddress external, java.net.InetAddress reporter) {
    }

    /**
     * The peer sent INTERESTED (its reader thread; must not block): a free upload slot can go to it now rather
     * than at the session's next tick, as libtorrent unchokes on INTERESTED when a slot is free.
     */
    default void peerInterested(PeerConnection peer) {
    }

    int pieceCount();

    int pieceSize(int piece);

    /** Our verified pieces as BEP 3 bitfield bytes (a snapshot), or null when we have none. */
    byte[] ourBitfieldWire();

    boolean havePiece(int piece);

    /**
     * The torrent's picker. Its peer handles are at least connections; the session's also holds web seeds (BEP 19),
     * so a connection must not assume every handle it sees (endgame {@code cancelFrom}) is a connection.
     */
    PiecePicker<? super PeerConnection> picker();

    /**
     * The buffer assembling {@code piece} (created on first use), for a block the picker accepted: the
     * connection reads the block straight into it at the block's offset, so a block is copied once.
     */
    byte[] pieceBuffer(int piece);

    /**
     * The accepted block is now in the piece buffer. Runs on the connection's reader thread and, when this block
     * completes the piece, hashes and writes it there (so hashing spreads over the peers' threads).
     */
    void blockStored(PeerConnection from, BlockRequest block, byte[] buffer);

    /**
     * An accepted block could not be read completely (the peer vanished mid-block): {@code buffer} (the one
     * {@link #pieceBuffer} gave for it) holds a partial block, so that piece is discarded and fetched again. If the
     * piece was abandoned or restarted meanwhile (its buffer is another one now), nothing is touched.
     */
    void blockLost(BlockRequest block, byte[] buffer);

    /**
     * The picker gave up on these started pieces (no connected peer has them any more): drop their partial data.
     */
    void piecesAbandoned(java.util.List<Integer> pieces);

    /**
     * Reads a block of a verified piece for upload; false when it cannot be read. A storage error here is fatal to
     * the session, as a failed write is: the network stops at once.
     */
    boolean readBlock(int piece, int offset, int length, byte[] dst);

    RateLimiter downloadLimiter();

    RateLimiter uploadLimiter();

    /** Payload bytes moved, for the session's totals. */
    void countDownloaded(int bytes, boolean wasted);

    void countUploaded(int bytes);

    /**
     * Called once when a connection ends, after the pool has taken it off its list and out of the picker (for
     * events); {@code misbehaved} peers are not dialled again.
     */
    void connectionClosed(PeerConnection connection, String reason, boolean misbehaved);

    /** Whether we have every piece (then we are not interested in anyone). */
    boolean isComplete();

    /** Whether the pool should dial known peers now (while downloading, and while seeding to reach leechers). */
    boolean wantsOutgoingConnections();
}
