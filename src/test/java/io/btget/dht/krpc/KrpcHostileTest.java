package io.btget.dht.krpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile datagrams against the KRPC decoder: every one ends in a {@link KrpcException} (with an error reply only
 * for a query whose transaction id could be read) or in a message within the codec's bounds; never another
 * exception, never a stack overflow or a large allocation.
 */
class KrpcHostileTest {
    private static final Path TESTDATA = Path.of(System.getProperty("btget.testdata", "testdata"), "krpc");
    private static final String ID = "2:id20:abcdefghij0123456789";
    private static final String IH = "9:info_hash20:mnopqrstuvwxyz123456";
    private static final String TAIL_Q = "1:t2:aa1:y1:qe";
    private static final String TAIL_R = "1:t2:aa1:y1:re";
    private static final String PEER = "6:\u0001\u0002\u0003\u0004\u0000\u0001";

    /** What a hostile packet must come to. */
    enum Outcome {
        /** KrpcException, dropped silently (no transaction id, or not a query). */
        DROPPED,
        /** KrpcException with an error reply 203 due. */
        REPLY_203,
        /** KrpcException with an error reply 204 due. */
        REPLY_204,
        /** A message within the bounds. */
        DECODED
    }

    static Stream<Arguments> hostilePackets() {
        return Stream.of(
                // framing
                of("empty datagram", "", Outcome.DROPPED),
                of("one byte", "d", Outcome.DROPPED),
                of("a bare string", "4:spam", Outcome.DROPPED),
                of("a bare integer", "i42e", Outcome.DROPPED),
                of("truncated query", "d1:ad" + ID + "e1:q4:pi", Outcome.DROPPED),
                of("trailing garbage", "d1:rd" + ID + "e" + TAIL_R + "garbage", Outcome.DROPPED),
                of("two messages in one datagram", "d1:rd" + ID + "e" + TAIL_R + "d1:rd" + ID + "e" + TAIL_R,
                        Outcome.DROPPED),
                of("string length beyond the packet", "d1:t999999999:aa" + "1:y1:re", Outcome.DROPPED),
                of("string length beyond 64 bits", "d1:t99999999999999999999999:aae", Outcome.DROPPED),
                of("integer beyond 64 bits", "d1:ad" + ID + IH + "4:porti99999999999999999999e5:token1:x"
                        + "e1:q13:announce_peer" + TAIL_Q, Outcome.DROPPED),
                of("leading zero", "d1:rd" + ID + "e1:t2:aa1:y1:r1:xi01ee", Outcome.DROPPED),
                of("negative zero", "d1:rd" + ID + "e1:t2:aa1:y1:r1:xi-0ee", Outcome.DROPPED),
                of("duplicate key", "d1:rd" + ID + "e1:t2:aa1:t2:bb1:y1:re", Outcome.DROPPED),
                of("key that is not a string", "di1ei2e1:t2:aa1:y1:re", Outcome.DROPPED),
                of("oversized datagram", "d1:rd" + ID + "e1:t2:aa1:v1500:" + "v".repeat(1500) + "1:y1:re",
                        Outcome.DROPPED),
                of("nesting 9 deep in v", "d1:t2:aa1:v" + "l".repeat(8) + "e".repeat(8) + "1:y1:re",
                        Outcome.DROPPED),
                of("nesting 700 deep", "d1:t2:aa1:v" + "l".repeat(700) + "e".repeat(700) + "1:y1:re",
                        Outcome.DROPPED),
                of("700 empty lists in v (element bomb)", "d1:t2:aa1:vl" + "le".repeat(700) + "e1:y1:re",
                        Outcome.DROPPED),
                // transaction id and type
                of("no t", "d1:ad" + ID + "e1:q4:ping1:y1:qe", Outcome.DROPPED),
                of("empty t", "d1:ad" + ID + "e1:q4:ping1:t0:1:y1:qe", Outcome.DROPPED),
                of("t of 17 bytes", "d1:ad" + ID + "e1:q4:ping1:t17:" + "t".repeat(17) + "1:y1:qe", Outcome.DROPPED),
                of("t an integer", "d1:ad" + ID + "e1:q4:ping1:ti1e1:y1:qe", Outcome.DROPPED),
                of("t a dictionary", "d1:ad" + ID + "e1:q4:ping1:tde1:y1:qe", Outcome.DROPPED),
                of("y a list", "d1:ad" + ID + "e1:q4:ping1:t2:aa1:yl1:qee", Outcome.DROPPED),
                of("y unknown", "d1:ad" + ID + "e1:q4:ping1:t2:aa1:y1:ze", Outcome.DROPPED),
                // queries
                of("method a list", "d1:ad" + ID + "e1:ql4:pinge" + TAIL_Q, Outcome.REPLY_203),
                of("method binary", "d1:ad" + ID + "e1:q4:\u0000\u00ff\n\u0007" + TAIL_Q, Outcome.REPLY_204),
                of("method 1000 bytes", "d1:ad" + ID + "e1:q1000:" + "m".repeat(1000) + TAIL_Q, Outcome.REPLY_204),
                of("a a string", "d1:a4:spam1:q4:ping" + TAIL_Q, Outcome.REPLY_203),
                of("id an integer", "d1:ad2:idi1ee1:q4:ping" + TAIL_Q, Outcome.REPLY_203),
                of("id 21 bytes", "d1:ad2:id21:abcdefghij0123456789xe1:q4:ping" + TAIL_Q, Outcome.REPLY_203),
                of("target a list", "d1:ad" + ID + "6:targetl20:mnopqrstuvwxyz123456ee1:q9:find_node" + TAIL_Q,
                        Outcome.REPLY_203),
                of("info_hash empty", "d1:ad" + ID + "9:info_hash0:e1:q9:get_peers" + TAIL_Q, Outcome.REPLY_203),
                of("announce port negative", "d1:ad" + ID + IH + "4:porti-1e5:token1:xe1:q13:announce_peer" + TAIL_Q,
                        Outcome.REPLY_203),
                of("announce implied_port a string", "d1:ad" + ID + "12:implied_port1:1" + IH
                        + "4:porti1e5:token1:xe1:q13:announce_peer" + TAIL_Q, Outcome.REPLY_203),
                of("announce token of 65 bytes", "d1:ad" + ID + IH + "4:porti1e5:token65:" + "k".repeat(65)
                        + "e1:q13:announce_peer" + TAIL_Q, Outcome.REPLY_203),
                of("announce token a dict", "d1:ad" + ID + IH + "4:porti1e5:tokendee1:q13:announce_peer" + TAIL_Q,
                        Outcome.REPLY_203),
                // responses
                of("r a list", "d1:rl" + ID + "e" + TAIL_R, Outcome.DROPPED),
                of("nodes of 25 bytes", "d1:rd" + ID + "5:nodes25:" + "n".repeat(25) + "e" + TAIL_R,
                        Outcome.DROPPED),
                of("nodes of 53 bytes", "d1:rd" + ID + "5:nodes53:" + "n".repeat(53) + "e" + TAIL_R,
                        Outcome.DROPPED),
                of("nodes a list of nodes", "d1:rd" + ID + "5:nodesl26:" + "n".repeat(26) + "ee" + TAIL_R,
                        Outcome.DROPPED),
                of("nodes6 of 26 bytes", "d1:rd" + ID + "6:nodes626:" + "n".repeat(26) + "e" + TAIL_R,
                        Outcome.DROPPED),
                of("response token of 65 bytes", "d1:rd" + ID + "5:token65:" + "k".repeat(65) + "e" + TAIL_R,
                        Outcome.DROPPED),
                of("values a string", "d1:rd" + ID + "6:values" + PEER + "e" + TAIL_R, Outcome.DROPPED),
                of("values a dict", "d1:rd" + ID + "6:valuesd1:x" + PEER + "ee" + TAIL_R, Outcome.DROPPED),
                of("400 one-byte values", "d1:rd" + ID + "6:valuesl" + "1:x".repeat(400) + "ee" + TAIL_R,
                        Outcome.DECODED),
                of("180 peers (as many as fit)", "d1:rd" + ID + "6:valuesl" + PEER.repeat(180) + "ee" + TAIL_R,
                        Outcome.DECODED),
                of("values of every type", "d1:rd" + ID + "6:valuesli1eledel" + PEER + "e" + PEER + "ee" + TAIL_R,
                        Outcome.DECODED),
                of("55 nodes (as many as fit)", "d1:rd" + ID + "5:nodes1430:" + node().repeat(55) + "e" + TAIL_R,
                        Outcome.DECODED),
                of("ip of 5 bytes", "d2:ip5:abcde1:rd" + ID + "e" + TAIL_R, Outcome.DECODED),
                of("ip a list", "d2:ipl6:abcdefe1:rd" + ID + "e" + TAIL_R, Outcome.DECODED),
                // errors
                of("e a string", "d1:e5:oops!1:t2:aa1:y1:ee", Outcome.DROPPED),
                of("e empty", "d1:ele1:t2:aa1:y1:ee", Outcome.DROPPED),
                of("e code a string", "d1:el3:2015:oops!e1:t2:aa1:y1:ee", Outcome.DROPPED),
                of("e code beyond 32 bits", "d1:eli4294967497e5:oops!e1:t2:aa1:y1:ee", Outcome.DROPPED),
                of("e message binary and long", "d1:eli201e1400:" + "\u0000\u001b[2J".repeat(280)
                        + "e1:t2:aa1:y1:ee", Outcome.DECODED),
                of("e message a dict", "d1:eli201edee1:t2:aa1:y1:ee", Outcome.DECODED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostilePackets")
    void hostilePacketHasItsOutcome(String name, byte[] packet, Outcome expected) {
        assertThat(outcome(packet)).as(name).isEqualTo(expected);
    }

    @Test
    void everyTruncationOfARealPacketIsDropped() throws IOException {
        for (byte[] packet : libtorrentPackets()) {
            for (int length = 0; length < packet.length; length++) {
                assertThat(outcome(packet, length)).as("first %d of %d bytes", length, packet.length)
                        .isEqualTo(Outcome.DROPPED);
            }
        }
    }

    @Test
    void everySingleByteDatagramIsDropped() {
        for (int b = 0; b < 256; b++) {
            assertThat(outcome(new byte[] {(byte) b})).isEqualTo(Outcome.DROPPED);
        }
    }

    /**
     * Each key of each real packet, at every level, replaced by a value of each other bencode type: the result is
     * always a KrpcException or a bounded message.
     */
    @Test
    void wrongTypesEverywhereNeverEscapeAsAnotherException() throws IOException {
        List<BValue> replacements = List.of(new BInt(-1), new BInt(0), new BString(new byte[0]),
                new BString(new byte[20]), new BList(List.of()), new BDict(Map.of()));
        int cases = 0;
        for (byte[] packet : libtorrentPackets()) {
            BDict root = (BDict) Bencode.decode(packet);
            for (List<String> path : paths(root, List.of())) {
                for (BValue replacement : replacements) {
                    outcome(Bencode.encode(replace(root, path, 0, replacement)));
                    cases++;
                }
            }
        }
        assertThat(cases).isGreaterThan(300);
    }

    /** Deterministic byte-level mutations of real packets (a cheap, repeatable fuzz run in every test run). */
    @Test
    void randomMutationsOfRealPacketsNeverEscapeAsAnotherException() throws IOException {
        Random random = new Random(20261130);
        List<byte[]> packets = libtorrentPackets();
        for (int i = 0; i < 20_000; i++) {
            byte[] p = packets.get(random.nextInt(packets.size())).clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(p.length);
                switch (random.nextInt(3)) {
                    case 0 -> p[at] = (byte) random.nextInt(256);
                    case 1 -> p[at] = (byte) "0123456789:deil".charAt(random.nextInt(15));
                    default -> p[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            outcome(p);
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static Outcome outcome(byte[] packet) {
        return outcome(packet, packet.length);
    }

    /** Decodes, checks the bounds of whatever comes out, and says which outcome it was. */
    private static Outcome outcome(byte[] packet, int length) {
        KrpcMessage m;
        try {
            m = KrpcCodec.decode(packet, length);
        } catch (KrpcException e) {
            assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(300);
            if (!e.wasQuery()) {
                assertThat(KrpcCodec.errorReply(e)).isEmpty();
                return Outcome.DROPPED;
            }
            assertThat(KrpcCodec.errorReply(e)).isPresent();
            return e.code() == KrpcException.METHOD_UNKNOWN ? Outcome.REPLY_204 : Outcome.REPLY_203;
        } catch (RuntimeException | StackOverflowError e) {
            return fail("decoding threw " + e + " instead of a KrpcException");
        }
        if (m instanceof KrpcMessage.Response r) {
            assertThat(r.nodes().size() + r.nodes6().size()).isLessThanOrEqualTo(2 * KrpcCodec.MAX_NODES);
            assertThat(r.values()).hasSizeLessThanOrEqualTo(KrpcCodec.MAX_VALUES);
        } else if (m instanceof KrpcMessage.Error e) {
            assertThat(e.message()).hasSizeLessThanOrEqualTo(KrpcCodec.MAX_ERROR_MESSAGE).matches("[ -~]*");
        }
        assertThat(KrpcCodec.encode(m)).isNotEmpty(); // what decodes always re-encodes
        return Outcome.DECODED;
    }

    private static Arguments of(String name, String latin1, Outcome outcome) {
        return Arguments.of(name, latin1.getBytes(StandardCharsets.ISO_8859_1), outcome);
    }

    private static String node() {
        return "abcdefghij0123456789\u0001\u0002\u0003\u0004\u001a\u00e1";
    }

    private static List<byte[]> libtorrentPackets() throws IOException {
        List<byte[]> packets = new ArrayList<>();
        try (Stream<Path> files = Files.list(TESTDATA)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".bin")).sorted().toList()) {
                packets.add(Files.readAllBytes(file));
            }
        }
        assertThat(packets).hasSizeGreaterThan(5);
        return packets;
    }

    /** Every key path in {@code dict}, depth first: [a], [a, id], [a, info_hash], ... */
    private static List<List<String>> paths(BDict dict, List<String> prefix) {
        List<List<String>> paths = new ArrayList<>();
        for (Map.Entry<String, BValue> e : dict.entries().entrySet()) {
            List<String> path = new ArrayList<>(prefix);
            path.add(e.getKey());
            paths.add(path);
            if (e.getValue() instanceof BDict inner) {
                paths.addAll(paths(inner, path));
            }
        }
        return paths;
    }

    private static BDict replace(BDict dict, List<String> path, int depth, BValue replacement) {
        Map<String, BValue> entries = new LinkedHashMap<>(dict.entries());
        String key = path.get(depth);
        entries.put(key, depth == path.size() - 1 ? replacement
                : replace((BDict) entries.get(key), path, depth + 1, replacement));
        return new BDict(entries);
    }
}
