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
