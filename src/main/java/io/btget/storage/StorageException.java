package io.btget.storage;

import java.io.IOException;

/** A disk failure (no space, permission, vanished file...) with the path it happened on; maps to exit code 5. */
public final class StorageException extends RuntimeException {
    public StorageException(String message, IOException cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
