package io.btget.peer.ext;

import io.btget.peer.ext.pex.PexMessage;
import io.btget.peer.ext.pex.PexPeer;
import io.btget.peer.ext.pex.PexReceiver;
import io.btget.peer.ext.pex.PexSender;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEP 11 peer exchange ({@code ut_pex}) on the wire: every connection gets a {@link PexSender} (at most one message
 * a minute, sent from the tick, never empty, never the recipient's own address) and a {@link PexReceiver} (bounded
 * entries, our own addresses refused, a flooder dropped). Accepted peers go to the torrent's known-peer list.
 *
 * <p>Never registered for a private torrent (BEP 27): then {@code ut_pex} is not even in our handshake's {@code m},
 * so a peer has no id to send it under, and we send none.
 */
public final class PexExtension implements Extension {
    private static final Logger log = LoggerFactory.getLogger(PexExtension.class);
    public static final String NAME = PexMessage.EXTENSION_NAME;

    /** Where accepted peers go (the known-peer list, source PEX). */
    public interface Sink {
        void learnt(List<PexPeer> peers);
    }

    private final Supplier<Collection<PexPeer>> connected;
    private final Sink sink;
    private final Supplier<Set<InetSocketAddress>> ownAddresses;
    private final IntSupplier listenPort;

    /**
     * @param connected    our connected peers now, with listen addresses and BEP 11 flags
     * @param sink         takes the peers a peer told us of
     * @param ownAddresses our own listen addresses (refused when a peer hands them to us)
     * @param listenPort   our listen port (with a peer's {@code yourip}, another own address)
     */
    public PexExtension(Supplier<Collection<PexPeer>> connected, Sink sink,
            Supplier<Set<InetSocketAddress>> ownAddresses, IntSupplier listenPort) {
        this.connected = connected;
        this.sink = sink;
        this.ownAddresses = ownAddresses;
        this.listenPort = listenPort;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Session open(ExtensionPeer peer) {
        return new PerPeer(peer);
    }

    private final class PerPeer implements Session {
        private final ExtensionPeer peer;
        private final PexSender sender;
        private final PexReceiver receiver;

        PerPeer(ExtensionPeer peer) {
            this.peer = peer;
            this.sender = new PexSender(peer.address());
            this.receiver = new PexReceiver(ownAddresses.get());
        }

        @Override
        public void peerHandshake(ExtendedHandshake theirs) {
            theirs.p().ifPresent(p -> sender.addRecipientAddress(new InetSocketAddress(peer.address().getAddress(), p)));
            int port = listenPort.getAsInt();
            if (port > 0) {
                theirs.yourip().ifPresent(ip -> receiver.addOwnAddress(new InetSocketAddress(ip, port)));
            }
        }

        @Override
        public void onMessage(byte[] payload) throws io.btget.peer.WireException {
            PexReceiver.Verdict v = receiver.receive(payload, System.nanoTime());
            if (v instanceof PexReceiver.Flood f) {
                peer.drop("ut_pex flood: " + f.reason());
            } else if (v instanceof PexReceiver.Accepted a) {
                log.debug("{}: ut_pex: {} added, {} dropped, {} refused", peer.address(), a.added().size(),
                        a.dropped().size(), a.refused());
                if (!a.added().isEmpty()) {
                    sink.learnt(a.added());
                }
            }
        }

        @Override
        public void tick(long nowNanos) {
            if (peer.peerHandshake().map(h -> h.idOf(NAME)).orElse(0) == 0) {
                return;
            }
            sender.next(connected.get(), nowNanos).ifPresent(m -> peer.send(NAME, m.encode()));
        }
    }
}
