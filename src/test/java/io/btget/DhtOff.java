package io.btget;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps tests off the internet: a btget command line gets {@code --no-dht} when it runs a torrent (download, seed,
 * info, or the root command's implicit download) and does not already say anything about the DHT (an option starting
 * with {@code --dht} or {@code --no-dht}: a test about the DHT sets its own bootstrap nodes).
 */
public final class DhtOff {
    /** Subcommands that take {@code --no-dht}. */
    private static final Set<String> RUNS_A_TORRENT = Set.of("download", "seed", "info", "stream");
    /** Subcommands that do not. */
    private static final Set<String> OTHER_COMMANDS = Set.of("create", "verify", "tracker", "dht",
            "generate-completion", "help");

    private DhtOff() {
    }

    /** {@code args} with {@code --no-dht} appended when needed (see the class comment). */
    public static List<String> args(List<String> args) {
        for (String a : args) {
            if (a.startsWith("--dht") || a.equals("--no-dht") || a.equals("--")) {
                return args;
            }
        }
        String command = null;
        for (String a : args) {
            if (!a.startsWith("-")) {
                command = a;
                break;
            }
        }
        if (command == null || OTHER_COMMANDS.contains(command)) {
            return args;
        }
        if (!RUNS_A_TORRENT.contains(command) && !looksLikeTorrent(command)) {
            return args; // the value of a root option, or a misspelt command: leave the line as the test wrote it
        }
        List<String> out = new ArrayList<>(args);
        out.add("--no-dht");
        return out;
    }

    /** Array form of {@link #args(List)}. */
    public static String[] args(String... args) {
        return args(List.of(args)).toArray(String[]::new);
    }

    private static boolean looksLikeTorrent(String a) {
        return a.endsWith(".torrent") || a.regionMatches(true, 0, "magnet:", 0, 7) || a.startsWith("http://")
                || a.startsWith("https://");
    }
}
