package io.btget.dht;

/**
 * Every bound and timing of the DHT node, each with the reason for its value. Times in nanoseconds, sizes in
 * bytes unless the name says otherwise.
 */
public final class DhtLimits {
    /** Least time between two lookups of one search asked for by {@link Dht.Search#lookAgain}. */
    public static final long MIN_RESEARCH_NANOS = 60_000_000_000L;

    /**
     * A search looks up (and re-announces) its info hash this often. BEP 5 lets a stored peer expire; libtorrent
     * re-announces every 15 minutes and stores announced peers for 30, so one missed round loses nothing.
     */
    public static final long REANNOUNCE_NANOS = 15L * 60 * 1_000_000_000L;

    /**
     * A search round in which no node answered (started before the bootstrap found anyone, or while the network
     * was unreachable) is tried again this soon rather than after {@link #REANNOUNCE_NANOS}.
     */
    public static final long EMPTY_SEARCH_RETRY_NANOS = 5_000_000_000L;

    /**
     * The longest wait between rounds of a search that has found no peer yet (nodes answered, nobody had
     * announced): the wait doubles from {@link #EMPTY_SEARCH_RETRY_NANOS} to this, so a torrent's first seeder is
     * found soon after it announces, while a dead torrent costs a lookup every few minutes, not every 5 s.
     */
    public static final long BARREN_SEARCH_RETRY_MAX_NANOS = 5L * 60 * 1_000_000_000L;

    /** Iterative lookups keep this many queries in flight (BEP 5's "alpha"; libtorrent's search branching is 3). */
    public static final int ALPHA = 3;

    /** A query unanswered after this long counts as a failure (libtorrent and anacrolix wait a few seconds). */
    public static final long QUERY_TIMEOUT_NANOS = 3_000_000_000L;

    /**
     * Transactions in flight at once, over every lookup and ping. Transaction ids are 2 random bytes, so 256 keeps
     * a collision-free choice easy and bounds the memory a burst of lookups can hold.
     */
    public static final int MAX_TRANSACTIONS = 256;

    /** Candidates one lookup remembers, closest first; farther ones are forgotten (a node sending thousands). */
    public static final int LOOKUP_MAX_CANDIDATES = 100;

    /**
     * A lookup query unanswered this long stops counting against {@link #ALPHA}, so another closest candidate is
     * asked meanwhile (libtorrent's short timeout is 1-2 s too); the query itself still waits for
     * {@link #QUERY_TIMEOUT_NANOS}.
     */
    public static final long LOOKUP_SHORT_TIMEOUT_NANOS = 1_000_000_000L;

    /** Queries of one lookup in flight at most, slow ones included: bounds what a maze of dead nodes costs. */
    public static final int LOOKUP_MAX_IN_FLIGHT = 3 * ALPHA;

    /** Queries one lookup may send in all; a real lookup needs a few dozen, so this caps a hostile maze. */
    public static final int LOOKUP_MAX_QUERIES = 200;

    /** A lookup ends after this long whatever its state, so a network of slow nodes cannot keep it open. */
    public static final long LOOKUP_MAX_NANOS = 30_000_000_000L;

    /** Distinct peers one lookup gathers from {@code values}; more are ignored. */
    public static final int LOOKUP_MAX_VALUES = 2_000;

    /** Seeds a lookup starts from, taken from the routing table: more than K so a few dead nodes do not matter. */
    public static final int LOOKUP_SEEDS = 2 * RoutingTable.K;

    /**
     * Inbound queries one IP address may send per second (a token bucket, refilled continuously), and the burst
     * it may save up. A well-behaved node sends us a few a minute; libtorrent blocks above 5 a second. Excess
     * queries are dropped silently (BEP 5 has no "slow down" error).
     */
    public static final int QUERIES_PER_IP_PER_SECOND = 20;
    /** The bucket size of {@link #QUERIES_PER_IP_PER_SECOND}. */
    public static final int QUERY_BURST_PER_IP = 40;

    /** Addresses the inbound rate limiter remembers (least recently seen forgotten first): bounds its memory. */
    public static final int RATE_LIMITED_ADDRESSES = 4_096;

    /** Datagrams decoded but not yet handled by the node's thread; beyond this, new ones are dropped. */
    public static final int INBOUND_QUEUE = 1_024;

    /**
     * Routing table size. With buckets split only around our own id the table holds at most 161 * K = 1288
     * nodes; this bound is the table's promise, whatever it does.
     */
    public static final int ROUTING_TABLE_MAX_NODES = 1_500;

