package io.btget.mse;

import io.btget.metainfo.InfoHash;
import io.btget.net.Dialer;
import io.btget.net.TcpTransport;
import io.btget.net.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outgoing connections under an {@link Encryption} policy. {@code off}: plain BitTorrent. {@code require}: MSE
 * offering RC4 only. {@code prefer}: MSE offering RC4 and plaintext, our BitTorrent handshake as its initial
 * payload; when that handshake fails, one new connection in plain BitTorrent, as Transmission and libtorrent do
 * (both try encrypted first). A peer reached that way is dialled plain from then on, unless it later says it prefers
 * encryption (BEP 10 {@code e}, PEX flag 0x01) - libtorrent likewise flips its per-peer "pe_support" flag.
 *
 * <p>Threads: any (dials run on their own threads).
 */
public final class MseDialer implements Dialer {
    private static final Logger log = LoggerFactory.getLogger(MseDialer.class);

    /** Peers remembered as plaintext-only, at most (oldest forgotten first): a bound on what peers can make us keep. */
    static final int MAX_REMEMBERED = 4096;

    private final Encryption policy;
    private final SecureRandom random;
    private final Set<InetSocketAddress> plaintextOnly = Collections.synchronizedSet(
            Collections.newSetFromMap(new LinkedHashMap<InetSocketAddress, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Boolean> eldest) {
                    return size() > MAX_REMEMBERED;
                }
            }));

    public MseDialer(Encryption policy, SecureRandom random) {
        this.policy = policy;
        this.random = random;
    }

    public Encryption policy() {
        return policy;
    }

    @Override
    public boolean prefersEncryption() {
        return policy.prefersEncryption();
    }

    /** The peer at {@code address} said it prefers encryption: try MSE first with it again. */
    @Override
    public void peerPrefersEncryption(InetSocketAddress address) {
        plaintextOnly.remove(address);
    }

    /** Whether a {@code prefer} dial to {@code address} goes plain at once (MSE failed there, plain worked). */
    public boolean dialsPlain(InetSocketAddress address) {
        return policy == Encryption.OFF || policy == Encryption.PREFER && plaintextOnly.contains(address);
    }

    @Override
    public Transport dial(InetSocketAddress address, InfoHash infoHash, byte[] handshake, int connectMillis,
            int handshakeMillis) throws IOException {
        if (dialsPlain(address)) {
            return PLAIN.dial(address, infoHash, handshake, connectMillis, handshakeMillis);
        }
        TcpTransport t = TcpTransport.connect(address, connectMillis);
        try {
            return MseHandshake.initiate(t, infoHash, handshake, policy.provide(), random, handshakeMillis);
        } catch (IOException | RuntimeException e) {
            t.close();
            if (policy != Encryption.PREFER) {
                throw e;
            }
            log.debug("{}: encrypted handshake failed ({}); trying plain BitTorrent", address, e.getMessage());
        }
        Transport plain = PLAIN.dial(address, infoHash, handshake, connectMillis, handshakeMillis);
        plaintextOnly.add(address); // it took the connection; whether it answers our handshake is the caller's test
        return plain;
    }
}
