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

    /** Bytes per second in decimal megabytes, as aria2c and benchmarks report: "123.4 MB/s". */
    public static String rate(double bytesPerSecond) {
        if (bytesPerSecond < 1000) {
            return String.format(Locale.ROOT, "%.0f B/s", bytesPerSecond);
        }
        if (bytesPerSecond < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB/s", bytesPerSecond / 1000);
        }
        return String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1_000_000);
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

    /**
     * Parses "16384", "16K", "4M", "1G", "2.5M" (binary multiples, case-insensitive, optional "iB"/"B").
     *
     * @throws IllegalArgumentException with a message naming the bad text
     */
    public static long parseSize(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) {
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        long mult = 1;
        if (!s.isEmpty()) {
            char last = s.charAt(s.length() - 1);
            int shift = switch (last) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                case 'T' -> 40;
                default -> 0;
            };
            if (shift > 0) {
                mult = 1L << shift;
                s = s.substring(0, s.length() - 1);
            }
        }
        try {
            double v = Double.parseDouble(s);
            if (!(v >= 0) || s.contains("E") || s.contains("N") || s.contains("I") || v * mult > Long.MAX_VALUE / 2) {
                throw new NumberFormatException();
            }
            return (long) (v * mult);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 16384, 256K, 4M, 1.5G)");
        }
    }

    /**
     * Parses a duration: "90" (seconds), "30s", "5m", "2h", "1d", or combinations like "1h30m".
     *
     * @throws IllegalArgumentException naming the bad text
     */
    public static java.time.Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (s.chars().allMatch(Character::isDigit)) {
            return java.time.Duration.ofSeconds(Long.parseLong(s));
        }
        long seconds = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (start == i || i >= s.length() || i - start > 9) {
                throw new IllegalArgumentException("not a duration: '" + text + "' (examples: 90, 30s, 5m, 1h30m)");
            }
            long n = Long.parseLong(s.substring(start, i));
            char unit = s.charAt(i++);
            seconds += switch (unit) {
                case 's' -> n;
                case 'm' -> n * 60;
                case 'h' -> n * 3600;
                case 'd' -> n * 86400;
                default -> throw new IllegalArgumentException("not a duration: '" + text + "' (examples: 90, 30s, 5m, 1h30m)");
            };
        }
        return java.time.Duration.ofSeconds(seconds);
    }
}
