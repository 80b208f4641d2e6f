package io.btget.cli;

import io.btget.client.Client;
import io.btget.dht.Dht;
import io.btget.metainfo.InfoHash;
import io.btget.metainfo.InvalidTorrentException;
import io.btget.metainfo.MagnetLink;
import io.btget.session.DhtSettings;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code btget dht ...}: diagnostics of the mainline DHT (BEP 5). */
@Command(name = "dht", mixinStandardHelpOptions = true,
        description = "Ask the mainline DHT (BEP 5) directly, as a diagnostic.",
        subcommands = DhtCommand.GetPeers.class)
final class DhtCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand (try: btget dht get-peers --help)");
    }

    /**
     * {@code btget dht get-peers INFOHASH}: starts a DHT node, waits for it to know a node, runs get_peers lookups
     * until one completes having found peers or the time-out passes, printing each distinct peer once as it is found.
     * Announces nothing. The routing table is saved at exit like any run's.
     */
    @Command(name = "get-peers", mixinStandardHelpOptions = true,
            description = {"Find peers of a torrent through the DHT and print them: IP:PORT per line ([ADDR]:PORT for"
                + " IPv6), or JSON lines with --json. Does not announce.",
                "Exits 0 when a peer was found, 4 when none was within the time-out, 3 for a bad info hash."})
    static final class GetPeers implements java.util.concurrent.Callable<Integer> {
        /** Least time between two lookups that found nothing: a diagnostic must not hammer the network. */
        static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);
        /**
         * Once peers were found, how long without a new one ends the wait for the lookup's end (should the node not
         * report it).
         */
        static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(5);
        /** How often the node is polled while it bootstraps (it knows no node yet). */
        static final long POLL_MILLIS = 100;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "INFOHASH", description = "The info hash: 40 hex or 32 base32 digits, or a magnet link.")
        String infoHash;

        @Option(names = "--json", description = "One JSON object per line: {\"event\":\"dht_peer\",\"address\":...} per peer, then {\"event\":\"dht_done\",...}.")
        boolean json;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long: 30, 45s, 2m (default: ${DEFAULT-VALUE}).")
        String timeout = "30";

        @Mixin
        DhtOptions dht = new DhtOptions();

        @Override
        public Integer call() {
            InfoHash hash = parseInfoHash(infoHash);
            Duration limit = SessionOptions.duration("--timeout", timeout);
            if (limit.isZero() || limit.compareTo(Duration.ofDays(1)) > 0) {
                throw new UserError(ExitCode.USAGE, "--timeout must be more than 0 and at most a day");
            }
            DhtSettings settings = dht.settings(true);
            PrintWriter out = spec.commandLine().getOut();
            InetAddress any;
            try {
                any = InetAddress.getByName("0.0.0.0");
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            // No TCP listener here: the UDP port defaults to 6881 (the listen port's default), any free one if taken.
            try (Client client = new Client(any, 6881, false, 0, 0, settings, Client.REAL_DHT)) {
                Optional<Dht> node = client.dht();
                if (node.isEmpty()) {
                    throw new UserError(ExitCode.NETWORK, "the DHT node could not be started (see the warning above)");
                }
                AtomicBoolean stop = new AtomicBoolean();
                Signals.onStop(code -> stop.set(true));
                int found = run(node.get(), hash, limit, json, out, System::nanoTime, stop);
                if (found == 0 && !json) {
                    System.err.println("btget: no peer found through the DHT for " + hash.hex()
                            + (stop.get() ? " before the interrupt" : " within " + Units.duration(limit.toSeconds()))
                            + " (" + Units.count(nodes(node.get()), "node") + " in the routing table)");
                }
                if (Signals.received() != null) {
                    return Signals.received().code;
                }
                return found > 0 ? ExitCode.OK.code : ExitCode.NETWORK.code;
            }
        }
    }

    /** INFOHASH: 40 hex or 32 base32 digits, or a magnet link; exit 3 (as a malformed magnet) otherwise. */
    static InfoHash parseInfoHash(String text) {
        String t = text.strip();
        if (MagnetInput.isMagnet(t)) {
            return MagnetInput.v1Hash(MagnetInput.parse(t));
        }
        if (!t.matches("[0-9A-Za-z]{32}|[0-9A-Za-z]{40}")) {
            throw new UserError(ExitCode.BAD_TORRENT, "bad info hash '" + text + "': expected 40 hex or 32 base32"
                    + " digits, or a magnet link");
        }
        try {
            return MagnetLink.parse("magnet:?xt=urn:btih:" + t).infoHash().orElseThrow();
        } catch (InvalidTorrentException | IllegalArgumentException | java.util.NoSuchElementException e) {
            throw new UserError(ExitCode.BAD_TORRENT, "bad info hash '" + text + "': expected 40 hex or 32 base32"
                    + " digits, or a magnet link");
        }
    }

    /**
     * Looks for peers of {@code hash} through {@code dht} until a lookup completes having found some, {@code limit}
     * passes, or {@code stop} is set: first waits until the node knows a node (bootstrap), then runs lookups (one
     * search at a time, a new one at most every {@link GetPeers#RETRY_NANOS} after one found nothing). Each distinct
     * peer is printed once as it arrives; with {@code json} a final {@code dht_done} object follows.
     *
     * @return the number of distinct peers found
     */
    static int run(Dht dht, InfoHash hash, Duration limit, boolean json, PrintWriter out, LongSupplier clock,
            AtomicBoolean stop) {
        long deadline = clock.getAsLong() + limit.toNanos();
        Set<InetSocketAddress> seen = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicLong lastNew = new java.util.concurrent.atomic.AtomicLong();
        BlockingQueue<Integer> lookupsDone = new LinkedBlockingQueue<>();
        // printed by this thread, not the node's: a stdout pipe nobody reads must not stall the DHT node
        BlockingQueue<InetSocketAddress> toPrint = new LinkedBlockingQueue<>();
        Dht.PeerSink sink = new Dht.PeerSink() {
            @Override
            public void peersFound(List<InetSocketAddress> peers) {
                for (InetSocketAddress p : peers) {
                    if (seen.add(p)) {
                        lastNew.set(clock.getAsLong());
                        toPrint.add(p);
                    }
                }
            }

            @Override
            public void lookupDone(int peers) {
                lookupsDone.add(peers);
            }
        };
        try {
            while (nodes(dht) == 0 && !stop.get() && clock.getAsLong() < deadline) {
                Thread.sleep(GetPeers.POLL_MILLIS);
            }
            long lastStart = Long.MIN_VALUE;
            while (!stop.get() && clock.getAsLong() < deadline && seen.isEmpty()) {
                long now = clock.getAsLong();
                long wait = lastStart == Long.MIN_VALUE ? 0 : lastStart + GetPeers.RETRY_NANOS - now;
                if (wait > 0) {
                    Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(wait) + 1, GetPeers.POLL_MILLIS * 5));
                    continue;
                }
                lastStart = now;
                try (Dht.Search search = dht.search(hash, 0, sink)) {
                    // until this lookup ends (or time is up): its peers are printed as they come
                    while (!stop.get() && clock.getAsLong() < deadline) {
                        Integer done = lookupsDone.poll(GetPeers.POLL_MILLIS, TimeUnit.MILLISECONDS);
                        printAll(toPrint, out, json);
                        if (done != null
                                || !seen.isEmpty() && clock.getAsLong() - lastNew.get() > GetPeers.QUIET_NANOS) {
                            break;
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        printAll(toPrint, out, json);
        int found = seen.size();
        if (json) {
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("event", "dht_done");
            done.put("infoHash", hash.hex());
            done.put("peers", found);
            done.put("nodes", nodes(dht));
            if (stop.get()) {
                done.put("interrupted", true); // by a signal: the peers are what was found until then
            }
            synchronized (out) {
                out.println(Json.object(done));
                out.flush();
            }
        }
        return found;
    }

    private static void printAll(BlockingQueue<InetSocketAddress> peers, PrintWriter out, boolean json) {
        InetSocketAddress p;
        while ((p = peers.poll()) != null) {
            printPeer(out, json, p);
        }
    }

    private static void printPeer(PrintWriter out, boolean json, InetSocketAddress p) {
        String address = addressText(p);
        synchronized (out) {
            if (json) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("event", "dht_peer");
                line.put("address", address);
                out.println(Json.object(line));
            } else {
                out.println(address);
            }
            out.flush();
        }
    }

    /** {@code 1.2.3.4:6881}, or {@code [::1]:6881} for IPv6. */
    static String addressText(InetSocketAddress a) {
        return io.btget.net.SocketAddresses.text(a);
    }

    static int nodes(Dht dht) {
        try {
            return dht.stats().nodes();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
