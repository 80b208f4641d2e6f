package io.btget.client;

import io.btget.net.IoFailures;
import io.btget.net.SocketAddresses;

import io.btget.dht.Dht;
import io.btget.dht.DhtConfig;
import io.btget.dht.DhtNode;
import io.btget.metainfo.InfoHash;
import io.btget.mse.Encryption;
import io.btget.mse.Mse;
import io.btget.mse.MseAcceptor;
import io.btget.mse.MseDialer;
import io.btget.net.Listener;
import io.btget.net.Transport;
import io.btget.peer.Handshake;
import io.btget.peer.IncomingHandler;
import io.btget.peer.Limits;
import io.btget.peer.PeerId;
import io.btget.peer.RateLimiter;
import io.btget.peer.Threads;
import io.btget.session.DhtSettings;
import io.btget.session.SessionHost;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process level: one per btget process, whatever the number of torrents. It owns our peer id, the one listen
 * socket (incoming handshakes are read up to the info hash and routed to the torrent registered for it; unknown
 * hashes are refused), the global download/upload budget every torrent's peers draw from, and at most one DHT node
 * (BEP 5), started when the first public torrent asks for it ({@link #dht}) and closed (its routing table saved)
 * by {@link #close}. Torrents register and unregister by info hash; nothing here assumes there is only one.
 *
 * <p>Threads: any thread may call in; the listener's threads route incoming connections.
 */
public final class Client implements SessionHost, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Client.class);

    /** Incoming connections whose handshake we are still reading, at most (each holds a thread for a while). */
    public static final int MAX_PENDING_INCOMING = 200;

    private final SecureRandom random = new SecureRandom();
    private final PeerId peerId = PeerId.generate(random);
    private final Encryption encryption;
    private final MseDialer dialer;
    private final MseAcceptor acceptor;
    private final RateLimiter downloadLimiter;
    private final RateLimiter uploadLimiter;
    private final InetAddress bind;
    private final int port;
    private final boolean portExplicit;
    private final Map<InfoHash, IncomingHandler> torrents = new ConcurrentHashMap<>();
    private final Listener listener = new Listener();
    private final DhtSettings dhtSettings;
    private final DhtStarter dhtStarter;
    /** Guarded by {@code this}. */
    private int boundPort;
    /** The DHT node once started; guarded by {@code this}. */
    private Dht dht;
    /** The DHT could not be started (or we are closed): not tried again. Guarded by {@code this}. */
    private boolean dhtGaveUp;
    /** Torrents that never use the DHT (BEP 27), by info hash. Guarded by {@code this}. */
    private final java.util.Set<InfoHash> privateTorrents = new java.util.HashSet<>();

    /** Starts a DHT node: {@link DhtNode} in production, a fake in tests. */
    @FunctionalInterface
    public interface DhtStarter {
        /**
         * A started node for {@code config}; closed by the client if it is {@link AutoCloseable}.
         *
         * @throws IOException when the UDP port cannot be bound
         */
        Dht start(DhtConfig config) throws IOException;
    }

    /** The real node: {@code new DhtNode(config).start()}. */
    public static final DhtStarter REAL_DHT = config -> {
        DhtNode node = new DhtNode(config);
        try {
            node.start();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    };

    /**
     * @param bind          address to listen on
     * @param port          preferred listen port (0: any; a taken one falls forward unless {@code portExplicit})
     * @param downloadLimit bytes/s over every torrent, 0 for none
     * @param uploadLimit   bytes/s over every torrent, 0 for none
     */
    public Client(InetAddress bind, int port, boolean portExplicit, long downloadLimit, long uploadLimit) {
        this(bind, port, portExplicit, downloadLimit, uploadLimit, DhtSettings.OFF, REAL_DHT);
    }

    /**
     * As above, with a DHT node run as {@code dht} says, started by {@code dhtStarter} when first asked for.
     */
    public Client(InetAddress bind, int port, boolean portExplicit, long downloadLimit, long uploadLimit,
            DhtSettings dht, DhtStarter dhtStarter) {
        this(bind, port, portExplicit, downloadLimit, uploadLimit, dht, dhtStarter, Encryption.OFF);
    }

    /**
     * As above, with protocol encryption (MSE) for incoming and outgoing connections as {@code encryption} says.
     */
    public Client(InetAddress bind, int port, boolean portExplicit, long downloadLimit, long uploadLimit,
            DhtSettings dht, DhtStarter dhtStarter, Encryption encryption) {
        this.encryption = encryption;
        this.dialer = new MseDialer(encryption, random);
        this.acceptor = new MseAcceptor(encryption, random);
        this.dhtSettings = dht;
        this.dhtStarter = dhtStarter;
        this.bind = bind;
        this.port = port;
        this.portExplicit = portExplicit;
        this.downloadLimiter = new RateLimiter(downloadLimit);
        this.uploadLimiter = new RateLimiter(uploadLimit);
    }

    /** A client with the process-wide settings of a session config. */
    public static Client of(io.btget.session.Config config) {
        return new Client(config.bind(), config.port(), config.portExplicit(), config.downloadLimit(),
                config.uploadLimit(), config.dht(), REAL_DHT, config.encryption());
    }

    /** The process's protocol-encryption policy. */
    public Encryption encryption() {
        return encryption;
    }

    /** Dials as the encryption policy says: plain, MSE, or MSE then plain. */
    @Override
    public MseDialer dialer() {
        return dialer;
    }

    @Override
    public PeerId peerId() {
        return peerId;
    }

    @Override
    public RateLimiter downloadLimiter() {
        return downloadLimiter;
    }

    @Override
    public RateLimiter uploadLimiter() {
        return uploadLimiter;
    }

    @Override
    public synchronized int listen() {
        if (boundPort == 0) {
            boundPort = listener.bind(bind, port, portExplicit);
            listener.start(MAX_PENDING_INCOMING, this::route, new Listener.ThreadStarter() {
                @Override
                public void start(String name, Runnable task) {
                    Threads.start(name, task);
                }

                @Override
                public void startPlatform(String name, Runnable task) {
                    Threads.startPlatform(name, task);
                }
            });
        }
        return boundPort;
    }

    @Override
    public void register(InfoHash infoHash, IncomingHandler handler) {
        torrents.put(infoHash, handler);
    }

    @Override
    public void unregister(InfoHash infoHash, IncomingHandler handler) {
        torrents.remove(infoHash, handler);
    }

    /**
     * Tells a plain handshake from an encrypted one (MSE: the torrent is found among those registered by the
     * initiator's HASH('req2', SKEY)), as the encryption policy allows, then reads the BitTorrent handshake start and
     * hands the connection to its torrent; refuses unknown hashes.
     */
    private void route(Transport raw) {
        boolean taken = false;
        Transport t = raw;
        try {
            MseAcceptor.Opened opened = acceptor.open(raw, this::torrentForReq2, Limits.HANDSHAKE_TIMEOUT_MILLIS);
            t = opened.transport();
            t.setReadTimeout(Limits.HANDSHAKE_TIMEOUT_MILLIS);
            Handshake.Start start = Handshake.readStart(new DataInputStream(t.in()));
            if (opened.skey() != null && !opened.skey().equals(start.infoHash())) {
                log.debug("incoming {}: encrypted for {} but the handshake names {}", t.remoteAddress(),
                        opened.skey(), start.infoHash());
                return;
            }
            IncomingHandler handler = torrents.get(start.infoHash());
            if (handler == null) {
                log.debug("incoming {}: handshake for a torrent we do not serve ({})", t.remoteAddress(),
                        start.infoHash());
                return;
            }
            taken = handler.accept(t, start);
        } catch (io.btget.mse.MseException e) {
            if (e.policyRefusal() && policyRefusalsLogged.getAndIncrement() < POLICY_REFUSALS_SHOWN) {
                // a peer set up the other way (encryption required or off) is a setting to fix: said at -v
                log.info("incoming {}: {}", SocketAddresses.text(t.remoteAddress()), e.getMessage());
            } else {
                log.debug("incoming {} failed: {}", t.remoteAddress(), e.getMessage());
            }
        } catch (IOException e) {
            log.debug("incoming {} failed: {}", t.remoteAddress(), IoFailures.describe(e));
        } catch (RuntimeException e) {
            log.debug("incoming {} failed", t.remoteAddress(), e);
        } finally {
            if (!taken) {
                raw.close();
            }
        }
    }

    /** How many refusals by our encryption policy are said at -v (the rest at -vv): a busy swarm sends many. */
    private static final int POLICY_REFUSALS_SHOWN = 10;
    private final java.util.concurrent.atomic.AtomicInteger policyRefusalsLogged = new java.util.concurrent.atomic.AtomicInteger();

    /** The registered torrent whose HASH('req2', info hash) is {@code req2}, or null (the MSE receiver's SKEY search). */
    private InfoHash torrentForReq2(byte[] req2) {
        for (InfoHash h : torrents.keySet()) {
            if (java.security.MessageDigest.isEqual(Mse.req2(h.bytes()), req2)) {
                return h;
            }
        }
        return null;
    }

    /**
     * The DHT node, started on the first call: its UDP port is {@code --dht-port}, else the number of the TCP listen
     * port bound so far (else the configured one). A default port that is taken falls back to any free port with a
     * warning; an explicit one that is taken means no DHT for this run (a warning; the download goes on without it).
     * Empty when the DHT is off, could not be started, or the client is closed.
     */
    @Override
    public synchronized Optional<Dht> dht() {
        if (dht != null || dhtGaveUp || !dhtSettings.enabled()) {
            return Optional.ofNullable(dht);
        }
        int udpPort = dhtSettings.port() != 0 ? dhtSettings.port() : boundPort != 0 ? boundPort : port;
        try {
            dht = dhtStarter.start(dhtConfig(udpPort));
        } catch (IOException | RuntimeException e) {
            if (dhtSettings.port() != 0 && dhtSettings.portExplicit() || udpPort == 0) {
                log.warn("DHT: cannot use UDP port {} ({}): running without the DHT", udpPort, reason(e));
                dhtGaveUp = true;
                return Optional.empty();
            }
            log.warn("DHT: UDP port {} cannot be had ({}); using any free port", udpPort, reason(e));
            try {
                dht = dhtStarter.start(dhtConfig(0));
            } catch (IOException | RuntimeException e2) {
                log.warn("DHT: cannot start ({}): running without the DHT", reason(e2));
                dhtGaveUp = true;
                return Optional.empty();
            }
        }
        log.debug("DHT node listening on UDP port {}", dht.port());
        return Optional.of(dht);
    }

    /**
     * Closes the DHT node when every torrent registered with this client has said it never uses the DHT (a magnet
     * whose info turned out private); a later {@link #dht} call from a public torrent starts a node again.
     */
    @Override
    public void dhtUnwanted(InfoHash infoHash) {
        Dht node;
        synchronized (this) {
            privateTorrents.add(infoHash);
            if (dht == null || !privateTorrents.containsAll(torrents.keySet())) {
                return;
            }
            node = dht;
            dht = null;
        }
        log.debug("DHT: no public torrent left; the node is closed");
        closeNode(node);
    }

    /** The DHT node if one runs (without starting one). */
    public synchronized Optional<Dht> runningDht() {
        return Optional.ofNullable(dht);
    }

    private DhtConfig dhtConfig(int udpPort) {
        return new DhtConfig(bind, udpPort, dhtSettings.bootstrap(), dhtSettings.stateFile(), new SecureRandom());
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Stops listening and closes the DHT node (which saves its routing table); idempotent. */
    @Override
    public void close() {
        listener.close();
        Dht node;
        synchronized (this) {
            node = dht;
            dht = null;
            dhtGaveUp = true;
        }
        closeNode(node);
    }

    private static void closeNode(Dht node) {
        if (node instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("DHT: closing failed: {}", reason(e));
            }
        }
    }
}
