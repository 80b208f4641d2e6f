package io.btget.storage;

import io.btget.bencode.BencodeLimits;
import io.btget.metainfo.InfoHash;
import io.btget.metainfo.InvalidTorrentException;
import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentFileWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the metadata fetched for a magnet link (BEP 9) so that running the same magnet again does not fetch it
 * again: one normal .torrent per info hash, {@code <dir>/<infohash-hex>.torrent}, where {@code <dir>} is
 * {@code $BTGET_STATE_DIR/metadata} when that is set, else {@code ${XDG_STATE_HOME:-$HOME/.local/state}/btget/metadata}
 * (the XDG Base Directory place for state that should survive a restart but is not worth a backup).
 *
 * <p>Writes are atomic (a temporary file in the same directory, then a rename), so a crash leaves the old file or
 * the new one, never half of one. A loaded file is as untrusted as any .torrent: it is size-bounded, parsed by the
 * same parser, and its info hash must be the one asked for; a file that fails any of this is deleted with a warning
 * and reported as absent, so the caller fetches the metadata again. Not thread-safe across processes beyond what
 * the atomic rename gives (two runs writing the same hash write the same bytes).
 */
public final class MetadataStore {
    private static final Logger log = LoggerFactory.getLogger(MetadataStore.class);

    private final Path dir;

    /** A store in {@code dir} (created on the first save). Tests pass a temporary directory. */
    public MetadataStore(Path dir) {
        this.dir = dir;
    }

    /** A store in {@link #defaultDirectory} of this process's environment. */
    public static MetadataStore forCurrentUser() {
        return new MetadataStore(defaultDirectory(System.getenv(), System.getProperty("user.home")));
    }

    /**
     * {@code $BTGET_STATE_DIR/metadata}, else {@code $XDG_STATE_HOME/btget/metadata}, else
     * {@code <home>/.local/state/btget/metadata}: {@code metadata} in the {@link StateDir}. A relative {@code BTGET_STATE_DIR} is taken from the current
     * directory (the user named it: writing to their home instead would surprise them); an empty or relative
     * {@code XDG_STATE_HOME} is ignored, as the XDG specification asks.
     */
    public static Path defaultDirectory(Map<String, String> env, String home) {
        return StateDir.of(env, home).resolve("metadata");
    }

    public Path directory() {
        return dir;
    }

    /** Where the metadata of {@code infoHash} is kept (the name is the 40 hex digits: no path can be injected). */
    public Path pathOf(InfoHash infoHash) {
        return dir.resolve(infoHash.hex() + ".torrent");
    }

    /**
     * Writes {@code torrent} as a .torrent for its info hash, replacing any earlier file atomically.
     *
     * @throws IOException when the directory cannot be created or the file cannot be written
     */
    public Path save(Torrent torrent) throws IOException {
        Files.createDirectories(dir);
        Path target = pathOf(torrent.infoHash());
        Path temp = Files.createTempFile(dir, "." + torrent.infoHash().hex() + ".", ".tmp");
        try {
            Files.write(temp, TorrentFileWriter.write(torrent));
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    /**
     * The torrent kept for {@code infoHash}, or empty when there is none or the file is unusable (then it is
     * deleted, with a warning). Trackers are those of the saved file; merging the magnet's is the caller's choice.
     */
    public Optional<Torrent> load(InfoHash infoHash) {
        Path path = pathOf(infoHash);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            int max = BencodeLimits.TORRENT_FILE.maxInputBytes();
            bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                return discard(path, "larger than " + max + " bytes");
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("stored metadata {} cannot be read: {}", path, e.getMessage());
            return Optional.empty();
        }
        Torrent torrent;
        try {
            torrent = Torrent.parse(bytes);
        } catch (InvalidTorrentException e) {
            return discard(path, e.getMessage());
        }
        if (!torrent.infoHash().equals(infoHash)) {
            return discard(path, "its info hash is " + torrent.infoHash().hex());
        }
        return Optional.of(torrent);
    }

    private Optional<Torrent> discard(Path path, String why) {
        log.warn("stored metadata {} ignored and deleted: {}", path, why);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("stored metadata {} cannot be deleted: {}", path, e.getMessage());
        }
        return Optional.empty();
    }
}
