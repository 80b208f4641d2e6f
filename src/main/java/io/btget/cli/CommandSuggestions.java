package io.btget.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The rule for {@code btget X}: X is a subcommand, or else a torrent to download. A word that is no file, no URL,
 * no magnet link and no "*.torrent", and is within a typo of a subcommand name ({@code verfy}, {@code downlaod},
 * {@code sed}), is taken for a misspelled command: btget says which one was meant instead of "no such file".
 */
final class CommandSuggestions {
    private CommandSuggestions() {
    }

    /** The subcommand {@code word} most likely meant, if it is a typo of one rather than a torrent to download. */
    static Optional<String> misspelled(String word, Collection<String> commands) {
        String lower = word.toLowerCase(Locale.ROOT);
        if (commands.contains(word) || lower.endsWith(".torrent") || lower.startsWith("magnet:") || word.contains("://")
                || word.contains("/") || exists(word)) {
            return Optional.empty();
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : commands) {
            int d = distance(lower, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        // one edit in a short name, two in a longer one: "sed" -> seed, "verfy" -> verify, "dowload" -> download
        return best != null && bestDistance <= (best.length() <= 4 ? 1 : 2) ? Optional.of(best) : Optional.empty();
    }

    private static boolean exists(String word) {
        try {
            return Files.exists(Path.of(word));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * Edits (insert, delete, replace, swap two neighbours) that turn {@code a} into {@code b}: the optimal string
     * alignment distance, so that a transposition ("downlaod") counts as one typo.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
