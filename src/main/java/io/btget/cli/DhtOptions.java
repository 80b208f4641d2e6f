package io.btget.cli;

import io.btget.dht.DhtConfig;
import io.btget.session.DhtSettings;
import io.btget.storage.StateDir;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The DHT flags (BEP 5) of every command that may run a DHT node: {@code --dht-port} and {@code --dht-bootstrap}.
 * {@code --no-dht} is the commands' own (the {@code dht} command cannot turn its node off).
 */
final class DhtOptions {
    @Option(names = "--dht-port", paramLabel = "N", description = "UDP port of the DHT node (default: the number of the TCP listen port, 6881 for dht get-peers; any free one when that is taken).")
    Integer dhtPort;

    @Option(names = "--dht-bootstrap", paramLabel = "HOST:PORT", description = "A DHT node to bootstrap from (repeatable; IPv6 as [ADDR]:PORT). When given, these replace the default routers (router.bittorrent.com:6881 and others); the routing table saved by the last run is used either way.")
    List<String> dhtBootstrap = new ArrayList<>();

    /**
     * The settings for a node ({@code enabled} false: {@link DhtSettings#OFF}); exit 2 on a bad port or address.
     * The state file is {@code <state dir>/dht.dat} ({@link StateDir}).
     */
    DhtSettings settings(boolean enabled) {
        if (dhtPort != null && (dhtPort < 1 || dhtPort > 65535)) {
            throw new UserError(ExitCode.USAGE, "--dht-port must be 1..65535");
        }
        List<InetSocketAddress> bootstrap = new ArrayList<>();
        for (String b : dhtBootstrap) {
            bootstrap.add(parseNode(b));
        }
        if (!enabled) {
            return DhtSettings.OFF;
        }
        return new DhtSettings(true, dhtPort == null ? 0 : dhtPort, dhtPort != null,
                bootstrap.isEmpty() ? DhtConfig.DEFAULT_ROUTERS : bootstrap, Optional.of(StateDir.dhtFile()));
    }

    /**
     * {@code HOST:PORT} or {@code [IPV6]:PORT}, port 1..65535; the host is resolved by the node when used (a name
     * that does not resolve is skipped then, as a router that is down). Exit 2 on bad syntax.
     */
    static InetSocketAddress parseNode(String text) {
        String bad = "--dht-bootstrap must be HOST:PORT or [IPV6]:PORT, got '" + text + "'";
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new UserError(ExitCode.USAGE, bad);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw new UserError(ExitCode.USAGE, bad);
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":") || host.contains("]")) {
            throw new UserError(ExitCode.USAGE, bad + " (an IPv6 address goes in brackets)");
        }
        if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw new UserError(ExitCode.USAGE, bad);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UserError(ExitCode.USAGE, bad);
        }
        if (port < 1 || port > 65535) {
            throw new UserError(ExitCode.USAGE, "--dht-bootstrap: port must be 1..65535, got '" + text + "'");
        }
        if (isLiteral(host)) {
            try {
                return new InetSocketAddress(java.net.InetAddress.getByName(host), port); // a literal: no lookup
            } catch (java.net.UnknownHostException e) {
                throw new UserError(ExitCode.USAGE, bad);
            }
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** An IPv4 dotted quad or an IPv6 literal (so resolving it does no DNS lookup). */
    private static boolean isLiteral(String host) {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
