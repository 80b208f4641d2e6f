package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import java.util.List;
import java.util.Optional;

/**
 * SKELETON: the table helper implements it (see /work/wt/_brief/APIS.md for the contract).
 */
public final class RoutingTable {
    /** BEP 5: nodes per bucket. */
    public static final int K = 8;

    public RoutingTable(NodeId ownId, int maxNodes) {
    }

    public RoutingTable(NodeId ownId, int maxNodes, java.util.Random random) {
    }

    public NodeId ownId() {
        throw new UnsupportedOperationException();
    }

    /** What {@link #heard} did with a node. */
    public sealed interface Outcome permits Added, Updated, Rejected, PingFirst {
    }

    public record Added() implements Outcome {
    }

    public record Updated() implements Outcome {
    }

    public record Rejected(String why) implements Outcome {
    }

    /** The bucket is full; ping {@code questionable}: if it fails, the candidate takes its place. */
    public record PingFirst(NodeInfo questionable) implements Outcome {
    }

    public Outcome heard(NodeInfo node, boolean responded, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public void failed(NodeInfo node, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public List<NodeInfo> closest(NodeId target, int count) {
        throw new UnsupportedOperationException();
    }

    public List<NodeId> refreshTargets(long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public List<NodeInfo> questionable(long nowNanos, int max) {
        throw new UnsupportedOperationException();
    }

    public Optional<NodeInfo> find(NodeId id) {
        throw new UnsupportedOperationException();
    }

    public List<NodeInfo> nodes() {
        throw new UnsupportedOperationException();
    }

    public int size() {
        throw new UnsupportedOperationException();
    }

    public int goodCount(long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public int bucketCount() {
        throw new UnsupportedOperationException();
    }
}
