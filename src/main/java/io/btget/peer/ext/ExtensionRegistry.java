package io.btget.peer.ext;

import io.btget.peer.WireException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BEP 10 extensions of one torrent, with the message ids <em>we</em> receive them under: 1, 2, ... in the order
 * given (ids are ours to choose; 0 is the extended handshake). Immutable; {@link #open} makes the per-connection
 * dispatcher.
 */
public final class ExtensionRegistry {
    private final List<Extension> extensions;
    private final Map<String, Integer> localIds;
    /** BEP 10 {@code e} in our handshake: 1 when the process prefers encrypted connections; absent otherwise. */
    private final boolean prefersEncryption;

    /** @param extensions at most 255, distinct names (BEP 10 ids are one byte) */
    public ExtensionRegistry(List<Extension> extensions) {
        this(extensions, false);
    }

    /**
     * @param extensions        at most 255, distinct names (BEP 10 ids are one byte)
     * @param prefersEncryption our handshake says {@code e}=1 (the process's {@code --encryption} is prefer or
     *                          require)
     */
    public ExtensionRegistry(List<Extension> extensions, boolean prefersEncryption) {
        this.prefersEncryption = prefersEncryption;
        if (extensions.size() > ExtendedHandshake.MAX_EXTENSION_ID) {
            throw new IllegalArgumentException("too many extensions: " + extensions.size());
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < extensions.size(); i++) {
            if (ids.put(extensions.get(i).name(), i + 1) != null) {
                throw new IllegalArgumentException("extension " + extensions.get(i).name() + " registered twice");
            }
        }
        this.extensions = List.copyOf(extensions);
        this.localIds = Collections.unmodifiableMap(ids);
    }

    /** Name -> the id we receive it under (our handshake's {@code m}). */
    public Map<String, Integer> localIds() {
        return localIds;
    }

    /**
     * Our extended handshake for one connection.
     *
     * @param listenPort our listen port ({@code p}), 0 when unknown (then not sent)
     * @param client     our client name and version ({@code v})
     * @param reqq       how many requests we queue for a peer ({@code reqq})
     * @param peer       the peer's address as we see it ({@code yourip}), or null
     */
    public ExtendedHandshake ourHandshake(int listenPort, String client, int reqq, InetAddress peer) {
        ExtendedHandshake.Builder b = ExtendedHandshake.builder().extensions(localIds).client(client).reqq(reqq);
        if (listenPort > 0 && listenPort <= 0xffff) {
            b.port(listenPort);
        }
        if (peer != null) {
            b.yourip(peer);
        }
        if (prefersEncryption) {
            b.encryption(true);
        }
        for (Extension e : extensions) {
            e.contribute(b);
        }
        return b.build();
    }

    /** The per-connection dispatcher for {@code peer}. */
    public Dispatcher open(ExtensionPeer peer) {
        List<Extension.Session> sessions = new ArrayList<>(extensions.size());
        for (Extension e : extensions) {
            sessions.add(e.open(peer));
        }
        return new Dispatcher(sessions);
    }

    /**
     * Routes one connection's extended messages (BEP 10) to its extensions' sessions. Thread-safe as its sessions
     * are; the list itself never changes.
     */
    public static final class Dispatcher {
        private final List<Extension.Session> sessions;

        Dispatcher(List<Extension.Session> sessions) {
            this.sessions = List.copyOf(sessions);
        }

        /** The peer's (possibly repeated) extended handshake reaches every extension. */
        public void peerHandshake(ExtendedHandshake theirs) throws WireException {
            for (Extension.Session s : sessions) {
                s.peerHandshake(theirs);
            }
        }

        /**
         * An extended message with our local id {@code id} (1..): to its extension. An id we never announced is
         * ignored (BEP 10 peers may send what we did not ask for; libtorrent ignores it too).
         *
         * @return false when no extension has that id
         */
        public boolean dispatch(int id, byte[] payload) throws WireException {
            if (id < 1 || id > sessions.size()) {
                return false;
            }
            sessions.get(id - 1).onMessage(payload);
            return true;
        }

        public void tick(long nowNanos) {
            for (Extension.Session s : sessions) {
                s.tick(nowNanos);
            }
        }

        public void closed() {
            for (Extension.Session s : sessions) {
                s.closed();
            }
        }
    }
}
