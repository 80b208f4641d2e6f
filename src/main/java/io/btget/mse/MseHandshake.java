package io.btget.mse;

import io.btget.metainfo.InfoHash;
import io.btget.net.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The MSE handshake on a connected {@link Transport}, both sides (see {@link Mse} for the messages). Every length
 * the peer sends is checked before anything is allocated for it, padding is bounded at {@link Mse#MAX_PAD}, the
 * two synchronisation searches read at most 512 + 20 (receiver) and 512 + 8 (initiator) bytes, and the whole
 * handshake must finish before one deadline: a peer that trickles bytes is dropped as surely as a silent one.
 */
public final class MseHandshake {
    private MseHandshake() {
    }

    /** Finds the torrent an initiator named by HASH('req2', SKEY): null when we serve none with that hash. */
    @FunctionalInterface
    public interface SkeyLookup {
        InfoHash find(byte[] req2);
    }

    /** A finished receiver handshake: the torrent the initiator named, and the transport to carry on with. */
    public record Accepted(InfoHash infoHash, MseTransport transport) {
    }

    /**
     * Runs the initiator's side: sends Ya, PadA; reads Yb; sends the hashes, our offer and {@code initialPayload}
     * (normally our BitTorrent handshake); finds the receiver's VC and reads its choice.
     *
     * @param provide {@link Mse#CRYPTO_RC4} and/or {@link Mse#CRYPTO_PLAINTEXT}
     * @return the transport for the rest of the connection, {@code initialPayload} already sent
     * @throws MseException the peer broke the protocol or chose what we did not offer
     * @throws IOException  the connection failed or the deadline passed
     */
    public static MseTransport initiate(Transport t, InfoHash infoHash, byte[] initialPayload, int provide,
            SecureRandom random, long timeoutMillis) throws IOException {
        if (initialPayload.length > Mse.MAX_IA) {
            throw new IllegalArgumentException("initial payload of " + initialPayload.length + " bytes");
        }
        Io io = new Io(t, timeoutMillis);
        byte[] skey = infoHash.bytes();
        Mse.KeyPair keys = new Mse.KeyPair(random);
        io.write(concat(keys.publicKey(), randomPad(random)));
        io.out.flush();

        byte[] yb = io.readFully(Mse.KEY_BYTES);
        byte[] s = keys.secret(yb);
        Mse.Rc4 encrypt = new Mse.Rc4(Mse.keyA(s, skey));
        Mse.Rc4 decrypt = new Mse.Rc4(Mse.keyB(s, skey));

        ByteBuffer tail = ByteBuffer.allocate(Mse.VC_LENGTH + 4 + 2 + 2 + initialPayload.length);
        tail.put(new byte[Mse.VC_LENGTH]).putInt(provide).putShort((short) 0).putShort((short) initialPayload.length)
                .put(initialPayload);
        byte[] encrypted = tail.array();
        encrypt.apply(encrypted, 0, encrypted.length);
        io.write(concat(Mse.req1(s), Mse.obfuscatedSkey(skey, s), encrypted));
        io.out.flush();

        // PadB, then ENCRYPT(VC): the receiver's keystream over 8 zero bytes marks where PadB ends.
        byte[] vc = decrypt.next(Mse.VC_LENGTH);
        io.sync(vc, Mse.MAX_PAD + Mse.VC_LENGTH, "the receiver's verification constant");
        byte[] choice = io.readFully(4 + 2);
        decrypt.apply(choice, 0, choice.length);
        ByteBuffer c = ByteBuffer.wrap(choice);
        int select = c.getInt();
        int padD = c.getShort() & 0xffff;
        if (select != Mse.CRYPTO_RC4 && select != Mse.CRYPTO_PLAINTEXT || (select & provide) == 0) {
            throw new MseException("MSE: the peer selected crypto method 0x" + Integer.toHexString(select)
                    + ", offered 0x" + Integer.toHexString(provide));
        }
        if (padD > Mse.MAX_PAD) {
            throw new MseException("MSE: PadD of " + padD + " bytes (at most " + Mse.MAX_PAD + ")");
        }
        decrypt.apply(io.readFully(padD), 0, padD); // keeps the keystream in step; the content is ignored
        io.done();
        boolean rc4 = select == Mse.CRYPTO_RC4;
        return new MseTransport(t, null, rc4 ? decrypt : null, rc4 ? encrypt : null);
    }

    /**
     * Runs the receiver's side after the initiator's first {@code start.length} bytes (part of Ya) were read.
     *
     * @param policy chooses the method from what the initiator provides
     * @throws MseException the initiator broke the protocol, named a torrent we do not serve, or offers nothing the
     *     policy accepts
     * @throws IOException  the connection failed or the deadline passed
     */
    public static Accepted receive(Transport t, byte[] start, SkeyLookup lookup, Encryption policy,
            SecureRandom random, long timeoutMillis) throws IOException {
        return receive(t, start, lookup, policy, policy::select, random, timeoutMillis);
    }

    /**
     * As above, with the method chosen by {@code select} (crypto_provide to crypto_select, 0 for none) rather than
     * by the policy: e.g. plaintext first when offered, as Transmission's "prefer plaintext" receiver does.
     */
    public static Accepted receive(Transport t, byte[] start, SkeyLookup lookup, Encryption policy,
            java.util.function.IntUnaryOperator select, SecureRandom random, long timeoutMillis) throws IOException {
        if (start.length > Mse.KEY_BYTES) {
            throw new IllegalArgumentException("more than Ya was read");
        }
        Io io = new Io(t, timeoutMillis);
        byte[] ya = Arrays.copyOf(start, Mse.KEY_BYTES);
        io.readFully(ya, start.length, Mse.KEY_BYTES - start.length);
        Mse.KeyPair keys = new Mse.KeyPair(random);
        byte[] s = keys.secret(ya);
        io.write(concat(keys.publicKey(), randomPad(random)));
        io.out.flush();

        io.sync(Mse.req1(s), Mse.MAX_PAD + 20, "HASH('req1', S)");
        byte[] req2 = Mse.xor(io.readFully(20), Mse.req3(s));
        InfoHash infoHash = lookup.find(req2);
        if (infoHash == null) {
            throw new MseException("MSE: the peer asked for a torrent we do not serve");
        }
        byte[] skey = infoHash.bytes();
        Mse.Rc4 decrypt = new Mse.Rc4(Mse.keyA(s, skey));
        Mse.Rc4 encrypt = new Mse.Rc4(Mse.keyB(s, skey));

        byte[] head = io.readFully(Mse.VC_LENGTH + 4 + 2);
        decrypt.apply(head, 0, head.length);
        ByteBuffer h = ByteBuffer.wrap(head);
        if (h.getLong() != 0) {
            throw new MseException("MSE: wrong verification constant (another torrent, or not MSE)");
        }
        int provide = h.getInt();
        int padC = h.getShort() & 0xffff;
        if (padC > Mse.MAX_PAD) {
            throw new MseException("MSE: PadC of " + padC + " bytes (at most " + Mse.MAX_PAD + ")");
        }
        decrypt.apply(io.readFully(padC), 0, padC);
        byte[] iaLength = io.readFully(2);
        decrypt.apply(iaLength, 0, 2);
        int ia = ((iaLength[0] & 0xff) << 8) | (iaLength[1] & 0xff);
        if (ia > Mse.MAX_IA) {
            throw new MseException("MSE: initial payload of " + ia + " bytes (at most " + Mse.MAX_IA + ")");
        }
        byte[] payload = io.readFully(ia);
        decrypt.apply(payload, 0, ia);
        int chosen = select.applyAsInt(provide);
        if (chosen != Mse.CRYPTO_RC4 && chosen != Mse.CRYPTO_PLAINTEXT || (chosen & provide) == 0) {
            throw new MseException("MSE: the peer offers crypto methods 0x" + Integer.toHexString(provide)
                    + ", none allowed by --encryption " + policy);
        }
        byte[] answer = ByteBuffer.allocate(Mse.VC_LENGTH + 4 + 2).put(new byte[Mse.VC_LENGTH]).putInt(chosen)
                .putShort((short) 0).array();
        encrypt.apply(answer, 0, answer.length);
        io.write(answer);
        io.out.flush();
        io.done();
        boolean rc4 = chosen == Mse.CRYPTO_RC4;
        return new Accepted(infoHash, new MseTransport(t, payload, rc4 ? decrypt : null, rc4 ? encrypt : null));
    }

    private static byte[] randomPad(SecureRandom random) {
        byte[] pad = new byte[random.nextInt(Mse.MAX_PAD + 1)];
        random.nextBytes(pad);
        return pad;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Reads and writes of one handshake, every read bounded by what is left of one deadline. */
    private static final class Io {
        private final Transport t;
        private final InputStream in;
        private final OutputStream out;
        private final long timeoutMillis;
        private final long deadline;

        Io(Transport t, long timeoutMillis) throws IOException {
            this.t = t;
            this.in = t.in();
            this.out = t.out();
            this.timeoutMillis = timeoutMillis;
            this.deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        }

        void write(byte[] b) throws IOException {
            out.write(b);
        }

        byte[] readFully(int n) throws IOException {
            byte[] b = new byte[n];
            readFully(b, 0, n);
            return b;
        }

        void readFully(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                arm();
                int n;
                try {
                    n = in.read(b, off, len);
                } catch (SocketTimeoutException e) {
                    throw timedOut();
                }
                if (n < 0) {
                    throw new MseException("MSE: the peer closed the connection during the handshake");
                }
                off += n;
                len -= n;
            }
        }

        /**
         * Reads until the last {@code pattern.length} bytes read equal {@code pattern}, at most {@code limit} bytes
         * in all (padding before the pattern); what precedes the pattern is thrown away.
         */
        void sync(byte[] pattern, int limit, String what) throws IOException {
            byte[] window = new byte[limit];
            int have = pattern.length;
            readFully(window, 0, have);
            while (!Mse.regionEquals(window, have - pattern.length, pattern, pattern.length)) {
                if (have == limit) {
                    throw new MseException("MSE: no " + what + " within " + (limit - pattern.length)
                            + " bytes of padding");
                }
                readFully(window, have, 1); // one byte at a time: never read past the pattern
                have++;
            }
        }

        private void arm() throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timedOut();
            }
            t.setReadTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000L)));
        }

        private MseException timedOut() {
            return new MseException("MSE: handshake not finished within " + timeoutMillis / 1000.0 + " s");
        }

        /** Gives the BitTorrent handshake that follows a read timeout of its own (the caller's usual one). */
        void done() throws IOException {
            t.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
        }
    }
}
