package io.btget.metainfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the path components a .torrent names into components that are safe to join under an output directory on
 * any common file system. The decisions (reject vs sanitise) are listed in docs-path-rules.md; in short we do what
 * careful clients do: drop what is harmless, rewrite what is merely unportable, and reject what can only be an
 * attempt to escape the output directory.
 */
public final class PathRules {
    /** Most file systems (ext4, NTFS, APFS) limit one name to 255 bytes. */
    public static final int MAX_COMPONENT_BYTES = 255;

    /**
     * Longest relative path (torrent folder name and file path, UTF-8, joined with '/') we accept. Linux refuses
     * a path over 4096 bytes (PATH_MAX) including the output directory, so 1 KiB is left for that; a longer path
     * could never be created, and would fail mid-download as a disk error instead of up front as a bad torrent.
     */
    public static final int MAX_PATH_BYTES = 3072;

    private static final Set<String> WINDOWS_RESERVED = Set.of(
            "CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

    private PathRules() {
    }

    /**
     * Sanitises a whole path.
     *
     * @param where names the field for error messages, e.g. {@code info.files[3].path}
     * @return the non-empty list of safe components
     * @throws InvalidTorrentException when a component is {@code ..}, holds NUL, or nothing is left
     */
    public static List<String> sanitisePath(List<String> components, String where) {
        List<String> out = new ArrayList<>(components.size());
        for (int i = 0; i < components.size(); i++) {
            sanitiseComponent(components.get(i), where + "[" + i + "]").ifPresent(out::add);
        }
        if (out.isEmpty()) {
            throw new InvalidTorrentException(where + " has no usable component");
        }
        return List.copyOf(out);
    }

    /**
     * Sanitises one component: empty and {@code .} are dropped (empty result), {@code ..} and NUL are rejected,
     * everything else is rewritten to a portable name.
     */
    public static Optional<String> sanitiseComponent(String component, String where) {
        if (component.isEmpty() || component.equals(".")) {
            return Optional.empty();
        }
        if (component.equals("..")) {
            throw new InvalidTorrentException(where + " is '..' (would escape the output directory)");
        }
        if (component.indexOf('\0') >= 0) {
            throw new InvalidTorrentException(where + " contains a NUL character");
        }
        StringBuilder sb = new StringBuilder(component.length());
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            // Separators inside a component would create directories the torrent did not name (or climb out
            // through "a/../.."); control characters are unprintable and illegal on Windows.
            sb.append(c == '/' || c == '\\' || c < 0x20 || c == 0x7f ? '_' : c);
        }
        String name = sb.toString();
        // "C:x" is drive-relative on Windows: never let a component look like a drive.
        if (name.length() >= 2 && name.charAt(1) == ':' && isAsciiLetter(name.charAt(0))) {
            name = name.charAt(0) + "_" + name.substring(2);
        }
        // Windows reserves device names with any extension ("con.txt"); a leading '_' makes them plain names.
        String stem = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        if (WINDOWS_RESERVED.contains(stem.toUpperCase(Locale.ROOT))) {
            name = "_" + name;
        }
        name = truncate(name, MAX_COMPONENT_BYTES);
        if (name.equals("..") || name.equals(".")) {
            // only reachable through truncation, which keeps at least one character before an extension
            throw new InvalidTorrentException(where + " is unusable after sanitising");
        }
        return Optional.of(name);
    }

    /**
     * Refuses a file whose path (under the torrent's folder for a multi-file torrent) is too long to create.
     *
     * @throws InvalidTorrentException naming the field and the length
     */
    public static void checkPathLength(String folder, List<String> path, String where) {
        int bytes = folder == null ? -1 : utf8Length(folder);
        for (String component : path) {
            bytes += 1 + utf8Length(component);
        }
        if (bytes > MAX_PATH_BYTES) {
            throw new InvalidTorrentException(where + " is " + bytes + " bytes long, more than the " + MAX_PATH_BYTES
                    + " a file system path may hold");
        }
    }

    /** Shortens {@code name} to at most {@code maxBytes} UTF-8 bytes, keeping a short extension, never splitting a character. */
    static String truncate(String name, int maxBytes) {
        if (utf8Length(name) <= maxBytes) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 && utf8Length(name.substring(dot)) <= 16 ? name.substring(dot) : "";
        String base = name.substring(0, name.length() - ext.length());
        int budget = maxBytes - utf8Length(ext);
        StringBuilder sb = new StringBuilder();
        int used = 0;
        for (int i = 0; i < base.length(); ) {
            int cp = base.codePointAt(i);
            int len = utf8Length(new String(Character.toChars(cp)));
            if (used + len > budget) {
                break;
            }
            sb.appendCodePoint(cp);
            used += len;
            i += Character.charCount(cp);
        }
        return sb + ext;
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
