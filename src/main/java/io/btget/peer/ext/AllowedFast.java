package io.btget.peer.ext;

import io.btget.metainfo.InfoHash;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The allowed-fast set of BEP 6 ("Allowed Fast"): the pieces a peer may download from us while we choke it, derived
 * from its IPv4 address and the info hash so that reconnecting from the same /24 does not earn a fresh set. Pure
 * computation, thread-safe.
 */
public final class AllowedFast {
    /** The set size BEP 6 suggests, and the one issue 9 asks for. */
    public static final int DEFAULT_K = 10;

    private AllowedFast() {
    }

    /**
     * The allowed-fast set exactly as BEP 6 specifies it: {@code x = (ip & 0xFFFFFF00) ++ infohash}; repeatedly
     * {@code x = SHA1(x)}, and each of the five big-endian 32-bit words {@code y} of {@code x} adds piece
     * {@code y mod pieceCount} unless already there, until {@code k} pieces are chosen.
     *
     * @param peer       the peer's address as we see it; IPv4, or an IPv4-mapped IPv6 address (treated as its IPv4)
     * @param infoHash   the torrent's info hash
     * @param pieceCount pieces in the torrent (0 or more)
     * @param k          how many pieces to choose (0 or more); capped at {@code pieceCount}, since there are no more
     *                   distinct pieces than that (the BEP's loop would never end)
     * @return the piece indexes in the order the BEP generates them, each in {@code 0..pieceCount-1}, no repeats;
     *     empty for a native IPv6 peer: BEP 6 defines the set for IPv4 only, and any IPv6 rule we made up would
     *     not match the set the peer computes for itself, so we grant none (as libtorrent does)
     * @throws IllegalArgumentException if {@code pieceCount} or {@code k} is negative
     */
    public static List<Integer> compute(InetAddress peer, InfoHash infoHash, int pieceCount, int k) {
        if (pieceCount < 0 || k < 0) {
            throw new IllegalArgumentException("piece count and k must not be negative: " + pieceCount + ", " + k);
        }
        byte[] ipv4 = ipv4Bytes(peer);
        int wanted = Math.min(k, pieceCount);
        if (ipv4 == null || wanted == 0) {
            return List.of();
        }
        byte[] x = new byte[4 + InfoHash.LENGTH];
        // BEP 6: the peer's /24, so that peers behind one NAT-ed block share a set.
        System.arraycopy(ipv4, 0, x, 0, 3);
        x[3] = 0;
        System.arraycopy(infoHash.bytes(), 0, x, 4, InfoHash.LENGTH);
        MessageDigest sha1 = sha1();
        Set<Integer> chosen = new LinkedHashSet<>();
        while (chosen.size() < wanted) {
            x = sha1.digest(x);
            for (int i = 0; i < 5 && chosen.size() < wanted; i++) {
                long y = ((x[4 * i] & 0xffL) << 24) | ((x[4 * i + 1] & 0xff) << 16) | ((x[4 * i + 2] & 0xff) << 8)
                        | (x[4 * i + 3] & 0xff);
                chosen.add((int) (y % pieceCount));
            }
        }
        return List.copyOf(chosen);
    }

    private static byte[] ipv4Bytes(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return bytes;
        }
        if (address instanceof Inet6Address && isIpv4Mapped(bytes)) {
            byte[] v4 = new byte[4];
            System.arraycopy(bytes, 12, v4, 0, 4);
            return v4;
        }
        return null;
    }

    private static boolean isIpv4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
