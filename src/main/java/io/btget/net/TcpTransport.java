package io.btget.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** {@link Transport} over a plain TCP socket, with Nagle off (requests and HAVEs are small and latency-bound). */
public final class TcpTransport implements Transport {
    private final Socket socket;
    private final InetSocketAddress remote;

    /** Wraps a connected socket (accepted, or connected by the caller). */
    public TcpTransport(Socket socket) throws IOException {
        this.socket = socket;
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        if (remote == null) {
            throw new IOException("socket is not connected");
        }
        socket.setTcpNoDelay(true);
    }

    /**
     * Connects to {@code address} within {@code timeoutMillis}.
     *
     * @throws IOException when the peer cannot be reached in time (the socket is closed then)
     */
    public static TcpTransport connect(InetSocketAddress address, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, timeoutMillis);
            return new TcpTransport(s);
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    @Override
    public InputStream in() throws IOException {
        return socket.getInputStream();
    }

    @Override
    public OutputStream out() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return "tcp " + remote;
    }
}
