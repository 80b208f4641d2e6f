package io.btget.dht.krpc;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * BEP 5 "compact" formats, both ways, with no I/O:
 * <ul>
 *   <li>compact peer info: 4-byte IPv4 address then 2-byte port, network order (6 bytes); BEP 32's IPv6 form has a
 *       16-byte address (18 bytes);
 *   <li>compact node info: the 20-byte node id then the compact peer info of its UDP address (26 bytes for IPv4,
 *       38 for IPv6 in BEP 32's {@code nodes6}).
 * </ul>
 * An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) decodes to the IPv4 address (Java's rule for 16-byte
 * addresses).
 */
public final class CompactInfo {
    /** Bytes of an IPv4 compact peer info (BEP 5). */
    public static final int PEER_IPV4 = 6;
    /** Bytes of an IPv6 compact peer info (BEP 32). */
    public static final int PEER_IPV6 = 18;

    private static final int IPV4_ADDRESS = 4;
    private static final int IPV6_ADDRESS = 16;

    private CompactInfo() {
    }

    /**
     * The compact peer info of {@code address}: 6 bytes for IPv4, 18 for IPv6.
     *
     * @throws IllegalArgumentException when {@code address} is unresolved (a host name, not an IP address)
     */
    public static byte[] peer(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("compact peer info needs an IP address, not the name " + address);
        }
        byte[] raw = ip.getAddress();
        byte[] out = new byte[raw.length + 2];
        System.arraycopy(raw, 0, out, 0, raw.length);
        writePort(out, raw.length, address.getPort());
        return out;
    }

    /**
     * Reads one compact peer info of 6 or 18 bytes from {@code buf[offset, offset + length)}; empty when the length
     * is neither. Port 0 is returned as is (callers decide; it is not dialable).
     */
    public static Optional<InetSocketAddress> peer(byte[] buf, int offset, int length) {
        if (length != PEER_IPV4 && length != PEER_IPV6) {
            return Optional.empty();
        }
        int addressLength = length - 2;
        byte[] raw = new byte[addressLength];
        System.arraycopy(buf, offset, raw, 0, addressLength);
        int port = ((buf[offset + addressLength] & 0xff) << 8) | (buf[offset + addressLength + 1] & 0xff);
        return Optional.of(new InetSocketAddress(address(raw), port));
    }

    /**
     * The BEP 5 {@code nodes} string: 26 bytes per IPv4 node, in list order. Nodes with an IPv6 address are skipped:
     * they belong in {@code nodes6} (BEP 32).
     */
    public static byte[] nodes(List<NodeInfo> nodes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(nodes.size() * NodeInfo.COMPACT_IPV4);
        for (NodeInfo node : nodes) {
            InetAddress ip = requireIp(node);
            if (ip instanceof Inet4Address) {
                out.writeBytes(node.id().bytes());
                out.writeBytes(peer(node.address()));
            }
        }
        return out.toByteArray();
    }

    /**
     * The BEP 32 {@code nodes6} string: 38 bytes per node, in list order. A node with an IPv4 address is written
     * as its IPv4-mapped IPv6 address (which decodes back to the IPv4 address).
     */
    public static byte[] nodes6(List<NodeInfo> nodes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(nodes.size() * NodeInfo.COMPACT_IPV6);
        for (NodeInfo node : nodes) {
            InetAddress ip = requireIp(node);
            byte[] raw = ip.getAddress();
            byte[] entry = new byte[NodeInfo.COMPACT_IPV6];
            System.arraycopy(node.id().bytes(), 0, entry, 0, NodeId.LENGTH);
            if (raw.length == IPV4_ADDRESS) {
                entry[NodeId.LENGTH + 10] = (byte) 0xff;
                entry[NodeId.LENGTH + 11] = (byte) 0xff;
                System.arraycopy(raw, 0, entry, NodeId.LENGTH + 12, IPV4_ADDRESS);
            } else {
                System.arraycopy(raw, 0, entry, NodeId.LENGTH, IPV6_ADDRESS);
            }
            writePort(entry, NodeId.LENGTH + IPV6_ADDRESS, node.address().getPort());
            out.writeBytes(entry);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a string of compact node infos of {@code entryLength} bytes each ({@link NodeInfo#COMPACT_IPV4} or
     * {@link NodeInfo#COMPACT_IPV6}), at most {@code max} of them (the rest are not read). Entries with port 0 are
     * dropped: nobody can be queried there.
     *
     * @throws IllegalArgumentException when the length is not a multiple of {@code entryLength}
     */
    public static List<NodeInfo> nodes(byte[] compact, int entryLength, int max) {
        if (entryLength != NodeInfo.COMPACT_IPV4 && entryLength != NodeInfo.COMPACT_IPV6) {
            throw new IllegalArgumentException("a compact node info has 26 or 38 bytes, not " + entryLength);
        }
        if (compact.length % entryLength != 0) {
            throw new IllegalArgumentException(compact.length + " bytes is not a whole number of " + entryLength
                    + "-byte compact node infos");
        }
        int count = compact.length / entryLength;
        List<NodeInfo> nodes = new ArrayList<>(Math.min(count, max));
        for (int i = 0; i < count && nodes.size() < max; i++) {
            int at = i * entryLength;
            InetSocketAddress address = peer(compact, at + NodeId.LENGTH, entryLength - NodeId.LENGTH).orElseThrow();
            if (address.getPort() != 0) {
                nodes.add(new NodeInfo(NodeId.of(compact, at), address));
            }
        }
        return nodes;
    }

    private static InetAddress requireIp(NodeInfo node) {
        InetAddress ip = node.address().getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("compact node info needs an IP address, not the name "
                    + node.address());
        }
        return ip;
    }

    private static void writePort(byte[] out, int at, int port) {
        out[at] = (byte) (port >>> 8);
        out[at + 1] = (byte) port;
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException impossible) {
            // Only thrown for lengths other than 4 and 16, which the callers exclude.
            throw new IllegalStateException(impossible);
        }
    }
}
