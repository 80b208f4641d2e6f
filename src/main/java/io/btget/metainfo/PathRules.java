package io.btget.metainfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the path components a .torrent names into components that are safe to join under an output directory.
 * Two kinds of rule: the traversal defences ({@code ..} and NUL rejected, separators never left inside a component,
 * control characters replaced) hold on every system; the rules that only exist because Windows cannot create a
 * name (device names, {@code <>:"\|?*}, a trailing dot or space, drive letters) apply only where the data is
 * written on Windows, so on Linux and macOS the names on disk are exactly the torrent's. The README table "File
 * names in a torrent" lists every rule and where it applies.
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

    /**
     * Names Windows opens as devices, with or without an extension ("nul.txt"): the classic list, the {@code 0}
     * and superscript-digit ports Microsoft's naming rules also reserve, and the console names.
     */
    private static final Set<String> WINDOWS_RESERVED = Set.of(
            "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$",
            "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "COM\u00b9", "COM\u00b2", "COM\u00b3",
            "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
            "LPT\u00b9", "LPT\u00b2", "LPT\u00b3");

    /** Characters Windows refuses in a name (besides control characters and the separators). */
    private static final String WINDOWS_FORBIDDEN = "<>:\"|?*";

    /**
     * Which system's naming rules apply. Chosen by the running OS ({@link #current()}); tests pass one explicitly.
     * The file system is not probed: a Linux machine writing to a FAT or NTFS mount gets the POSIX rules, and a
     * name that mount refuses fails as a disk error naming the file.
     */
    public enum Platform {
        /** Linux, macOS, the BSDs: a component may hold any byte but '/' and NUL. */
        POSIX,
        /** Windows: also no {@code \<>:"|?*}, no device names, no trailing dot or space. */
        WINDOWS;

        private static final Platform CURRENT = of(System.getProperty("os.name", ""));

        /** The platform btget runs on, from {@code os.name}. */
        public static Platform current() {
            return CURRENT;
        }

        static Platform of(String osName) {
            return osName.toLowerCase(Locale.ROOT).startsWith("windows") ? WINDOWS : POSIX;
        }
    }

    private PathRules() {
    }

    /** {@link #sanitisePath(List, String, Platform)} with the running OS's rules. */
    public static List<String> sanitisePath(List<String> components, String where) {
        return sanitisePath(components, where, Platform.current());
    }

    /**
     * Sanitises a whole path.
     *
     * @param where names the field for error messages, e.g. {@code info.files[3].path}
     * @return the non-empty list of safe components
     * @throws InvalidTorrentException when a component is {@code ..}, holds NUL, or nothing is left
     */
    public static List<String> sanitisePath(List<String> components, String where, Platform platform) {
        List<String> out = new ArrayList<>(components.size());
        for (int i = 0; i < components.size(); i++) {
            sanitiseComponent(components.get(i), where + "[" + i + "]", platform).ifPresent(out::add);
        }
        if (out.isEmpty()) {
            throw new InvalidTorrentException(where + " has no usable component");
        }
        return List.copyOf(out);
    }

    /** {@link #sanitiseComponent(String, String, Platform)} with the running OS's rules. */
    public static Optional<String> sanitiseComponent(String component, String where) {
        return sanitiseComponent(component, where, Platform.current());
    }

    /**
     * Sanitises one component: empty and {@code .} are dropped (empty result), {@code ..} and NUL are rejected,
     * '/' and control characters (C0, DEL, C1) become '_' everywhere; on {@link Platform#WINDOWS} also '\',
     * {@code <>:"|?*}, a trailing dot or space become '_' and a device name gets a leading '_'. Over-long names are
     * cut to {@link #MAX_COMPONENT_BYTES}.
     *
     * @throws InvalidTorrentException naming {@code where} when the component can only be an escape attempt
     */
    public static Optional<String> sanitiseComponent(String component, String where, Platform platform) {
        if (component.isEmpty() || component.equals(".")) {
            return Optional.empty();
        }
        if (component.equals("..")) {
            throw new InvalidTorrentException(where + " is '..' (would escape the output directory)");
        }
        if (component.indexOf('\0') >= 0) {
            throw new InvalidTorrentException(where + " contains a NUL character");
        }
        boolean windows = platform == Platform.WINDOWS;
        StringBuilder sb = new StringBuilder(component.length());
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            // '/' inside a component would create directories the torrent did not name (or climb out through
            // "a/../.."); on Windows '\' is a separator too. Control characters are legal on POSIX file systems
            // but would reach terminals and scripts through every listing (libtorrent replaces C0 and C1 controls
            // on every system, Transmission C0).
            boolean replace = c == '/' || isControl(c)
                    || windows && (c == '\\' || WINDOWS_FORBIDDEN.indexOf(c) >= 0);
            sb.append(replace ? '_' : c);
        }
        String name = sb.toString();
        if (windows && isWindowsDeviceName(name)) {
            // Windows reserves device names with any extension ("con.txt"); a leading '_' makes them plain names.
            name = "_" + truncate(name, MAX_COMPONENT_BYTES - 1);
        } else {
            name = truncate(name, MAX_COMPONENT_BYTES);
        }
        if (windows) {
            // Windows silently strips a trailing dot or space, so "a." and "a" would be one file.
            StringBuilder tail = new StringBuilder(name);
            for (int i = tail.length() - 1; i >= 0 && (tail.charAt(i) == '.' || tail.charAt(i) == ' '); i--) {
                tail.setCharAt(i, '_');
            }
            name = tail.toString();
        }
        if (name.equals("..") || name.equals(".")) {
            // only reachable through truncation, which keeps at least one character before an extension
            throw new InvalidTorrentException(where + " is unusable after sanitising");
        }
        return Optional.of(name);
    }

    /**
     * {@code text} with every character {@link #sanitiseComponent} would replace as a control character shown as an
     * escape ({@code \n}, {@code \t}, {@code \r}, else {@code \x1B}, {@code \u0085}): a name quoted in a message
     * stays on one line and cannot drive the terminal.
     */
    public static String escaped(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                sb.append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c < 0x80) {
                sb.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            } else {
                sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            }
        }
        return sb.toString();
    }

    /** The control characters a component may not keep: C0, DEL and C1. */
    static boolean isControl(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f;
    }

    /** Whether Windows would open {@code name} as a device: its part before the first dot is a reserved name. */
    static boolean isWindowsDeviceName(String name) {
        int dot = name.indexOf('.');
        String stem = dot >= 0 ? name.substring(0, dot) : name;
        // "CON .txt" is CON too: Windows drops the spaces before the extension
        return WINDOWS_RESERVED.contains(stem.stripTrailing().toUpperCase(Locale.ROOT));
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
}
