package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import io.btget.metainfo.InfoHash;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The DHT benchmark's Java side (run by {@code scripts/bench-dht} on the test classpath; not a test). Modes:
 * <ul>
 *   <li>{@code network NODES FRESH SEED}: a loopback network of NODES nodes; one more node announces an info hash,
 *       then FRESH new nodes in turn each start from nothing (bootstrapped from three nodes) and search for it:
 *       prints the time from {@code start()} to the first peer, and the lookup's figures.</li>
 *   <li>{@code serve SECONDS}: one node on 127.0.0.1 with an empty table; prints {@code PORT n}, then each second
 *       the datagrams it read and sent in that second, for SECONDS seconds.</li>
 *   <li>{@code hold NODES SEED SECONDS}: a loopback network of NODES nodes kept up for SECONDS seconds (or until
 *       killed) for btget processes to join: prints {@code BOOTSTRAP 127.0.0.1:port} for three nodes, then
 *       {@code READY}.</li>
 *   <li>{@code blast PORT SECONDS ADDRESSES}: sends ping and get_peers queries as fast as it can to
 *       127.0.0.1:PORT from ADDRESSES loopback addresses (127.2.x.y), so that the node's per-IP rate limit is not
 *       what caps the figure, and counts the replies; prints sent/s and replies/s.</li>
 * </ul>
 */
