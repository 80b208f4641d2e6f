package io.btget.net;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;

/** I/O failures of a peer connection in a few words for logs: never the bare {@code null} of a message-less one. */
public final class IoFailures {
    private IoFailures() {
    }

    /**
     * The exception's message, or for the message-less kinds what happened: "closed by the peer during the
     * handshake" for an end of stream (a peer that refuses our handshake, e.g. one that requires encryption while
     * ours is off), "timed out", "connection refused"; else the exception's class name.
     */
    public static String describe(IOException e) {
        String m = e.getMessage();
        if (m != null && !m.isBlank()) {
            return m;
        }
        if (e instanceof EOFException) {
            return "closed by the peer during the handshake (does it require encryption? see --encryption)";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getClass().getSimpleName();
    }
}
