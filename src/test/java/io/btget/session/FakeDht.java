package io.btget.session;

import io.btget.dht.Dht;
import io.btget.dht.DhtStats;
import io.btget.metainfo.InfoHash;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link Dht} that records every call, for wiring tests: no socket, no network. */
public final class FakeDht implements Dht, AutoCloseable {
    /** One call of {@link #search}: what was asked, the sink to feed, and what was done with the search. */
    public static final class FakeSearch implements Search {
        public final InfoHash infoHash;
        public final int announcePort;
        public final PeerSink sink;
        public final AtomicInteger lookAgains = new AtomicInteger();
        public volatile boolean closed;
        public volatile int peersFound;

        FakeSearch(InfoHash infoHash, int announcePort, PeerSink sink) {
            this.infoHash = infoHash;
            this.announcePort = announcePort;
            this.sink = sink;
        }

        @Override
        public void lookAgain() {
            lookAgains.incrementAndGet();
        }

        @Override
        public int peersFound() {
            return peersFound;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final int port;
    /** Every call to any method of the {@link Dht} interface. */
    public final AtomicInteger calls = new AtomicInteger();
    public final List<FakeSearch> searches = new CopyOnWriteArrayList<>();
    public final List<InetSocketAddress> added = new CopyOnWriteArrayList<>();
    public volatile int nodes;
    public volatile boolean closed;

    public FakeDht(int port) {
        this.port = port;
    }

    @Override
    public int port() {
        calls.incrementAndGet();
        return port;
    }

    @Override
    public Search search(InfoHash infoHash, int announcePort, PeerSink sink) {
        calls.incrementAndGet();
        FakeSearch s = new FakeSearch(infoHash, announcePort, sink);
        searches.add(s);
        return s;
    }

    @Override
    public void addNode(InetSocketAddress address) {
        calls.incrementAndGet();
        added.add(address);
    }

    @Override
    public DhtStats stats() {
        calls.incrementAndGet();
        return new DhtStats(nodes, nodes, 0, 0, 0, 0);
    }

    @Override
    public void close() {
        closed = true;
    }
}
