package io.btget.tracker;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A tracker's successful answer. Intervals are as the tracker sent them (never negative); the {@link Announcer}
 * clamps them before use.
 *
 * @param minIntervalSeconds 0 when the tracker sent none
 * @param peers              IPv4 and IPv6 peers together (BEP 23 compact, dictionary list, BEP 7 {@code peers6})
 * @param peerNames          dictionary peers whose {@code ip} is a DNS name (BEP 3), as unresolved addresses
 *                           ({@link InetSocketAddress#createUnresolved}); the {@link Announcer} resolves them
 */
public record AnnounceResponse(int intervalSeconds, int minIntervalSeconds, List<InetSocketAddress> peers,
                               Optional<String> warning, Optional<String> trackerId,
                               OptionalInt seeders, OptionalInt leechers, List<InetSocketAddress> peerNames) {
    public AnnounceResponse {
        if (intervalSeconds < 0 || minIntervalSeconds < 0) {
            throw new IllegalArgumentException("negative interval");
        }
        peers = List.copyOf(peers);
        peerNames = List.copyOf(peerNames);
    }

    /** A reply whose peers are all addresses (compact lists, UDP replies). */
    public AnnounceResponse(int intervalSeconds, int minIntervalSeconds, List<InetSocketAddress> peers,
                            Optional<String> warning, Optional<String> trackerId,
                            OptionalInt seeders, OptionalInt leechers) {
        this(intervalSeconds, minIntervalSeconds, peers, warning, trackerId, seeders, leechers, List.of());
    }
}
