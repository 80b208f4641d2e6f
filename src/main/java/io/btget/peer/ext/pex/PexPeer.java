package io.btget.peer.ext.pex;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One contact of a BEP 11 {@code added}/{@code added6} list: a peer's address (IP and listen port) and its one-byte
 * flags from {@code added.f}/{@code added6.f} (0 when the sender gave none).
 *
 * @param address a resolved address, IPv4 or IPv6; port 0..65535 (0 only as decoded: {@link PexReceiver} refuses it)
 * @param flags   bit set of the {@code *} constants below, 0..255; bits BEP 11 reserves are kept, not interpreted
 */
public record PexPeer(InetSocketAddress address, int flags) {
    /** BEP 11 flag 0x01: prefers encryption (the {@code e} field of its extended handshake). */
    public static final int PREFERS_ENCRYPTION = 0x01;
    /** BEP 11 flag 0x02: seed / upload_only. */
    public static final int SEED = 0x02;
    /** BEP 11 flag 0x04: supports uTP (BEP 29). Positive only: 0 does not mean it lacks uTP. */
    public static final int UTP = 0x04;
    /** BEP 11 flag 0x08: announced {@code ut_holepunch} (BEP 55) in its extended handshake. */
    public static final int HOLEPUNCH = 0x08;
    /** BEP 11 flag 0x10: the sender connected out to it, so it is reachable (connectable). */
    public static final int CONNECTABLE = 0x10;

    public PexPeer {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("PEX peer address must be an IP address: " + address);
        }
        if (flags < 0 || flags > 0xFF) {
            throw new IllegalArgumentException("PEX flags must fit in one byte: " + flags);
        }
    }

    /** A contact with no flags. */
    public static PexPeer of(InetSocketAddress address) {
        return new PexPeer(address, 0);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public boolean isSeed() {
        return has(SEED);
    }

    public boolean isConnectable() {
        return has(CONNECTABLE);
    }
}
