package io.btget.peer.ext;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;

/** What an extension sees of one connection: its address, the peer's handshake, and how to send or drop. */
public interface ExtensionPeer {
    /** The connection's remote address (for an incoming one, its source port, not its listen port). */
    InetSocketAddress address();

    /** The peer's extended handshake, once received. */
    Optional<ExtendedHandshake> peerHandshake();

    /**
     * Sends {@code payload} as extension {@code name}, under the id the peer announced for it.
     *
     * @return false (nothing sent) when the peer has not announced {@code name}, or disabled it
     */
    boolean send(String name, byte[] payload);

    /**
     * Sends extension {@code name}'s messages lazily: instead of queueing every message now, the extension hands
     * over a source that the connection's writer thread polls when it has room, one message at a time (between
     * queued messages and whenever its outbox is empty), so at most one message from the source is in memory at
     * once, however many are owed. Use it for large answers that wait in a bounded queue of the extension's own
     * (BEP 9 {@code ut_metadata} data, 16 KiB each: {@code MetadataServer.poll()}).
     *
     * <p>Call it again whenever the source has something new (say, after queueing a request): each call wakes
     * the writer, which polls until the source returns empty. A later call for the same {@code name} replaces
     * the source. The source is called on the writer thread with no lock of the connection held; it must not
     * block, and it may be called after it returned empty (it answers empty again). Each payload goes out as
     * {@link #send} would send it (under the peer's id for {@code name}; dropped when the peer has not announced
     * it). Nothing is polled once the connection is closed.
     *
     * <p>The default, for stand-ins in tests, drains the source at once through {@link #send}.
     *
     * @param source the next payload to send, or empty when none is owed now
     */
    default void sendLazily(String name, Supplier<Optional<byte[]>> source) {
        for (Optional<byte[]> next = source.get(); next.isPresent(); next = source.get()) {
            send(name, next.get());
        }
    }

    /** Drops the connection: the peer broke a rule ({@code reason} is logged; the address is not dialled again). */
    void drop(String reason);
}
