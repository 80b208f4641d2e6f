package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * BEP 42 (DHT security extension): a node id tied to the node's external IP address, so that one host cannot
 * choose ids next to a target at will.
 *
 * <p>The first 21 bits of a secure id equal the top 21 bits of {@code CRC32C(masked ip | r << 5 in the first
 * octet)}, where the IPv4 address is masked with {@code 03 0f 3f ff} (4 octets) or the first 8 octets of an
 * IPv6 address with {@code 01 03 07 0f 1f 3f 7f ff}, and {@code r} is the low 3 bits of the id's last byte.
 * Addresses in local networks are exempt (BEP 42 "local networks": {@link #applies} is false for them): any id
 * verifies there, which is what lets loopback tests run with random ids. Pure functions, thread-safe.
 */
public final class SecureNodeId {
    /** BEP 42: mask of the IPv4 octets that enter the CRC. */
    private static final int[] V4_MASK = {0x03, 0x0f, 0x3f, 0xff};
    /** BEP 42: mask of the first 8 IPv6 octets that enter the CRC (the rest of the address is ignored). */
    private static final int[] V6_MASK = {0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff};

    private SecureNodeId() {
    }

    /**
     * Whether BEP 42 restrictions apply to {@code address}: false for loopback (127/8, ::1), private / site-local
     * (10/8, 172.16/12, 192.168/16, fec0::/10), link-local (169.254/16, fe80::/10), carrier-grade NAT (100.64/10,
     * RFC 6598), unique-local (fc00::/7), the any-local address and multicast; true for every other address.
     */
    public static boolean applies(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            boolean cgnat = (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
            return !cgnat;
        }
        boolean uniqueLocal = (b[0] & 0xfe) == 0xfc;
        return !uniqueLocal;
    }

    /**
     * A secure id for our {@code external} address: the BEP 42 prefix for a random {@code r}, random middle
     * bytes, and a random last byte whose low 3 bits are {@code r}.
     */
    public static NodeId generate(InetAddress external, Random random) {
        return generate(external, random.nextInt(256), random);
    }

    /**
     * A secure id whose last byte is {@code rand} (0..255; its low 3 bits are BEP 42's {@code r}), as in the
     * BEP's test vectors; the bits the BEP leaves free come from {@code random}.
     *
     * @throws IllegalArgumentException if {@code rand} is outside 0..255
     */
    public static NodeId generate(InetAddress external, int rand, Random random) {
        if (rand < 0 || rand > 0xff) {
            throw new IllegalArgumentException("BEP 42 rand is one byte, not " + rand);
        }
        int crc = prefixCrc(external, rand & 7);
        byte[] id = new byte[NodeId.LENGTH];
        random.nextBytes(id);
        id[0] = (byte) (crc >>> 24);
        id[1] = (byte) (crc >>> 16);
        id[2] = (byte) (((crc >>> 8) & 0xf8) | (id[2] & 0x07));
        id[NodeId.LENGTH - 1] = (byte) rand;
        return NodeId.of(id);
    }

    /**
     * Whether {@code id} is a valid BEP 42 id for a node at {@code address}: its first 21 bits match the CRC of
     * the masked address with the {@code r} taken from its last byte. Always true when {@link #applies} is false.
     */
    public static boolean verify(NodeId id, InetAddress address) {
        if (!applies(address)) {
            return true;
        }
        int crc = prefixCrc(address, id.byteAt(NodeId.LENGTH - 1) & 7);
        return id.byteAt(0) == (crc >>> 24)
                && id.byteAt(1) == ((crc >>> 16) & 0xff)
                && (id.byteAt(2) & 0xf8) == ((crc >>> 8) & 0xf8);
    }

    /** CRC32C of the masked address octets with {@code r} in the top 3 bits of the first (BEP 42). */
    private static int prefixCrc(InetAddress address, int r) {
        byte[] ip = address.getAddress();
        int[] mask = ip.length == 4 ? V4_MASK : V6_MASK;
        byte[] masked = new byte[mask.length];
        for (int i = 0; i < mask.length; i++) {
            masked[i] = (byte) (ip[i] & mask[i]);
        }
        masked[0] |= (byte) (r << 5);
        CRC32C crc = new CRC32C();
        crc.update(masked);
        return (int) crc.getValue();
    }
}
