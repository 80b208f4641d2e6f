package io.btget.dht.krpc;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A DHT node as the wire names it: its id and its UDP address (BEP 5 "compact node info": 26 bytes for IPv4,
 * 20-byte id then 4-byte address then 2-byte port, network order; 38 bytes for IPv6 in BEP 32's {@code nodes6}).
 */
public record NodeInfo(NodeId id, InetSocketAddress address) {
    /** Bytes of one IPv4 compact node info. */
    public static final int COMPACT_IPV4 = 26;
    /** Bytes of one IPv6 compact node info (BEP 32). */
    public static final int COMPACT_IPV6 = 38;

    public NodeInfo {
        Objects.requireNonNull(id);
        Objects.requireNonNull(address);
    }
}
