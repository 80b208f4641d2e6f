package io.btget.dht;

/**
 * A snapshot of a DHT node for progress views and {@code --json}.
 *
 * @param nodes          nodes in the routing table
 * @param goodNodes      of which good (BEP 5: answered within 15 minutes)
 * @param storedPeers    peers other nodes announced to us, over every info hash
 * @param activeLookups  iterative lookups in progress
 * @param packetsIn      datagrams received since start
 * @param packetsOut     datagrams sent since start
 */
public record DhtStats(int nodes, int goodNodes, int storedPeers, int activeLookups, long packetsIn,
        long packetsOut) {
}
