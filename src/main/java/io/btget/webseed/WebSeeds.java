package io.btget.webseed;

import io.btget.metainfo.Torrent;
import io.btget.storage.FileLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A torrent's web seeds (BEP 19 {@code url-list}, magnet {@code ws=}) and http seeds (BEP 17 {@code httpseeds},
 * after the web seeds): at most {@link WebSeedLimits#MAX_ACTIVE}
 * fetch at once; when one is given up or banned, the next URL not yet tried takes its place. Each URL is used at
 * most once per run.
 */
public final class WebSeeds implements AutoCloseable {
    /**
     * How long {@link #close} waits for each web seed's thread. A close cuts its HTTP connection, so a thread ends
     * in milliseconds unless it is writing a piece to disk; a stuck disk must not hang the session's end.
     */
    private static final long JOIN_MILLIS = 2000;

    private final Torrent torrent;
    private final FileLayout layout;
    private final WebSeedHost host;
    private final WebSeedLimits limits;
    /** Guarded by {@code this}. */
    private final Deque<Source> waiting = new ArrayDeque<>();
    /** Guarded by {@code this}. */
    private final List<WebSeed> active = new ArrayList<>();
    /** Guarded by {@code this}. */
    private boolean closed;

    public WebSeeds(Torrent torrent, FileLayout layout, WebSeedHost host, WebSeedLimits limits) {
        this.torrent = torrent;
        this.layout = layout;
        this.host = host;
        this.limits = limits;
        for (String url : torrent.webSeeds()) {
            waiting.add(new Source(url, false));
        }
        for (String url : torrent.httpSeeds()) {
            waiting.add(new Source(url, true));
        }
    }

    /** A URL to fetch from: a BEP 19 web seed, or a BEP 17 http seed ({@code httpSeed}). */
    private record Source(String url, boolean httpSeed) {
    }

    /** Starts the first web seeds; no-op for a torrent without any. */
    public synchronized void start() {
        fill();
    }

    /** Whether any web seed is fetching or waiting to: the session has a source besides peers. */
    public synchronized boolean anyUsable() {
        return !closed && (!active.isEmpty() || !waiting.isEmpty());
    }

    /** Web seeds fetching now. */
    public synchronized int activeCount() {
        return active.size();
    }

    /**
     * Stops every web seed (their reservations go back to the picker); waits briefly for their threads, so none
     * writes after the session closes its storage. Never throws: an interrupt is kept for the caller.
     */
    @Override
    public void close() {
        List<WebSeed> stopping;
        synchronized (this) {
            closed = true;
            waiting.clear();
            stopping = new ArrayList<>(active);
        }
        for (WebSeed w : stopping) {
            w.close("session stopping", false);
        }
        try {
            for (WebSeed w : stopping) {
                w.join(JOIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called by a web seed's thread as it ends. */
    synchronized void ended(WebSeed seed) {
        active.remove(seed);
        fill();
    }

    private void fill() {
        while (!closed && active.size() < WebSeedLimits.MAX_ACTIVE && !waiting.isEmpty()) {
            Source source = waiting.poll();
            String url = source.url();
            try {
                // refuses a URL we cannot use, before a thread starts
                if (source.httpSeed()) {
                    WebSeedUrls.httpSeedUrl(url, torrent.infoHash().bytes(), 0, 0, 1);
                } else {
                    WebSeedUrls.fileUrl(url, torrent, 0);
                }
            } catch (IllegalArgumentException e) {
                host.event("webseed_failed", "web seed " + url + " cannot be used: " + e.getMessage(),
                        Map.of("url", url, "reason", e.getMessage()));
                continue;
            }
            WebSeed seed = new WebSeed(url, source.httpSeed(), torrent, layout, host, limits, this);
            active.add(seed);
            seed.start();
        }
    }
}
