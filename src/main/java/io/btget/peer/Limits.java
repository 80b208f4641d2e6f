package io.btget.peer;

/** Every limit of the peer layer in one place (the README lists them). */
public final class Limits {
    private Limits() {
    }

    /** Requests in flight to one peer: start, floor, and ceiling of the adaptive pipeline. */
    public static final int INITIAL_PIPELINE = 32;
    public static final int MIN_PIPELINE = 4;
    /**
     * Ceiling of the pipeline to a peer that announced a {@code reqq} (BEP 10): we keep up to its reqq in flight, at
     * most this many (libtorrent 2.0 advertises 2000, Transmission 512). 500 blocks are 8 MiB in flight: on loopback
     * a seeder answers a request within milliseconds, so that is far more than the bandwidth-delay product even at
     * 1 GB/s, and every block in flight holds (part of) a piece buffer, so more only costs memory. The anchors
     * agree: libtorrent's downloader keeps {@code request_queue_time} (3 s) of data in flight up to
     * {@code max_out_request_queue} (500 by default), aria2 doubles its queue from 6 up to 256.
     */
    public static final int MAX_PIPELINE = 500;
    /**
     * Once the pipeline is full, requests are topped up only when this many (at most an eighth of the depth) have
     * been answered, and then sent in one write: 16 blocks are 3% of a 500-deep pipeline, so the pipe never runs dry,
     * while the writer wakes and sends once per 256 KiB received instead of once per 16 KiB block.
     */
    public static final int REQUEST_BATCH = 16;
    /** Ceiling of the pipeline to a peer that gave no {@code reqq} (BEP 3 peers): what served us well before BEP 10. */
    public static final int DEFAULT_PIPELINE_CEILING = 250;
    /**
     * The {@code reqq} we advertise (BEP 10): requests a peer may queue with us. Below
     * {@link #MAX_QUEUED_UPLOAD_REQUESTS}, where a peer is called a flood, so a peer that honours it is never dropped.
     */
    public static final int OUR_REQQ = 500;
    /** In endgame a peer takes duplicate requests only while it has fewer than this many outstanding. */
    public static final int ENDGAME_PIPELINE = 2;
    /** Requests in flight to a peer that chokes us, for its BEP 6 allowed-fast pieces (a bonus, not a pipeline). */
    public static final int ALLOWED_FAST_PIPELINE = 8;
    /** In endgame a block is duplicated only if its peer has sent nothing for this long (or chokes or snubs us). */
    public static final int ENDGAME_LAG_MILLIS = 1000;

    /**
     * The largest block we serve. 16 KiB is what every client asks for; some ask for up to 128 KiB and we serve
     * them rather than drop them (BEP 3 allows it; libtorrent and transmission reject > 16 KiB, aria2 does not).
     */
    public static final int MAX_SERVED_BLOCK = WireLimits.MAX_REQUEST;

    /** Requests a peer may queue with us before we call it a flood and disconnect. */
    public static final int MAX_QUEUED_UPLOAD_REQUESTS = 1024;

    /**
     * Requests of one peer we refuse (BEP 6 REJECT_REQUEST: while we choke it, for a piece we lack, past its queue)
     * before we drop it, counted from our last UNCHOKE. A peer may have up to our {@link #OUR_REQQ} requests on
     * the way when our CHOKE reaches it, and as many queued with us that the choke rejects; twice that is a peer
     * that keeps asking although choked. BEP 6 "Reject Request": a peer making excessive requests while choked
     * MAY be closed. Each refusal is a message in the outbox, so this also bounds what a flood costs us.
     */
    public static final int MAX_REFUSED_REQUESTS = 2 * OUR_REQQ;

    /**
     * Messages waiting in one connection's outbox before the peer is dropped as not reading. What we queue
     * legitimately is bounded well below this: our requests ({@link #MAX_PIPELINE}, again on a re-unchoke, and
     * their cancels), the uploads and rejects of its queue ({@link #MAX_QUEUED_UPLOAD_REQUESTS}), HAVEs at our
     * download rate. A peer that lets this many pile up has stopped reading.
     */
    public static final int MAX_OUTBOX_MESSAGES = 16_384;

    /**
     * Bytes (as sent) waiting in one connection's outbox before the peer is dropped as not reading: room for the
     * largest bitfield ({@link WireLimits#MAX_BITFIELD_WITHOUT_METADATA}) and extension messages, while a peer
     * that stops reading costs a bounded amount of memory. Uploads count their request, not their block (blocks
     * are read from disk as they are sent); lazily sent extension messages (see
     * {@link io.btget.peer.ext.ExtensionPeer#sendLazily}) are not in the outbox at all.
     */
    public static final long MAX_OUTBOX_BYTES = 4L << 20;

    /**
     * REJECT_REQUESTs (BEP 6) for blocks not outstanding before a peer is dropped. Some are normal (the answer to a
     * CANCEL, or to a request we released after a timeout); thousands are a peer playing games.
     */
    public static final int MAX_STRAY_REJECTS = 1000;

    /** ALLOWED_FAST pieces (BEP 6) remembered from one peer: k is 10 in practice; more is noise. */
    public static final int MAX_ALLOWED_FAST_FROM_PEER = 64;

    /** Bytes of blocks we never asked for (or already had) before a peer is dropped as hostile or broken. */
    public static final int MAX_UNREQUESTED_BYTES = 4 << 20;

    /** Hash failures a peer may contribute to before it is dropped and never dialled again. */
    public static final int MAX_HASH_FAILURES = 3;

    /** After a CHOKE, our requests stay reserved until no block has arrived for this long (data in flight). */
    public static final int CHOKED_DRAIN_SECONDS = 2;

    /** No block for this long while requests are outstanding: the peer is snubbing us. */
    public static final int SNUB_SECONDS = 20;

    /**
     * Longest a block may take to arrive once its PIECE header is read (16 KiB in 20 s is 820 bytes/s): past it
     * the connection is closed and the piece fetched elsewhere, so a peer dribbling bytes cannot stall a piece.
     */
    public static final int BLOCK_TIMEOUT_SECONDS = 20;

    /** Nothing received for this long: the connection is dead (BEP 3 peers keep alive every 2 minutes). */
    public static final int IDLE_TIMEOUT_SECONDS = 180;

    /** We send a keep-alive after this long without sending anything. */
    public static final int KEEPALIVE_SECONDS = 90;

    public static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    public static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    /** Default and hard ceiling of simultaneous peer connections per torrent. */
    public static final int DEFAULT_MAX_PEERS = 50;
    public static final int MAX_PEERS_CEILING = 1000;

    /** Bytes of pieces being assembled at once (at least 4 pieces): memory stays flat whatever the torrent size. */
    public static final long PIECE_BYTES_IN_FLIGHT = 64L << 20;

    /** Redial back-off after a failed dial: the first wait, doubling up to the ceiling. */
    public static final int REDIAL_FIRST_SECONDS = 5;
    public static final int REDIAL_MAX_SECONDS = 300;

    /** A seed we hung up on once we were complete is not redialled for this long. */
    public static final int SEED_REDIAL_SECONDS = 600;

    /** When the listen port is taken, the next ones up to this many above it are tried. */
    public static final int LISTEN_PORT_TRIES = io.btget.net.Listener.PORT_TRIES;

    /** Known (not necessarily connected) peers we remember per torrent. */
    public static final int MAX_KNOWN_PEERS = 2000;
}
