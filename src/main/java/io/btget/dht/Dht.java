package io.btget.dht;

import io.btget.metainfo.InfoHash;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a torrent session gets of the process's DHT node (BEP 5): searches for peers of an info hash, announces
 * of our own listen port, and nodes learnt from peers' PORT messages. One node per process serves every torrent;
 * a private torrent (BEP 27) must never call any of this.
 *
 * <p>Thread-safe; no method blocks on the network.
 */
public interface Dht {
    /** The UDP port the node listens on (for the PORT message, BEP 5). */
    int port();

    /**
     * Starts looking for peers of {@code infoHash} now and again on a schedule ({@link DhtLimits}), and, when
     * {@code announcePort > 0}, announcing that TCP port to the closest nodes that gave us a token. Peers are
     * handed to {@code sink} as replies arrive (from the node's threads; the sink must not block). Runs until
     * the returned search is closed.
     */
    Search search(InfoHash infoHash, int announcePort, PeerSink sink);

    /** A node learnt from a peer's BEP 5 PORT message (or the command line): pinged, and kept if it answers. */
    void addNode(InetSocketAddress address);

    /**
     * A peer told us the address it sees us at (BEP 10 {@code yourip}): one vote towards the external address
     * from which a BEP 42 secure node id is made. Loopback and private addresses are ignored.
     *
     * @param external the address the peer reported
     * @param reporter the peer's own address (votes count once per reporter)
     */
    default void externalAddressReported(java.net.InetAddress external, java.net.InetAddress reporter) {
    }

    /** A snapshot of the node's state for progress views. */
    DhtStats stats();

    /** Receives the peers a search finds. Called on the node's threads; must return quickly. */
    interface PeerSink {
        /** Peers from one {@code values} reply (already checked: no port 0, no unspecified/multicast address). */
        void peersFound(List<InetSocketAddress> peers);

        /** One lookup round ended; {@code peers} is how many distinct peers it found. */
        default void lookupDone(int peers) {
        }
    }

    /** A running search; closing it stops its lookups and re-announces. */
    interface Search extends AutoCloseable {
        /** Asks for a new lookup soon (rate-limited: at most one per {@link DhtLimits#MIN_RESEARCH_NANOS}). */
        void lookAgain();

        /** Peers found by this search so far (distinct addresses). */
        int peersFound();

        @Override
        void close();
    }
}
