package io.btget.dht;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive lock on a DHT state file, so that one process at a time owns it (and the node id in it): an OS
 * file lock ({@link FileChannel#tryLock()}) on {@code <stateFile>.lock}, held for the node's life.
 *
 * <p>Two btget processes sharing {@code dht.dat} would otherwise run with one node id: each drops the other's
 * queries as its own, remote tables see one id at two ports, and the last to exit overwrites the other's table.
 * The process that does not get the lock runs with a fresh random id, may read the saved nodes to bootstrap, and
 * does not save. Within one JVM a second {@code tryLock} on the same file throws
 * {@link OverlappingFileLockException}; that is treated as "taken" too, so two nodes in one JVM behave like two
 * processes. The lock file is left in place (deleting it would race with another process locking it).
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class StateFileLock implements AutoCloseable {
    private final Path lockFile;
    private FileChannel channel; // guarded by this
    private FileLock lock; // guarded by this

    private StateFileLock(Path lockFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of {@code stateFile}: the same name with {@code .lock} appended. */
    public static Path lockFileOf(Path stateFile) {
        return stateFile.resolveSibling(stateFile.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code stateFile} if no one holds it: empty when another process (or another node of this
     * JVM) holds it.
     *
     * @throws IOException when the lock file cannot be created or locked (an unwritable directory, say)
     */
    public static Optional<StateFileLock> tryAcquire(Path stateFile) throws IOException {
        Path lockFile = lockFileOf(stateFile.toAbsolutePath());
        Files.createDirectories(lockFile.getParent());
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                return Optional.empty();
            }
            return Optional.of(new StateFileLock(lockFile, ch, l));
        } catch (OverlappingFileLockException e) {
            ch.close();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The lock file. */
    public Path lockFile() {
        return lockFile;
    }

    /** Whether this lock is still held. */
    public synchronized boolean held() {
        return lock != null && lock.isValid();
    }

    /** Releases the lock and closes the file; idempotent. */
    @Override
    public synchronized void close() {
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException e) {
            // closing the channel below releases it anyway
        } finally {
            lock = null;
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                // nothing more to release
            }
            channel = null;
        }
    }
}
