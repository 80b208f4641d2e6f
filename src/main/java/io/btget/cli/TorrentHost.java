package io.btget.cli;

import io.btget.metainfo.InfoHash;
import io.btget.peer.IncomingHandler;
import io.btget.peer.PeerId;
import io.btget.peer.RateLimiter;
import io.btget.session.SessionHost;
import java.util.Optional;

/**
 * What one torrent gets from the process when it has rate limits of its own ({@code --torrent-download-limit},
 * {@code --torrent-upload-limit}): everything of the client (peer id, listen port, routing, DHT), with buckets of its
 * own that also draw from the client's, so the global limits still hold over all torrents.
 */
final class TorrentHost implements SessionHost {
    /** A torrent's own limits in bytes per second; 0 for none. */
    record Limits(long download, long upload) {
        static final Limits NONE = new Limits(0, 0);

        boolean none() {
            return download <= 0 && upload <= 0;
        }
    }

    private final SessionHost host;
    private final RateLimiter download;
    private final RateLimiter upload;

    private TorrentHost(SessionHost host, Limits limits) {
        this.host = host;
        this.download = new RateLimiter(limits.download(), host.downloadLimiter());
        this.upload = new RateLimiter(limits.upload(), host.uploadLimiter());
    }

    /** {@code host} itself when there is no limit of the torrent's own, else a host with fresh buckets for one torrent. */
    static SessionHost of(SessionHost host, Limits limits) {
        return limits.none() ? host : new TorrentHost(host, limits);
    }

    @Override
    public PeerId peerId() {
        return host.peerId();
    }

    @Override
    public RateLimiter downloadLimiter() {
        return download;
    }

    @Override
    public RateLimiter uploadLimiter() {
        return upload;
    }

    @Override
    public int listen() {
        return host.listen();
    }

    @Override
    public void register(InfoHash infoHash, IncomingHandler handler) {
        host.register(infoHash, handler);
    }

    @Override
    public io.btget.net.Dialer dialer() {
        return host.dialer();
    }

    @Override
    public Optional<io.btget.dht.Dht> dht() {
        return host.dht();
    }

    @Override
    public void dhtUnwanted(InfoHash infoHash) {
        host.dhtUnwanted(infoHash);
    }

    @Override
    public void unregister(InfoHash infoHash, IncomingHandler handler) {
        host.unregister(infoHash, handler);
    }
}
