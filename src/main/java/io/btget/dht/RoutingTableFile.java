package io.btget.dht;

import io.btget.bencode.BDict;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.bencode.BencodeException;
import io.btget.bencode.BencodeLimits;
import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The DHT state file: our node id and the nodes worth asking first next time (BEP 5 suggests keeping them across
 * runs). A bencoded dictionary:
 * <pre>
 *   id     20-byte node id
 *   nodes  IPv4 compact node infos, 26 bytes each (id, address, port; BEP 5)
 *   nodes6 IPv6 compact node infos, 38 bytes each (BEP 32)
 * </pre>
 * At most {@link DhtLimits#MAX_SAVED_NODES} nodes are written or read; the file is written to a temporary file in
 * the same directory and renamed over the old one, so a crash leaves the old or the new file, never half of one.
 */
public final class RoutingTableFile {
    /** What the file holds. */
    public record State(NodeId id, List<NodeInfo> nodes) {
        public State {
            nodes = List.copyOf(nodes);
        }
    }

    private static final BencodeLimits LIMITS = new BencodeLimits(DhtLimits.MAX_STATE_FILE_BYTES, 4, 16);

    private RoutingTableFile() {
    }

    /**
     * The nodes to save at close, at most {@link DhtLimits#MAX_SAVED_NODES}: the table's good nodes first, then its
     * questionable ones, then the nodes {@code loaded} from the file at start that were not proved dead. A node
     * that never answered during this run is not dead (an offline or short run must not wipe the saved table); a
     * loaded node is proved dead when the table holds it as bad (it answered, then failed
     * {@link RoutingTable#MAX_FAILURES} queries in a row) or when another id now answers at its address. So the
     * saved set only shrinks by nodes shown dead, never because a run was too short to hear from them. (A loaded
     * node that answered, then failed and was replaced in its bucket, is not remembered as dead: it may be saved
     * again, after every live one.) Distinct ids and addresses; must run on the table's thread.
     */
    public static List<NodeInfo> nodesToSave(RoutingTable table, List<NodeInfo> loaded, long nowNanos) {
        List<NodeInfo> good = new ArrayList<>();
        List<NodeInfo> questionable = new ArrayList<>();
        for (NodeInfo n : table.nodes()) {
            Optional<RoutingTable.Status> st = table.status(n.id(), nowNanos);
            if (st.isEmpty() || st.get() == RoutingTable.Status.BAD) {
                continue;
            }
            (st.get() == RoutingTable.Status.GOOD ? good : questionable).add(n);
        }
        Map<InetSocketAddress, NodeId> tableAddresses = new HashMap<>();
        for (NodeInfo n : table.nodes()) {
            tableAddresses.put(n.address(), n.id());
        }
        List<NodeInfo> out = new ArrayList<>();
        Set<NodeId> ids = new HashSet<>();
        Set<InetSocketAddress> addresses = new HashSet<>();
        for (List<NodeInfo> group : List.of(good, questionable, loaded)) {
            for (NodeInfo n : group) {
                if (out.size() >= DhtLimits.MAX_SAVED_NODES) {
                    return out;
                }
                if (group == loaded) {
                    if (table.find(n.id()).isPresent()) {
                        continue; // in the table: saved above when not bad
                    }
                    NodeId there = tableAddresses.get(n.address());
                    if (there != null && !there.equals(n.id())) {
                        continue; // another node answers at its address now
                    }
                }
                if (ids.add(n.id()) && addresses.add(n.address())) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** Writes {@code id} and up to {@link DhtLimits#MAX_SAVED_NODES} of {@code nodes} to {@code file}, atomically. */
    public static void save(Path file, NodeId id, List<NodeInfo> nodes) throws IOException {
        ByteArrayOutputStream v4 = new ByteArrayOutputStream();
        ByteArrayOutputStream v6 = new ByteArrayOutputStream();
        int n = 0;
        for (NodeInfo node : nodes) {
            if (n >= DhtLimits.MAX_SAVED_NODES) {
                break;
            }
            InetAddress a = node.address().getAddress();
            if (a == null || node.address().getPort() == 0) {
                continue;
            }
            ByteArrayOutputStream out = a instanceof Inet4Address ? v4 : v6;
            out.writeBytes(node.id().bytes());
            out.writeBytes(a.getAddress());
            out.write(node.address().getPort() >>> 8);
            out.write(node.address().getPort() & 0xff);
            n++;
        }
        Map<String, BValue> d = new LinkedHashMap<>();
        d.put("id", new BString(id.bytes()));
        d.put("nodes", new BString(v4.toByteArray()));
        d.put("nodes6", new BString(v6.toByteArray()));
        byte[] bytes = Bencode.encode(new BDict(d));
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads {@code file}: empty when it does not exist.
     *
     * @throws IOException when it cannot be read or is not a state file (one line saying what is wrong)
     */
    public static Optional<State> load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        long size = Files.size(file);
        if (size > DhtLimits.MAX_STATE_FILE_BYTES) {
            throw new IOException("DHT state file " + file + " has " + size + " bytes, more than "
                    + DhtLimits.MAX_STATE_FILE_BYTES);
        }
        byte[] bytes = Files.readAllBytes(file);
        BValue root;
        try {
            root = Bencode.decode(bytes, LIMITS);
        } catch (BencodeException e) {
            throw new IOException("DHT state file " + file + ": " + e.getMessage());
        }
        if (!(root instanceof BDict dict)) {
            throw new IOException("DHT state file " + file + " is not a bencoded dictionary");
        }
        byte[] id = bytes(dict, "id", file);
        if (id == null || id.length != NodeId.LENGTH) {
            throw new IOException("DHT state file " + file + " has no 20-byte id");
        }
        List<NodeInfo> nodes = new ArrayList<>();
        compact(bytes(dict, "nodes", file), 4, nodes, file);
        compact(bytes(dict, "nodes6", file), 16, nodes, file);
        return Optional.of(new State(NodeId.of(id), nodes));
    }

    private static byte[] bytes(BDict dict, String key, Path file) throws IOException {
        Optional<BValue> v = dict.get(key);
        if (v.isEmpty()) {
            return null;
        }
        if (!(v.get() instanceof BString s)) {
            throw new IOException("DHT state file " + file + ": '" + key + "' is not a string");
        }
        return s.bytes();
    }

    private static void compact(byte[] b, int addressLength, List<NodeInfo> into, Path file) throws IOException {
        if (b == null) {
            return;
        }
        int entry = NodeId.LENGTH + addressLength + 2;
        if (b.length % entry != 0) {
            throw new IOException("DHT state file " + file + ": node list of " + b.length
                    + " bytes is not a multiple of " + entry);
        }
        for (int off = 0; off < b.length && into.size() < DhtLimits.MAX_SAVED_NODES; off += entry) {
            NodeId id = NodeId.of(b, off);
            byte[] ip = Arrays.copyOfRange(b, off + NodeId.LENGTH, off + NodeId.LENGTH + addressLength);
            int port = ((b[off + entry - 2] & 0xff) << 8) | (b[off + entry - 1] & 0xff);
            if (port == 0) {
                continue;
            }
            InetAddress a;
            try {
                a = addressLength == 4 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, null);
            } catch (UnknownHostException e) {
                continue; // cannot happen for 4 or 16 bytes
            }
            into.add(new NodeInfo(id, new InetSocketAddress(a, port)));
        }
    }
}
