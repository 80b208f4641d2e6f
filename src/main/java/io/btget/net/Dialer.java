package io.btget.net;

import io.btget.metainfo.InfoHash;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Opens outgoing peer connections: connects, and sends our BitTorrent handshake the way the process's policy says
 * (plain, or inside a protocol-encryption handshake, {@code io.btget.mse}). What comes back is a transport whose
 * next bytes are the peer's BitTorrent handshake, in plain text for the caller whatever the wire carries.
 */
@FunctionalInterface
public interface Dialer {
    /**
     * @param handshake our 68-byte BitTorrent handshake, sent by the time this returns
     * @throws IOException the peer could not be reached or the handshake failed (the socket is closed then)
     */
    Transport dial(InetSocketAddress address, InfoHash infoHash, byte[] handshake, int connectMillis,
            int handshakeMillis) throws IOException;

    /** Whether this process prefers encrypted connections (BEP 10 {@code e}, PEX flag 0x01 for ourselves). */
    default boolean prefersEncryption() {
        return false;
    }

    /**
     * The peer at {@code address} is known to prefer encryption (PEX flag 0x01, BEP 10 {@code e}=1): the next dial
     * to it tries encryption first again even if plain BitTorrent worked there before.
     */
    default void peerPrefersEncryption(InetSocketAddress address) {
    }

    /** Plain BitTorrent only (no encryption). */
    Dialer PLAIN = (address, infoHash, handshake, connectMillis, handshakeMillis) -> {
        TcpTransport t = TcpTransport.connect(address, connectMillis);
        try {
            t.setReadTimeout(handshakeMillis);
            t.out().write(handshake);
            t.out().flush();
            return t;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    };
}
