package io.btget.peer;

import java.io.IOException;

/**
 * A peer broke the wire protocol (BEP 3): a bad handshake, an oversized or malformed message, an index out of range.
 * Checked, and an {@link IOException}, because the only sane reaction is the one to any other I/O failure on that
 * connection: log the one-line message and drop the peer.
 */
public final class WireException extends IOException {
    public WireException(String message) {
        super(message);
    }
}
