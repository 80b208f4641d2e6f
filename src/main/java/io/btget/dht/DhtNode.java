package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import io.btget.metainfo.InfoHash;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * SKELETON: the node helper implements it (see /work/wt/_brief/APIS.md).
 */
public final class DhtNode implements Dht, AutoCloseable {
    /** What an iterative lookup ended with. */
    public record LookupResult(List<NodeInfo> closest, List<InetSocketAddress> peers, int queried, int responded) {
        public LookupResult {
            closest = List.copyOf(closest);
            peers = List.copyOf(peers);
        }
    }

    public DhtNode(DhtConfig config) {
    }

    public void start() throws IOException {
        throw new UnsupportedOperationException();
    }

    public NodeId id() {
        throw new UnsupportedOperationException();
    }

    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException();
    }

    public List<NodeInfo> routingTable() {
        throw new UnsupportedOperationException();
    }

    public CompletableFuture<LookupResult> findNode(NodeId target) {
        throw new UnsupportedOperationException();
    }

    public CompletableFuture<LookupResult> getPeers(NodeId infoHash) {
        throw new UnsupportedOperationException();
    }

    public CompletableFuture<LookupResult> announce(NodeId infoHash, int port) {
        throw new UnsupportedOperationException();
    }

    public CompletableFuture<Boolean> ping(InetSocketAddress address) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int port() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Search search(InfoHash infoHash, int announcePort, PeerSink sink) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addNode(InetSocketAddress address) {
        throw new UnsupportedOperationException();
    }

    @Override
    public DhtStats stats() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
