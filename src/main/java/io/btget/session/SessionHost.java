package io.btget.session;

import io.btget.metainfo.InfoHash;
import io.btget.peer.IncomingHandler;
import io.btget.peer.PeerId;
import io.btget.peer.RateLimiter;

/**
 * What a torrent session gets from the process it runs in (the {@code client.Client}): one peer id, one listen
 * port whose incoming connections are routed by info hash, one bandwidth budget shared by every torrent. A
 * session never owns any of these, so several sessions can share one process.
 */
public interface SessionHost {
    /** Our peer id, the same for every torrent of this process. */
    PeerId peerId();

    /** The process-wide download budget (bytes/s over all torrents and peers). */
    RateLimiter downloadLimiter();

    /** The process-wide upload budget. */
    RateLimiter uploadLimiter();

    /**
     * Binds the process's listen socket if not yet bound and starts accepting; idempotent.
     *
     * @return the listen port
     * @throws io.btget.net.Listener.ListenException when the port cannot be had (its cause named)
     */
    int listen();

    /** Incoming connections for {@code infoHash} go to {@code handler} from now on (replacing any earlier one). */
    void register(InfoHash infoHash, IncomingHandler handler);

    /**
     * The process's DHT node (BEP 5), started on first use; empty when the DHT is off ({@code --no-dht}) or could not
     * be started. Call it after {@link #listen} (the node's UDP port defaults to the listen port's number). A private
     * torrent (BEP 27) must never call it.
     */
    default java.util.Optional<io.btget.dht.Dht> dht() {
        return java.util.Optional.empty();
    }

    /**
     * {@code infoHash} turned out private (BEP 27: a magnet's fetched info said so): it will never use the DHT. When
     * no other torrent of the process wants the DHT, the node is closed (its table saved), so that nothing of this
     * run touches the DHT from then on.
     */
    default void dhtUnwanted(InfoHash infoHash) {
    }

    /**
     * How this process dials peers (plain, or with protocol encryption as {@code --encryption} says). Not a default:
     * a host that wraps another (a torrent with limits of its own) must pass the process's dialer on, or its torrent
     * would silently dial in plain text whatever {@code --encryption} says.
     */
    io.btget.net.Dialer dialer();

    /** Stops routing {@code infoHash} to {@code handler} (no-op if another handler replaced it). */
    void unregister(InfoHash infoHash, IncomingHandler handler);
}
