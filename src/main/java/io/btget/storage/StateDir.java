package io.btget.storage;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where btget keeps state that should survive a restart but is not worth a backup (the XDG Base Directory
 * Specification's "state" kind): {@code $BTGET_STATE_DIR} when set, else {@code $XDG_STATE_HOME/btget}, else
 * {@code <home>/.local/state/btget}. Inside it: {@code metadata/} (magnet metadata, {@link MetadataStore}) and
 * {@code dht.dat} (the DHT routing table, BEP 5) and {@code resume/} (resume files, {@link ResumeFile}). Nothing is created here; each user creates what it writes.
 */
public final class StateDir {
    /** The DHT routing table file inside the state directory. */
    public static final String DHT_FILE = "dht.dat";

    private StateDir() {
    }

    /** The state directory of this process's environment. */
    public static Path forCurrentUser() {
        return of(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * {@code $BTGET_STATE_DIR}, else {@code $XDG_STATE_HOME/btget}, else {@code <home>/.local/state/btget}. A
     * relative {@code BTGET_STATE_DIR} is taken from the current directory (the user named it: writing to their home
     * instead would surprise them); an empty or relative {@code XDG_STATE_HOME} is ignored, as the XDG specification
     * asks.
     */
    public static Path of(Map<String, String> env, String home) {
        String own = env.get("BTGET_STATE_DIR");
        if (own != null && !own.isEmpty()) {
            return Path.of(own).toAbsolutePath();
        }
        String xdg = env.get("XDG_STATE_HOME");
        Path state = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(home, ".local", "state");
        return state.resolve("btget");
    }

    /** The folder of resume files ({@link ResumeFile}) of this process's environment: {@code <state dir>/resume}. */
    public static Path resumeDir() {
        return forCurrentUser().resolve(ResumeFile.DIRECTORY);
    }

    /** The DHT state file of this process's environment: {@code <state dir>/dht.dat}. */
    public static Path dhtFile() {
        return forCurrentUser().resolve(DHT_FILE);
    }
}
