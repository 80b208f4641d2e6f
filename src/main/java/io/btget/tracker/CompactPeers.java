package io.btget.tracker;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact peer lists: 6 bytes per IPv4 peer (BEP 23, BEP 15) and 18 bytes per IPv6 peer (BEP 7, BEP 15),
 * address then port, both in network byte order. Shared by the HTTP and UDP clients and the built-in server.
 */
public final class CompactPeers {
    public static final int IPV4_ENTRY = 6;
    public static final int IPV6_ENTRY = 18;
    /** More peers than any client can use; the rest of a huge list is ignored rather than allocated. */
    public static final int MAX_PEERS = 2000;

    private CompactPeers() {
    }

    /**
     * Decodes {@code length} bytes from {@code offset} as entries of {@code entrySize} (6 or 18). Entries with
     * port 0 are skipped; at most {@link #MAX_PEERS} are returned.
     */
    public static List<InetSocketAddress> decode(byte[] data, int offset, int length, int entrySize)
            throws TrackerException {
        if (entrySize != IPV4_ENTRY && entrySize != IPV6_ENTRY) {
            throw new IllegalArgumentException("entry size " + entrySize);
        }
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new TrackerException("peer list range outside the packet");
        }
        if (length % entrySize != 0) {
            throw new TrackerException("compact peer list of " + length + " bytes is not a multiple of " + entrySize);
        }
        int count = Math.min(length / entrySize, MAX_PEERS);
        List<InetSocketAddress> peers = new ArrayList<>(count);
        int addressLength = entrySize - 2;
        for (int i = 0; i < count; i++) {
            int at = offset + i * entrySize;
            byte[] address = new byte[addressLength];
            System.arraycopy(data, at, address, 0, addressLength);
            int port = ((data[at + addressLength] & 0xff) << 8) | (data[at + addressLength + 1] & 0xff);
            if (port == 0) {
                continue;
            }
            try {
                peers.add(new InetSocketAddress(InetAddress.getByAddress(address), port));
            } catch (UnknownHostException e) {
                throw new AssertionError("4 or 16 address bytes are always valid", e);
            }
        }
        return peers;
    }

    /** Encodes the peers of one family (IPv4 for 6-byte entries, IPv6 for 18); others are skipped. */
    public static byte[] encode(List<InetSocketAddress> peers, int entrySize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(peers.size() * entrySize);
        for (InetSocketAddress peer : peers) {
            InetAddress address = peer.getAddress();
            boolean fits = entrySize == IPV4_ENTRY ? address instanceof Inet4Address : address instanceof Inet6Address;
            if (!fits) {
                continue;
            }
            out.writeBytes(address.getAddress());
            out.write(peer.getPort() >>> 8);
            out.write(peer.getPort());
        }
        return out.toByteArray();
    }
}
