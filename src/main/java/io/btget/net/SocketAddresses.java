package io.btget.net;

import java.net.InetSocketAddress;

/** Socket addresses as users and scripts read them. */
public final class SocketAddresses {
    private SocketAddresses() {
    }

    /**
     * {@code 1.2.3.4:6881}, or {@code [::1]:6881} for IPv6: the numeric address and the port, never
     * {@link InetSocketAddress#toString()}'s {@code host/1.2.3.4:6881} or {@code /1.2.3.4:6881}; an unresolved
     * address keeps its host name.
     */
    public static String text(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        int zone = host.indexOf('%');
        if (zone >= 0 && a.getAddress() instanceof java.net.Inet6Address) {
            host = host.substring(0, zone); // a link-local scope id is this machine's, not the peer's
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
