package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A network of real {@link DhtNode}s in this process, all on one loopback address, each with its own UDP port,
 * seeded {@link Random} and no state file; for the network and hostile ITs and the DHT benchmark. Nodes are
 * started in order: node {@code i} bootstraps from up to {@link #BOOTSTRAP_FANOUT} nodes started before it, then
 * {@link #settle} makes every node look itself up again so that early nodes learn the late ones. Closing the
 * cluster closes every node still alive.
 */
final class NetCluster implements AutoCloseable {
    /** How many earlier nodes each new node is given as bootstrap entries. */
    static final int BOOTSTRAP_FANOUT = 3;
    /** Refresh rounds {@link #settle} may add when a table is still short. */
    static final int EXTRA_SETTLE_ROUNDS = 4;
    /** How long {@link #settle} waits after a round for the ping-backs that fill the tables. */
    static final long TABLE_WAIT_SECONDS = 3;

    private final List<DhtNode> nodes = new ArrayList<>();
    private final List<Boolean> alive = new ArrayList<>();
    private final InetAddress bind;

    private NetCluster(InetAddress bind) {
        this.bind = bind;
    }

    /** Starts {@code count} nodes on {@code bind}; node {@code i} gets {@code new Random(seed * 1000 + i)}. */
    static NetCluster start(int count, long seed, InetAddress bind) throws IOException {
        NetCluster cluster = new NetCluster(bind);
        try {
            for (int i = 0; i < count; i++) {
                cluster.add(new Random(seed * 1000 + i));
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Starts one more node, bootstrapped from a few of the nodes started before it; returns its index. */
    int add(Random random) throws IOException {
        List<InetSocketAddress> bootstrap = new ArrayList<>();
        for (int j = nodes.size() - 1; j >= 0 && bootstrap.size() < BOOTSTRAP_FANOUT; j--) {
            if (alive.get(j)) {
                bootstrap.add(nodes.get(j).localAddress());
            }
        }
        DhtNode node = new DhtNode(new DhtConfig(bind, 0, bootstrap, Optional.empty(), random));
        node.start();
        nodes.add(node);
        alive.add(true);
        return nodes.size() - 1;
    }

    /**
     * Fills the routing tables: the first node (which had no bootstrap) is told of a few others, then every live
     * node looks up its own id, {@code rounds} times, all nodes at once; each lookup is given {@code timeoutSeconds}.
     */
    void settle(int rounds, long timeoutSeconds) throws Exception {
        DhtNode first = nodes.get(0);
        for (int j = 1; j < Math.min(nodes.size(), 1 + 2 * BOOTSTRAP_FANOUT); j++) {
            first.addNode(nodes.get(j).localAddress());
        }
        // a node learns of a querier only by pinging it back (BEP 5 tables hold nodes that answered), which the
        // node does at its own pace after the lookup that queried it has ended: wait for that between rounds
        int want = Math.min(RoutingTable.K, nodes.size() - 1);
        for (int r = 0; r < rounds + EXTRA_SETTLE_ROUNDS; r++) {
            refresh(1, timeoutSeconds);
            if (awaitTables(want, TABLE_WAIT_SECONDS) && r >= rounds - 1) {
                break;
            }
        }
        List<String> shortTables = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            int size = nodes.get(i).routingTable().size();
            if (alive.get(i) && size < want) {
                shortTables.add("node " + i + ": " + size);
            }
        }
        if (!shortTables.isEmpty()) {
            throw new AssertionError("routing tables smaller than " + want + " after bootstrap: " + shortTables);
        }
    }

    /**
     * Waits (at most {@code timeoutSeconds}) until every live node's routing table holds {@code want} nodes;
     * whether they do.
     */
    boolean awaitTables(int want, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            if (live().stream().allMatch(n -> n.routingTable().size() >= want)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
    }

    /** Every live node looks up its own id (a bucket refresh), {@code rounds} times, all nodes at once. */
    void refresh(int rounds, long timeoutSeconds) throws Exception {
        for (int r = 0; r < rounds; r++) {
            awaitAll(live(), n -> n.findNode(n.id()), timeoutSeconds);
        }
    }

    /** Runs {@code lookup} on every node of {@code on} at once and waits for all of them. */
    static <T> List<T> awaitAll(List<DhtNode> on, Function<DhtNode, CompletableFuture<T>> lookup,
            long timeoutSeconds) throws Exception {
        List<CompletableFuture<T>> futures = new ArrayList<>();
        for (DhtNode n : on) {
            futures.add(lookup.apply(n));
        }
        List<T> results = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (CompletableFuture<T> f : futures) {
            long left = Math.max(1, deadline - System.nanoTime());
            results.add(f.get(left, TimeUnit.NANOSECONDS));
        }
        return results;
    }

    DhtNode node(int i) {
        return nodes.get(i);
    }

    int size() {
        return nodes.size();
    }

    boolean isAlive(int i) {
        return alive.get(i);
    }

    /** The nodes still running, in start order. */
    List<DhtNode> live() {
        List<DhtNode> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (alive.get(i)) {
                out.add(nodes.get(i));
            }
        }
        return out;
    }

    /** Closes node {@code i} (it stops answering; the others still hold it in their tables). */
    void kill(int i) {
        if (alive.get(i)) {
            alive.set(i, false);
            nodes.get(i).close();
        }
    }

    /**
     * The brute-force answer to a lookup for {@code target} made by {@code asker}: the ids of the {@code k}
     * live nodes other than the asker closest to {@code target} by XOR distance, closest first.
     */
    List<NodeId> trueClosest(NodeId target, DhtNode asker, int k) {
        return live().stream().filter(n -> n != asker).map(DhtNode::id)
                .sorted(target::compareDistance).limit(k).toList();
    }

    /** The ids of {@code found} other than {@code asker}'s own, closest to {@code target} first, at most k. */
    static List<NodeId> closestIds(List<NodeInfo> found, NodeId target, DhtNode asker, int k) {
        return found.stream().map(NodeInfo::id).filter(id -> !id.equals(asker.id())).distinct()
                .sorted(target::compareDistance).limit(k).toList();
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.size(); i++) {
            kill(i);
        }
    }
}
