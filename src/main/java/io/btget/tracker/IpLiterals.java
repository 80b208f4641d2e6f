package io.btget.tracker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Parses IP address literals without ever asking DNS: addresses from trackers and from peers' announce
 * parameters are untrusted text, and a lookup per entry would let a tracker stall us.
 */
public final class IpLiterals {
    private IpLiterals() {
    }

    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return Optional.empty();
        }
        if (text.indexOf(':') >= 0) {
            String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
            if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return Optional.empty();
            }
            try {
                // A string with ':' is only ever parsed as an IPv6 literal, never looked up.
                return Optional.of(InetAddress.getByName("[" + s + "]"));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) v;
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
