package io.btget.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * How to run a DHT node.
 *
 * @param bind      local address of the UDP socket
 * @param port      UDP port (0: any free port)
 * @param bootstrap nodes to ask first (may be unresolved host names; resolved when used), besides the saved table
 * @param stateFile where the routing table is loaded from at start and saved at close (empty: neither)
 * @param random    source of node ids, transaction ids and token secrets (seeded in tests)
 */
public record DhtConfig(InetAddress bind, int port, List<InetSocketAddress> bootstrap, Optional<Path> stateFile,
        Random random) {
    /** The routers every anchor client starts from when it knows no node. */
    public static final List<InetSocketAddress> DEFAULT_ROUTERS = List.of(
            InetSocketAddress.createUnresolved("router.bittorrent.com", 6881),
            InetSocketAddress.createUnresolved("router.utorrent.com", 6881),
            InetSocketAddress.createUnresolved("dht.transmissionbt.com", 6881),
            InetSocketAddress.createUnresolved("dht.libtorrent.org", 25401));

    public DhtConfig {
        bootstrap = List.copyOf(bootstrap);
    }
}
