package io.btget.mse;

import io.btget.metainfo.InfoHash;
import io.btget.net.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Incoming connections under an {@link Encryption} policy: the first 20 bytes tell a plain BitTorrent handshake
 * (length 19, "BitTorrent protocol") from an MSE one (anything else: the start of Ya); the first is refused under
 * {@code require}, the second under {@code off}. What comes back carries the peer's BitTorrent handshake in plain
 * text from its first byte.
 */
public final class MseAcceptor {
    /** Bytes that identify a plain BitTorrent handshake. */
    static final byte[] PLAIN_START = ("\u0013BitTorrent protocol").getBytes(StandardCharsets.ISO_8859_1);

    private final Encryption policy;
    private final java.util.function.IntUnaryOperator select;
    private final SecureRandom random;

    public MseAcceptor(Encryption policy, SecureRandom random) {
        this(policy, policy::select, random);
    }

    /** As above, choosing the method with {@code select} (see {@link MseHandshake#receive}). */
    public MseAcceptor(Encryption policy, java.util.function.IntUnaryOperator select, SecureRandom random) {
        this.policy = policy;
        this.select = select;
        this.random = random;
    }

    /** A connection told apart: its transport, and the info hash an MSE initiator named (null for plaintext). */
    public record Opened(Transport transport, InfoHash skey) {
    }

    /**
     * @throws MseException the connection is refused by the policy or broke the MSE handshake (one-line reason)
     * @throws IOException  the connection failed or the deadline passed
     */
    public Opened open(Transport t, MseHandshake.SkeyLookup lookup, int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        byte[] start = new byte[PLAIN_START.length];
        InputStream in = t.in();
        int have = 0;
        while (have < start.length) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new MseException("handshake: nothing recognisable within " + timeoutMillis / 1000.0 + " s");
            }
            t.setReadTimeout((int) left);
            int n;
            try {
                n = in.read(start, have, start.length - have);
            } catch (SocketTimeoutException e) {
                throw new MseException("handshake: nothing recognisable within " + timeoutMillis / 1000.0 + " s");
            }
            if (n < 0) {
                throw new MseException("handshake: the peer closed the connection after " + have + " bytes");
            }
            have += n;
            if (have > 0 && start[0] != PLAIN_START[0] && have < start.length && !policy.acceptsMse()) {
                break; // not plaintext, and MSE is off: no need to wait for more
            }
        }
        if (have == start.length && Arrays.equals(start, PLAIN_START)) {
            if (!policy.acceptsPlaintext()) {
                throw new MseException("plain BitTorrent handshake refused (--encryption require)", true);
            }
            t.setReadTimeout(timeoutMillis);
            return new Opened(MseTransport.replaying(t, start), null);
        }
        if (!policy.acceptsMse()) {
            throw new MseException("handshake: not plain BitTorrent (an encrypted one is refused: --encryption off)", true);
        }
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
        MseHandshake.Accepted a = MseHandshake.receive(t, start, lookup, policy, select, random, left);
        return new Opened(a.transport(), a.infoHash());
    }
}
