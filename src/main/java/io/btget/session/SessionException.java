package io.btget.session;

/** A session could not go on (a disk failure while writing, say); the message is one line for the user. */
public final class SessionException extends RuntimeException {
    public SessionException(String message, Throwable cause) {
        super(message, cause);
    }
}
