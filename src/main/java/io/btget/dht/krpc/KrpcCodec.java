package io.btget.dht.krpc;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.bencode.BencodeException;
import io.btget.bencode.BencodeLimits;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Bytes of one UDP datagram to and from {@link KrpcMessage} (BEP 5, with BEP 32's {@code nodes6}, BEP 42's
 * {@code ip} and BEP 43's {@code ro}). No sockets, no clock; safe to call from any thread.
 *
 * <p>A KRPC message is one bencoded dictionary: {@code t} the transaction id, {@code y} the type ({@code q} query,
 * {@code r} response, {@code e} error), {@code v} the sender's client version (ignored, any type), and per type
 * {@code q} + {@code a} (method and arguments), {@code r} (return values) or {@code e} ({@code [code, message]}).
 *
 * <p>Decoding treats every byte as hostile: the packet is at most {@link #MAX_PACKET} bytes, bencode nesting and
 * element counts are bounded, and every failure is a {@link KrpcException} with a one-line message. The exception
 * carries the transaction id and {@link KrpcException#wasQuery()} when an error reply is due: 204 for an unknown
 * method, 203 for a query with a missing or malformed argument (see {@link #errorReply(KrpcException)}). A bad
 * response or error is never answered (its exception has {@code wasQuery() == false}).
 *
 * <p>Rules beyond BEP 5's letter:
 * <ul>
 *   <li>{@code t}: a byte string of 1..{@value #MAX_TRANSACTION_ID} bytes, else the packet is dropped unanswered.
 *   <li>Response {@code nodes} whose length is not a multiple of 26 (or {@code nodes6} of 38) make the whole message
 *       invalid (a cut list says nothing trustworthy about the rest of the reply); entries with port 0 are dropped; at most
 *       {@value #MAX_NODES} nodes per field and {@value #MAX_VALUES} values are decoded (the rest are ignored).
 *   <li>{@code values} entries that are not 6- or 18-byte strings, or have port 0, are skipped.
 *   <li>{@code token}: 1..{@value #MAX_TOKEN} bytes; a longer token makes the message invalid, an empty one counts
 *       as absent.
 *   <li>{@code ip} (BEP 42): used when it is a 6- or 18-byte compact address, else ignored.
 *   <li>{@code ro} (BEP 43, top level of a query): read-only when it is a non-zero integer (libtorrent's reading).
 *   <li>{@code announce_peer}: {@code implied_port} non-zero means the UDP source port counts (libtorrent's reading
 *       of BEP 5's "0 or 1"); then {@code port} may be absent or anything and is kept as 0 unless it is 1..65535.
 * </ul>
 * Unknown keys are ignored everywhere (BEP 5 lets senders add fields: libtorrent sends {@code seed}, {@code bs},
 * {@code p}, {@code want}).
 */
public final class KrpcCodec {
    /** Largest transaction id accepted, bytes. BEP 5 suggests 2; 16 leaves room for other clients' choices. */
    public static final int MAX_TRANSACTION_ID = 16;
    /** Largest token accepted, bytes. BEP 5 calls it "a short binary string"; libtorrent's are 4 bytes. */
    public static final int MAX_TOKEN = 64;
    /**
     * Largest datagram decoded, bytes: an Ethernet MTU. KRPC messages fit one unfragmented datagram (BEP 5 replies
     * carry at most 8 nodes, 208 bytes). A reader should receive into {@code MAX_PACKET + 1} bytes so that a
     * larger datagram is seen as such rather than cut to a prefix.
     */
    public static final int MAX_PACKET = 1500;
    /**
     * Nodes decoded from one {@code nodes} or {@code nodes6} field. BEP 5 replies carry 8 (K); 1500 bytes cannot
     * hold more than 57 anyway, so this only guards callers that decode larger buffers.
     */
    public static final int MAX_NODES = 200;
    /** Peers decoded from one {@code values} list; 1500 bytes cannot hold more than about 186. */
    public static final int MAX_VALUES = 200;
    /** Characters kept of an error message; longer ones are cut, non-printable characters become {@code ?}. */
    public static final int MAX_ERROR_MESSAGE = 200;
    /**
     * Bencode nesting accepted: a message needs 3 (root, {@code a}/{@code r}, {@code values}/{@code want}); 8
     * leaves room for unknown extension fields without letting recursion grow.
     */
    public static final int MAX_DEPTH = 8;
    /**
     * Bencode values (and keys) accepted in one packet. The smallest value takes 2 bytes, so 1500 bytes hold at most
     * 750; a real message has a few dozen.
     */
    public static final int MAX_ELEMENTS = 512;

    /** Client version written as {@code v}: "BG" then two version bytes (0.1), as libtorrent writes "LT" 2 bytes. */
    private static final byte[] CLIENT_VERSION = {'B', 'G', 0, 1};

    private static final BencodeLimits LIMITS = new BencodeLimits(MAX_PACKET, MAX_DEPTH, MAX_ELEMENTS);
    private static final Set<String> METHODS = Set.of("ping", "find_node", "get_peers", "announce_peer");
    private static final int MAX_PORT = 65535;

    private KrpcCodec() {
    }

    /** The client version we send as {@code v}: 4 bytes, "BG" then major and minor version bytes. */
    public static byte[] clientVersion() {
        return CLIENT_VERSION.clone();
    }

    // ---------------------------------------------------------------------------------------------------- decode

    /**
     * Decodes one datagram {@code packet[0, length)}.
     *
     * @return a {@link KrpcMessage.Query}, {@link KrpcMessage.Response} or {@link KrpcMessage.Error}; lists bounded
     *         by {@link #MAX_NODES} and {@link #MAX_VALUES}
     * @throws KrpcException for anything that is not a valid KRPC message (never another exception for any bytes)
     * @throws IndexOutOfBoundsException when {@code length} is outside {@code 0..packet.length} (a caller bug)
     */
    public static KrpcMessage decode(byte[] packet, int length) throws KrpcException {
        if (length < 0 || length > packet.length) {
            throw new IndexOutOfBoundsException("length " + length + " outside the " + packet.length + "-byte buffer");
        }
        if (length > MAX_PACKET) {
            throw new KrpcException("packet of " + length + " bytes exceeds " + MAX_PACKET);
        }
        BValue root;
        try {
            root = Bencode.decode(length == packet.length ? packet : Arrays.copyOf(packet, length), LIMITS);
        } catch (BencodeException e) {
            throw new KrpcException("not a KRPC message: " + e.getMessage());
        }
        if (!(root instanceof BDict message)) {
            throw new KrpcException("not a KRPC message: a bencoded " + root.typeName() + ", not a dictionary");
        }
        byte[] tid = transactionId(message);
        Optional<BValue> y = message.get("y");
        if (y.isEmpty() || !(y.get() instanceof BString type)) {
            throw new KrpcException("message without a type 'y'", tid, false, KrpcException.PROTOCOL);
        }
        return switch (BDict.key(type.bytes())) {
            case "q" -> query(message, tid);
            case "r" -> response(message, tid);
            case "e" -> error(message, tid);
            default -> throw new KrpcException("unknown message type y=" + printable(type.bytes(), 10), tid, false,
                    KrpcException.PROTOCOL);
        };
    }

    /** Decodes a whole datagram; see {@link #decode(byte[], int)}. */
    public static KrpcMessage decode(byte[] packet) throws KrpcException {
        return decode(packet, packet.length);
    }

    /**
     * The error to send back for a packet that failed to decode, when one is due (BEP 5: a query we cannot serve
     * gets an error, code 203 or 204, with its transaction id); empty for responses, errors and packets without a
     * readable transaction id, which are dropped silently. The error's message is the failure's one line (as
     * libtorrent's "missing 'target' key" tells the asker what was wrong), cut to {@value #MAX_ERROR_MESSAGE}
     * printable characters.
     */
    public static Optional<KrpcMessage.Error> errorReply(KrpcException failure) {
        if (!failure.wasQuery()) {
            return Optional.empty();
        }
        String text = printable(String.valueOf(failure.getMessage()).getBytes(StandardCharsets.UTF_8),
                MAX_ERROR_MESSAGE);
        return Optional.of(new KrpcMessage.Error(failure.transactionId().orElseThrow(), failure.code(), text));
    }

    private static byte[] transactionId(BDict message) throws KrpcException {
        Optional<BValue> t = message.get("t");
        if (t.isEmpty()) {
            throw new KrpcException("message without a transaction id 't'");
        }
        if (!(t.get() instanceof BString s)) {
            throw new KrpcException("transaction id 't' is a " + t.get().typeName() + ", not a string");
        }
        int n = s.bytes().length;
        if (n < 1 || n > MAX_TRANSACTION_ID) {
            throw new KrpcException("transaction id 't' of " + n + " bytes, not 1.." + MAX_TRANSACTION_ID);
        }
        return s.bytes();
    }

    private static KrpcMessage.Query query(BDict message, byte[] tid) throws KrpcException {
        Optional<BValue> q = message.get("q");
        if (q.isEmpty() || !(q.get() instanceof BString name)) {
            throw badQuery("query without a method name 'q'", tid);
        }
        String method = BDict.key(name.bytes());
        if (!METHODS.contains(method)) {
            throw new KrpcException("unknown method " + printable(name.bytes(), 40), tid, true,
                    KrpcException.METHOD_UNKNOWN);
        }
        Optional<BValue> a = message.get("a");
        if (a.isEmpty() || !(a.get() instanceof BDict args)) {
            throw badQuery(method + ": no argument dictionary 'a'", tid);
        }
        NodeId sender = queryId(args, "id", method, tid);
        // BEP 43: "ro" sits in the top-level dictionary of a query.
        boolean readOnly = message.get("ro").orElse(null) instanceof BInt ro && ro.value() != 0;
        return switch (method) {
            case "ping" -> new KrpcMessage.Ping(tid, sender, readOnly);
            case "find_node" -> new KrpcMessage.FindNode(tid, sender, readOnly, queryId(args, "target", method, tid));
            case "get_peers" ->
                new KrpcMessage.GetPeers(tid, sender, readOnly, queryId(args, "info_hash", method, tid));
            default -> announcePeer(args, tid, sender, readOnly);
        };
    }

    private static KrpcMessage.AnnouncePeer announcePeer(BDict args, byte[] tid, NodeId sender, boolean readOnly)
            throws KrpcException {
        String method = "announce_peer";
        NodeId infoHash = queryId(args, "info_hash", method, tid);
        boolean impliedPort = false;
        Optional<BValue> implied = args.get("implied_port");
        if (implied.isPresent()) {
            if (!(implied.get() instanceof BInt i)) {
                throw badQuery(method + ": 'implied_port' is a " + implied.get().typeName() + ", not an integer", tid);
            }
            impliedPort = i.value() != 0;
        }
        Optional<BValue> portValue = args.get("port");
        long port = portValue.orElse(null) instanceof BInt p ? p.value() : -1;
        boolean portValid = port >= 1 && port <= MAX_PORT;
        if (!impliedPort && !portValid) {
            throw badQuery(portValue.isEmpty() ? method + ": no 'port'"
                    : method + ": 'port' " + (port == -1 ? "is not an integer" : port + " is not 1..65535"), tid);
        }
        Optional<BValue> tokenValue = args.get("token");
        if (tokenValue.isEmpty() || !(tokenValue.get() instanceof BString token)) {
            throw badQuery(method + ": no string 'token'", tid);
        }
        int tokenLength = token.bytes().length;
        if (tokenLength < 1 || tokenLength > MAX_TOKEN) {
            throw badQuery(method + ": 'token' of " + tokenLength + " bytes, not 1.." + MAX_TOKEN, tid);
        }
        return new KrpcMessage.AnnouncePeer(tid, sender, readOnly, infoHash, portValid ? (int) port : 0, impliedPort,
                token.bytes());
    }

    private static NodeId queryId(BDict args, String key, String method, byte[] tid) throws KrpcException {
        Optional<BValue> v = args.get(key);
        if (v.isEmpty()) {
            throw badQuery(method + ": no '" + key + "'", tid);
        }
        if (!(v.get() instanceof BString s) || s.bytes().length != NodeId.LENGTH) {
            throw badQuery(method + ": '" + key + "' is not a 20-byte string", tid);
        }
        return NodeId.of(s.bytes());
    }

    private static KrpcException badQuery(String message, byte[] tid) {
        return new KrpcException(message, tid, true, KrpcException.PROTOCOL);
    }

    private static KrpcException badReply(String message, byte[] tid) {
        return new KrpcException(message, tid, false, KrpcException.PROTOCOL);
    }

    private static KrpcMessage.Response response(BDict message, byte[] tid) throws KrpcException {
        Optional<BValue> rv = message.get("r");
        if (rv.isEmpty() || !(rv.get() instanceof BDict r)) {
            throw badReply("response without a dictionary 'r'", tid);
        }
        Optional<BValue> id = r.get("id");
        if (id.isEmpty() || !(id.get() instanceof BString idString) || idString.bytes().length != NodeId.LENGTH) {
            throw badReply("response without a 20-byte 'id'", tid);
        }
        List<NodeInfo> nodes = nodes(r, "nodes", NodeInfo.COMPACT_IPV4, tid);
        List<NodeInfo> nodes6 = nodes(r, "nodes6", NodeInfo.COMPACT_IPV6, tid);
        List<InetSocketAddress> values = values(r, tid);

        Optional<byte[]> token = Optional.empty();
        Optional<BValue> tokenValue = r.get("token");
        if (tokenValue.isPresent()) {
            if (!(tokenValue.get() instanceof BString t)) {
                throw badReply("response 'token' is a " + tokenValue.get().typeName() + ", not a string", tid);
            }
            if (t.bytes().length > MAX_TOKEN) {
                throw badReply("response 'token' of " + t.bytes().length + " bytes exceeds " + MAX_TOKEN, tid);
            }
            token = t.bytes().length == 0 ? Optional.empty() : Optional.of(t.bytes());
        }
        // BEP 42: the address the responder saw us at. Anything but a compact address is ignored, not fatal.
        Optional<InetSocketAddress> requester = Optional.empty();
        if (message.get("ip").orElse(null) instanceof BString ip) {
            requester = CompactInfo.peer(ip.bytes(), 0, ip.bytes().length);
        }
        return new KrpcMessage.Response(tid, NodeId.of(idString.bytes()), nodes, nodes6, values, token, requester);
    }

    private static List<NodeInfo> nodes(BDict r, String key, int entryLength, byte[] tid) throws KrpcException {
        Optional<BValue> v = r.get(key);
        if (v.isEmpty()) {
            return List.of();
        }
        if (!(v.get() instanceof BString s)) {
            throw badReply("response '" + key + "' is a " + v.get().typeName() + ", not a string", tid);
        }
        if (s.bytes().length % entryLength != 0) {
            throw badReply("response '" + key + "' of " + s.bytes().length + " bytes is not a multiple of "
                    + entryLength, tid);
        }
        return CompactInfo.nodes(s.bytes(), entryLength, MAX_NODES);
    }

    private static List<InetSocketAddress> values(BDict r, byte[] tid) throws KrpcException {
        Optional<BValue> v = r.get("values");
        if (v.isEmpty()) {
            return List.of();
        }
        if (!(v.get() instanceof BList list)) {
            throw badReply("response 'values' is a " + v.get().typeName() + ", not a list", tid);
        }
        List<InetSocketAddress> values = new ArrayList<>();
        for (BValue item : list.items()) {
            if (values.size() == MAX_VALUES) {
                break;
            }
            if (item instanceof BString s) {
                CompactInfo.peer(s.bytes(), 0, s.bytes().length)
                        .filter(peer -> peer.getPort() != 0)
                        .ifPresent(values::add);
            }
        }
        return values;
    }

    private static KrpcMessage.Error error(BDict message, byte[] tid) throws KrpcException {
        Optional<BValue> e = message.get("e");
        if (e.isEmpty() || !(e.get() instanceof BList list) || list.items().isEmpty()
                || !(list.items().get(0) instanceof BInt code)) {
            throw badReply("error without a list 'e' starting with an integer code", tid);
        }
        if (code.value() < Integer.MIN_VALUE || code.value() > Integer.MAX_VALUE) {
            throw badReply("error code " + code.value() + " out of range", tid);
        }
        String text = list.items().size() > 1 && list.items().get(1) instanceof BString s
                ? printable(s.bytes(), MAX_ERROR_MESSAGE) : "";
        return new KrpcMessage.Error(tid, (int) code.value(), text);
    }

    /** At most {@code max} characters of {@code bytes}, printable ASCII kept, every other byte as {@code ?}. */
    static String printable(byte[] bytes, int max) {
        int n = Math.min(bytes.length, max);
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            int b = bytes[i] & 0xff;
            out[i] = b >= 0x20 && b < 0x7f ? (char) b : '?';
        }
        return new String(out);
    }

    // ---------------------------------------------------------------------------------------------------- encode

    /**
     * The datagram for {@code message}: canonical bencode (keys sorted), with {@code v} = {@link #clientVersion()};
     * a query carries {@code ro = 1} only when read-only, a response carries {@code ip} when it has a requester,
     * {@code announce_peer} carries {@code port} always (libtorrent requires it) and {@code implied_port = 1} when
     * set. Empty node and value lists and an absent token are left out.
     *
     * @throws IllegalArgumentException when the message breaks a wire rule a decoder would reject: transaction id
     *                                  not 1..16 bytes, token not 1..64 bytes, an announce port outside 1..65535
     *                                  without implied_port, an unresolved address
     */
    public static byte[] encode(KrpcMessage message) {
        byte[] tid = message.transactionId();
        if (tid == null || tid.length < 1 || tid.length > MAX_TRANSACTION_ID) {
            throw new IllegalArgumentException("transaction id must have 1.." + MAX_TRANSACTION_ID + " bytes");
        }
        Map<String, BValue> top = new HashMap<>();
        top.put("t", new BString(tid.clone()));
        top.put("v", new BString(CLIENT_VERSION.clone()));
        if (message instanceof KrpcMessage.Query q) {
            top.put("y", text("q"));
            top.put("q", text(q.method()));
            top.put("a", new BDict(arguments(q)));
            if (q.readOnly()) {
                top.put("ro", new BInt(1));
            }
        } else if (message instanceof KrpcMessage.Response r) {
            top.put("y", text("r"));
            top.put("r", new BDict(returnValues(r)));
            r.requester().ifPresent(ip -> top.put("ip", new BString(CompactInfo.peer(ip))));
        } else if (message instanceof KrpcMessage.Error e) {
            top.put("y", text("e"));
            top.put("e", new BList(List.of(new BInt(e.code()),
                    new BString(e.message().getBytes(StandardCharsets.UTF_8)))));
        }
        return Bencode.encode(new BDict(top));
    }

    private static Map<String, BValue> arguments(KrpcMessage.Query query) {
        Map<String, BValue> a = new HashMap<>();
        a.put("id", new BString(query.sender().bytes()));
        if (query instanceof KrpcMessage.FindNode f) {
            a.put("target", new BString(f.target().bytes()));
        } else if (query instanceof KrpcMessage.GetPeers g) {
            a.put("info_hash", new BString(g.infoHash().bytes()));
        } else if (query instanceof KrpcMessage.AnnouncePeer ap) {
            a.put("info_hash", new BString(ap.infoHash().bytes()));
            if (!ap.impliedPort() && (ap.port() < 1 || ap.port() > MAX_PORT)) {
                throw new IllegalArgumentException("announce_peer port " + ap.port() + " is not 1..65535");
            }
            a.put("port", new BInt(ap.port()));
            if (ap.impliedPort()) {
                a.put("implied_port", new BInt(1));
            }
            a.put("token", new BString(checkedToken(ap.token())));
        }
        return a;
    }

    private static Map<String, BValue> returnValues(KrpcMessage.Response response) {
        Map<String, BValue> r = new HashMap<>();
        r.put("id", new BString(response.sender().bytes()));
        byte[] nodes = CompactInfo.nodes(response.nodes());
        if (nodes.length > 0) {
            r.put("nodes", new BString(nodes));
        }
        if (!response.nodes6().isEmpty()) {
            r.put("nodes6", new BString(CompactInfo.nodes6(response.nodes6())));
        }
        if (!response.values().isEmpty()) {
            List<BValue> values = new ArrayList<>(response.values().size());
            for (InetSocketAddress peer : response.values()) {
                values.add(new BString(CompactInfo.peer(peer)));
            }
            r.put("values", new BList(values));
        }
        response.token().ifPresent(token -> r.put("token", new BString(checkedToken(token))));
        return r;
    }

    private static byte[] checkedToken(byte[] token) {
        if (token == null || token.length < 1 || token.length > MAX_TOKEN) {
            throw new IllegalArgumentException("token must have 1.." + MAX_TOKEN + " bytes");
        }
        return token.clone();
    }

    private static BString text(String ascii) {
        return new BString(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    // ------------------------------------------------------------------------------------------- compact helpers

    /** The BEP 5 {@code nodes} string for {@code nodes} (IPv4 ones; see {@link CompactInfo#nodes(List)}). */
    public static byte[] compactNodes(List<NodeInfo> nodes) {
        return CompactInfo.nodes(nodes);
    }

    /** The BEP 32 {@code nodes6} string for {@code nodes} (see {@link CompactInfo#nodes6(List)}). */
    public static byte[] compactNodes6(List<NodeInfo> nodes) {
        return CompactInfo.nodes6(nodes);
    }

    /** The compact peer info of {@code address}: 6 bytes (IPv4) or 18 (IPv6). */
    public static byte[] compactPeer(InetSocketAddress address) {
        return CompactInfo.peer(address);
    }
}
