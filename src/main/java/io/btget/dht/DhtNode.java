package io.btget.dht;

import io.btget.dht.krpc.KrpcCodec;
import io.btget.dht.krpc.KrpcException;
import io.btget.dht.krpc.KrpcMessage;
import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import io.btget.metainfo.InfoHash;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mainline DHT node (BEP 5) on one UDP socket: answers ping / find_node / get_peers / announce_peer, keeps a
 * routing table of nodes that answer, runs iterative lookups, stores peers announced to it, and announces ours.
 * BEP 42: replies tell the asker its address ({@code ip}); once several nodes agree on a public external address
 * for which our id is not secure, we take a secure id. Read-only senders (BEP 43) are never added to the table.
 *
 * <p>Threads: one reader thread receives, decodes and rate-limits datagrams and hands them to the node's thread
 * through a bounded queue (dropped when full). The node's thread ("scheduler") alone touches the routing table,
 * tokens, peer store, transactions, lookups and searches; public methods hand it tasks, and futures complete on
 * it. Every bound is in {@link DhtLimits}.
 */
public final class DhtNode implements Dht, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DhtNode.class);

    /**
     * What an iterative lookup ended with: {@code closest} the K closest nodes that answered (for
     * {@link #announce}: those of them that acknowledged our announce_peer), {@code peers} the distinct peers
     * from {@code values}, and how many queries were sent and answered.
     */
    public record LookupResult(List<NodeInfo> closest, List<InetSocketAddress> peers, int queried, int responded) {
        public LookupResult {
            closest = List.copyOf(closest);
            peers = List.copyOf(peers);
        }
    }

    /**
     * Counters of what the node dropped, for tests and diagnostics.
     *
     * @param unmatchedResponses responses or errors with an unknown transaction id or from another address than
     *                           the query went to
     * @param rateLimitedQueries queries dropped by the per-IP rate limit
     * @param inboundDropped     datagrams dropped because the node's thread was behind, or oversized
     * @param repliesTrimmed     replies cut down (values or nodes dropped) to respect the size caps
     * @param repliesWithheld    replies not sent because even a trimmed one exceeded the cap
     * @param badTokens          announce_peer queries refused for a bad or expired token
     * @param rateLimitedDatagrams datagrams of any kind (responses and errors included) dropped before decoding by
     *                           the per-IP limit {@link DhtLimits#DATAGRAMS_PER_IP_PER_SECOND}
     */
    public record Counters(long unmatchedResponses, long rateLimitedQueries, long inboundDropped,
            long repliesTrimmed, long repliesWithheld, long badTokens, long rateLimitedDatagrams) {
    }

    /** A decoded (or undecodable query) datagram handed from the reader to the node's thread. */
    private record Packet(KrpcMessage message, KrpcException error, InetSocketAddress from, int size) {
    }

    /** What to do with the outcome of one of our queries. Runs on the node's thread. */
    private interface Reply {
        void response(KrpcMessage.Response response, long nowNanos);

        /** Timed out ({@code timedOut}) or answered with a KRPC error, or the node is closing. */
        void failure(boolean timedOut, long nowNanos);
    }

    /** One query in flight: {@code expected} is the id we think answers there (null for a bootstrap router). */
    private record Transaction(int key, InetSocketAddress to, NodeId expected, String method, long deadline,
            Reply reply) {
    }

    private static final Object WAKE = new Object();
    private static final long SECOND = 1_000_000_000L;
    /** How long a caller waits for the node's thread to answer {@link #routingTable()}. */
    private static final long CALL_TIMEOUT_MILLIS = 5_000;
    /** KRPC error messages we send are cut to this length. */
    private static final int MAX_ERROR_MESSAGE = 100;

    private final DhtConfig config;
    private final Random random;
    private final Resolver resolver;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Integer> bootstrapped = new CompletableFuture<>();

    // Cross-thread.
    private final ArrayBlockingQueue<Object> inbox = new ArrayBlockingQueue<>(DhtLimits.INBOUND_QUEUE);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayBlockingQueue<InetSocketAddress> addNodeQueue =
            new ArrayBlockingQueue<>(DhtLimits.ADD_NODE_QUEUE);
    private final AtomicLong packetsIn = new AtomicLong();
    private final AtomicLong packetsOut = new AtomicLong();
    private final AtomicLong unmatchedResponses = new AtomicLong();
    private final AtomicLong rateLimitedQueries = new AtomicLong();
    private final AtomicLong inboundDropped = new AtomicLong();
    private final AtomicLong repliesTrimmed = new AtomicLong();
    private final AtomicLong repliesWithheld = new AtomicLong();
    private final AtomicLong badTokens = new AtomicLong();
    private final AtomicLong rateLimitedDatagrams = new AtomicLong();
    /** Per-packet debug lines (bad, unmatched, failed sends), rate-limited: a flood must not flood the log. */
    private final PacketLog packetLog = new PacketLog();
    /** Written by the node's thread (and start()), read anywhere. */
    private volatile NodeId ownId;
    /** Written by the node's thread each tick. */
    private volatile DhtStats snapshot = new DhtStats(0, 0, 0, 0, 0, 0);
    /** The table as the node's thread left it at close, for {@link #routingTable()} afterwards. */
    private volatile List<NodeInfo> finalTable = List.of();
    /** Set once by start(), then read-only. */
    private volatile DatagramSocket socket;
    /** The state file's lock when we hold it (then we own the saved id and save at close); set by start(). */
    private volatile StateFileLock stateLock;
    /** The nodes the state file held at start (saved again at close unless proved dead); set by start(). */
    private volatile List<NodeInfo> loadedNodes = List.of();
    private Thread reader;
    private Thread scheduler;

    // Confined to the reader thread.
    /** Every datagram, before decoding: responses and errors too (legit ones are bounded by our queries). */
    private final QueryRateLimiter datagramLimiter = new QueryRateLimiter(DhtLimits.DATAGRAMS_PER_IP_PER_SECOND,
            DhtLimits.DATAGRAM_BURST_PER_IP, DhtLimits.RATE_LIMITED_ADDRESSES);
    private final QueryRateLimiter rateLimiter = new QueryRateLimiter(DhtLimits.QUERIES_PER_IP_PER_SECOND,
            DhtLimits.QUERY_BURST_PER_IP, DhtLimits.RATE_LIMITED_ADDRESSES);

    // Confined to the node's thread (after start()).
    private RoutingTable table;
    private Tokens tokens;
    private PeerStore peerStore;
    private final Map<Integer, Transaction> transactions = new HashMap<>();
    private final List<ActiveLookup> lookups = new ArrayList<>();
    private final List<SearchImpl> searches = new ArrayList<>();
    private final Set<NodeId> pinging = new HashSet<>();
    private List<InetSocketAddress> routers = List.of();
    /** Bootstrap names not resolved yet: tried again with each small-table bootstrap. */
    private List<InetSocketAddress> unresolvedRouters = List.of();
    /** Bootstrap names whose failure was reported once at info level. Resolver threads only. */
    private final Set<String> unresolvedReported = ConcurrentHashMap.newKeySet();
    private boolean resolving;
    private final ExternalAddressVoter externalVoter = new ExternalAddressVoter();
    private InetAddress externalAddress;
    private long nextTick;
    private long nextMaintenance;
    private long nextSmallTableBootstrap;
    private double addNodeTokens;
    private long lastAddNodeRefill;

    public DhtNode(DhtConfig config) {
        this(config, InetAddress::getAllByName);
    }

    /** Resolves a bootstrap host name (a seam for tests; DNS in production). */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** As {@link #DhtNode(DhtConfig)} with {@code resolver} for bootstrap names. */
    DhtNode(DhtConfig config, Resolver resolver) {
        this.config = config;
        this.random = config.random();
        this.resolver = resolver;
    }

    /**
     * Binds the UDP socket, locks and loads the state file (a corrupt one is ignored with a warning), starts the
     * reader and node threads and bootstraps (in the background: nothing here waits for the network). When another
     * process (or node of this JVM) holds the state file's {@link StateFileLock}, this node takes a fresh random
     * id, bootstraps from the saved nodes all the same, and saves nothing at close.
     *
     * @throws IOException when the socket cannot be bound (the port is taken, say)
     * @throws IllegalStateException when called twice or after close
     */
    public void start() throws IOException {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("DHT node already started or closed");
        }
        DatagramSocket s = null;
        try {
            s = new DatagramSocket(null);
            s.bind(new InetSocketAddress(config.bind(), config.port()));
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            // Nothing started: close() must then only mark the node closed (no threads to join, no socket), so
            // the caller's close() after this failure keeps this error the one reported.
            started.set(false);
            throw new IOException("cannot bind the DHT's UDP port " + config.port() + ": " + e.getMessage(), e);
        }
        socket = s;
        long now = System.nanoTime();
        Optional<RoutingTableFile.State> saved = Optional.empty();
        if (config.stateFile().isPresent()) {
            Path file = config.stateFile().get();
            try {
                stateLock = StateFileLock.tryAcquire(file).orElse(null);
                if (stateLock == null) {
                    log.info("the DHT state file {} is in use by another btget: a fresh node id, nothing saved",
                            file);
                }
            } catch (IOException | RuntimeException e) {
                log.warn("cannot lock the DHT state file (a fresh node id, nothing saved): {}", e.getMessage());
            }
            try {
                saved = RoutingTableFile.load(file);
            } catch (IOException e) {
                log.warn("ignoring the DHT state file: {}", e.getMessage());
            }
        }
        // Only the holder of the state file's lock takes the saved id: two processes with one id would drop each
        // other's queries (our own id) and confuse every remote table. The saved nodes serve both.
        ownId = saved.filter(x -> stateLock != null).map(RoutingTableFile.State::id)
                .orElseGet(() -> NodeId.random(random));
        loadedNodes = saved.map(RoutingTableFile.State::nodes).orElse(List.of());
        table = new RoutingTable(ownId, DhtLimits.ROUTING_TABLE_MAX_NODES, random);
        tokens = new Tokens(random, now);
        peerStore = new PeerStore(DhtLimits.PEER_STORE_MAX_INFO_HASHES, DhtLimits.PEER_STORE_MAX_PEERS_PER_INFO_HASH,
                DhtLimits.PEER_STORE_MAX_PEERS, DhtLimits.PEER_STORE_TTL_NANOS, PeerStore.MAX_INFO_HASHES_PER_SOURCE,
                random);
        nextTick = now;
        nextMaintenance = now + DhtLimits.MAINTENANCE_NANOS;
        nextSmallTableBootstrap = now + DhtLimits.SMALL_TABLE_BOOTSTRAP_NANOS;
        lastAddNodeRefill = now;
        List<NodeInfo> savedNodes = saved.map(RoutingTableFile.State::nodes).orElse(List.of());
        for (NodeInfo n : savedNodes) {
            addNodeQueue.offer(n.address());
        }
        int port = s.getLocalPort();
        reader = new Thread(this::readLoop, "dht-reader-" + port);
        reader.setDaemon(true);
        scheduler = new Thread(this::schedulerLoop, "dht-node-" + port);
        scheduler.setDaemon(true);
        reader.start();
        scheduler.start();
        // Addresses given resolved are routers at once; names are resolved off the node's thread (DNS may be
        // slow), and the first bootstrap waits for them.
        List<InetSocketAddress> given = new ArrayList<>();
        List<InetSocketAddress> names = new ArrayList<>();
        for (InetSocketAddress a : config.bootstrap()) {
            (a.isUnresolved() ? names : given).add(a);
        }
        routers = List.copyOf(given);
        if (names.isEmpty()) {
            submit(() -> firstBootstrap(savedNodes, System.nanoTime()));
        } else {
            Thread resolver = new Thread(() -> resolveRouters(names, savedNodes), "dht-resolve-" + port);
            resolver.setDaemon(true);
            resolver.start();
        }
    }

    private void resolveRouters(List<InetSocketAddress> names, List<NodeInfo> savedNodes) {
        List<InetSocketAddress> resolved = new ArrayList<>();
        List<InetSocketAddress> failed = new ArrayList<>();
        resolve(names, resolved, failed);
        submit(() -> {
            addRouters(resolved, failed);
            firstBootstrap(savedNodes, System.nanoTime());
        });
    }

    /** Resolves {@code names} (off the node's thread: DNS may be slow) into {@code resolved} or {@code failed}. */
    private void resolve(List<InetSocketAddress> names, List<InetSocketAddress> resolved,
            List<InetSocketAddress> failed) {
        for (InetSocketAddress a : names) {
            if (closed.get()) {
                return;
            }
            boolean found = false;
            try {
                for (InetAddress ip : resolver.resolve(a.getHostString())) {
                    if (ip instanceof Inet4Address) { // IPv4 only: the node speaks BEP 5's IPv4 nodes
                        resolved.add(new InetSocketAddress(ip, a.getPort()));
                        found = true;
                        break;
                    }
                }
            } catch (UnknownHostException | SecurityException e) {
                // shown at -v the first time (a mistyped --dht-bootstrap, or no network); later tries at debug
                if (unresolvedReported.add(a.getHostString())) {
                    log.info("DHT bootstrap {} not resolved ({}); tried again while the routing table is small",
                            a.getHostString(), e.getMessage());
                } else {
                    log.debug("DHT bootstrap {} not resolved: {}", a.getHostString(), e.getMessage());
                }
            }
            if (!found) {
                failed.add(a);
            }
        }
    }

    /** On the node's thread: takes newly resolved routers; {@code failed} are tried again later. */
    private void addRouters(List<InetSocketAddress> resolved, List<InetSocketAddress> failed) {
        List<InetSocketAddress> all = new ArrayList<>(routers);
        all.addAll(resolved);
        routers = List.copyOf(all);
        unresolvedRouters = List.copyOf(failed);
    }

    /**
     * The small-table bootstrap: resolves again the names that failed (a DNS failure at start must not leave us
     * without routers for good), off the node's thread, then bootstraps.
     */
    private void smallTableBootstrap(long now) {
        if (unresolvedRouters.isEmpty() || resolving) {
            bootstrap(now);
            return;
        }
        resolving = true;
        List<InetSocketAddress> names = unresolvedRouters;
        Thread t = new Thread(() -> {
            List<InetSocketAddress> resolved = new ArrayList<>();
            List<InetSocketAddress> failed = new ArrayList<>();
            resolve(names, resolved, failed);
            submit(() -> {
                resolving = false;
                addRouters(resolved, failed);
                bootstrap(System.nanoTime());
            });
        }, "dht-resolve-" + socket.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** The start-up bootstrap; {@link #bootstrapped()} completes when it ends. */
    private void firstBootstrap(List<NodeInfo> savedNodes, long now) {
        if (savedNodes.isEmpty() && routers.isEmpty()) {
            bootstrapped.complete(0);
            return;
        }
        startLookup(ownId, false, savedNodes, null, l -> {
            log.debug("DHT bootstrap done: {} nodes in the table", table.size());
            bootstrapped.complete(table.size());
        }, now);
    }

    /** A find_node lookup for our own id from the table and the routers (BEP 5 bootstrap). */
    private void bootstrap(long now) {
        if (routers.isEmpty() && table.size() == 0) {
            return;
        }
        startLookup(ownId, false, List.of(), null, l -> { }, now);
    }

    /**
     * Completes (on the node's thread) when the start-up bootstrap lookup ended, with the number of nodes then in
     * the routing table; at once with 0 when there was nothing to bootstrap from, and at close at the latest. A
     * one-shot lookup started before this completes may find nothing when only host names were given.
     */
    public CompletableFuture<Integer> bootstrapped() {
        return bootstrapped;
    }

    public NodeId id() {
        NodeId id = ownId;
        if (id == null) {
            throw new IllegalStateException("DHT node not started");
        }
        return id;
    }

    /** The socket's local address (after {@link #start}). */
    public InetSocketAddress localAddress() {
        DatagramSocket s = socket;
        if (s == null) {
            throw new IllegalStateException("DHT node not started");
        }
        return new InetSocketAddress(s.getLocalAddress(), s.getLocalPort());
    }

    /** The routing table's nodes (a snapshot; after close, as it was at close). */
    public List<NodeInfo> routingTable() {
        return call(() -> table.nodes(), finalTable);
    }

    /** A find_node lookup for {@code target}; completes on the node's thread. */
    public CompletableFuture<LookupResult> findNode(NodeId target) {
        CompletableFuture<LookupResult> f = new CompletableFuture<>();
        if (!submit(() -> startLookup(target, false, List.of(), null,
                l -> f.complete(new LookupResult(l.closest(), l.values(), l.queried(), l.respondedCount())),
                System.nanoTime()))) {
            f.completeExceptionally(new IllegalStateException("DHT node not running"));
        }
        return f;
    }

    /** A get_peers lookup for {@code infoHash}; completes on the node's thread. */
    public CompletableFuture<LookupResult> getPeers(NodeId infoHash) {
        CompletableFuture<LookupResult> f = new CompletableFuture<>();
        if (!submit(() -> startLookup(infoHash, true, List.of(), null,
                l -> f.complete(new LookupResult(l.closest(), l.values(), l.queried(), l.respondedCount())),
                System.nanoTime()))) {
            f.completeExceptionally(new IllegalStateException("DHT node not running"));
        }
        return f;
    }

    /**
     * A get_peers lookup for {@code infoHash}, then announce_peer of TCP {@code port} to the K closest nodes that
     * gave a token. The result's {@code closest} are the nodes that acknowledged the announce.
     */
    public CompletableFuture<LookupResult> announce(NodeId infoHash, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " outside 1..65535");
        }
        CompletableFuture<LookupResult> f = new CompletableFuture<>();
        if (!submit(() -> startLookup(infoHash, true, List.of(), null,
                l -> announceTo(l, infoHash, port, acked -> f.complete(
                        new LookupResult(acked, l.values(), l.queried(), l.respondedCount()))),
                System.nanoTime()))) {
            f.completeExceptionally(new IllegalStateException("DHT node not running"));
        }
        return f;
    }

    /** Pings {@code address}: true when it answered (and then it is in our table if it had room). */
    public CompletableFuture<Boolean> ping(InetSocketAddress address) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        if (address.isUnresolved()) {
            f.complete(false);
            return f;
        }
        if (!submit(() -> {
            boolean sent = sendQuery(tid -> new KrpcMessage.Ping(tid, ownId, false), address, null, new Reply() {
                @Override
                public void response(KrpcMessage.Response response, long nowNanos) {
                    f.complete(true);
                }

                @Override
                public void failure(boolean timedOut, long nowNanos) {
                    f.complete(false);
                }
            }, System.nanoTime());
            if (!sent) {
                f.complete(false);
            }
        })) {
            f.complete(false);
        }
        return f;
    }

    @Override
    public int port() {
        DatagramSocket s = socket;
        return s == null ? config.port() : s.getLocalPort();
    }

    @Override
    public Search search(InfoHash infoHash, int announcePort, PeerSink sink) {
        SearchImpl s = new SearchImpl(NodeId.of(infoHash.bytes()), announcePort, sink);
        if (!submit(() -> searches.add(s))) {
            s.closed = true;
        }
        return s;
    }

    @Override
    public void addNode(InetSocketAddress address) {
        if (address == null || address.isUnresolved() || address.getPort() == 0) {
            return;
        }
        addNodeQueue.offer(address); // dropped when full
    }

    /**
     * A peer told us our external address (BEP 10 {@code yourip}): a half-weight vote towards BEP 42's secure id
     * (see {@link ExternalAddressVoter}: yourip alone never decides it). Ignored for loopback and private
     * addresses.
     */
    @Override
    public void externalAddressReported(InetAddress external, InetAddress reporter) {
        if (external != null && reporter != null) {
            submit(() -> voteExternalAddress(external, reporter, false, System.nanoTime()));
        }
    }

    @Override
    public DhtStats stats() {
        DhtStats s = snapshot;
        return new DhtStats(s.nodes(), s.goodNodes(), s.storedPeers(), s.activeLookups(), packetsIn.get(),
                packetsOut.get());
    }

    /** What the node dropped so far. */
    public Counters counters() {
        return new Counters(unmatchedResponses.get(), rateLimitedQueries.get(), inboundDropped.get(),
                repliesTrimmed.get(), repliesWithheld.get(), badTokens.get(), rateLimitedDatagrams.get());
    }

    /**
     * Stops the threads, completes pending futures (lookups with what they found, pings with false), saves the
     * state file when this node holds its lock (our id and up to {@link DhtLimits#MAX_SAVED_NODES} nodes, as
     * {@link RoutingTableFile#nodesToSave} picks them), releases the lock and closes the socket. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (started.get()) {
            inbox.clear();
            inbox.offer(WAKE);
            join(scheduler, CALL_TIMEOUT_MILLIS);
            socket.close();
            join(reader, CALL_TIMEOUT_MILLIS);
        }
        bootstrapped.complete(0); // if the node's thread did not
        if (stateLock != null) {
            stateLock.close(); // after the node's thread saved (or gave up waiting for it)
        }

    }

    private static void join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the reader thread

    private void readLoop() {
        DatagramSocket s = socket;
        byte[] buf = new byte[KrpcCodec.MAX_PACKET + 1];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed.get()) {
            try {
                p.setLength(buf.length);
                s.receive(p);
            } catch (SocketException e) {
                if (!closed.get()) {
                    log.debug("DHT socket closed: {}", e.getMessage());
                }
                return;
            } catch (IOException e) {
                log.debug("DHT receive failed: {}", e.getMessage());
                continue;
            }
            packetsIn.incrementAndGet();
            int length = p.getLength();
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            if (length > KrpcCodec.MAX_PACKET) {
                inboundDropped.incrementAndGet();
                continue;
            }
            onDatagram(Arrays.copyOf(buf, length), from, System.nanoTime());
        }
    }

    /**
     * Debug lines about single packets: at most {@link DhtLimits#PACKET_LOG_LINES_PER_MINUTE} a minute, then one
     * line with how many were left out. Thread-safe (the reader and the node's thread both log).
     */
    private static final class PacketLog {
        private static final long MINUTE = 60 * SECOND;
        private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
        private final AtomicInteger lines = new AtomicInteger();
        private final AtomicLong suppressed = new AtomicLong();

        void debug(String format, Object... args) {
            if (!log.isDebugEnabled()) {
                return;
            }
            long now = System.nanoTime();
            long start = windowStart.get();
            if (now - start >= MINUTE && windowStart.compareAndSet(start, now)) {
                lines.set(0);
                long left = suppressed.getAndSet(0);
                if (left > 0) {
                    log.debug("DHT: {} more packet lines not logged in the last minute", left);
                }
            }
            if (lines.incrementAndGet() <= DhtLimits.PACKET_LOG_LINES_PER_MINUTE) {
                log.debug(format, args);
            } else {
                suppressed.incrementAndGet();
            }
        }
    }

    private void onDatagram(byte[] data, InetSocketAddress from, long now) {
        if (!datagramLimiter.allow(rateKey(from), now)) {
            rateLimitedDatagrams.incrementAndGet();
            return;
        }
        KrpcMessage message = null;
        KrpcException error = null;
        try {
            message = KrpcCodec.decode(data, data.length);
        } catch (KrpcException e) {
            if (!e.wasQuery()) {
                packetLog.debug("DHT: dropped a bad packet from {}: {}", from, e.getMessage());
                return;
            }
            error = e;
        } catch (RuntimeException e) { // the codec promises not to, but one bad packet must not end the reader
            packetLog.debug("DHT: dropped a packet from {}: {}", from, e.toString());
            return;
        }
        boolean query = error != null || message instanceof KrpcMessage.Query;
        if (query && !rateLimiter.allow(rateKey(from), now)) {
            rateLimitedQueries.incrementAndGet();
            return;
        }
        if (!inbox.offer(new Packet(message, error, from, data.length))) {
            inboundDropped.incrementAndGet();
        }
    }

    /**
     * The rate limiter's key: the IP address; on loopback the whole socket address, because every test node
     * shares 127.0.0.1 while a real network gives each node its own IP.
     */
    private static Object rateKey(InetSocketAddress from) {
        InetAddress a = from.getAddress();
        return a.isLoopbackAddress() ? from : a;
    }

    // ---------------------------------------------------------------- the node's thread

    /** Hands {@code task} to the node's thread; false when the node is not running. */
    private boolean submit(Runnable task) {
        if (!started.get() || closed.get()) {
            return false;
        }
        tasks.add(task);
        inbox.offer(WAKE);
        return true;
    }

    /** Runs {@code f} on the node's thread and waits for it (bounded); {@code fallback} when not running. */
    private <T> T call(Supplier<T> f, T fallback) {
        if (Thread.currentThread() == scheduler) {
            return f.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!submit(() -> result.complete(f.get()))) {
            return fallback;
        }
        try {
            return result.get(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        } catch (ExecutionException | TimeoutException e) {
            return fallback;
        }
    }

    private void schedulerLoop() {
        while (!closed.get()) {
            Object item;
            try {
                item = inbox.poll(DhtLimits.TICK_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                break;
            }
            long now = System.nanoTime();
            try {
                if (item instanceof Packet p) {
                    handle(p, now);
                }
                Runnable t;
                while ((t = tasks.poll()) != null && !closed.get()) {
                    t.run();
                }
                if (now - nextTick >= 0) {
                    tick(now);
                    nextTick = now + DhtLimits.TICK_NANOS;
                }
            } catch (RuntimeException e) {
                log.debug("DHT node: {}", e.toString());
            }
        }
        shutdown();
    }

    private void handle(Packet p, long now) {
        if (p.error() != null) { // a query we cannot serve: BEP 5 error 203 or 204 with its reason
            KrpcCodec.errorReply(p.error()).ifPresent(e -> send(KrpcCodec.encode(e), p.from()));
            return;
        }
        KrpcMessage m = p.message();
        if (m instanceof KrpcMessage.Query q) {
            handleQuery(q, p.from(), p.size(), now);
        } else if (m instanceof KrpcMessage.Response r) {
            handleResponse(r, p.from(), now);
        } else if (m instanceof KrpcMessage.Error e) {
            handleError(e, p.from(), now);
        }
    }

    private void tick(long now) {
        // Collect and remove the expired first, then call back: a callback may send queries (a lookup pumps),
        // which adds transactions, and must not run while the map is iterated.
        List<Transaction> expired = new ArrayList<>();
        for (Iterator<Transaction> it = transactions.values().iterator(); it.hasNext(); ) {
            Transaction t = it.next();
            if (now - t.deadline() >= 0) {
                it.remove();
                expired.add(t);
            }
        }
        for (Transaction t : expired) {
            if (t.expected() != null) {
                table.failed(new NodeInfo(t.expected(), t.to()), now);
            }
            try {
                t.reply().failure(true, now);
            } catch (RuntimeException e) { // one callback must not cost the others or the rest of the tick
                log.debug("DHT timeout callback: {}", e.toString());
            }
        }
        for (ActiveLookup l : List.copyOf(lookups)) {
            pump(l, now);
        }
        for (SearchImpl s : List.copyOf(searches)) {
            s.tick(now);
        }
        sendAddNodePings(now);
        if (table.size() < Lookup.K && now - nextSmallTableBootstrap >= 0 && bootstrapped.isDone()) {
            nextSmallTableBootstrap = now + DhtLimits.SMALL_TABLE_BOOTSTRAP_NANOS;
            smallTableBootstrap(now);
        }
        if (now - nextMaintenance >= 0) {
            nextMaintenance = now + DhtLimits.MAINTENANCE_NANOS;
            maintain(now);
        }
        snapshot = new DhtStats(table.size(), table.goodCount(now), peerStore.peerCount(), lookups.size(), 0, 0);
    }

    private void sendAddNodePings(long now) {
        double rate = DhtLimits.ADD_NODE_PINGS_PER_SECOND;
        addNodeTokens = Math.min(rate, addNodeTokens + (now - lastAddNodeRefill) * rate / SECOND);
        lastAddNodeRefill = now;
        while (addNodeTokens >= 1 && transactions.size() < DhtLimits.MAX_TRANSACTIONS / 2) {
            InetSocketAddress a = addNodeQueue.poll();
            if (a == null) {
                return;
            }
            addNodeTokens -= 1;
            sendQuery(tid -> new KrpcMessage.Ping(tid, ownId, false), a, null, IGNORE, now);
        }
    }

    private static final Reply IGNORE = new Reply() {
        @Override
        public void response(KrpcMessage.Response response, long nowNanos) {
        }

        @Override
        public void failure(boolean timedOut, long nowNanos) {
        }
    };

    /** BEP 5 table upkeep: refresh buckets unchanged for 15 minutes, ping questionable nodes, re-bootstrap. */
    private void maintain(long now) {
        for (NodeId target : table.refreshTargets(now)) {
            startLookup(target, false, List.of(), null, l -> { }, now);
        }
        for (NodeInfo n : table.questionable(now, DhtLimits.PINGS_PER_MAINTENANCE)) {
            pingNode(n, now);
        }
    }

    /** Pings a node in our table (once at a time); a timeout makes the table count a failure. */
    private void pingNode(NodeInfo n, long now) {
        if (!pinging.add(n.id())) {
            return;
        }
        boolean sent = sendQuery(tid -> new KrpcMessage.Ping(tid, ownId, false), n.address(), n.id(), new Reply() {
            @Override
            public void response(KrpcMessage.Response response, long nowNanos) {
                pinging.remove(n.id());
            }

            @Override
            public void failure(boolean timedOut, long nowNanos) {
                pinging.remove(n.id());
            }
        }, now);
        if (!sent) {
            pinging.remove(n.id());
        }
    }

    private void shutdown() {
        long now = System.nanoTime();
        try {
            Runnable t;
            while ((t = tasks.poll()) != null) {
                t.run(); // sends fail now: futures complete with what they have
            }
            for (ActiveLookup l : List.copyOf(lookups)) {
                finish(l, now);
            }
            for (Transaction t2 : List.copyOf(transactions.values())) {
                transactions.remove(t2.key());
                t2.reply().failure(false, now);
            }
            for (SearchImpl s : searches) {
                s.closed = true;
            }
            searches.clear();
            finalTable = table.nodes();
            bootstrapped.complete(table.size());
        } catch (RuntimeException e) {
            log.debug("DHT node closing: {}", e.toString());
        }
        if (config.stateFile().isPresent() && stateLock != null && stateLock.held()) {
            try {
                RoutingTableFile.save(config.stateFile().get(), ownId,
                        RoutingTableFile.nodesToSave(table, loadedNodes, now));
            } catch (IOException | RuntimeException e) {
                log.warn("could not save the DHT state file: {}", e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- inbound queries

    private void handleQuery(KrpcMessage.Query q, InetSocketAddress from, int size, long now) {
        if (q.sender().equals(ownId)) {
            return; // our own query reflected, or someone using our id
        }
        if (!q.readOnly()) {
            RoutingTable.Outcome o = table.heard(new NodeInfo(q.sender(), from), false, now);
            if (o instanceof RoutingTable.PingFirst pf) {
                pingNode(pf.questionable(), now);
            } else if (o instanceof RoutingTable.Rejected
                    && table.find(q.sender()).map(known -> !known.address().equals(from)).orElse(true)
                    && !addNodeQueue.contains(from)) {
                // BEP 5 keeps nodes that answer: ask it, and keep it if it does. That includes a known id at a new
                // address (a restart on another port): if its old entry is failing, the answer moves it here
                addNodeQueue.offer(from);
            }
        }
        // proven: a good node at this address answered us lately, so it is no spoofed victim
        boolean proven = table.isGoodAddress(from, now);
        int cap = proven ? DhtLimits.MAX_REPLY_BYTES
                : Math.min(DhtLimits.MAX_REPLY_BYTES, DhtLimits.AMPLIFICATION_FACTOR * size);
        byte[] tid = q.transactionId();
        if (q instanceof KrpcMessage.Ping) {
            reply(tid, List.of(), List.of(), Optional.empty(), from, cap);
        } else if (q instanceof KrpcMessage.FindNode fn) {
            reply(tid, table.closest(fn.target(), Lookup.K, 1), List.of(), Optional.empty(), from, cap);
        } else if (q instanceof KrpcMessage.GetPeers gp) {
            List<InetSocketAddress> values = peerStore.peers(gp.infoHash(), DhtLimits.MAX_VALUES_PER_REPLY,
                    random, now);
            List<NodeInfo> nodes = values.isEmpty() ? table.closest(gp.infoHash(), Lookup.K, 1) : List.of();
            reply(tid, nodes, values, Optional.of(tokens.tokenFor(from.getAddress(), now)), from, cap);
        } else if (q instanceof KrpcMessage.AnnouncePeer ap) {
            if (!tokens.valid(ap.token(), from.getAddress(), now)) {
                badTokens.incrementAndGet();
                sendError(tid, KrpcException.PROTOCOL, "bad token", from);
                return;
            }
            int port = ap.impliedPort() ? from.getPort() : ap.port();
            if (port < 1 || port > 65535) {
                sendError(tid, KrpcException.PROTOCOL, "bad port", from);
                return;
            }
            peerStore.announce(ap.infoHash(), new InetSocketAddress(from.getAddress(), port), false, now);
            reply(tid, List.of(), List.of(), Optional.empty(), from, cap);
        }
    }

    /**
     * Sends a response carrying our id, {@code nodes} (split into BEP 5 {@code nodes} and BEP 32 {@code nodes6}),
     * {@code values}, {@code token} and BEP 42 {@code ip}, cut down to {@code cap} bytes: values go first, then
     * nodes; if even the bare reply exceeds the cap, nothing is sent.
     */
    private void reply(byte[] tid, List<NodeInfo> nodes, List<InetSocketAddress> values, Optional<byte[]> token,
            InetSocketAddress to, int cap) {
        List<NodeInfo> v4 = new ArrayList<>();
        List<NodeInfo> v6 = new ArrayList<>();
        for (NodeInfo n : nodes) {
            (n.address().getAddress() instanceof Inet4Address ? v4 : v6).add(n);
        }
        List<InetSocketAddress> vals = new ArrayList<>(values);
        boolean trimmed = false;
        while (true) {
            byte[] b = KrpcCodec.encode(new KrpcMessage.Response(tid, ownId, v4, v6, vals, token, Optional.of(to)));
            if (b.length <= cap) {
                if (trimmed) {
                    repliesTrimmed.incrementAndGet();
                }
                send(b, to);
                return;
            }
            trimmed = true;
            int over = b.length - cap;
            if (!vals.isEmpty()) {
                drop(vals, (over + 7) / 8); // "6:" + 6 bytes per IPv4 peer
            } else if (!v6.isEmpty()) {
                drop(v6, (over + NodeInfo.COMPACT_IPV6 - 1) / NodeInfo.COMPACT_IPV6);
            } else if (!v4.isEmpty()) {
                drop(v4, (over + NodeInfo.COMPACT_IPV4 - 1) / NodeInfo.COMPACT_IPV4);
            } else {
                repliesWithheld.incrementAndGet();
                return;
            }
        }
    }

    private static <T> void drop(List<T> list, int count) {
        int keep = Math.max(0, list.size() - Math.max(1, count));
        list.subList(keep, list.size()).clear();
    }

    private void sendError(byte[] tid, int code, String message, InetSocketAddress to) {
        String m = message == null ? "" : message;
        if (m.length() > MAX_ERROR_MESSAGE) {
            m = m.substring(0, MAX_ERROR_MESSAGE);
        }
        send(KrpcCodec.encode(new KrpcMessage.Error(tid, code, m)), to);
    }

    private void send(byte[] data, InetSocketAddress to) {
        try {
            socket.send(new DatagramPacket(data, data.length, to));
            packetsOut.incrementAndGet();
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            packetLog.debug("DHT send to {} failed: {}", to, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- our queries

    /**
     * Sends the query {@code build(tid)} to {@code to} with a fresh 2-byte transaction id. False when the node is
     * closing or {@link DhtLimits#MAX_TRANSACTIONS} are in flight (nothing sent, {@code reply} not called).
     */
    private boolean sendQuery(Function<byte[], KrpcMessage.Query> build, InetSocketAddress to, NodeId expected,
            Reply reply, long now) {
        if (closed.get() || transactions.size() >= DhtLimits.MAX_TRANSACTIONS || to.isUnresolved()) {
            return false;
        }
        int key;
        do {
            key = random.nextInt(1 << 16);
        } while (transactions.containsKey(key));
        byte[] tid = {(byte) (key >>> 8), (byte) key};
        KrpcMessage.Query q = build.apply(tid);
        transactions.put(key, new Transaction(key, to, expected, q.method(),
                now + DhtLimits.QUERY_TIMEOUT_NANOS, reply));
        send(KrpcCodec.encode(q), to);
        return true;
    }

    /** The transaction {@code tid} names, if it was sent to {@code from}; else counted and null. */
    private Transaction match(byte[] tid, InetSocketAddress from) {
        if (tid.length != 2) {
            unmatchedResponses.incrementAndGet();
            return null;
        }
        int key = ((tid[0] & 0xff) << 8) | (tid[1] & 0xff);
        Transaction t = transactions.get(key);
        if (t == null || !t.to().equals(from)) {
            unmatchedResponses.incrementAndGet();
            packetLog.debug("DHT: dropped a reply from {} with no matching transaction", from);
            return null;
        }
        transactions.remove(key);
        return t;
    }

    private void handleResponse(KrpcMessage.Response r, InetSocketAddress from, long now) {
        Transaction t = match(r.transactionId(), from);
        if (t == null) {
            return;
        }
        if (r.sender().equals(ownId)) {
            t.reply().failure(false, now); // a node answering with our id is not one we can use
            return;
        }
        RoutingTable.Outcome o = table.heard(new NodeInfo(r.sender(), from), true, now);
        if (o instanceof RoutingTable.PingFirst pf) {
            pingNode(pf.questionable(), now);
        }
        r.requester().ifPresent(ip -> voteExternalAddress(ip.getAddress(), from.getAddress(), true, now));
        t.reply().response(r, now);
    }

    private void handleError(KrpcMessage.Error e, InetSocketAddress from, long now) {
        Transaction t = match(e.transactionId(), from);
        if (t != null) {
            packetLog.debug("DHT: {} to {} answered error {} {}", t.method(), from, e.code(), e.message());
            t.reply().failure(false, now);
        }
    }

    /**
     * BEP 42: {@code voter} says we are at {@code external} ({@code dhtResponse}: in a response to our query,
     * else a peer's yourip). When the {@link ExternalAddressVoter} decides on a public address for which our id is
     * not secure, we take a secure id for it and rebuild the table around it, keeping only the good nodes (their
     * status must not improve by the move). Loopback and private addresses never count.
     */
    private void voteExternalAddress(InetAddress external, InetAddress voter, boolean dhtResponse, long now) {
        Optional<InetAddress> decided = externalVoter.vote(external, voter, dhtResponse, now);
        if (decided.isEmpty()) {
            return;
        }
        externalAddress = decided.get();
        if (SecureNodeId.verify(ownId, externalAddress)) {
            return;
        }
        NodeId secure = SecureNodeId.generate(externalAddress, random);
        log.debug("DHT: external address {}; taking the BEP 42 id {}", externalAddress.getHostAddress(), secure);
        List<NodeInfo> good = table.goodNodes(now);
        ownId = secure;
        table = new RoutingTable(secure, DhtLimits.ROUTING_TABLE_MAX_NODES, random);
        for (NodeInfo n : good) {
            table.heard(n, true, now); // each answered us lately: good stays good, the rest is not carried over
        }
        bootstrap(now);
    }

    // ---------------------------------------------------------------- lookups

    private final class ActiveLookup {
        final Lookup lookup;
        final boolean getPeers;
        final Consumer<List<InetSocketAddress>> onValues;
        final Consumer<Lookup> onDone;
        boolean finished;

        ActiveLookup(Lookup lookup, boolean getPeers, Consumer<List<InetSocketAddress>> onValues,
                Consumer<Lookup> onDone) {
            this.lookup = lookup;
            this.getPeers = getPeers;
            this.onValues = onValues;
            this.onDone = onDone;
        }
    }

    private void startLookup(NodeId target, boolean getPeers, List<NodeInfo> extraSeeds,
            Consumer<List<InetSocketAddress>> onValues, Consumer<Lookup> onDone, long now) {
        List<NodeInfo> seeds = new ArrayList<>(table.closest(target, DhtLimits.LOOKUP_SEEDS));
        seeds.addAll(extraSeeds);
        List<InetSocketAddress> r = table.size() < Lookup.K ? routers : List.of();
        ActiveLookup l = new ActiveLookup(new Lookup(target, ownId, seeds, r, now), getPeers, onValues, onDone);
        lookups.add(l);
        if (getPeers) { // peers announced to us count too: we may be one of the closest nodes ourselves
            List<InetSocketAddress> local = l.lookup.addValues(peersOnly(
                    peerStore.peers(target, DhtLimits.MAX_VALUES_PER_REPLY, random, now)));
            if (!local.isEmpty() && onValues != null) {
                onValues.accept(local);
            }
        }
        pump(l, now);
    }

    /** Sends what the lookup wants sent now; finishes it when it is done. */
    private void pump(ActiveLookup l, long now) {
        if (l.finished) {
            return;
        }
        int room = DhtLimits.MAX_TRANSACTIONS - transactions.size();
        for (Lookup.Request req : l.lookup.next(closed.get() ? 0 : room, now)) {
            NodeId target = l.lookup.target();
            Function<byte[], KrpcMessage.Query> build = l.getPeers
                    ? tid -> new KrpcMessage.GetPeers(tid, ownId, false, target)
                    : tid -> new KrpcMessage.FindNode(tid, ownId, false, target);
            boolean sent = sendQuery(build, req.address(), req.id(), new Reply() {
                @Override
                public void response(KrpcMessage.Response response, long nowNanos) {
                    if (l.finished) {
                        return;
                    }
                    List<NodeInfo> nodes = new ArrayList<>(response.nodes());
                    nodes.addAll(response.nodes6());
                    List<InetSocketAddress> fresh = l.lookup.responded(req, response.sender(), nodes,
                            peersOnly(response.values()), response.token());
                    if (!fresh.isEmpty() && l.onValues != null) {
                        l.onValues.accept(fresh);
                    }
                    pump(l, nowNanos);
                }

                @Override
                public void failure(boolean timedOut, long nowNanos) {
                    if (!l.finished) {
                        l.lookup.failed(req);
                        pump(l, nowNanos);
                    }
                }
            }, now);
            if (!sent) {
                l.lookup.failed(req);
            }
        }
        if (l.lookup.done(now) || (l.lookup.inFlight().isEmpty() && closed.get())) {
            finish(l, now);
        }
    }

    private void finish(ActiveLookup l, long now) {
        if (l.finished) {
            return;
        }
        l.finished = true;
        lookups.remove(l);
        try {
            l.onDone.accept(l.lookup);
        } catch (RuntimeException e) {
            log.debug("DHT lookup callback: {}", e.toString());
        }
    }

    /** Values a peer source may use: no port 0, no unspecified or multicast address. */
    private static List<InetSocketAddress> peersOnly(List<InetSocketAddress> values) {
        List<InetSocketAddress> out = new ArrayList<>(values.size());
        for (InetSocketAddress v : values) {
            InetAddress a = v.getAddress();
            if (a != null && !a.isAnyLocalAddress() && !a.isMulticastAddress() && v.getPort() > 0) {
                out.add(v);
            }
        }
        return out;
    }

    /** Sends announce_peer to the lookup's token holders; {@code done} gets those that acknowledged. */
    private void announceTo(Lookup l, NodeId infoHash, int port, Consumer<List<NodeInfo>> done) {
        List<Lookup.TokenHolder> holders = l.tokenHolders();
        List<NodeInfo> acked = new ArrayList<>();
        AtomicInteger pending = new AtomicInteger(holders.size());
        if (holders.isEmpty()) {
            done.accept(acked);
            return;
        }
        long now = System.nanoTime();
        for (Lookup.TokenHolder h : holders) {
            Runnable countDown = () -> {
                if (pending.decrementAndGet() == 0) {
                    done.accept(acked);
                }
            };
            boolean sent = sendQuery(tid -> new KrpcMessage.AnnouncePeer(tid, ownId, false, infoHash, port, false,
                    h.token()), h.node().address(), h.node().id(), new Reply() {
                        @Override
                        public void response(KrpcMessage.Response response, long nowNanos) {
                            acked.add(h.node());
                            countDown.run();
                        }

                        @Override
                        public void failure(boolean timedOut, long nowNanos) {
                            countDown.run();
                        }
                    }, now);
            if (!sent) {
                countDown.run();
            }
        }
    }

    // ---------------------------------------------------------------- searches

    private final class SearchImpl implements Search {
        final NodeId infoHash;
        final int announcePort;
        final PeerSink sink;
        final Set<InetSocketAddress> seen = ConcurrentHashMap.newKeySet();
        final AtomicInteger found = new AtomicInteger();
        volatile boolean closed;
        volatile boolean again;
        // The node's thread only.
        boolean running;
        boolean ranOnce;
        long nextRun;
        long lastStart;
        /** Rounds in a row that found no peer at all (the retry backs off from 5 s). */
        int barrenRounds;

        SearchImpl(NodeId infoHash, int announcePort, PeerSink sink) {
            this.infoHash = infoHash;
            this.announcePort = announcePort;
            this.sink = sink;
        }

        void tick(long now) {
            if (closed) {
                searches.remove(this);
                return;
            }
            if (running) {
                return;
            }
            boolean due = !ranOnce || now - nextRun >= 0
                    || (again && now - lastStart >= DhtLimits.MIN_RESEARCH_NANOS);
            if (!due) {
                return;
            }
            again = false;
            running = true;
            ranOnce = true;
            lastStart = now;
            startLookup(infoHash, true, List.of(), this::deliver, l -> {
                int peers = l.values().size();
                boolean empty = l.respondedCount() == 0;
                int answered = l.respondedCount();
                Runnable end = () -> {
                    running = false;
                    long wait = retryAfter(empty, peers);
                    nextRun = System.nanoTime() + wait;
                    log.info("DHT lookup for {}: {} peer(s) from {} node(s) that answered{}; next in {} s",
                            infoHash.hex(), peers, answered, announcePort > 0 && !closed ? ", announce sent" : "",
                            wait / 1_000_000_000L);
                    if (!closed) {
                        try {
                            sink.lookupDone(peers);
                        } catch (RuntimeException e) {
                            log.debug("DHT peer sink: {}", e.toString());
                        }
                    }
                };
                if (announcePort > 0 && !closed) {
                    announceTo(l, infoHash, announcePort, acked -> end.run());
                } else {
                    end.run();
                }
            }, now);
        }

        /**
         * When to look again: at {@link DhtLimits#REANNOUNCE_NANOS} once a search has peers; sooner while nobody
         * answered or no peer was ever found (the peer may announce itself any moment: a swarm's first seeder
         * does a few seconds after it starts), backing off from {@link DhtLimits#EMPTY_SEARCH_RETRY_NANOS}
         * doubling to {@link DhtLimits#BARREN_SEARCH_RETRY_MAX_NANOS}.
         */
        long retryAfter(boolean nobodyAnswered, int peersThisRound) {
            if (!nobodyAnswered && (peersThisRound > 0 || found.get() > 0)) {
                barrenRounds = 0;
                return DhtLimits.REANNOUNCE_NANOS;
            }
            long wait = DhtLimits.EMPTY_SEARCH_RETRY_NANOS << Math.min(barrenRounds, 8);
            barrenRounds++;
            return Math.min(wait, DhtLimits.BARREN_SEARCH_RETRY_MAX_NANOS);
        }

        void deliver(List<InetSocketAddress> peers) {
            if (closed) {
                return;
            }
            for (InetSocketAddress p : peers) {
                if (seen.size() < DhtLimits.SEARCH_MAX_REMEMBERED_PEERS && seen.add(p)) {
                    found.incrementAndGet();
                }
            }
            try {
                sink.peersFound(peers);
            } catch (RuntimeException e) {
                log.debug("DHT peer sink: {}", e.toString());
            }
        }

        @Override
        public void lookAgain() {
            again = true;
        }

        @Override
        public int peersFound() {
            return found.get();
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
