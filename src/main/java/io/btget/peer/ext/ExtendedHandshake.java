package io.btget.peer.ext;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.bencode.BencodeException;
import io.btget.bencode.BencodeLimits;
import io.btget.peer.WireException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The BEP 10 extended handshake: the bencoded dictionary sent as extended message 0 right after the BEP 3 handshake
 * when both sides set reserved bit 20 (0x10 of byte 5). Immutable; every field is what survived validation, so
 * callers use the values as they are.
 *
 * <p>A peer's handshake is untrusted input. {@link #decode} throws only when the payload is not a bencoded
 * dictionary, or when {@code m} is present and not a dictionary (then nothing in it can be trusted); every other
 * malformed field is dropped, as BEP 10 asks of unknown or invalid entries, never thrown:
 * <ul>
 *   <li>{@code m}: extension name -> the id the <em>sender</em> wants to receive that extension's messages under.
 *       Ids are one byte (BEP 10), so only integers 1..255 are kept in {@link #m()}; 0 means the sender disables
 *       that extension (kept in {@link #disabled()}, which matters for a handshake sent again mid-connection);
 *       non-integers and ids outside 0..255 are dropped; two names sharing one id are both dropped, since a message
 *       under that id could not be told apart; names that are not printable UTF-8 are dropped.</li>
 *   <li>{@code p}: the sender's TCP listen port, kept only in 1..65535.</li>
 *   <li>{@code v}: client name and version, UTF-8, cut to {@link #MAX_CLIENT_NAME_LENGTH} code points, control and
 *       other unprintable characters replaced by {@code ?} (it ends up in logs and the terminal).</li>
 *   <li>{@code reqq}: how many outstanding REQUESTs the sender queues for us, kept if >= 1, clamped to
 *       {@link #MAX_REQQ}.</li>
 *   <li>{@code yourip}: our address as the sender sees it, kept if 4 (IPv4) or 16 (IPv6) bytes.</li>
 *   <li>{@code ipv4} / {@code ipv6}: the sender's own addresses, kept if exactly 4 / 16 bytes.</li>
 *   <li>{@code metadata_size} (BEP 9): size in bytes of the info dictionary, kept in 1..{@link #MAX_METADATA_SIZE}.</li>
 *   <li>{@code e}: 1 if the sender prefers encrypted connections (MSE), 0 if not; other values dropped.</li>
 * </ul>
 * Unknown keys are ignored.
 *
 * @param m            extension name -> message id the sender receives it under, ids 1..255, no id twice
 * @param p            the sender's listen port, 1..65535
 * @param v            the sender's client name, printable, at most {@link #MAX_CLIENT_NAME_LENGTH} code points
 * @param reqq         the sender's request queue size, 1..{@link #MAX_REQQ}
 * @param yourip       the receiver's address as the sender sees it
 * @param metadataSize info dictionary size in bytes, 1..{@link #MAX_METADATA_SIZE} (BEP 9)
 * @param e            0 or 1: the sender's encryption preference
 * @param ipv4         the sender's IPv4 address (an {@link Inet4Address})
 * @param ipv6         the sender's IPv6 address (an {@link Inet6Address}, 16 bytes even when IPv4-mapped)
 * @param disabled     extension names the sender gave id 0: it no longer receives them
 */
public record ExtendedHandshake(Map<String, Integer> m, OptionalInt p, Optional<String> v, OptionalInt reqq,
        Optional<InetAddress> yourip, OptionalLong metadataSize, OptionalInt e, Optional<InetAddress> ipv4,
        Optional<InetAddress> ipv6, Set<String> disabled) {

    /** BEP 10: extended message ids are one byte, and 0 is the handshake itself. */
    public static final int MAX_EXTENSION_ID = 255;

    /**
     * Largest {@code reqq} we believe. libtorrent 2.0 advertises 2000 and Transmission 512; a larger figure gains
     * nothing on any link we serve and would only let a peer make us keep a huge pipeline of requests.
     */
    public static final int MAX_REQQ = 4000;

    /** Longest client name ({@code v}) kept, in code points: real ones are under 30 ("libtorrent/2.0.8.0"). */
    public static final int MAX_CLIENT_NAME_LENGTH = 64;

    /**
     * Largest {@code metadata_size} (BEP 9) believed: 32 MiB, the same cap as the metadata fetch
     * ({@code MetadataFetch.MAX_METADATA_SIZE}); libtorrent's is about 30 MiB. An info dictionary of a 1 TiB
     * torrent with 16 KiB pieces is 1.3 GB of hashes; anything over 32 MiB is a torrent nobody shares by magnet.
     */
    public static final long MAX_METADATA_SIZE = 32L << 20;

    /**
     * Bencode limits for a handshake payload: the wire already bounds it to {@code WireLimits.MAX_EXTENDED_PAYLOAD};
     * a real handshake is a few hundred bytes with depth 2, so deeper nesting or more elements is hostile.
     */
    static final BencodeLimits LIMITS = new BencodeLimits(1 << 20, 8, 10_000);

    /** Bytes of a string {@code v} read before decoding: a UTF-8 code point is at most 4 bytes. */
    private static final int MAX_CLIENT_NAME_BYTES = 4 * MAX_CLIENT_NAME_LENGTH;

    public ExtendedHandshake {
        m = Collections.unmodifiableMap(new TreeMap<>(m));
        Set<Integer> ids = new TreeSet<>();
        for (Map.Entry<String, Integer> entry : m.entrySet()) {
            int id = entry.getValue();
            if (id < 1 || id > MAX_EXTENSION_ID || !ids.add(id)) {
                throw new IllegalArgumentException("extension " + entry.getKey() + ": id " + id
                        + " outside 1.." + MAX_EXTENSION_ID + " or used twice");
            }
        }
        disabled = Collections.unmodifiableSet(new TreeSet<>(disabled));
        for (String name : disabled) {
            if (m.containsKey(name)) {
                throw new IllegalArgumentException("extension " + name + " both enabled and disabled");
            }
        }
        if (p.isPresent() && (p.getAsInt() < 1 || p.getAsInt() > 0xffff)) {
            throw new IllegalArgumentException("port outside 1..65535: " + p.getAsInt());
        }
        if (v.isPresent() && !v.get().equals(clientName(v.get()))) {
            throw new IllegalArgumentException("client name empty, too long or unprintable: " + v.get());
        }
        if (reqq.isPresent() && (reqq.getAsInt() < 1 || reqq.getAsInt() > MAX_REQQ)) {
            throw new IllegalArgumentException("reqq outside 1.." + MAX_REQQ + ": " + reqq.getAsInt());
        }
        if (metadataSize.isPresent()
                && (metadataSize.getAsLong() < 1 || metadataSize.getAsLong() > MAX_METADATA_SIZE)) {
            throw new IllegalArgumentException("metadata size outside 1.." + MAX_METADATA_SIZE + ": "
                    + metadataSize.getAsLong());
        }
        if (e.isPresent() && e.getAsInt() != 0 && e.getAsInt() != 1) {
            throw new IllegalArgumentException("e must be 0 or 1: " + e.getAsInt());
        }
        if (ipv4.isPresent() && !(ipv4.get() instanceof Inet4Address)) {
            throw new IllegalArgumentException("ipv4 is not an IPv4 address: " + ipv4.get());
        }
        if (ipv6.isPresent() && !(ipv6.get() instanceof Inet6Address)) {
            throw new IllegalArgumentException("ipv6 is not an IPv6 address: " + ipv6.get());
        }
    }

    /** The id the sender receives extension {@code name} under (BEP 10), or 0 when it does not support it. */
    public int idOf(String name) {
        return m.getOrDefault(name, 0);
    }

    /** A handshake for us to send; see {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- decoding ----

    /**
     * Reads the payload of extended message 0 (after the extended id byte).
     *
     * @throws WireException when the payload is not one bencoded dictionary within {@link #LIMITS}, or its
     *                       {@code m} is not a dictionary; the message is one line naming what was wrong
     */
    public static ExtendedHandshake decode(byte[] payload) throws WireException {
        BValue root;
        try {
            root = Bencode.decode(payload, LIMITS);
        } catch (BencodeException ex) {
            throw new WireException("extended handshake: " + ex.getMessage());
        }
        if (!(root instanceof BDict dict)) {
            throw new WireException("extended handshake: a " + root.typeName() + ", not a dictionary");
        }
        Map<String, Integer> m = new HashMap<>();
        Set<String> disabled = new TreeSet<>();
        Optional<BValue> rawM = dict.get("m");
        if (rawM.isPresent()) {
            if (!(rawM.get() instanceof BDict extensions)) {
                throw new WireException("extended handshake: m is a " + rawM.get().typeName() + ", not a dictionary");
            }
            readExtensions(extensions, m, disabled);
        }
        return new ExtendedHandshake(m,
                intIn(dict, "p", 1, 0xffff),
                string(dict, "v").map(ExtendedHandshake::clientName).filter(name -> !name.isEmpty()),
                reqq(dict),
                bytes(dict, "yourip").flatMap(ExtendedHandshake::address),
                longIn(dict, "metadata_size", 1, MAX_METADATA_SIZE),
                intIn(dict, "e", 0, 1),
                bytes(dict, "ipv4").filter(b -> b.length == 4).flatMap(ExtendedHandshake::address),
                bytes(dict, "ipv6").filter(b -> b.length == 16).flatMap(ExtendedHandshake::address),
                disabled);
    }

    private static void readExtensions(BDict extensions, Map<String, Integer> m, Set<String> disabled) {
        Map<Integer, String> byId = new HashMap<>();
        Set<Integer> shared = new TreeSet<>();
        for (Map.Entry<String, BValue> entry : extensions.entries().entrySet()) {
            if (!(entry.getValue() instanceof BInt id) || id.value() < 0 || id.value() > MAX_EXTENSION_ID) {
                continue;
            }
            Optional<String> valid = extensionName(entry.getKey());
            if (valid.isEmpty()) {
                continue;
            }
            String name = valid.get();
            if (id.value() == 0) {
                disabled.add(name);
            } else if (byId.putIfAbsent((int) id.value(), name) != null) {
                shared.add((int) id.value());
            }
        }
        byId.keySet().removeAll(shared);
        byId.forEach((id, name) -> m.put(name, id));
    }

    /**
     * Keys arrive as ISO-8859-1 strings of raw bytes (see {@link BDict}); names are UTF-8 text, ASCII in practice.
     * A key that is not valid UTF-8, or holds an unprintable character, names no extension anyone implements and
     * is dropped (this also keeps two different raw keys from decoding to the same name).
     */
    private static Optional<String> extensionName(String rawKey) {
        byte[] raw = rawKey.getBytes(StandardCharsets.ISO_8859_1);
        String name = new String(raw, StandardCharsets.UTF_8);
        if (name.isEmpty() || !Arrays.equals(name.getBytes(StandardCharsets.UTF_8), raw)
                || !name.codePoints().allMatch(ExtendedHandshake::printable)) {
            return Optional.empty();
        }
        return Optional.of(name);
    }

    private static OptionalInt reqq(BDict dict) {
        Optional<BValue> value = dict.get("reqq");
        if (value.isPresent() && value.get() instanceof BInt n && n.value() >= 1) {
            return OptionalInt.of((int) Math.min(n.value(), MAX_REQQ));
        }
        return OptionalInt.empty();
    }

    private static OptionalInt intIn(BDict dict, String key, int min, int max) {
        OptionalLong value = longIn(dict, key, min, max);
        return value.isPresent() ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
    }

    private static OptionalLong longIn(BDict dict, String key, long min, long max) {
        Optional<BValue> value = dict.get(key);
        if (value.isPresent() && value.get() instanceof BInt n && n.value() >= min && n.value() <= max) {
            return OptionalLong.of(n.value());
        }
        return OptionalLong.empty();
    }

    private static Optional<byte[]> bytes(BDict dict, String key) {
        Optional<BValue> value = dict.get(key);
        return value.isPresent() && value.get() instanceof BString s ? Optional.of(s.bytes()) : Optional.empty();
    }

    private static Optional<String> string(BDict dict, String key) {
        // Only the first bytes can make it into the name: decode no more than that of a huge v.
        return bytes(dict, key).map(b -> new String(b, 0, Math.min(b.length, MAX_CLIENT_NAME_BYTES),
                StandardCharsets.UTF_8));
    }

    /** 4 bytes -> IPv4, 16 bytes -> IPv6 (kept as IPv6 even when IPv4-mapped, so it encodes back to 16 bytes). */
    private static Optional<InetAddress> address(byte[] raw) {
        try {
            if (raw.length == 4) {
                return Optional.of(InetAddress.getByAddress(raw));
            }
            if (raw.length == 16) {
                return Optional.of(Inet6Address.getByAddress(null, raw, -1));
            }
        } catch (UnknownHostException ex) {
            // Only thrown for other lengths, which we never pass.
        }
        return Optional.empty();
    }

    /** At most {@link #MAX_CLIENT_NAME_LENGTH} code points, each unprintable one replaced by '?'. Idempotent. */
    private static String clientName(String raw) {
        StringBuilder name = new StringBuilder();
        raw.codePoints().limit(MAX_CLIENT_NAME_LENGTH)
                .map(c -> printable(c) ? c : '?')
                .forEach(name::appendCodePoint);
        return name.toString();
    }

    private static boolean printable(int codePoint) {
        int type = Character.getType(codePoint);
        return !(type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.PRIVATE_USE || type == Character.UNASSIGNED
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR);
    }

    // ---- encoding ----

    /** The bencoded dictionary (canonical: keys sorted), to send as the payload of extended message 0. */
    public byte[] encode() {
        Map<String, BValue> extensions = new LinkedHashMap<>();
        m.forEach((name, id) -> extensions.put(rawKey(name), new BInt(id)));
        disabled.forEach(name -> extensions.put(rawKey(name), new BInt(0)));
        Map<String, BValue> dict = new LinkedHashMap<>();
        dict.put("m", new BDict(extensions));
        p.ifPresent(port -> dict.put("p", new BInt(port)));
        v.ifPresent(name -> dict.put("v", BString.of(name)));
        reqq.ifPresent(n -> dict.put("reqq", new BInt(n)));
        yourip.ifPresent(a -> dict.put("yourip", new BString(a.getAddress())));
        metadataSize.ifPresent(n -> dict.put("metadata_size", new BInt(n)));
        e.ifPresent(flag -> dict.put("e", new BInt(flag)));
        ipv4.ifPresent(a -> dict.put("ipv4", new BString(a.getAddress())));
        ipv6.ifPresent(a -> dict.put("ipv6", new BString(a.getAddress())));
        return Bencode.encode(new BDict(dict));
    }

    private static String rawKey(String name) {
        return BDict.key(name.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ExtendedHandshake[m=" + m + ", p=" + p + ", v=" + v + ", reqq=" + reqq + ", yourip="
                + yourip.map(InetAddress::getHostAddress) + ", metadataSize=" + metadataSize + ", e=" + e
                + (disabled.isEmpty() ? "" : ", disabled=" + disabled) + "]";
    }

    /**
     * Builds the handshake we send. Values are ours, so a bad one is a bug: {@link IllegalArgumentException}.
     * Example: {@code ExtendedHandshake.builder().extension("ut_metadata", 1).extension("ut_pex", 2).port(6881)
     * .client("btget 1.0").reqq(500).yourip(peerAddress).metadataSize(infoBytes.length).build()}.
     */
    public static final class Builder {
        private final Map<String, Integer> m = new LinkedHashMap<>();
        private final Set<String> disabled = new TreeSet<>();
        private OptionalInt p = OptionalInt.empty();
        private Optional<String> v = Optional.empty();
        private OptionalInt reqq = OptionalInt.empty();
        private Optional<InetAddress> yourip = Optional.empty();
        private OptionalLong metadataSize = OptionalLong.empty();
        private OptionalInt e = OptionalInt.empty();
        private Optional<InetAddress> ipv4 = Optional.empty();
        private Optional<InetAddress> ipv6 = Optional.empty();

        private Builder() {
        }

        /** We receive extension {@code name} under message id {@code id} (1..255, distinct per extension). */
        public Builder extension(String name, int id) {
            disabled.remove(name);
            m.put(name, id);
            return this;
        }

        /** All of {@code ids} as {@link #extension(String, int)}. */
        public Builder extensions(Map<String, Integer> ids) {
            ids.forEach(this::extension);
            return this;
        }

        /** Sends {@code name} with id 0: we stop receiving that extension (BEP 10, in a handshake sent again). */
        public Builder disable(String name) {
            m.remove(name);
            disabled.add(name);
            return this;
        }

        public Builder port(int port) {
            p = OptionalInt.of(port);
            return this;
        }

        public Builder client(String name) {
            v = Optional.of(name);
            return this;
        }

        public Builder reqq(int requests) {
            reqq = OptionalInt.of(requests);
            return this;
        }

        /** The peer's address as we see it (sent as its 4 or 16 bytes). */
        public Builder yourip(InetAddress address) {
            yourip = Optional.of(address);
            return this;
        }

        public Builder metadataSize(long bytes) {
            metadataSize = OptionalLong.of(bytes);
            return this;
        }

        public Builder encryption(boolean prefer) {
            e = OptionalInt.of(prefer ? 1 : 0);
            return this;
        }

        public Builder ipv4(Inet4Address address) {
            ipv4 = Optional.of(address);
            return this;
        }

        public Builder ipv6(Inet6Address address) {
            ipv6 = Optional.of(address);
            return this;
        }

        public ExtendedHandshake build() {
            return new ExtendedHandshake(m, p, v, reqq, yourip, metadataSize, e, ipv4, ipv6, disabled);
        }
    }
}
