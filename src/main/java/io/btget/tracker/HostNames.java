package io.btget.tracker;

/**
 * DNS host name syntax (RFC 1123 section 2.1): dot-separated labels of letters, digits and hyphens, 1 to 63
 * characters each, no hyphen at either end, 253 characters in all (a final dot allowed). A name whose labels are
 * all digits is a broken IPv4 literal, not a name, and is refused, as is anything with a colon or a space.
 */
final class HostNames {
    static final int MAX_LENGTH = 253;

    private HostNames() {
    }

    static boolean isValid(String text) {
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        boolean anyLetter = false;
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                if (!letter && !(c >= '0' && c <= '9') && c != '-') {
                    return false;
                }
                anyLetter |= letter || c == '-';
            }
        }
        return anyLetter;
    }
}
