package io.btget.peer;

import io.btget.metainfo.InfoHash;
import io.btget.piece.Bitfield;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;

/**
 * Peer churn for lifecycle tests: connects to a btget listen port over and over and leaves each connection in a
 * different way: before the handshake, mid-handshake, with a reset right after it, after its bitfield, after
 * asking for blocks (leaving with them outstanding), after a protocol violation, or after a late bitfield.
 */
public final class Churner {
    private final InfoHash infoHash;
    private final int pieces;
    private final Random rng;

    public Churner(InfoHash infoHash, int pieces, long seed) {
        this.infoHash = infoHash;
        this.pieces = pieces;
        this.rng = new Random(seed);
    }

    /**
     * Makes {@code connections} connections to {@code target}, one after another.
     *
     * @return how many got through the handshake
     */
    public int run(InetSocketAddress target, int connections) {
        int handshakes = 0;
        for (int i = 0; i < connections && !Thread.currentThread().isInterrupted(); i++) {
            try (Socket s = new Socket()) {
                s.connect(target, 5_000);
                s.setSoTimeout(5_000);
                if (once(s)) {
                    handshakes++;
                }
            } catch (IOException e) {
                // btget hung up first (a ban, a full pool): that is churn too
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return handshakes;
    }

    private boolean once(Socket s) throws IOException, InterruptedException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        byte[] handshake = Handshake.ours(infoHash, PeerId.generate(rng), false).encode();
        int how = rng.nextInt(7);
        if (how == 0) {
            return false; // gone before the handshake
        }
        if (how == 1) {
            out.write(handshake, 0, 30); // gone mid-handshake
            out.flush();
            return false;
        }
        out.write(handshake);
        out.flush();
        new DataInputStream(s.getInputStream()).readFully(new byte[Handshake.LENGTH]);
        switch (how) {
            case 2 -> s.setSoLinger(true, 0); // abrupt: a reset right after the handshake
            case 3 -> WireCodec.write(new Message.BitfieldMessage(randomBits()), out);
            case 4 -> {
                WireCodec.write(new Message.BitfieldMessage(randomBits()), out);
                WireCodec.write(Message.INTERESTED, out);
                WireCodec.write(Message.UNCHOKE, out);
                WireCodec.write(new Message.Have(rng.nextInt(pieces)), out);
                out.flush();
                Thread.sleep(rng.nextInt(5)); // let it ask for blocks, then leave with them outstanding
                s.setSoLinger(true, 0);
            }
            case 5 -> out.writeInt(-1); // a protocol violation: btget closes it and bans the address
            default -> {
                WireCodec.write(new Message.Have(rng.nextInt(pieces)), out);
                WireCodec.write(new Message.BitfieldMessage(randomBits()), out); // late, as aria2 does
            }
        }
        out.flush();
        return true;
    }

    private byte[] randomBits() {
        Bitfield b = new Bitfield(pieces);
        for (int p = 0; p < pieces; p++) {
            if (rng.nextBoolean()) {
                b.set(p);
            }
        }
        return b.toWireBytes();
    }
}