    /** Info hashes other nodes may announce to us (libtorrent: 2000 torrents). */
    public static final int PEER_STORE_MAX_INFO_HASHES = 2_000;
    /** Peers kept per announced info hash (enough to start a swarm; a reply carries far fewer). */
    public static final int PEER_STORE_MAX_PEERS_PER_INFO_HASH = 200;
    /** Peers kept over every info hash: about 1 MB of memory. */
    public static final int PEER_STORE_MAX_PEERS = 20_000;
    /** An announced peer is forgotten after 30 minutes (libtorrent's value; announcers re-announce every 15). */
    public static final long PEER_STORE_TTL_NANOS = 30L * 60 * 1_000_000_000L;

    /** Peers in one get_peers reply: 50 compact IPv4 peers are 400 bytes, well within one datagram. */
    public static final int MAX_VALUES_PER_REPLY = 50;

    /**
     * A reply to an address that has not proved itself (no good node of our routing table is there: BEP 5 good
     * nodes answered our queries lately, so they receive what is sent to that address) is at most this many times
     * the size of its query, so a spoofed source cannot use us to amplify traffic. Values beyond the cap are
     * dropped first, then nodes; a reply that still cannot fit is not sent.
     */
    public static final int AMPLIFICATION_FACTOR = 4;

    /** No reply is larger: stays under a 1500-byte MTU with IP/UDP headers and tunnel overhead. */
    public static final int MAX_REPLY_BYTES = 1_400;

    /** How often the node refreshes stale buckets and pings questionable nodes. */
    public static final long MAINTENANCE_NANOS = 60_000_000_000L;

    /**
     * While the table holds fewer than K nodes, the node bootstraps again this often (a router that knew nobody
     * when we first asked, say, knows the network a little later). BEP 5 leaves the schedule open.
     */
    public static final long SMALL_TABLE_BOOTSTRAP_NANOS = 10_000_000_000L;

    /** Questionable nodes pinged per maintenance round (BEP 5: ping before replacing; a few suffice). */
    public static final int PINGS_PER_MAINTENANCE = 16;

    /** Nodes waiting to be pinged by {@link Dht#addNode} (and saved nodes at start); more are dropped. */
    public static final int ADD_NODE_QUEUE = 256;

    /** Pings of {@link Dht#addNode} candidates sent per second, so a flood of PORT messages stays cheap. */
    public static final int ADD_NODE_PINGS_PER_SECOND = 20;

    /**
     * DHT responses (BEP 42 {@code ip}) from distinct nodes, or their weight in yourip votes, that must agree on an
     * external address before we trust it and switch to a secure node id: one liar cannot make us change.
     */
    public static final int EXTERNAL_ADDRESS_VOTES = 3;

    /** Voters (IP addresses) whose latest external-address vote is remembered; the oldest is dropped beyond. */
    public static final int EXTERNAL_ADDRESS_VOTERS = 64;

    /** How long an external-address vote counts: a majority must form within this window (30 minutes). */
    public static final long EXTERNAL_VOTE_WINDOW_NANOS = 30L * 60 * 1_000_000_000L;

    /**
     * Least time between two changes of our decided external address (and so of our BEP 42 id): one hour, like
     * libtorrent's ip voter, so voters cannot make us flip back and forth and rebuild the table each time.
     */
    public static final long EXTERNAL_ADDRESS_SWITCH_NANOS = 60L * 60 * 1_000_000_000L;

    /**
     * Candidates one lookup reply may add that are closer to the target than the node that sent it (BEP 5's K):
     * an honest node knows at most K nodes closer than itself worth returning; more is a node packing the lookup.
     */
    public static final int LOOKUP_MAX_CLOSER_PER_REPLY = RoutingTable.K;

    /** Datagrams of any kind per IP per second, before decoding (responses are bounded by our own queries). */
    public static final int DATAGRAMS_PER_IP_PER_SECOND = 60;

    /** Burst of {@link #DATAGRAMS_PER_IP_PER_SECOND}: room for a lookup's answers arriving together. */
    public static final int DATAGRAM_BURST_PER_IP = 120;

    /** Per-packet debug lines (bad or unmatched packets) logged per minute; beyond, only a count is logged. */
    public static final int PACKET_LOG_LINES_PER_MINUTE = 20;

    /** Nodes written to the state file at close (BEP 5 suggests saving the table; a few hundred bootstrap well). */
    public static final int MAX_SAVED_NODES = 200;

    /** Largest state file read: 200 IPv6 nodes are 7600 bytes; anything much larger is not ours. */
    public static final int MAX_STATE_FILE_BYTES = 64 * 1024;

    /** Distinct peers a search remembers to count them ({@link Dht.Search#peersFound}). */
    public static final int SEARCH_MAX_REMEMBERED_PEERS = 10_000;

    /** The node's thread wakes at least this often to expire transactions and drive lookups. */
    public static final long TICK_NANOS = 50_000_000L;

    private DhtLimits() {
    }
}
