package io.btget.mse;

import java.io.IOException;

/** The peer broke the MSE handshake (a one-line reason, no stack trace wanted). */
public final class MseException extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean policy;

    public MseException(String message) {
        this(message, false);
    }

    /** @param policy whether our {@code --encryption} setting refused the connection (not a broken handshake) */
    public MseException(String message, boolean policy) {
        super(message);
        this.policy = policy;
    }

    /** Whether our encryption policy refused the connection: a peer set up otherwise, worth telling the user. */
    public boolean policyRefusal() {
        return policy;
    }
}
