package io.btget.peer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * The 20-byte peer id of the handshake. Ours follows the Azureus-style convention listed in BEP 20:
 * {@code -BG0100-} (client code BG, version 0.1.0.0) then 12 random printable characters.
 */
public record PeerId(byte[] bytes) {
    public static final int LENGTH = 20;
    /** Our client prefix: BG = btget, 0100 = version 0.1.0.0. */
    public static final String OUR_PREFIX = "-BG0100-";

    private static final String RANDOM_ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** Azureus-style two-letter client codes (BEP 20 and the clients' own documentation) seen in swarms today. */
    private static final Map<String, String> AZUREUS_STYLE_CLIENTS = Map.ofEntries(
            Map.entry("BG", "btget"),
            Map.entry("TR", "Transmission"),
            Map.entry("LT", "libtorrent"),
            Map.entry("lt", "rTorrent/libTorrent"),
            Map.entry("qB", "qBittorrent"),
            Map.entry("DE", "Deluge"),
            Map.entry("UT", "uTorrent"),
            Map.entry("UM", "uTorrent Mac"),
            Map.entry("AZ", "Vuze"),
            Map.entry("BI", "BiglyBT"),
            Map.entry("BT", "BitTorrent"),
            Map.entry("KT", "KTorrent"),
            Map.entry("WW", "WebTorrent"),
            Map.entry("AG", "Ares"),
            Map.entry("BC", "BitComet"));

    public PeerId {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("peer id must be 20 bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** A fresh id for this process: our prefix and 12 random characters from [0-9a-zA-Z]. */
    public static PeerId generate(Random random) {
        byte[] id = new byte[LENGTH];
        byte[] prefix = OUR_PREFIX.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, id, 0, prefix.length);
        for (int i = prefix.length; i < LENGTH; i++) {
            id[i] = (byte) RANDOM_ALPHABET.charAt(random.nextInt(RANDOM_ALPHABET.length()));
        }
        return new PeerId(id);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * A guess at the client for logs, e.g. {@code "Transmission 3.00"} or {@code "aria2 1.36.0"}, from the two
     * conventions in use: Azureus style ({@code -TR3000-}) and Mainline style ({@code M7-4-3--}, aria2's
     * {@code A2-1-36-0-}). Unknown ids come back as their printable form.
     */
    public String clientDescription() {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (bytes[0] == '-' && bytes[7] == '-' && isAlnum(bytes[1]) && isAlnum(bytes[2])) {
            String name = AZUREUS_STYLE_CLIENTS.get(text.substring(1, 3));
            if (name != null) {
                String digits = text.substring(3, 7);
                // Transmission writes major, two-digit minor, then a release marker: 3000 = 3.00
                String version = name.equals("Transmission") && digits.endsWith("0")
                        ? printable(digits.charAt(0)) + "." + printable(digits.charAt(1)) + printable(digits.charAt(2))
                        : azureusVersion(digits);
                return name + " " + version;
            }
        }
        if (text.startsWith("A2-")) {
            return "aria2 " + mainlineVersion(text.substring(3));
        }
        if (bytes[0] == 'M' && bytes[1] >= '0' && bytes[1] <= '9') {
            return "Mainline " + mainlineVersion(text.substring(1));
        }
        return toString();
    }

    /** One version part per character, trailing zeros dropped down to major.minor: 2080 -> 2.0.8. */
    private static String azureusVersion(String digits) {
        StringBuilder version = new StringBuilder();
        int last = digits.length();
        while (last > 2 && digits.charAt(last - 1) == '0') {
            last--;
        }
        for (int i = 0; i < last; i++) {
            if (i > 0) {
                version.append('.');
            }
            version.append(printable(digits.charAt(i)));
        }
        return version.toString();
    }

    /** "1-36-0-xyz" -> "1.36.0": dash-separated numbers up to the first double dash or non-digit run. */
    private static String mainlineVersion(String rest) {
        StringBuilder version = new StringBuilder();
        for (String part : rest.split("-", -1)) {
            if (part.isEmpty() || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                break;
            }
            if (version.length() > 0) {
                version.append('.');
            }
            version.append(part);
        }
        return version.length() == 0 ? "?" : version.toString();
    }

    private static boolean isAlnum(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The id with non-printable bytes escaped as \xNN, safe for one log line. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(LENGTH);
        for (byte b : bytes) {
            s.append(printable((char) (b & 0xff)));
        }
        return s.toString();
    }
}
