package io.btget.tracker.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The built-in tracker: HTTP announce and scrape, and a BEP 15 UDP tracker on the same port number, serving
 * in-memory swarms. Peers expire after {@link #expiry} without news. Usable in-process by tests:
 * {@code try (var t = new TrackerServer(loopback, 0, 30)) { int port = t.start(); ... }}.
 */
public final class TrackerServer implements AutoCloseable {
    public static final int DEFAULT_PORT = 6969;
    /** Short, because a local swarm wants to find its peers quickly. */
    public static final int DEFAULT_INTERVAL_SECONDS = 30;
    /**
     * Clients announce no more often than their own floor, whatever interval we ask for: libtorrent's
     * {@code min_announce_interval} is 5 minutes by default. Expiring a peer sooner than two of those would drop a
     * live libtorrent seeder from every reply after a minute of our 30 s interval (seen in scripts/bench-download).
     */
    static final Duration CLIENT_ANNOUNCE_FLOOR = Duration.ofMinutes(5);
    private static final int HTTP_THREADS = 4;
    private static final int BIND_ATTEMPTS = 5;

    private final InetAddress bind;
    private final int requestedPort;
    private final int intervalSeconds;
    private HttpServer http;
    private DatagramSocket udp;
    private ExecutorService executor;
    private Thread udpThread;

    public TrackerServer(InetAddress bind, int port, int intervalSeconds) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (intervalSeconds < 1 || intervalSeconds > 86_400) {
            throw new IllegalArgumentException("interval must be 1..86400 seconds");
        }
        this.bind = bind;
        this.requestedPort = port;
        this.intervalSeconds = intervalSeconds;
    }

    /** How long a peer stays listed without an announce: two intervals, and never less than two client floors. */
    static Duration expiry(int intervalSeconds) {
        Duration two = Duration.ofSeconds(2L * intervalSeconds);
        Duration floor = CLIENT_ANNOUNCE_FLOOR.multipliedBy(2);
        return two.compareTo(floor) > 0 ? two : floor;
    }

    /** Binds both sockets and starts serving; returns the port (useful when 0 was asked for). */
    public synchronized int start() throws IOException {
        if (http != null) {
            throw new IllegalStateException("already started");
        }
        Swarms swarms = new Swarms(expiry(intervalSeconds), System::nanoTime);
        // With port 0 the HTTP side picks a port and UDP must get the same number; another process may hold it
        // for UDP, so try a few ports.
        for (int attempt = 1; ; attempt++) {
            HttpServer h = HttpServer.create(new InetSocketAddress(bind, requestedPort), 64);
            int port = h.getAddress().getPort();
            try {
                udp = new DatagramSocket(new InetSocketAddress(bind, port));
                http = h;
                break;
            } catch (BindException e) {
                h.stop(0);
                if (requestedPort != 0 || attempt >= BIND_ATTEMPTS) {
                    throw new BindException("UDP port " + port + " on " + bind.getHostAddress() + " is in use");
                }
            }
        }
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(HTTP_THREADS, r -> {
            Thread t = new Thread(r, "tracker-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpTrackerHandler handler = new HttpTrackerHandler(swarms, intervalSeconds);
        http.createContext("/", handler);
        http.setExecutor(executor);
        http.start();
        udpThread = new Thread(new UdpTrackerService(udp, swarms, intervalSeconds, System::nanoTime), "tracker-udp");
        udpThread.setDaemon(true);
        udpThread.start();
        return http.getAddress().getPort();
    }

    public synchronized int port() {
        if (http == null) {
            throw new IllegalStateException("not started");
        }
        return http.getAddress().getPort();
    }

    /** {@code http://host:port/announce} for this server. */
    public String httpAnnounceUrl() {
        return "http://" + hostForUrl() + ":" + port() + "/announce";
    }

    /** {@code udp://host:port/announce} for this server. */
    public String udpAnnounceUrl() {
        return "udp://" + hostForUrl() + ":" + port() + "/announce";
    }

    private String hostForUrl() {
        String host = bind.getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.stop(0);
        }
        if (udp != null) {
            udp.close();
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (udpThread != null) {
            try {
                udpThread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
