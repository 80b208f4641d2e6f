package io.btget.client;

import io.btget.metainfo.InfoHash;
import io.btget.net.Listener;
import io.btget.net.Transport;
import io.btget.peer.Handshake;
import io.btget.peer.IncomingHandler;
import io.btget.peer.Limits;
import io.btget.peer.PeerId;
import io.btget.peer.RateLimiter;
import io.btget.peer.Threads;
import io.btget.session.SessionHost;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process level: one per btget process, whatever the number of torrents. It owns our peer id, the one listen
 * socket (incoming handshakes are read up to the info hash and routed to the torrent registered for it; unknown
 * hashes are refused), and the global download/upload budget every torrent's peers draw from. Torrents register
 * and unregister by info hash; nothing here assumes there is only one.
 *
 * <p>Threads: any thread may call in; the listener's threads route incoming connections.
 */
public final class Client implements SessionHost, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Client.class);

    /** Incoming connections whose handshake we are still reading, at most (each holds a thread for a while). */
    public static final int MAX_PENDING_INCOMING = 200;

    private final PeerId peerId = PeerId.generate(new SecureRandom());
    private final RateLimiter downloadLimiter;
    private final RateLimiter uploadLimiter;
    private final InetAddress bind;
    private final int port;
    private final boolean portExplicit;
    private final Map<InfoHash, IncomingHandler> torrents = new ConcurrentHashMap<>();
    private final Listener listener = new Listener();
    /** Guarded by {@code this}. */
    private int boundPort;

    /**
     * @param bind          address to listen on
     * @param port          preferred listen port (0: any; a taken one falls forward unless {@code portExplicit})
     * @param downloadLimit bytes/s over every torrent, 0 for none
     * @param uploadLimit   bytes/s over every torrent, 0 for none
     */
    public Client(InetAddress bind, int port, boolean portExplicit, long downloadLimit, long uploadLimit) {
        this.bind = bind;
        this.port = port;
        this.portExplicit = portExplicit;
        this.downloadLimiter = new RateLimiter(downloadLimit);
        this.uploadLimiter = new RateLimiter(uploadLimit);
    }

    /** A client with the process-wide settings of a session config. */
    public static Client of(io.btget.session.Config config) {
        return new Client(config.bind(), config.port(), config.portExplicit(), config.downloadLimit(),
                config.uploadLimit());
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

    /** Reads the handshake start of an incoming connection and hands it to its torrent; refuses unknown hashes. */
    private void route(Transport t) {
        boolean taken = false;
        try {
            t.setReadTimeout(Limits.HANDSHAKE_TIMEOUT_MILLIS);
            Handshake.Start start = Handshake.readStart(new DataInputStream(t.in()));
            IncomingHandler handler = torrents.get(start.infoHash());
            if (handler == null) {
                log.debug("incoming {}: handshake for a torrent we do not serve ({})", t.remoteAddress(),
                        start.infoHash());
                return;
            }
            taken = handler.accept(t, start);
        } catch (IOException e) {
            log.debug("incoming {} failed: {}", t.remoteAddress(), e.getMessage());
        } catch (RuntimeException e) {
            log.debug("incoming {} failed", t.remoteAddress(), e);
        } finally {
            if (!taken) {
                t.close();
            }
        }
    }

    @Override
    public void close() {
        listener.close();
    }
}