public final class NetBench {
    private NetBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "network" -> network(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
            case "serve" -> serve(Integer.parseInt(args[1]));
            case "hold" -> hold(Integer.parseInt(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
            case "blast" -> blast(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> {
                System.err.println("usage: NetBench network NODES FRESH SEED | serve SECONDS"
                        + " | blast PORT SECONDS ADDRESSES | hold NODES SEED SECONDS");
                System.exit(2);
            }
        }
        System.exit(0);
    }

    private static void network(int count, int fresh, long seed) throws Exception {
        long t0 = System.nanoTime();
        try (NetCluster net = NetCluster.start(count, seed, InetAddress.getLoopbackAddress())) {
            long started = System.nanoTime();
            net.settle(2, 60);
            long settled = System.nanoTime();
            int minTable = Integer.MAX_VALUE;
            long sumTable = 0;
            for (DhtNode n : net.live()) {
                int s = n.routingTable().size();
                minTable = Math.min(minTable, s);
                sumTable += s;
            }
            System.out.printf(Locale.ROOT, "network: %d nodes started in %.1f s, tables filled in %.1f s"
                    + " (routing table sizes: min %d, mean %.1f)%n", count, secs(started - t0), secs(settled - started),
                    minTable, (double) sumTable / count);

            Random random = new Random(seed);
            NodeId hash = NodeId.random(random);
            DhtNode announcer = net.node(net.add(new Random(seed * 1000 + count)));
            long a0 = System.nanoTime();
            DhtNode.LookupResult announced = announcer.announce(hash, 40_000).get(60, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "announce from a fresh node: %.0f ms (%d queried, %d stored it)%n",
                    ms(System.nanoTime() - a0), announced.queried(), announced.closest().size());

            List<Double> firstPeer = new ArrayList<>();
            List<Double> lookupDone = new ArrayList<>();
            for (int f = 0; f < fresh; f++) {
                long s0 = System.nanoTime();
                int index = net.add(new Random(seed * 1000 + count + 1 + f)); // started: bootstrap begins
                DhtNode seeker = net.node(index);
                CompletableFuture<Long> first = new CompletableFuture<>();
                CompletableFuture<Integer> done = new CompletableFuture<>();
                try (Dht.Search search = seeker.search(new InfoHash(hash.bytes()), 0, new Dht.PeerSink() {
                    @Override
                    public void peersFound(List<InetSocketAddress> peers) {
                        if (!peers.isEmpty()) {
                            first.complete(System.nanoTime());
                        }
                    }

                    @Override
                    public void lookupDone(int peers) {
                        done.complete(peers);
                    }
                })) {
                    long firstAt = first.get(60, TimeUnit.SECONDS);
                    done.get(60, TimeUnit.SECONDS);
                    long doneAt = System.nanoTime();
                    firstPeer.add(ms(firstAt - s0));
                    lookupDone.add(ms(doneAt - s0));
                }
            }
            System.out.printf(Locale.ROOT, "fresh node, start -> first peer: median %.0f ms, max %.0f ms (%d nodes)%n",
                    median(firstPeer), max(firstPeer), fresh);
            System.out.printf(Locale.ROOT, "fresh node, start -> lookup done: median %.0f ms, max %.0f ms%n",
                    median(lookupDone), max(lookupDone));
        }
    }

    private static void hold(int count, long seed, int seconds) throws Exception {
        try (NetCluster net = NetCluster.start(count, seed, InetAddress.getLoopbackAddress())) {
            net.settle(2, 60);
            for (int i = 0; i < 3; i++) {
                InetSocketAddress a = net.node(i * (count / 3)).localAddress();
                System.out.println("BOOTSTRAP " + a.getAddress().getHostAddress() + ":" + a.getPort());
            }
            System.out.println("READY");
            System.out.flush();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                Thread.sleep(200);
            }
        }
    }

    private static void serve(int seconds) throws Exception {
        try (DhtNode node = new DhtNode(new DhtConfig(InetAddress.getLoopbackAddress(), 0, List.of(),
                Optional.empty(), new Random(1)))) {
            node.start();
            System.out.println("PORT " + node.localAddress().getPort());
            System.out.flush();
            DhtStats last = node.stats();
            for (int s = 0; s < seconds; s++) {
                Thread.sleep(1000);
                DhtStats now = node.stats();
                System.out.printf(Locale.ROOT, "second %d: in %d out %d%n", s + 1, now.packetsIn() - last.packetsIn(),
                        now.packetsOut() - last.packetsOut());
                System.out.flush();
                last = now;
            }
        }
    }

    private static void blast(int port, int seconds, int addresses) throws Exception {
        InetSocketAddress node = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        Random random = new Random(2);
        List<DatagramChannel> channels = new ArrayList<>();
        List<ByteBuffer[]> queries = new ArrayList<>();
        Selector selector = Selector.open();
        for (int i = 0; i < addresses; i++) {
            DatagramChannel c = DatagramChannel.open();
            c.bind(new InetSocketAddress(InetAddress.getByName("127.2." + (i / 250) + "." + (1 + i % 250)), 0));
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ);
            channels.add(c);
            byte[] id = EvilSocket.randomId(random);
            byte[] hash = EvilSocket.randomId(random);
            queries.add(new ByteBuffer[] {
                ByteBuffer.wrap(EvilBen.query(new byte[] {'p', 'p'}, "ping", EvilBen.dict("id", id))),
                ByteBuffer.wrap(EvilBen.query(new byte[] {'g', 'p'}, "get_peers",
                        EvilBen.dict("id", id, "info_hash", hash)))});
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong replies = new AtomicLong();
        Thread reader = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(2048);
            try {
                while (running.get()) {
                    if (selector.select(100) == 0) {
                        continue;
                    }
                    for (SelectionKey k : selector.selectedKeys()) {
                        DatagramChannel c = (DatagramChannel) k.channel();
                        while (true) {
                            buf.clear();
                            if (c.receive(buf) == null) {
                                break;
                            }
                            replies.incrementAndGet();
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                // closed
            }
        }, "blast-replies");
        reader.start();
        long sent = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long repliesAtWarm = 0;
        long warm = start + TimeUnit.SECONDS.toNanos(1);
        boolean warmed = false;
        long sentAtWarm = 0;
        int i = 0;
        while (System.nanoTime() < end) {
            ByteBuffer q = queries.get(i % addresses)[(i / addresses) & 1];
            if (channels.get(i % addresses).send(q.duplicate(), node) > 0) {
                sent++;
            }
            i++;
            if (!warmed && (i & 1023) == 0 && System.nanoTime() > warm) {
                warmed = true;
                repliesAtWarm = replies.get();
                sentAtWarm = sent;
                warm = System.nanoTime();
            }
        }
        long stop = System.nanoTime();
        Thread.sleep(300);
        running.set(false);
        reader.join();
        double measured = secs(stop - warm);
        System.out.printf(Locale.ROOT, "blast: %d source addresses, %.1f s after 1 s warm-up: sent %.0f/s,"
                + " replies %.0f/s%n", addresses, measured, (sent - sentAtWarm) / measured,
                (replies.get() - repliesAtWarm) / measured);
        for (DatagramChannel c : channels) {
            c.close();
        }
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
