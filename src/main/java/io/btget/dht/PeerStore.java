package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;

/** SKELETON: the table helper implements it (see APIS.md). */
public final class PeerStore {
    public PeerStore(int maxInfoHashes, int maxPeersPerInfoHash, int maxPeers, long ttlNanos) {
    }

    public void announce(NodeId infoHash, InetSocketAddress peer, boolean seed, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public List<InetSocketAddress> peers(NodeId infoHash, int max, Random random, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public int infoHashCount() {
        throw new UnsupportedOperationException();
    }

    public int peerCount() {
        throw new UnsupportedOperationException();
    }
}
