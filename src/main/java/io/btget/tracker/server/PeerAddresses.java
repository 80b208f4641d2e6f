package io.btget.tracker.server;

import io.btget.tracker.IpLiterals;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Which address the tracker records for a peer. The connection's source address, always, with one exception:
 * a peer connecting from a loopback address may name another address with {@code ip=} (HTTP) or the BEP 15
 * {@code IP address} field. That lets local test setups and a client behind the same host advertise a
 * LAN address, while a remote peer can never make the tracker hand out someone else's address (which would
 * turn the tracker into a tool for flooding third parties). Only literals are accepted, never host names.
 */
final class PeerAddresses {
    private PeerAddresses() {
    }

    static InetAddress effective(InetAddress source, String claimed) {
        if (claimed == null || !source.isLoopbackAddress()) {
            return source;
        }
        Optional<InetAddress> literal = IpLiterals.parse(claimed);
        return literal.orElse(source);
    }
}
