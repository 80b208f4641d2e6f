package io.btget.tracker;

import io.btget.metainfo.InfoHash;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns all announcing for one torrent: BEP 12 tiers, events, and the re-announce loop on its own daemon thread.
 *
 * <p>BEP 12: each tier is shuffled once; an announce tries the tiers in order and the URLs of a tier in order,
 * stops at the first tracker that answers, and moves that tracker to the front of its tier. Each tracker gets
 * {@code started} the first time we reach it, {@code completed} once after {@link #completed()} (to the tracker in
 * use), and {@code stopped} on {@link #close()} if it got {@code started}.
 *
 * <p>BEP 3 expects {@code completed} and {@code stopped} to reach the tracker, so {@link #close()} lets an announce
 * in flight finish and then sends whatever is still owed ({@code completed} to the tracker in use if it was not
 * answered yet, then {@code stopped}) to every tracker in parallel, all within {@link #STOP_BUDGET} in total: a
 * hanging tracker makes an exit at most that much slower.
 */
public final class Announcer implements AutoCloseable {
    /** Lower bound on the re-announce interval, whatever a tracker says: protects trackers and us. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(30);
    /** Upper bound: a tracker asking for a day would starve a download of new peers. */
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);
    /** After every tracker failed: wait this long, doubling on each further failure up to {@link #MAX_INTERVAL}. */
    public static final Duration FIRST_RETRY = Duration.ofSeconds(15);
    /** {@link #close()} spends at most this long, for all trackers together, finishing {@code completed} and
     *  sending {@code stopped}. */
    public static final Duration STOP_BUDGET = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(Announcer.class);

    /** The clock-related knobs; tests shrink them. */
    record Timing(Duration minInterval, Duration maxInterval, Duration firstRetry, Duration stopBudget) {
        static final Timing DEFAULT = new Timing(MIN_INTERVAL, MAX_INTERVAL, FIRST_RETRY, STOP_BUDGET);
    }

    /** Makes the client for a URL; {@link TrackerClients#forUrl(String)} in production. */
    interface ClientFactory {
        TrackerClient create(String url) throws TrackerException;
    }

    private final InfoHash infoHash;
    private final byte[] peerId;
    private final int port;
    private final Supplier<TransferTotals> totals;
    private final Consumer<List<InetSocketAddress>> peerSink;
    private final AnnouncerListener listener;
    private final ClientFactory factory;
    private final Timing timing;
    /** BEP 3 dictionary peers may name a host: resolved off this thread, bounded (see PeerNameResolver). */
    private final PeerNameResolver names;

    // Guarded by this. The tiers are only reordered on the announcer thread but read by close().
    private final List<List<String>> tiers = new ArrayList<>();
    private final Set<String> startedUrls = new LinkedHashSet<>();
    private final Map<String, TrackerClient> clients = new HashMap<>();
    private boolean completedRequested;
    private boolean completedPending;
    /** announceNow() was called while an announce was in flight: the scheduler must not push it an interval out. */
    private boolean moreRequested;
    private boolean closed;
    private boolean wakeRequested;
    /** The URL the announcer thread is announcing to right now, if any. */
    private String inFlightUrl;
    /** The announce in flight when close() began (guarded by this). */
    private String inFlightAtClose;
    /** URLs whose last announce failed hard ({@link TrackerException#isHard()}); a success or other failure clears it. */
    private final Set<String> hardFailed = new LinkedHashSet<>();
    /** The last failure message of each URL whose last announce failed (with the URL in front). */
    private final Map<String, String> lastErrors = new HashMap<>();
    private Thread thread;
    private long nextAnnounceNanos;
    private long lastAttemptNanos;
    private boolean attempted;
    private Duration trackerMinInterval = Duration.ZERO;
    private int consecutiveFailures;

    private volatile boolean anyResponded;
    private volatile String lastError;

    public Announcer(List<List<String>> tiers, InfoHash infoHash, byte[] peerId, int port,
                     Supplier<TransferTotals> totals, Consumer<List<InetSocketAddress>> peerSink,
                     AnnouncerListener listener) {
        this(tiers, infoHash, peerId, port, totals, peerSink, listener, TrackerClients::forUrl, Timing.DEFAULT);
    }

    Announcer(List<List<String>> tiers, InfoHash infoHash, byte[] peerId, int port,
              Supplier<TransferTotals> totals, Consumer<List<InetSocketAddress>> peerSink,
              AnnouncerListener listener, ClientFactory factory, Timing timing) {
        this.infoHash = Objects.requireNonNull(infoHash);
        this.peerId = peerId.clone();
        this.port = port;
        this.totals = Objects.requireNonNull(totals);
        this.peerSink = Objects.requireNonNull(peerSink);
        this.listener = Objects.requireNonNull(listener);
        this.factory = factory;
        this.timing = timing;
        this.names = new PeerNameResolver("peer-names-" + infoHash.hex().substring(0, 8));
        for (List<String> tier : tiers) {
            List<String> copy = new ArrayList<>();
            for (String url : tier) {
                if (url != null && !url.isBlank()) {
                    copy.add(url.trim());
                }
            }
            if (!copy.isEmpty()) {
                Collections.shuffle(copy); // BEP 12: shuffle within a tier once
                this.tiers.add(copy);
            }
        }
        if (this.tiers.isEmpty()) {
            lastError = "no trackers";
        }
    }

    /** Sends {@code started} now (on the announcer thread), then re-announces every interval. */
    public synchronized void start() {
        if (thread != null || closed) {
            throw new IllegalStateException("announcer already started or closed");
        }
        if (tiers.isEmpty()) {
            return;
        }
        nextAnnounceNanos = System.nanoTime();
        thread = new Thread(this::run, "announcer-" + infoHash.hex().substring(0, 8));
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for an announce soon, e.g. when we need more peers; never earlier than the minimum interval allows. */
    public synchronized void announceNow() {
        long now = System.nanoTime();
        moreRequested = true;
        long earliest = attempted ? Math.max(now, lastAttemptNanos + minimumGapNanos()) : now;
        if (earliest - nextAnnounceNanos < 0) {
            nextAnnounceNanos = earliest;
            notifyAll();
        }
    }

    /** Sends {@code completed} once, right away, to the tracker in use. */
    public synchronized void completed() {
        if (!completedRequested) {
            completedRequested = true;
            completedPending = true;
            wakeRequested = true;
            notifyAll();
        }
    }

    /**
     * Stops the loop, lets an announce in flight finish, and sends {@code completed} (if still owed) and
     * {@code stopped} to every tracker that got {@code started}, in parallel; returns within {@link #STOP_BUDGET}.
     */
    @Override
    public void close() {
        Thread loop;
        List<String> toStop = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
            loop = thread;
            for (List<String> tier : tiers) {
                for (String url : tier) {
                    if (startedUrls.contains(url) || url.equals(inFlightUrl)) {
                        toStop.add(url);
                    }
                }
            }
            inFlightAtClose = inFlightUrl;
        }
        String inFlight = inFlightAtClose;
        long deadline = System.nanoTime() + timing.stopBudget().toNanos();
        List<Thread> farewells = new ArrayList<>();
        for (String url : toStop) {
            Thread t = new Thread(() -> farewell(url, url.equals(inFlight), loop, deadline),
                    "announcer-stop-" + infoHash.hex().substring(0, 8));
            t.setDaemon(true);
            t.start();
            farewells.add(t);
        }
        if (loop != null) {
            joinUntil(loop, deadline); // an idle loop ends at once; one in flight gets the budget to finish
        }
        for (Thread t : farewells) {
            joinUntil(t, deadline);
        }
        if (loop != null && loop.isAlive()) {
            loop.interrupt(); // a tracker that hangs: give up on it
        }
        for (Thread t : farewells) {
            t.interrupt();
        }
        names.close();
    }

    /**
     * Stops the loop without a word to the trackers: for a stage that hands the torrent to the next one in this
     * process (a magnet's metadata stage before its download), which announces {@code started} at once under the
     * same peer id. A {@code stopped} in between would only take us off the trackers' lists for a moment and cost up
     * to {@link #STOP_BUDGET} of waiting on a dead tracker. An announce in flight is cut off.
     */
    public void abandon() {
        Thread loop;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
            loop = thread;
        }
        if (loop != null) {
            loop.interrupt();
        }
        names.close();
    }

    /**
     * What one tracker is still owed at close: {@code completed} if it is the tracker in use and that event was not
     * answered yet, then {@code stopped}. Waits first for the announce in flight to this tracker, if any.
     */
    private void farewell(String url, boolean inFlightAtClose, Thread loop, long deadline) {
        // Whether an announce to this tracker was in flight is decided by close(), under the lock: read here, on a
        // thread that may start late on a loaded machine, it could already be cleared by the loop being cut off.
        if (inFlightAtClose && loop != null) {
            joinUntil(loop, deadline);
            if (loop.isAlive()) {
                return; // still hanging on this tracker: nothing more will get through
            }
        }
        if (Thread.currentThread().isInterrupted() || deadline - System.nanoTime() <= 0) {
            // close() gave up on us and returned (or the loop was cut off at the deadline): the run has ended, and
            // an announce now would go out after it (a second `completed` after the loop's, then `stopped`).
            return;
        }
        boolean sendCompleted;
        synchronized (this) {
            if (!startedUrls.contains(url)) {
                return;
            }
            sendCompleted = completedPending && url.equals(trackerInUse());
            completedPending &= !sendCompleted;
        }
        if (sendCompleted) {
            try {
                client(url).announce(request(AnnounceEvent.COMPLETED, 0));
                safely(() -> listener.announced(url, AnnounceEvent.COMPLETED, 0));
            } catch (TrackerException e) {
                log.debug("announce completed failed: {}", e.getMessage());
            }
        }
        try {
            client(url).announce(request(AnnounceEvent.STOPPED, 0));
            safely(() -> listener.announced(url, AnnounceEvent.STOPPED, 0));
        } catch (TrackerException e) {
            log.debug("announce stopped failed: {}", e.getMessage());
        }
    }

    /** Guarded by this: BEP 12, the first tracker in tier order that answered us. */
    private String trackerInUse() {
        for (List<String> tier : tiers) {
            for (String url : tier) {
                if (startedUrls.contains(url)) {
                    return url;
                }
            }
        }
        return null;
    }

    /**
     * Whether every tracker's last announce failed hard (see {@link TrackerException}): no tracker will give us
     * peers however long we wait. False before each tracker was tried once, and false with no trackers at all.
     */
    public synchronized boolean everyTrackerFailedHard() {
        if (tiers.isEmpty()) {
            return false;
        }
        for (List<String> tier : tiers) {
            if (!hardFailed.containsAll(tier)) {
                return false;
            }
        }
        return true;
    }

    /** Each tracker's last failure (URL first), in tier order, for trackers whose last announce failed. */
    public synchronized List<String> lastErrors() {
        List<String> errors = new ArrayList<>();
        for (List<String> tier : tiers) {
            for (String url : tier) {
                if (lastErrors.containsKey(url)) {
                    errors.add(lastErrors.get(url));
                }
            }
        }
        return errors;
    }

    /** Whether any tracker has answered an announce so far. */
    public boolean anyTrackerResponded() {
        return anyResponded;
    }

    /** The last failure message (with the tracker URL), if any announce failed. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    private void run() {
        while (true) {
            synchronized (this) {
                try {
                    while (!closed && !wakeRequested && System.nanoTime() - nextAnnounceNanos < 0) {
                        long waitMillis = Math.max(1, (nextAnnounceNanos - System.nanoTime()) / 1_000_000L);
                        wait(waitMillis);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) {
                    return;
                }
                wakeRequested = false;
                moreRequested = false;
                lastAttemptNanos = System.nanoTime();
                attempted = true;
            }
            Optional<AnnounceResponse> response = announceOnce();
            synchronized (this) {
                long now = System.nanoTime();
                Duration delay;
                if (response.isPresent()) {
                    consecutiveFailures = 0;
                    delay = clamp(Duration.ofSeconds(response.get().intervalSeconds()));
                    trackerMinInterval = response.get().minIntervalSeconds() == 0 ? Duration.ZERO
                            : clamp(Duration.ofSeconds(response.get().minIntervalSeconds()));
                } else {
                    delay = timing.firstRetry().multipliedBy(1L << Math.min(consecutiveFailures, 16));
                    delay = delay.compareTo(timing.maxInterval()) > 0 ? timing.maxInterval() : delay;
                    consecutiveFailures++;
                }
                nextAnnounceNanos = now + delay.toNanos();
                if (moreRequested) {
                    long earliest = Math.max(now, lastAttemptNanos + minimumGapNanos());
                    nextAnnounceNanos = earliest - nextAnnounceNanos < 0 ? earliest : nextAnnounceNanos;
                    moreRequested = false;
                }
            }
        }
    }

    /** One BEP 12 pass over the tiers: returns the first answer, or empty when every tracker failed. */
    private Optional<AnnounceResponse> announceOnce() {
        List<List<String>> snapshot;
        synchronized (this) {
            snapshot = tiers.stream().map(List::copyOf).toList();
        }
        for (int t = 0; t < snapshot.size(); t++) {
            for (String url : snapshot.get(t)) {
                AnnounceEvent event;
                synchronized (this) {
                    if (closed || Thread.currentThread().isInterrupted()) {
                        return Optional.empty(); // close() sends what is still owed
                    }
                    inFlightUrl = url;
                    event = !startedUrls.contains(url) ? AnnounceEvent.STARTED
                            : completedPending ? AnnounceEvent.COMPLETED : AnnounceEvent.NONE;
                }
                AnnounceResponse response;
                try {
                    response = client(url).announce(request(event, AnnounceRequest.DEFAULT_NUM_WANT));
                } catch (TrackerException e) {
                    boolean closing;
                    synchronized (this) {
                        closing = closed;
                        inFlightUrl = null;
                        lastErrors.put(url, e.getMessage().startsWith(url) ? e.getMessage() : url + ": " + e.getMessage());
                        if (e.isHard()) {
                            hardFailed.add(url);
                        } else {
                            hardFailed.remove(url);
                        }
                    }
                    lastError = e.getMessage();
                    log.debug("announce {} failed{}: {}", event, e.isHard() ? " (hard)" : "", e.getMessage());
                    if (closing) {
                        // cut off by close() (it interrupts a tracker that hangs past the stop budget): the run has
                        // ended and said so; a tracker error reported now would print after the final line
                        return Optional.empty();
                    }
                    safely(() -> listener.failed(url, e.getMessage()));
                    continue;
                }
                synchronized (this) {
                    inFlightUrl = null;
                    hardFailed.remove(url);
                    lastErrors.remove(url);
                    List<String> tier = tiers.get(t);
                    tier.remove(url);
                    tier.add(0, url); // BEP 12: a responding tracker moves to the front of its tier
                    startedUrls.add(url);
                    if (event == AnnounceEvent.COMPLETED) {
                        completedPending = false;
                    }
                }
                anyResponded = true;
                log.debug("announce {} to {}: {} peers, interval {} s", event, url,
                        response.peers().size() + response.peerNames().size(), response.intervalSeconds());
                response.warning().ifPresent(w -> safely(() -> listener.warning(url, w)));
                if (!response.peers().isEmpty()) {
                    safely(() -> peerSink.accept(response.peers()));
                }
                if (!response.peerNames().isEmpty()) {
                    log.debug("tracker {} named {} peers by host name: resolving them", url, response.peerNames().size());
                    names.resolve(response.peerNames(), peerSink);
                }
                safely(() -> listener.announced(url, event, response.peers().size() + response.peerNames().size()));
                return Optional.of(response);
            }
        }
        return Optional.empty();
    }

    private AnnounceRequest request(AnnounceEvent event, int numWant) {
        TransferTotals t = totals.get();
        return new AnnounceRequest(infoHash, peerId, port, t.uploaded(), t.downloaded(), t.left(), event, numWant);
    }

    private TrackerClient client(String url) throws TrackerException {
        synchronized (clients) {
            TrackerClient c = clients.get(url);
            if (c == null) {
                c = factory.create(url);
                clients.put(url, c);
            }
            return c;
        }
    }

    /** Guarded by this: the tracker's {@code min interval}, else our own minimum. */
    private long minimumGapNanos() {
        return (trackerMinInterval.isZero() ? timing.minInterval() : trackerMinInterval).toNanos();
    }

    private Duration clamp(Duration d) {
        if (d.compareTo(timing.minInterval()) < 0) {
            return timing.minInterval();
        }
        return d.compareTo(timing.maxInterval()) > 0 ? timing.maxInterval() : d;
    }

    /** A listener or sink that throws must not end the announce loop. */
    private static void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("announce listener failed", e);
        }
    }

    private static void joinUntil(Thread t, long deadlineNanos) {
        long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (leftMillis <= 0) {
            return;
        }
        try {
            t.join(leftMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
