package io.btget.peer.ext;

import io.btget.peer.WireException;

/**
 * One BEP 10 extension (ut_metadata, ut_pex, ...), one class each, as libtorrent's peer plugins or aria2's extension
 * message registry. An extension is per torrent; {@link #open} gives its per-connection part.
 *
 * <p>Dispatch: the {@link ExtensionRegistry} assigns our local message ids (1, 2, ... in registration order) and
 * routes an incoming extended message to the extension whose local id it carries. Outgoing messages use the id
 * the <em>peer</em> announced in its handshake's {@code m} ({@link ExtensionPeer#send}); we never assume it
 * (libtorrent uses ut_metadata=2, Transmission 3.00 uses 3).
 */
public interface Extension {
    /** The name in the handshake's {@code m} dictionary, e.g. {@code "ut_metadata"}. */
    String name();

    /** Adds this extension's fields to our extended handshake (e.g. BEP 9 {@code metadata_size}). */
    default void contribute(ExtendedHandshake.Builder ours) {
    }

    /** This extension's state for one connection. */
    Session open(ExtensionPeer peer);

    /**
     * The per-connection part. Called on the connection's reader thread ({@link #peerHandshake}, {@link #onMessage}),
     * the session's tick thread ({@link #tick}) and whichever thread closes the connection ({@link #closed}): an
     * implementation guards its own state.
     */
    interface Session {
        /** The peer's extended handshake arrived (again: BEP 10 allows it to be re-sent). */
        default void peerHandshake(ExtendedHandshake theirs) throws WireException {
        }

        /**
         * A message for this extension (the payload after the extended id byte).
         *
         * @throws WireException when it breaks the extension's rules badly enough to drop the peer
         */
        void onMessage(byte[] payload) throws WireException;

        /** About once a second. */
        default void tick(long nowNanos) {
        }

        /** The connection ended. */
        default void closed() {
        }
    }
}
