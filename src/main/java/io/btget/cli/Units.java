package io.btget.cli;

import java.util.Locale;

/** Human sizes, rates and durations, and parsing of sizes with K/M/G suffixes. */
public final class Units {
    private Units() {
    }

    /** 1536 -> "1.5 KiB". */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }

    /**
     * Bytes per second in the same binary units as {@link #bytes} (so a rate and a size can be compared at a
     * glance, and {@code --download-limit 2M} shows as "2.00 MiB/s"): "512 B/s", "1.50 KiB/s", "120 MiB/s".
     */
    public static String rate(double bytesPerSecond) {
        if (!(bytesPerSecond >= 0) || Double.isInfinite(bytesPerSecond)) {
            return "-- B/s";
        }
        return bytes(Math.round(bytesPerSecond)) + "/s";
    }

    /** "1 peer", "2 peers", "0 pieces": the count and the noun, plural unless the count is one. */
    public static String count(long n, String singular) {
        return count(n, singular, singular + "s");
    }

    /** As {@link #count(long, String)} for nouns whose plural is not just an "s". */
    public static String count(long n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }

    public static String duration(long seconds) {
        if (seconds < 0) {
            return "--";
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
        }
        if (seconds < 100 * 3600) {
            return (seconds / 3600) + "h" + String.format(Locale.ROOT, "%02d", (seconds % 3600) / 60) + "m";
        }
        return (seconds / 86400) + "d";
    }

    private static final java.util.regex.Pattern SIZE =
            java.util.regex.Pattern.compile("(\\d{1,15}(?:\\.\\d{1,6})?)\\s*([KMGT]?)(?:I?B)?(?:/S)?");

    /**
     * Parses "16384", "16K", "4M", "1G", "2.5M", "2MiB", "2M/s" (binary multiples, case-insensitive): bytes, at
     * most 2^62. Negative numbers, exponents, "inf" and "NaN" are refused.
     *
     * @throws IllegalArgumentException with a message naming the bad text
     */
    public static long parseSize(String text) {
        java.util.regex.Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (m.matches()) {
            int shift = switch (m.group(2)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                case "T" -> 40;
                default -> 0;
            };
            java.math.BigDecimal v = new java.math.BigDecimal(m.group(1)).multiply(java.math.BigDecimal.valueOf(1L << shift));
            if (v.compareTo(java.math.BigDecimal.valueOf(1L << 62)) <= 0) {
                return v.longValue();
            }
            throw new IllegalArgumentException("'" + text + "' is too large (at most 4096P)");
        }
        throw new IllegalArgumentException("not a size: '" + text + "' (examples: 16384, 256K, 4M, 1.5G)");
    }

    /** The longest duration an option takes: 100 years (and so any deadline fits in a long of nanoseconds). */
    public static final java.time.Duration MAX_DURATION = java.time.Duration.ofDays(36_500);

    /** Whether {@code text} is one of the words for "no limit": inf, infinite, infinity, never, unlimited. */
    public static boolean isUnlimited(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "inf", "infinite", "infinity", "never", "unlimited" -> true;
            default -> false;
        };
    }

    /**
     * Parses a duration: "90" (seconds), "30s", "5m", "2h", "1d", or combinations like "1h30m"; 0 .. 100 years.
     * The words for "no limit" are the caller's to handle ({@link #isUnlimited}).
     *
     * @throws IllegalArgumentException naming the bad text
     */
    public static java.time.Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        String bad = "not a duration: '" + text + "' (examples: 90, 30s, 5m, 1h30m)";
        if (s.length() > 40) {
            throw new IllegalArgumentException(bad);
        }
        if (s.chars().allMatch(Character::isDigit)) {
            s = s + "s";
        }
        long seconds = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (start == i || i >= s.length()) {
                throw new IllegalArgumentException(bad);
            }
            if (i - start > 12) {
                throw new IllegalArgumentException("'" + text + "' is too long (at most 36500d)");
            }
            long n = Long.parseLong(s.substring(start, i));
            char unit = s.charAt(i++);
            seconds += switch (unit) {
                case 's' -> n;
                case 'm' -> n * 60;
                case 'h' -> n * 3600;
                case 'd' -> n * 86400;
                default -> throw new IllegalArgumentException(bad);
            };
            if (seconds > MAX_DURATION.getSeconds()) {
                throw new IllegalArgumentException("'" + text + "' is too long (at most 36500d)");
            }
        }
        return java.time.Duration.ofSeconds(seconds);
    }
}
