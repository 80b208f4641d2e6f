package io.btget.mse;

import java.io.IOException;

/** The peer broke the MSE handshake (a one-line reason, no stack trace wanted). */
public final class MseException extends IOException {
    public MseException(String message) {
        super(message);
    }
}
