package io.btget.peer.ext.pex;

import io.btget.bencode.BDict;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.bencode.BencodeException;
import io.btget.bencode.BencodeLimits;
import io.btget.peer.WireException;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The payload of one BEP 11 {@code ut_pex} extended message (after the BEP 10 header: message id 20 and the
 * extended id the peer gave {@code ut_pex}). A bencoded dictionary:
 * <pre>
 *   added     IPv4 contacts, 6 bytes each (4 address + 2 port, network order)   added.f   1 flag byte per contact
 *   added6    IPv6 contacts, 18 bytes each (16 address + 2 port)                added6.f  1 flag byte per contact
 *   dropped   IPv4 contacts, 6 bytes each                                       dropped6  IPv6 contacts, 18 bytes each
 * </pre>
 * Pure codec: it keeps what the bytes say (port 0, multicast, duplicates included) within its bounds; deciding which
 * contacts are usable is {@link PexReceiver}'s job.
 *
 * <p>Decoding rules, for untrusted input (BEP 11 "Security Considerations": PEX data is untrusted):
 * <ul>
 *   <li>Payload over {@link #MAX_PAYLOAD_BYTES}, not bencode, or not a dictionary: {@link WireException} (the caller
 *       drops the peer).
 *   <li>A contact list whose length is not a multiple of 6 (IPv4) or 18 (IPv6), or that is not a string: that list
 *       is ignored (with its flags), the rest of the message is used. Such a list says nothing trustworthy.
 *   <li>A flags string whose length differs from the number of contacts: the flags are ignored (contacts get 0),
 *       so flags without contacts are ignored. libtorrent instead ignores the contacts too.
 *   <li>At most {@link #MAX_ADDED} added (IPv4 first, then IPv6) and {@link #MAX_DROPPED} dropped contacts are
 *       decoded; the rest are skipped without being allocated.
 *   <li>An IPv4-mapped IPv6 contact ({@code ::ffff:a.b.c.d}) becomes the IPv4 address (Java's rule), so it is
 *       re-encoded in {@code added}/{@code dropped}.
 * </ul>
 *
 * @param added   contacts the sender connected to since its last message, with flags; never null
 * @param dropped contacts the sender disconnected from since its last message; never null
 */
public record PexMessage(List<PexPeer> added, List<InetSocketAddress> dropped) {
    /** Extension name in the BEP 10 handshake's {@code m} dictionary (BEP 11). */
    public static final String EXTENSION_NAME = "ut_pex";

    /**
     * Largest payload we decode. An honest message holds at most ~100 added contacts (libtorrent's first message;
     * BEP 11 asks for at most 50 after it) plus the peers dropped in one minute: a few KiB. 128 KiB still holds
     * over 7,000 IPv6 contacts. libtorrent disconnects a peer over 500 KiB.
     */
    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;

    /**
     * Added contacts decoded from one message (IPv4 and IPv6 together). BEP 11 allows more than 50 only in the
     * first message, and libtorrent sends at most 100 there; 200 leaves room for other clients' first messages.
     */
    public static final int MAX_ADDED = 200;

    /** Dropped contacts decoded from one message; same reasoning as {@link #MAX_ADDED}. */
    public static final int MAX_DROPPED = 200;

    static final int IPV4_ENTRY = 6;
    static final int IPV6_ENTRY = 18;

    // Depth 2 is all a PEX dictionary needs; the element count covers 6 known keys plus some unknown ones.
    private static final BencodeLimits LIMITS = new BencodeLimits(MAX_PAYLOAD_BYTES, 4, 1_000);

    public PexMessage {
        added = List.copyOf(Objects.requireNonNull(added, "added"));
        dropped = List.copyOf(Objects.requireNonNull(dropped, "dropped"));
        for (InetSocketAddress d : dropped) {
            if (d.isUnresolved()) {
                throw new IllegalArgumentException("dropped PEX address must be an IP address: " + d);
            }
        }
    }

    /** True when the message carries no contact at all (BEP 11 forbids sending such a message). */
    public boolean isEmpty() {
        return added.isEmpty() && dropped.isEmpty();
    }

    /**
     * Decodes a {@code ut_pex} payload (the bytes after the extended message id).
     *
     * @throws WireException when the payload is over {@link #MAX_PAYLOAD_BYTES}, not bencode or not a dictionary
     */
    public static PexMessage decode(byte[] payload) throws WireException {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new WireException("ut_pex message of " + payload.length + " bytes exceeds the limit of "
                    + MAX_PAYLOAD_BYTES);
        }
        BValue root;
        try {
            root = Bencode.decode(payload, LIMITS);
        } catch (BencodeException e) {
            throw new WireException("ut_pex message is not valid bencode (" + e.getMessage() + ")");
        }
        if (!(root instanceof BDict dict)) {
            throw new WireException("ut_pex message is a bencode " + root.typeName() + ", not a dictionary");
        }
        List<PexPeer> added = new ArrayList<>();
        addContacts(dict, "added", "added.f", IPV4_ENTRY, added);
        addContacts(dict, "added6", "added6.f", IPV6_ENTRY, added);
        List<InetSocketAddress> dropped = new ArrayList<>();
        dropContacts(dict, "dropped", IPV4_ENTRY, dropped);
        dropContacts(dict, "dropped6", IPV6_ENTRY, dropped);
        return new PexMessage(added, dropped);
    }

    private static void addContacts(BDict dict, String key, String flagsKey, int entrySize, List<PexPeer> into) {
        byte[] contacts = wholeEntries(dict, key, entrySize);
        if (contacts == null) {
            return;
        }
        int count = contacts.length / entrySize;
        byte[] flags = dict.get(flagsKey).orElse(null) instanceof BString f && f.bytes().length == count
                ? f.bytes() : null;
        for (int i = 0; i < count && into.size() < MAX_ADDED; i++) {
            into.add(new PexPeer(contact(contacts, i * entrySize, entrySize), flags == null ? 0 : flags[i] & 0xFF));
        }
    }

    private static void dropContacts(BDict dict, String key, int entrySize, List<InetSocketAddress> into) {
        byte[] contacts = wholeEntries(dict, key, entrySize);
        if (contacts == null) {
            return;
        }
        for (int i = 0; i < contacts.length / entrySize && into.size() < MAX_DROPPED; i++) {
            into.add(contact(contacts, i * entrySize, entrySize));
        }
    }

    /** The field's bytes when it is a string of whole entries, else null (the field is ignored). */
    private static byte[] wholeEntries(BDict dict, String key, int entrySize) {
        if (dict.get(key).orElse(null) instanceof BString s && s.bytes().length % entrySize == 0) {
            return s.bytes();
        }
        return null;
    }

    private static InetSocketAddress contact(byte[] data, int at, int entrySize) {
        int addressLength = entrySize - 2;
        byte[] address = new byte[addressLength];
        System.arraycopy(data, at, address, 0, addressLength);
        int port = ((data[at + addressLength] & 0xFF) << 8) | (data[at + addressLength + 1] & 0xFF);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 address bytes are always an address", e);
        }
    }

    /**
     * Encodes this message as a canonical bencoded dictionary. Only non-empty lists are written; every added list
     * goes with its flags list (libtorrent ignores {@code added} without a matching {@code added.f}).
     */
    public byte[] encode() {
        ByteArrayOutputStream added4 = new ByteArrayOutputStream();
        ByteArrayOutputStream flags4 = new ByteArrayOutputStream();
        ByteArrayOutputStream added6 = new ByteArrayOutputStream();
        ByteArrayOutputStream flags6 = new ByteArrayOutputStream();
        for (PexPeer peer : added) {
            boolean v4 = peer.address().getAddress() instanceof Inet4Address;
            writeContact(v4 ? added4 : added6, peer.address());
            (v4 ? flags4 : flags6).write(peer.flags());
        }
        ByteArrayOutputStream dropped4 = new ByteArrayOutputStream();
        ByteArrayOutputStream dropped6 = new ByteArrayOutputStream();
        for (InetSocketAddress d : dropped) {
            writeContact(d.getAddress() instanceof Inet4Address ? dropped4 : dropped6, d);
        }
        Map<String, BValue> root = new LinkedHashMap<>();
        putIfAny(root, "added", added4);
        putIfAny(root, "added.f", flags4);
        putIfAny(root, "added6", added6);
        putIfAny(root, "added6.f", flags6);
        putIfAny(root, "dropped", dropped4);
        putIfAny(root, "dropped6", dropped6);
        return Bencode.encode(new BDict(root));
    }

    private static void writeContact(ByteArrayOutputStream out, InetSocketAddress address) {
        out.writeBytes(address.getAddress().getAddress());
        out.write(address.getPort() >>> 8);
        out.write(address.getPort());
    }

    private static void putIfAny(Map<String, BValue> root, String key, ByteArrayOutputStream bytes) {
        if (bytes.size() > 0) {
            root.put(key, new BString(bytes.toByteArray()));
        }
    }
}
