package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One iterative lookup (BEP 5 "find_node" / "get_peers" traversal) as a pure state machine: no sockets, no clock.
 * The caller asks {@link #next} whom to query, sends the queries, and reports each outcome with
 * {@link #responded} or {@link #failed}; the lookup is over when {@link #done} says so.
 *
 * <p>Rules: candidates are kept sorted by XOR distance to the target, at most
 * {@link DhtLimits#LOOKUP_MAX_CANDIDATES} of them (farther ones are forgotten); at most {@link DhtLimits#ALPHA}
 * queries are in flight; the closest not-yet-queried candidate is always queried first, and only while fewer than
 * K closer candidates have answered. The lookup is done when the K closest live candidates have all answered (or
 * none is left to ask), or after {@link DhtLimits#LOOKUP_MAX_QUERIES} queries or
 * {@link DhtLimits#LOOKUP_MAX_NANOS}. Bootstrap routers (addresses with no known id) are queried first and then
 * take part as the node their reply names.
 *
 * <p>Against one host taking over a lookup (a Sybil answering with many ids next to the target, all at its own IP
 * on different ports): at most one candidate per public IP address ({@link SecureNodeId#applies}; libtorrent's
 * {@code dht_restrict_search_ips}), where a BEP 42-verified id displaces an unverified one not yet asked;
 * loopback and private addresses are not restricted (a LAN or a test network shares one). And one reply adds at
 * most {@link DhtLimits#LOOKUP_MAX_CLOSER_PER_REPLY} candidates closer to the target than its sender.
 *
 * <p>Not thread-safe: the DHT node confines each lookup to its own thread.
 */
public final class Lookup {
    /** Nodes whose answers make a lookup complete (BEP 5's K). */
    public static final int K = RoutingTable.K;

    /** Whom to query: a node, or a bootstrap router whose id we do not know ({@code id} null). */
    public record Request(NodeId id, InetSocketAddress address) {
    }

    /** A node that answered with a token: where to send announce_peer (BEP 5). */
    public record TokenHolder(NodeInfo node, byte[] token) {
    }

    private enum State { FRESH, IN_FLIGHT, RESPONDED, FAILED }

    private static final class Candidate {
        final NodeInfo node;
        State state = State.FRESH;
        byte[] token;

        Candidate(NodeInfo node) {
            this.node = node;
        }
    }

    private final NodeId target;
    private final NodeId ownId;
    private final long startNanos;
    private final TreeMap<NodeId, Candidate> candidates;
    /** The candidate at each public IP address (one per IP, see the class comment). */
    private final Map<InetAddress, NodeId> byIp = new HashMap<>();
    private final Deque<InetSocketAddress> routers = new ArrayDeque<>();
    /** Requests in flight and when each was sent. */
    private final Map<Request, Long> inFlight = new HashMap<>();
    private final Set<InetSocketAddress> values = new LinkedHashSet<>();
    private int queried;
    private int responded;

    /**
     * @param target  the id or info hash sought
     * @param ownId   our node id: never a candidate (a node that lists us as close is not a reason to query us)
     * @param seeds   known nodes to start from (from the routing table, a saved state)
     * @param routers bootstrap addresses with no known id, queried first
     * @param nowNanos the caller's clock at the start
     */
    public Lookup(NodeId target, NodeId ownId, List<NodeInfo> seeds, List<InetSocketAddress> routers,
            long nowNanos) {
        this.target = target;
        this.ownId = ownId;
        this.startNanos = nowNanos;
        this.candidates = new TreeMap<>(target::compareDistance);
        for (InetSocketAddress r : routers) {
            if (this.routers.size() < DhtLimits.LOOKUP_MAX_CANDIDATES && !this.routers.contains(r)) {
                this.routers.add(r);
            }
        }
        for (NodeInfo seed : seeds) {
            offer(seed);
        }
    }

    public NodeId target() {
        return target;
    }

    /**
     * The queries to send now (marked in flight), closest first: at most {@code maxNew} of them. At most
     * {@link DhtLimits#ALPHA} queries younger than {@link DhtLimits#LOOKUP_SHORT_TIMEOUT_NANOS} are in flight; one
     * that has been waiting longer no longer holds its slot (libtorrent's "short timeout": a slow or dead node,
     * or a swarm of fake ones a hostile node handed out, must not stall the lookup for the full query timeout),
     * and never more than {@link DhtLimits#LOOKUP_MAX_IN_FLIGHT} in all. Empty when the lookup is done or waiting
     * for answers. Call it again as time passes (the node does on every tick).
     */
    public List<Request> next(int maxNew, long nowNanos) {
        List<Request> out = new ArrayList<>();
        if (done(nowNanos)) {
            return out;
        }
        int fresh = 0;
        for (long sent : inFlight.values()) {
            if (nowNanos - sent < DhtLimits.LOOKUP_SHORT_TIMEOUT_NANOS) {
                fresh++;
            }
        }
        while (fresh < DhtLimits.ALPHA && inFlight.size() < DhtLimits.LOOKUP_MAX_IN_FLIGHT && out.size() < maxNew
                && queried < DhtLimits.LOOKUP_MAX_QUERIES) {
            Request r = pick();
            if (r == null) {
                break;
            }
            inFlight.put(r, nowNanos);
            fresh++;
            queried++;
            out.add(r);
        }
        return out;
    }

    private Request pick() {
        if (!routers.isEmpty()) {
            return new Request(null, routers.poll());
        }
        int answered = 0;
        for (Candidate c : candidates.values()) {
            if (answered >= K) {
                return null;
            }
            switch (c.state) {
                case FRESH -> {
                    c.state = State.IN_FLIGHT;
                    return new Request(c.node.id(), c.node.address());
                }
                case RESPONDED -> answered++;
                case IN_FLIGHT, FAILED -> {
                }
            }
        }
        return null;
    }

    /**
     * {@code request} was answered by the node {@code responder} with these {@code nodes}, {@code values} and
     * {@code token}. A reply naming another id than the one we asked counts as a failure of that candidate (its
     * nodes are still considered). Returns the values that are new to this lookup (distinct, bounded by
     * {@link DhtLimits#LOOKUP_MAX_VALUES}). A request that is not in flight is ignored.
     */
    public List<InetSocketAddress> responded(Request request, NodeId responder, List<NodeInfo> nodes,
            List<InetSocketAddress> values, Optional<byte[]> token) {
        if (inFlight.remove(request) == null) {
            return List.of();
        }
        responded++;
        if (request.id() == null) {
            if (!responder.equals(ownId)) {
                Candidate c = candidates.get(responder);
                if (c == null) {
                    c = insert(new NodeInfo(responder, request.address()));
                }
                if (c != null && c.node.address().equals(request.address())) {
                    c.state = State.RESPONDED;
                    c.token = token.orElse(null);
                }
            }
        } else {
            Candidate c = candidates.get(request.id());
            if (c != null && c.node.address().equals(request.address())) {
                if (responder.equals(request.id())) {
                    c.state = State.RESPONDED;
                    c.token = token.orElse(null);
                } else {
                    c.state = State.FAILED;
                }
            }
        }
        int closer = 0;
        for (NodeInfo n : nodes) {
            if (target.compareDistance(n.id(), responder) < 0) {
                if (closer >= DhtLimits.LOOKUP_MAX_CLOSER_PER_REPLY) {
                    continue; // more nodes closer than itself than an honest node would name: packing
                }
                closer++;
            }
            offer(n);
        }
        return addValues(values);
    }

    /**
     * Adds peers known without asking (our own peer store for a get_peers lookup); returns those new to this
     * lookup, bounded like {@link #responded}'s.
     */
    public List<InetSocketAddress> addValues(List<InetSocketAddress> known) {
        List<InetSocketAddress> fresh = new ArrayList<>();
        for (InetSocketAddress v : known) {
            if (this.values.size() >= DhtLimits.LOOKUP_MAX_VALUES) {
                break;
            }
            if (this.values.add(v)) {
                fresh.add(v);
            }
        }
        return fresh;
    }

    /** {@code request} timed out or was answered with an error. A request that is not in flight is ignored. */
    public void failed(Request request) {
        if (inFlight.remove(request) == null) {
            return;
        }
        if (request.id() != null) {
            Candidate c = candidates.get(request.id());
            if (c != null && c.node.address().equals(request.address())) {
                c.state = State.FAILED;
            }
        }
    }

    private void offer(NodeInfo node) {
        InetSocketAddress a = node.address();
        if (a.getAddress() == null || a.getAddress().isAnyLocalAddress() || a.getAddress().isMulticastAddress()
                || a.getPort() == 0) {
            return; // not a node anyone can be asked at (0.0.0.0 would reach our own host)
        }
        if (node.id().equals(ownId) || candidates.containsKey(node.id())) {
            return; // known already (a node listing itself, or a second address for one id: keep the first)
        }
        insert(node);
    }

    private Candidate insert(NodeInfo node) {
        InetAddress ip = node.address().getAddress();
        boolean restricted = ip != null && SecureNodeId.applies(ip);
        if (restricted) {
            NodeId other = byIp.get(ip);
            if (other != null) {
                Candidate o = candidates.get(other);
                // A second id at one public IP: keep the first, unless the newcomer has a BEP 42 id for that IP
                // and the first has not and was not asked yet.
                if (o == null || o.state != State.FRESH || SecureNodeId.verify(other, ip)
                        || !SecureNodeId.verify(node.id(), ip)) {
                    return null;
                }
                remove(other);
            }
        }
        if (candidates.size() >= DhtLimits.LOOKUP_MAX_CANDIDATES) {
            NodeId farthest = candidates.lastKey();
            if (target.compareDistance(node.id(), farthest) >= 0) {
                return null;
            }
            remove(farthest); // an answer from it later is ignored (not found)
        }
        Candidate c = new Candidate(node);
        candidates.put(node.id(), c);
        if (restricted) {
            byIp.put(ip, node.id());
        }
        return c;
    }

    private void remove(NodeId id) {
        Candidate c = candidates.remove(id);
        if (c != null) {
            byIp.remove(c.node.address().getAddress(), id);
        }
    }

    /**
     * Whether the lookup is over: the K closest live candidates answered (or no candidate is left to ask and
     * nothing is in flight), or a query/time cap was hit.
     */
    public boolean done(long nowNanos) {
        if (nowNanos - startNanos >= DhtLimits.LOOKUP_MAX_NANOS) {
            return true;
        }
        if (queried >= DhtLimits.LOOKUP_MAX_QUERIES) {
            return inFlight.isEmpty();
        }
        if (!routers.isEmpty()) {
            return false;
        }
        int answered = 0;
        for (Candidate c : candidates.values()) {
            if (answered >= K) {
                return true;
            }
            switch (c.state) {
                case FRESH, IN_FLIGHT -> {
                    return false;
                }
                case RESPONDED -> answered++;
                case FAILED -> {
                }
            }
        }
        return inFlight.isEmpty();
    }

    /** The requests still in flight (the caller abandons them when the lookup is done). */
    public List<Request> inFlight() {
        return List.copyOf(inFlight.keySet());
    }

    /** The K closest nodes that answered, closest first. */
    public List<NodeInfo> closest() {
        List<NodeInfo> out = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            if (out.size() >= K) {
                break;
            }
            if (c.state == State.RESPONDED) {
                out.add(c.node);
            }
        }
        return out;
    }

    /** Of the K closest nodes that answered, those that gave a token, closest first (announce_peer targets). */
    public List<TokenHolder> tokenHolders() {
        List<TokenHolder> out = new ArrayList<>();
        int answered = 0;
        for (Map.Entry<NodeId, Candidate> e : candidates.entrySet()) {
            Candidate c = e.getValue();
            if (answered >= K) {
                break;
            }
            if (c.state == State.RESPONDED) {
                answered++;
                if (c.token != null) {
                    out.add(new TokenHolder(c.node, c.token.clone()));
                }
            }
        }
        return out;
    }

    /** Distinct peers gathered from {@code values}, in arrival order. */
    public List<InetSocketAddress> values() {
        return List.copyOf(values);
    }

    /** Queries sent so far. */
    public int queried() {
        return queried;
    }

    /** Queries answered so far. */
    public int respondedCount() {
        return responded;
    }
}
