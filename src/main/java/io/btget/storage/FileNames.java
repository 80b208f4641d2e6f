package io.btget.storage;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Turns the names a torrent gives (UTF-8 text, BEP 3) into paths whose bytes on disk are exactly those UTF-8
 * bytes, or refuses.
 *
 * <p>The JDK encodes file names with {@code sun.jnu.encoding}, fixed from the locale when the JVM starts (JDK 18
 * made {@code file.encoding} UTF-8, not this one). Under {@code LC_ALL=C} that is ASCII, where a non-ASCII name
 * cannot be made at all; under a Latin-1 locale it would silently become other bytes. The launcher and
 * {@code Main} restart the JVM under a UTF-8 locale where they can; this is the guard for when they could not.
 */
public final class FileNames {
    private FileNames() {
    }

    /** The charset the JDK uses for file names in this JVM. */
    public static Charset fileNameCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.US_ASCII;
        }
    }

    /** The name of that charset as the JDK reports it (e.g. ANSI_X3.4-1968 under LC_ALL=C). */
    public static String fileNameEncoding() {
        return System.getProperty("sun.jnu.encoding", fileNameCharset().name());
    }

    /** Whether file names in this JVM are UTF-8, so every torrent name maps to its exact bytes. */
    public static boolean utf8() {
        return fileNameCharset().equals(StandardCharsets.UTF_8);
    }

    /**
     * {@code parent.resolve(component)}, with the component's bytes on disk exactly its UTF-8 bytes.
     *
     * @throws StorageException when this JVM's file-name encoding cannot give those bytes (exit code 5)
     */
    public static Path resolve(Path parent, String component) {
        if (!utf8() && !isAscii(component)) {
            throw notRepresentable(component);
        }
        try {
            return parent.resolve(component);
        } catch (InvalidPathException e) {
            throw notRepresentable(component);
        }
    }

    static StorageException notRepresentable(String name) {
        return new StorageException("cannot name '" + name + "' on disk: the file-name encoding of this locale is "
                + fileNameEncoding() + ", not UTF-8 (run btget under a UTF-8 locale, e.g. LC_ALL=C.UTF-8)");
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
