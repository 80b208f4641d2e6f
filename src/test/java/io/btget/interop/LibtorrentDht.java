package io.btget.interop;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * lt-dht.py: a python3-libtorrent 2.0.8 DHT node (BEP 5) on a loopback address of its own (127.N.0.1, one /24 each),
 * as a plain node, a seeder that announces its torrent to the DHT, or a downloader that finds peers through the DHT
 * only (no tracker, no peer address given). Its TCP listen port and its DHT UDP port are the same number.
 *
 * <p>What libtorrent 2.0.8 does on loopback, found by running it: nodes given as bootstrap nodes are "router nodes"
 * that it queries (get_peers with {@code bs=1}, then announce_peer with their token) but never keeps in its routing
 * table; a node that queries it does enter its table; it answers get_peers with the peers announced to it, not
 * with its own torrents (a lone seeder is found once its periodic announce, every few seconds here, reaches the
 * asker). Every KRPC packet in or out is logged as one JSON object per line ({@link #packets()}).
 */
final class LibtorrentDht implements AutoCloseable {
    /** libtorrent's dht_announce_interval for these nodes: a seeder re-announces this often (default 15 min). */
    static final int ANNOUNCE_INTERVAL_SECONDS = 5;

    private final ManagedProcess process;
    private final InetAddress ip;
    private final int port;
    private final Path status;
    private final Path dhtLog;

    private LibtorrentDht(ManagedProcess process, InetAddress ip, int port, Path status, Path dhtLog) {
        this.process = process;
        this.ip = ip;
        this.port = port;
        this.status = status;
        this.dhtLog = dhtLog;
    }

    /** The loopback address 127.{@code n}.0.1: each node its own /24 (libtorrent's per-/24 limits stay out). */
    static InetAddress loopback(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) n, 0, 1});
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** What to start: a plain node (no torrent), a .torrent or a magnet, and its bootstrap nodes. */
    static final class Options {
        private final List<String> args = new ArrayList<>();
        private boolean seed;

        /** A DHT node with no torrent: routes, stores announces, answers get_peers. */
        static Options node() {
            return new Options();
        }

        static Options torrent(Path torrent) {
            Options o = new Options();
            o.args.addAll(List.of("--torrent", torrent.toString()));
            return o;
        }

        static Options magnet(String magnet) {
            Options o = new Options();
            o.args.addAll(List.of("--magnet", magnet));
            return o;
        }

        /** Keeps running once complete; start() returns when it is seeding (READY). */
        Options seed() {
            seed = true;
            args.add("--seed");
            return this;
        }

        /** Keeps running once complete without waiting for it at start (a downloader that stays). */
        Options keepRunning() {
            args.add("--seed");
            return this;
        }

        /** A DHT node to bootstrap from (libtorrent's dht_bootstrap_nodes). */
        Options bootstrap(String hostPort) {
            args.addAll(List.of("--bootstrap", hostPort));
            return this;
        }

        /** Also looks up {@code infoHashHex} with dht_get_peers every 2 s and prints DHT_PEER ip:port lines. */
        Options getPeers(String infoHashHex) {
            args.addAll(List.of("--get-peers", infoHashHex));
            return this;
        }

        Options timeoutSeconds(int seconds) {
            args.addAll(List.of("--timeout", Integer.toString(seconds)));
            return this;
        }
    }

    /** Starts it on {@code ip}; returns once its sockets are open (a seeder: once it is seeding). */
    static LibtorrentDht start(Path work, String name, InetAddress ip, Path saveDir, Options options)
            throws IOException, InterruptedException {
        Tools.requireLibtorrent();
        Path script = work.resolve("lt-dht.py");
        if (!Files.exists(script)) {
            try (InputStream in = LibtorrentDht.class.getResourceAsStream("lt-dht.py")) {
                Files.copy(Objects.requireNonNull(in, "lt-dht.py resource"), script);
            }
        }
        int port = freePort(ip);
        Path logs = Files.createDirectories(work.resolve("logs"));
        Path status = logs.resolve(name + ".status.json");
        Path dhtLog = logs.resolve(name + ".dht-log");
        List<String> cmd = new ArrayList<>(List.of(Tools.SYSTEM_PYTHON, script.toString(), "--ip",
                ip.getHostAddress(), "--port", Integer.toString(port), "--save",
                Files.createDirectories(saveDir).toString(), "--announce-interval",
                Integer.toString(ANNOUNCE_INTERVAL_SECONDS), "--status", status.toString(), "--dht-log",
                dhtLog.toString()));
        cmd.addAll(options.args);
        ManagedProcess p = ManagedProcess.start(name, logs, work, cmd);
        LibtorrentDht node = new LibtorrentDht(p, ip, port, status, dhtLog);
        try {
            p.awaitOutput("LISTENING", Duration.ofSeconds(30));
            if (options.seed) {
                p.awaitOutput("READY", Duration.ofSeconds(30));
            }
        } catch (AssertionError | InterruptedException e) {
            p.close();
            throw e;
        }
        return node;
    }

    /** A port free for both TCP and UDP on {@code ip} (libtorrent listens on one number for both). */
    static int freePort(InetAddress ip) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(ip, 0));
                port = s.getLocalPort();
            }
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(ip, port))) {
                return port;
            } catch (IOException taken) {
                // UDP side busy: try another
            }
        }
        throw new IOException("no free TCP+UDP port on " + ip.getHostAddress() + " after 50 attempts");
    }

    InetAddress ip() {
        return ip;
    }

    int port() {
        return port;
    }

    /** "127.N.0.1:PORT": its DHT node (UDP) and its BitTorrent listener (TCP). */
    String address() {
        return ip.getHostAddress() + ":" + port;
    }

    ManagedProcess process() {
        return process;
    }

    /** The last status snapshot: dht_nodes, dht_peers_found, and with a torrent state, progress, peers. */
    Map<String, Object> status() {
        try {
            return Files.exists(status) ? JsonLine.parseObject(Files.readString(status)) : Map.of();
        } catch (IOException | RuntimeException e) {
            return Map.of(); // replaced under our feet: read the next one
        }
    }

    /**
     * Every KRPC packet it sent or received so far: {@code dir} (in/out), {@code ip}, {@code port} (the other node),
     * {@code y}, {@code q}, {@code t} (hex), {@code e}, {@code has_token}, {@code info_hash}, {@code announce_port},
     * {@code values} (peers as "ip:port"), {@code nodes} (count).
     */
    List<Map<String, Object>> packets() {
        List<Map<String, Object>> out = new ArrayList<>();
        String text;
        try {
            if (!Files.exists(dhtLog)) {
                return out;
            }
            text = Files.readString(dhtLog, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return out;
        }
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return out;
        }
        for (String line : text.substring(0, end).split("\n")) {
            if (line.startsWith("{\"dir\"")) {
                try {
                    out.add(JsonLine.parseObject(line));
                } catch (RuntimeException e) {
                    // a line libtorrent's printer made odd: not one the tests look for
                }
            }
        }
        return out;
    }

    /** Packets exchanged with {@code host:port} in direction {@code dir} ("in" or "out"). */
    List<Map<String, Object>> packets(String dir, String host, int otherPort) {
        return packets().stream().filter(p -> dir.equals(p.get("dir")) && host.equals(p.get("ip"))
                && LibtorrentPeer.number(p, "port") == otherPort).toList();
    }

    /**
     * Whether it sent a {@code method} query to {@code host:port} that was answered with a response ({@code y=r},
     * same transaction id) rather than an error.
     */
    boolean gotResponseTo(String method, String host, int otherPort) {
        List<Map<String, Object>> in = packets("in", host, otherPort);
        return packets("out", host, otherPort).stream()
                .filter(q -> "q".equals(q.get("y")) && method.equals(q.get("q")))
                .anyMatch(q -> in.stream().anyMatch(r -> "r".equals(r.get("y")) && q.get("t") != null
                        && q.get("t").equals(r.get("t"))));
    }

    /** Errors ({@code y=e}) it received from {@code host:port}, as "[code, message]" strings. */
    List<String> errorsFrom(String host, int otherPort) {
        return packets("in", host, otherPort).stream().filter(p -> "e".equals(p.get("y")))
                .map(p -> String.valueOf(p.get("e"))).toList();
    }

    /** The "DHT_ANNOUNCE HEX ip:port" lines: announce_peer queries other nodes sent it (libtorrent accepted them). */
    List<String> announcesReceived(String infoHashHex) {
        return process.stdout().lines().filter(l -> l.startsWith("DHT_ANNOUNCE " + infoHashHex + " "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
    }

    void awaitAnnounceFrom(String infoHashHex, String peer, Duration timeout) throws InterruptedException {
        process.await(() -> announcesReceived(infoHashHex).contains(peer), timeout,
                "announce_peer for " + infoHashHex + " of peer " + peer);
    }

    /** The "DHT_PEER ip:port" lines a --get-peers lookup printed. */
    List<String> peersFound() {
        return process.stdout().lines().filter(l -> l.startsWith("DHT_PEER ")).map(l -> l.substring(9)).toList();
    }

    /** The connected peers of the last snapshot: ip, port, source (2: found through the DHT), bytes each way. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> peers() {
        Object peers = status().get("peers");
        return peers instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    String describe() {
        return process.describe() + "\n--- status: " + status();
    }

    @Override
    public void close() {
        process.close();
    }
}
