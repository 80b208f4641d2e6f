package io.btget.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * A connected, ordered byte stream to one peer: what the wire logic reads and writes, and nothing else. TCP today
 * ({@link TcpTransport}); protocol encryption (MSE, BEP 8 style) and uTP (BEP 29) slot in later as other
 * implementations without touching the handshake or message code.
 *
 * <p>Threads: one reader uses {@link #in()}, one writer uses {@link #out()}; {@link #close()} may be called from
 * any thread, any number of times, and unblocks both.
 */
public interface Transport extends Closeable {
    /** The stream of bytes from the peer (unbuffered: callers buffer). */
    InputStream in() throws IOException;

    /** The stream of bytes to the peer (unbuffered: callers buffer and flush). */
    OutputStream out() throws IOException;

    /** The peer's address (for an incoming connection, its ephemeral source port, not its listen port). */
    InetSocketAddress remoteAddress();

    /**
     * How long a read may block before it fails with {@link java.net.SocketTimeoutException}; 0 waits forever.
     *
     * @param millis milliseconds, at least 0
     */
    void setReadTimeout(int millis) throws IOException;

    /** Closes the stream both ways; idempotent, never throws. */
    @Override
    void close();
}
