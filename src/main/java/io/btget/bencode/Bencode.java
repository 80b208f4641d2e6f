package io.btget.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencode (BEP 3) decoding and canonical encoding.
 *
 * <p>The decoder is strict where the spec is: integers have no leading zeros, no {@code -0}, and fit in 64
 * bits; string lengths have no leading zeros and stay within the input; dictionary keys are strings and not
 * repeated; nothing may follow the root value. It tolerates one thing real files do: dictionary keys out of
 * order (the raw span still hashes correctly).
 */
public final class Bencode {
    private Bencode() {
    }

    public static BValue decode(byte[] input) {
        return decode(input, BencodeLimits.TORRENT_FILE);
    }

    public static BValue decode(byte[] input, BencodeLimits limits) {
        if (input.length > limits.maxInputBytes()) {
            throw new BencodeException("input of " + input.length + " bytes exceeds the limit of "
                    + limits.maxInputBytes(), 0);
        }
        Decoder decoder = new Decoder(input, 0, limits);
        BValue root = decoder.value(0);
        if (decoder.pos != input.length) {
            throw new BencodeException((input.length - decoder.pos) + " trailing bytes after the root value", decoder.pos);
        }
        return root;
    }

    /**
     * Decodes one value at the start of {@code input} and returns it without complaining about what follows
     * (BEP 9 metadata messages carry raw data after a bencoded header). {@link BValue#end()} tells where it stopped.
     */
    public static BValue decodePrefix(byte[] input, BencodeLimits limits) {
        if (input.length > limits.maxInputBytes()) {
            throw new BencodeException("input of " + input.length + " bytes exceeds the limit of "
                    + limits.maxInputBytes(), 0);
        }
        return new Decoder(input, 0, limits).value(0);
    }

    public static byte[] encode(BValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(value, out);
        return out.toByteArray();
    }

    /** Writes {@code value} as canonical bencode: dictionary keys sorted by their raw bytes. */
    public static void encode(BValue value, ByteArrayOutputStream out) {
        // Java 17: no pattern matching for switch, so an instanceof chain over the sealed type.
        if (value instanceof BInt i) {
            writeAscii(out, "i" + i.value() + "e");
        } else if (value instanceof BString s) {
            writeString(out, s.bytes());
        } else if (value instanceof BList l) {
            out.write('l');
            for (BValue item : l.items()) {
                encode(item, out);
            }
            out.write('e');
        } else if (value instanceof BDict d) {
            out.write('d');
            // ISO-8859-1 keys: String order equals unsigned byte order.
            for (Map.Entry<String, BValue> e : new TreeMap<>(d.entries()).entrySet()) {
                writeString(out, e.getKey().getBytes(StandardCharsets.ISO_8859_1));
                encode(e.getValue(), out);
            }
            out.write('e');
        }
    }

    private static void writeString(ByteArrayOutputStream out, byte[] bytes) {
        writeAscii(out, Integer.toString(bytes.length));
        out.write(':');
        out.writeBytes(bytes);
    }

    private static void writeAscii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static final class Decoder {
        private final byte[] in;
        private final BencodeLimits limits;
        private int pos;
        private int elements;

        Decoder(byte[] in, int pos, BencodeLimits limits) {
            this.in = in;
            this.pos = pos;
            this.limits = limits;
        }

        BValue value(int depth) {
            if (pos >= in.length) {
                throw new BencodeException("unexpected end of input", pos);
            }
            if (++elements > limits.maxElements()) {
                throw new BencodeException("more than " + limits.maxElements() + " elements", pos);
            }
            byte b = in[pos];
            if (b == 'i') {
                return integer();
            }
            if (b >= '0' && b <= '9') {
                return string();
            }
            if (b == 'l' || b == 'd') {
                if (depth + 1 > limits.maxDepth()) {
                    throw new BencodeException("nesting deeper than " + limits.maxDepth(), pos);
                }
                return b == 'l' ? list(depth + 1) : dict(depth + 1);
            }
            throw new BencodeException("unexpected byte " + describe(b), pos);
        }

        private BInt integer() {
            int start = pos;
            pos++; // 'i'
            long value = number('e', true);
            return new BInt(value, start, pos);
        }

        private BString string() {
            int start = pos;
            long length = number(':', false);
            if (length > in.length - pos) {
                throw new BencodeException("string length " + length + " exceeds input", start);
            }
            int len = (int) length;
            byte[] bytes = new byte[len];
            System.arraycopy(in, pos, bytes, 0, len);
            pos += len;
            return new BString(bytes, start, pos);
        }

        /** Reads a decimal number up to {@code terminator}, consuming it. */
        private long number(char terminator, boolean signed) {
            int start = pos;
            boolean negative = false;
            if (signed && pos < in.length && in[pos] == '-') {
                negative = true;
                pos++;
            }
            int digitsStart = pos;
            long value = 0;
            while (true) {
                if (pos >= in.length) {
                    throw new BencodeException("unexpected end of input in number", start);
                }
                byte b = in[pos];
                if (b == terminator) {
                    break;
                }
                if (b < '0' || b > '9') {
                    throw new BencodeException("unexpected byte " + describe(b) + " in number", pos);
                }
                int digit = b - '0';
                // Accumulate negatively so that Long.MIN_VALUE fits.
                if (value < (Long.MIN_VALUE + digit) / 10) {
                    throw new BencodeException("number does not fit in 64 bits", start);
                }
                value = value * 10 - digit;
                pos++;
            }
            int digits = pos - digitsStart;
            if (digits == 0) {
                throw new BencodeException("empty number", start);
            }
            if (digits > 1 && in[digitsStart] == '0') {
                throw new BencodeException("number with a leading zero", start);
            }
            if (negative && value == 0) {
                throw new BencodeException("negative zero", start);
            }
            pos++; // terminator
            if (!negative) {
                if (value == Long.MIN_VALUE) {
                    throw new BencodeException("number does not fit in 64 bits", start);
                }
                value = -value;
            }
            return value;
        }

        private BList list(int depth) {
            int start = pos;
            pos++; // 'l'
            List<BValue> items = new ArrayList<>();
            while (true) {
                if (pos >= in.length) {
                    throw new BencodeException("unterminated list", start);
                }
                if (in[pos] == 'e') {
                    pos++;
                    return new BList(items, start, pos);
                }
                items.add(value(depth));
            }
        }

        private BDict dict(int depth) {
            int start = pos;
            pos++; // 'd'
            Map<String, BValue> entries = new LinkedHashMap<>();
            while (true) {
                if (pos >= in.length) {
                    throw new BencodeException("unterminated dictionary", start);
                }
                byte b = in[pos];
                if (b == 'e') {
                    pos++;
                    return new BDict(entries, start, pos);
                }
                if (b < '0' || b > '9') {
                    throw new BencodeException("dictionary key is not a string", pos);
                }
                int keyAt = pos;
                if (++elements > limits.maxElements()) {
                    throw new BencodeException("more than " + limits.maxElements() + " elements", pos);
                }
                String key = BDict.key(string().bytes());
                if (entries.containsKey(key)) {
                    throw new BencodeException("duplicate dictionary key \"" + printable(key) + "\"", keyAt);
                }
                entries.put(key, value(depth));
            }
        }

        private static String describe(byte b) {
            return (b >= 0x20 && b < 0x7f) ? "'" + (char) b + "'" : String.format("0x%02x", b & 0xff);
        }

        private static String printable(String key) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < key.length() && i < 40; i++) {
                char c = key.charAt(i);
                sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
            }
            return sb.toString();
        }
    }
}
