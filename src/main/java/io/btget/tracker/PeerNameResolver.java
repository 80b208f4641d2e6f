package io.btget.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the DNS names a tracker gave as peer addresses (BEP 3 dictionary model), off the announcer's thread and
 * bounded: at most {@link #MAX_CONCURRENT} lookups at once, {@link #MAX_QUEUED} waiting (further names are dropped
 * with a debug line), and an answer that comes later than {@link #TIMEOUT} is dropped (the JDK resolver cannot be
 * interrupted; its own retries end a hung lookup). Each name gives at most {@link #MAX_ADDRESSES_PER_NAME} peers.
 */
final class PeerNameResolver implements AutoCloseable {
    static final int MAX_CONCURRENT = 4;
    static final int MAX_QUEUED = 100;
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_ADDRESSES_PER_NAME = 4;

    private static final Logger log = LoggerFactory.getLogger(PeerNameResolver.class);

    /** Resolves one host name; {@link InetAddress#getAllByName} in production. */
    interface Lookup {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    private final Lookup lookup;
    private final Duration timeout;
    private final ThreadPoolExecutor lookups;

    PeerNameResolver(String threadName) {
        this(InetAddress::getAllByName, TIMEOUT, threadName);
    }

    PeerNameResolver(Lookup lookup, Duration timeout, String threadName) {
        this.lookup = lookup;
        this.timeout = timeout;
        this.lookups = new ThreadPoolExecutor(MAX_CONCURRENT, MAX_CONCURRENT, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
                    Thread t = new Thread(r, threadName);
                    t.setDaemon(true);
                    return t;
                });
        lookups.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts a lookup of each unresolved address; hands the addresses found for each name, with its port, to
     * {@code sink} on a lookup thread. Never blocks.
     */
    void resolve(List<InetSocketAddress> names, Consumer<List<InetSocketAddress>> sink) {
        for (InetSocketAddress name : names) {
            long started = System.nanoTime();
            try {
                lookups.execute(() -> resolveOne(name, started, sink));
            } catch (RejectedExecutionException e) {
                log.debug("peer host name {} skipped: {} lookups already waiting", name.getHostString(), MAX_QUEUED);
            }
        }
    }

    private void resolveOne(InetSocketAddress name, long started, Consumer<List<InetSocketAddress>> sink) {
        String host = name.getHostString();
        InetAddress[] found;
        try {
            found = lookup.addresses(host);
        } catch (UnknownHostException e) {
            log.debug("peer host name {} does not resolve", host);
            return;
        } catch (RuntimeException e) {
            log.debug("peer host name {}: {}", host, e.toString());
            return;
        }
        if (System.nanoTime() - started > timeout.toNanos()) {
            log.debug("peer host name {} resolved after more than {} s: dropped", host, timeout.toSeconds());
            return;
        }
        List<InetSocketAddress> peers = new ArrayList<>();
        for (InetAddress a : found) {
            if (peers.size() < MAX_ADDRESSES_PER_NAME) {
                peers.add(new InetSocketAddress(a, name.getPort()));
            }
        }
        log.debug("peer host name {} resolved to {}", host, peers);
        if (!peers.isEmpty()) {
            try {
                sink.accept(peers);
            } catch (RuntimeException e) {
                log.warn("peer sink failed", e);
            }
        }
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }
}
