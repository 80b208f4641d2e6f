package io.btget.session;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How the process runs its DHT node (BEP 5), as the user asked.
 *
 * @param enabled      false: no node at all ({@code --no-dht}); no DHT bit, no PORT message, no search
 * @param port         UDP port; 0: the number of the TCP listen port actually bound ({@code --dht-port} not given)
 * @param portExplicit the user chose {@code port}: when it is taken the run goes on without the DHT; otherwise a
 *                     taken port falls back to any free one
 * @param bootstrap    nodes to ask first besides the saved routing table (the well-known routers unless
 *                     {@code --dht-bootstrap} replaced them); may be unresolved
 * @param stateFile    where the routing table is loaded from and saved to ({@code <state dir>/dht.dat}); empty: not
 */
public record DhtSettings(boolean enabled, int port, boolean portExplicit, List<InetSocketAddress> bootstrap,
        Optional<Path> stateFile) {
    /** No DHT: the default of a session config built in code (tests, embedders), so nothing reaches the internet. */
    public static final DhtSettings OFF = new DhtSettings(false, 0, false, List.of(), Optional.empty());

    public DhtSettings {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("DHT port outside 0..65535: " + port);
        }
        bootstrap = List.copyOf(bootstrap);
    }
}
