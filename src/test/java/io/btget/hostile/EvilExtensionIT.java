package io.btget.hostile;

import static io.btget.hostile.Ben.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.btget.bencode.BDict;
import io.btget.bencode.BString;
import io.btget.hostile.ExtConn.Observed;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension protocol (BEP 10), peer exchange (BEP 11) and the Fast extension (BEP 6) against hostile peers,
 * while btget downloads a .torrent. Each test is one btget run against a crowd of evil peers (one case each) and
 * an honest seeder that holds its pieces back until every case has been played. Every evil peer must be dropped
 * (where the BEP or the contract says so) or what it said ignored; btget prints no stack trace, stays within a
 * 64 MiB heap, never dials what it must not, and completes the download.
 */
@Tag("interop")
class EvilExtensionIT {
    /** 512 KiB in 16 pieces of 32 KiB. */
    private static final TestSwarm SWARM = new TestSwarm("ext.bin", 512 << 10, 32 << 10, 13);
    /** The same shape, private (BEP 27). */
    private static final TestSwarm PRIVATE = new TestSwarm("private.bin", 256 << 10, 32 << 10, 14, 0, true);
    /** The longest the honest seeder waits for the cases to be played before it serves anyway. */
    private static final int GATE_MS = 15_000;
    /**
     * How long everyone still holds back once every case was played: a peer that must be dropped has to be hung
     * up on before any piece is served (else btget's exit at the end would pass for a drop).
     */
    private static final int GRACE_MS = 2000;
    /** How soon a peer the contract says must be dropped has to be hung up on. */
    private static final double DROP_WITHIN_SECONDS = 10;
    /** 70000 as a 16-bit port (a listen port {@code p} taken modulo 2^16 would be this). */
    private static final int PORT_70000_TRUNCATED = 70000 & 0xffff;
    /** Extended ids we give in an honest {@code m}: the only ones btget may use with us. */
    private static final Set<Integer> OUR_IDS = Set.of(ExtConn.OUR_UT_PEX, ExtConn.OUR_UT_METADATA);

    @TempDir
    Path dir;

    private final List<FakePeer> peers = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Throwable> dialErrors = new CopyOnWriteArrayList<>();
    /** When the first peer began to serve pieces (nanoTime; 0 = not yet): drops must come before. */
    private final java.util.concurrent.atomic.AtomicLong servingAt = new java.util.concurrent.atomic.AtomicLong();

    @AfterEach
    void closeAll() throws Exception {
        for (FakePeer p : peers) {
            p.close();
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    enum Expect { DROPPED, DROPPED_OR_IGNORED }

    /** One hostile case: the peer, what btget must do, the extended ids btget may use with it. */
    record Case(String name, Expect expect, Set<Integer> allowedIds, Observed seen, FakePeer peer) {
    }

    @FunctionalInterface
    interface Evil {
        void play(ExtConn x) throws IOException, InterruptedException;
    }

    /** A peer btget dials that plays {@code play} after the BitTorrent handshake (with {@code reserved} bits). */
    private Case evil(Map<String, Case> cases, CountDownLatch gate, String name, Expect expect, Set<Integer> allowedIds,
            TestSwarm swarm, byte[] reserved, Evil play) throws IOException {
        Observed seen = new Observed(gate);
        FakePeer p = new FakePeer(swarm, c -> {
            ExtConn x = new ExtConn(c, seen);
            x.acceptHandshake(reserved);
            play.play(x);
        });
        peers.add(p);
        Case k = new Case(name, expect, allowedIds, seen, p);
        cases.put(name, k);
        return k;
    }

    /**
     * Reads (recording) until {@code gate} opens, then for the grace period; then notes that serving begins and
     * answers what btget said meanwhile as a seeder would.
     */
    private void awaitGate(ExtConn x, CountDownLatch gate, int millis) throws IOException {
        awaitGates(x, millis, gate);
    }

    /** As {@link #awaitGate}, for several gates in turn ({@code millis} at most each), with one grace period. */
    private void awaitGates(ExtConn x, int millis, CountDownLatch... gates) throws IOException {
        // nothing is answered meanwhile (an UNCHOKE could let btget finish before a drop is due): kept for later
        List<Wire.Frame> held = new ArrayList<>();
        for (CountDownLatch gate : gates) {
            x.readUntil(gate, millis, held::add);
        }
        x.readUntil(new CountDownLatch(1), GRACE_MS, held::add);
        servingAt.compareAndSet(0, System.nanoTime());
        for (Wire.Frame f : held) {
            x.answer(f, x.swarm.infoBytes);
        }
    }

    /** After its hostile part: wait for the gate (recording), then seed honestly. */
    private void thenSeed(ExtConn x, CountDownLatch gate) throws IOException {
        awaitGate(x, gate, GATE_MS);
        x.send(Wire.fullBitfield(x.swarm.pieceCount));
        x.serve(null);
    }

    /** The honest seeder: extension protocol, no Fast; holds its pieces back until {@code gates} open. */
    private FakePeer honestSeeder(TestSwarm swarm, Observed seen, int millis, CountDownLatch... gates)
            throws IOException {
        FakePeer p = new FakePeer(swarm, c -> {
            ExtConn x = new ExtConn(c, seen);
            x.acceptHandshake(Wire.reserved(true, false));
            x.sendExtendedHandshake(ExtConn.honestExtendedHandshake(swarm.infoBytes.length));
            awaitGates(x, millis, gates);
            x.send(Wire.fullBitfield(swarm.pieceCount));
            x.serve(swarm.infoBytes);
        });
        peers.add(p);
        return p;
    }

    /** A peer that only listens and counts who dials it (a PEX entry btget may dial when it is valid). */
    private FakePeer canary(TestSwarm swarm, CountDownLatch dialled) throws IOException {
        FakePeer p = new FakePeer(swarm, c -> {
            dialled.countDown();
            c.acceptHandshake();
            while (c.in.read() >= 0) {
                // until btget hangs up
            }
        });
        peers.add(p);
        return p;
    }

    private BtgetProcess download(TestSwarm swarm, int port, List<FakePeer> dial) throws IOException {
        List<String> args = new ArrayList<>(List.of("download", swarm.writeTorrent(dir).toString(), "-d",
                dir.resolve("out").toString(), "--json", "--bind", "127.0.0.1", "-p", Integer.toString(port),
                "--stall-timeout", "40s"));
        for (FakePeer p : dial) {
            args.addAll(List.of("--peer", p.address()));
        }
        return BtgetProcess.start(dir.resolve("logs"), List.of("-Xmx64m"), args);
    }

    /** The run completed, byte for byte, without a stack trace. */
    private static void assertCompleted(BtgetProcess btget, TestSwarm swarm, Path out) throws Exception {
        int code = btget.waitFor(60);
        assertThat(code).as("exit code; stderr %s; stdout %s", btget.stderr(), btget.stdout()).isZero();
        assertThat(Files.readAllBytes(out.resolve(swarm.name))).isEqualTo(swarm.data);
        assertThat(btget.stackTraceLines()).as("stack trace on stderr").isEmpty();
    }

    /** Each case was played, dropped where it must be, and btget used no extended id we did not give it. */
    private void assertCases(SoftAssertions soft, Map<String, Case> cases) {
        for (Case k : cases.values()) {
            soft.assertThat(k.seen().exercised).as("%s: the case was played (btget dialled the peer)", k.name())
                    .isTrue();
            if (k.expect() == Expect.DROPPED) {
                long closed = k.seen().closedAt;
                soft.assertThat(k.seen().closedWithin(DROP_WITHIN_SECONDS) && closed < servingAt.get())
                        .as("%s: btget hung up within %s s, before any piece was served", k.name(),
                                DROP_WITHIN_SECONDS).isTrue();
            }
            soft.assertThat(k.seen().extendedIdsUsed).as("%s: extended ids btget sent (we gave %s)", k.name(),
                    k.allowedIds()).allMatch(k.allowedIds()::contains);
            soft.assertThat(k.peer().scriptErrors()).as("%s: fake peer errors", k.name()).isEmpty();
        }
        soft.assertThat(dialErrors).as("errors of the peers that dialled btget").isEmpty();
    }

    /** btget's reserved bits as the contract says: the extension protocol and the Fast extension. */
    private static void assertReservedBits(SoftAssertions soft, Observed seen) {
        soft.assertThat(seen.reserved).as("btget's handshakes").isNotEmpty();
        for (byte[] r : seen.reserved) {
            soft.assertThat(Wire.hasExtensionBit(r)).as("extension protocol bit (reserved[5] & 0x10)").isTrue();
            soft.assertThat(Wire.hasFastBit(r)).as("Fast extension bit (reserved[7] & 0x04)").isTrue();
        }
    }

    /** btget's {@code m}, from its extended handshake to {@code seen}; empty when it sent none. */
    private static Map<String, Long> btgetM(Observed seen) {
        Map<String, Long> m = new LinkedHashMap<>();
        seen.extendedHandshake().flatMap(d -> d.get("m")).filter(BDict.class::isInstance).map(BDict.class::cast)
                .ifPresent(d -> d.entries().forEach((k, v) -> {
                    if (v instanceof io.btget.bencode.BInt i) {
                        m.put(k, i.value());
                    }
                }));
        return m;
    }

    /** The IPv4 and IPv6 peers in the {@code added} and {@code added6} of a PEX payload btget sent. */
    private static List<InetSocketAddress> pexAdded(byte[] payload) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (!(ExtConn.decode(payload) instanceof BDict d)) {
            return out;
        }
        for (Map.Entry<String, Integer> e : Map.of("added", 4, "added6", 16).entrySet()) {
            d.get(e.getKey()).filter(BString.class::isInstance).map(v -> ((BString) v).bytes()).ifPresent(b -> {
                int size = e.getValue() + 2;
                for (int i = 0; i + size <= b.length; i += size) {
                    try {
                        out.add(new InetSocketAddress(java.net.InetAddress.getByAddress(
                                java.util.Arrays.copyOfRange(b, i, i + e.getValue())),
                                ((b[i + size - 2] & 0xff) << 8) | (b[i + size - 1] & 0xff)));
                    } catch (java.net.UnknownHostException ex) {
                        throw new IllegalStateException(ex);
                    }
                }
            });
        }
        return out;
    }

    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ---- BEP 10: hostile extended handshakes ----

    private static byte[] withM(Object... kv) {
        Map<String, Object> d = map("m", map("ut_metadata", ExtConn.OUR_UT_METADATA, "ut_pex", ExtConn.OUR_UT_PEX));
        for (int i = 0; i < kv.length; i += 2) {
            d.put((String) kv[i], kv[i + 1]);
        }
        return Ben.encode(d);
    }

    @Test
    @Timeout(90)
    void hostileExtendedHandshakesAreDroppedOrIgnored() throws Exception {
        Map<String, byte[]> dropped = new LinkedHashMap<>();
        dropped.put("m is a string", Ben.encode(map("m", "ut_metadata")));
        dropped.put("m is a list", Ben.encode(map("m", List.of("ut_pex", 1))));
        dropped.put("m is an integer", Ben.encode(map("m", 1)));
        dropped.put("the handshake is a list, not a dictionary", Ben.encode(List.of(map("m", map("ut_pex", 1)))));
        byte[] noise = random(64, 3);
        noise[0] = 'x';
        dropped.put("the handshake is not bencode", noise);
        Map<String, byte[]> ignoredNoIds = new LinkedHashMap<>();
        ignoredNoIds.put("ids outside 0..255", Ben.encode(map("m", map("lt_donthave", 1L << 40, "ut_metadata", 256,
                "ut_pex", -1))));
        ignoredNoIds.put("ids that are not integers", Ben.encode(map("m", map("ut_metadata", "3",
                "ut_pex", List.of(1)))));
        // two extensions under one id: neither can be told apart, so neither may be used (contract: ignored)
        ignoredNoIds.put("one id for two extensions", Ben.encode(map("m", map("ut_metadata", 7, "ut_pex", 7))));
        Map<String, byte[]> ignored = new LinkedHashMap<>();
        ignored.put("reqq -1", withM("reqq", -1));
        ignored.put("reqq 0", withM("reqq", 0));
        ignored.put("reqq 2^40", withM("reqq", 1L << 40));
        ignored.put("yourip empty", withM("yourip", new byte[0]));
        ignored.put("yourip of 5 bytes", withM("yourip", new byte[] {127, 0, 0, 1, 1}));
        ignored.put("yourip of 17 bytes", withM("yourip", new byte[17]));
        ignored.put("yourip not a string", withM("yourip", 2130706433));
        ignored.put("p = 0", withM("p", 0));
        ignored.put("p = 70000", withM("p", 70000));
        ignored.put("p = -1", withM("p", -1));
        ignored.put("v of 64 KiB of control characters", withM("v", new byte[64 << 10]));

        int all = dropped.size() + ignoredNoIds.size() + ignored.size() + 2;
        CountDownLatch gate = new CountDownLatch(all);
        Map<String, Case> cases = new LinkedHashMap<>();
        Map<String, byte[]> everything = new LinkedHashMap<>();
        everything.putAll(dropped);
        everything.putAll(ignoredNoIds);
        everything.putAll(ignored);
        for (Map.Entry<String, byte[]> e : everything.entrySet()) {
            Expect expect = dropped.containsKey(e.getKey()) ? Expect.DROPPED : Expect.DROPPED_OR_IGNORED;
            Set<Integer> allowed = ignored.containsKey(e.getKey()) ? OUR_IDS : Set.of();
            evil(cases, gate, e.getKey(), expect, allowed, SWARM, Wire.reserved(true, false), x -> {
                x.sendExtendedHandshake(e.getValue());
                x.observed.exercised();
                thenSeed(x, gate);
            });
        }
        Observed honestSeen = new Observed();
        FakePeer honest = honestSeeder(SWARM, honestSeen, GATE_MS, gate);
        // a listener where a p of 70000 taken modulo 2^16 would send btget (skipped if that port is taken)
        Loopback.Watcher truncated = Loopback.Watcher.tryOn(PORT_70000_TRUNCATED);
        if (truncated != null) {
            closeables.add(truncated);
        }
        int port = Loopback.freePort();
        List<FakePeer> dial = new ArrayList<>(cases.values().stream().map(Case::peer).toList());
        dial.add(honest);
        Path out = dir.resolve("out");
        try (BtgetProcess btget = download(SWARM, port, dial)) {
            Loopback.awaitListening(port, btget);
            // incoming connections: the listen port a peer gives in p is what btget would redial and hand out
            Map<String, Observed> incoming = new LinkedHashMap<>();
            for (long p : new long[] {0, 70000}) {
                String name = "p = " + p + " on an incoming connection";
                Observed seen = new Observed(gate);
                incoming.put(name, seen);
                Thread t = new Thread(() -> {
                    // btget listens before its torrent is ready to take peers (start-up check), and refuses
                    // incoming handshakes meanwhile: dial again until the handshake goes through
                    for (int attempt = 0; attempt < 40 && !seen.exercised.get(); attempt++) {
                        try {
                            FakePeer.dial(port, SWARM, c -> {
                                ExtConn x = new ExtConn(c, seen);
                                x.openHandshake(Wire.reserved(true, false));
                                x.sendExtendedHandshake(withM("p", p));
                                seen.exercised();
                                thenSeed(x, gate);
                            });
                        } catch (IOException e) {
                            // refused before the handshake (retried), or btget hung up, or the run ended
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException | Error e) {
                            dialErrors.add(e);
                            return;
                        }
                        try {
                            Thread.sleep(250);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "incoming-" + p);
                t.setDaemon(true);
                t.start();
            }
            assertCompleted(btget, SWARM, out);

            SoftAssertions soft = new SoftAssertions();
            assertCases(soft, cases);
            incoming.forEach((name, seen) -> {
                soft.assertThat(seen.exercised).as("%s: played", name).isTrue();
                soft.assertThat(seen.extendedIdsUsed).as("%s: extended ids btget sent", name)
                        .allMatch(OUR_IDS::contains);
            });
            if (truncated != null) {
                soft.assertThat(truncated.accepted()).as("connections to port 70000 mod 2^16").isZero();
            }
            // what btget hands out by PEX never has a port of 0 or a truncated 70000, nor the recipient itself
            for (byte[] pex : honestSeen.pexPayloads) {
                for (InetSocketAddress a : pexAdded(pex)) {
                    soft.assertThat(a.getPort()).as("port of a peer btget sent by PEX: %s", a)
                            .isNotIn(0, PORT_70000_TRUNCATED, honest.port());
                }
            }
            // the contract: both bits, and an extended handshake naming ut_metadata and ut_pex
            assertReservedBits(soft, honestSeen);
            Map<String, Long> m = btgetM(honestSeen);
            soft.assertThat(m).as("btget's m").containsKeys("ut_metadata", "ut_pex");
            soft.assertThat(m.values()).as("btget's extended ids").allMatch(id -> id >= 1 && id <= 255);
            soft.assertThat(honest.scriptErrors()).isEmpty();
            soft.assertAll();
        }
    }

    // ---- BEP 11: hostile PEX ----

    /** {@code count} distinct loopback addresses 127.{net}.x.y on port 9 (discard: nothing listens there). */
    private static byte[] deadPeers(int net, int count) {
        InetSocketAddress[] a = new InetSocketAddress[count];
        for (int i = 0; i < count; i++) {
            a[i] = Wire.address("127." + net + "." + (i / 250) + "." + (i % 250 + 1), 9);
        }
        return Wire.compact(a);
    }

    private static byte[] flags(int count) {
        byte[] f = new byte[count];
        java.util.Arrays.fill(f, (byte) 0x10);
        return f;
    }

    /** Sends each PEX payload (to btget's ut_pex id, or id 1 if it gave none), then waits for the gate. */
    private Evil sendingPex(CountDownLatch gate, byte[]... payloads) {
        return x -> {
            x.sendExtendedHandshake(Ben.encode(map("m", map("ut_pex", ExtConn.OUR_UT_PEX))));
            x.awaitBtgetHandshake(3000);
            int id = x.btgetId("ut_pex", 1);
            for (byte[] p : payloads) {
                x.send(Wire.extended(id, p));
            }
            x.observed.exercised();
            awaitGate(x, gate, GATE_MS);
            x.drain();
        };
    }

    @Test
    @Timeout(90)
    void hostilePexEntriesAreIgnoredAndNeverDialled() throws Exception {
        int port = Loopback.freePort();
        Loopback.Watcher unroutable = new Loopback.Watcher(0);
        closeables.add(unroutable);
        int w = unroutable.port();
        CountDownLatch canaries = new CountDownLatch(2);
        FakePeer canaryBesideOurOwn = canary(SWARM, canaries);
        FakePeer canaryBesideUnroutable = canary(SWARM, canaries);
        CountDownLatch gate = new CountDownLatch(9);
        Map<String, Case> cases = new LinkedHashMap<>();
        byte[] ext = Wire.reserved(true, false);
        evil(cases, gate, "5000 entries in one message", Expect.DROPPED_OR_IGNORED, Set.of(ExtConn.OUR_UT_PEX), SWARM,
                ext, sendingPex(gate, Ben.encode(map("added", deadPeers(66, 5000), "added.f", flags(5000)))));
        byte[][] flood = new byte[100][];
        for (int i = 0; i < flood.length; i++) {
            flood[i] = Ben.encode(map("added", deadPeers(67 + i / 50, 50), "added.f", flags(50)));
        }
        evil(cases, gate, "100 messages at once (a flood)", Expect.DROPPED, Set.of(ExtConn.OUR_UT_PEX), SWARM, ext,
                sendingPex(gate, flood));
        evil(cases, gate, "added of 7 bytes", Expect.DROPPED_OR_IGNORED, Set.of(ExtConn.OUR_UT_PEX), SWARM, ext,
                sendingPex(gate, Ben.encode(map("added", java.util.Arrays.copyOf(deadPeers(70, 2), 7)))));
        evil(cases, gate, "added6 of 23 bytes", Expect.DROPPED_OR_IGNORED, Set.of(ExtConn.OUR_UT_PEX), SWARM, ext,
                sendingPex(gate, Ben.encode(map("added6", new byte[23]))));
        evil(cases, gate, "added.f without added", Expect.DROPPED_OR_IGNORED, Set.of(ExtConn.OUR_UT_PEX), SWARM, ext,
                sendingPex(gate, Ben.encode(map("added.f", flags(10)))));
        evil(cases, gate, "dropped of 5 bytes, added not a string", Expect.DROPPED_OR_IGNORED,
                Set.of(ExtConn.OUR_UT_PEX), SWARM, ext, sendingPex(gate, Ben.encode(map("added", 5, "dropped",
                        new byte[5]))));
        evil(cases, gate, "not a dictionary", Expect.DROPPED_OR_IGNORED, Set.of(ExtConn.OUR_UT_PEX), SWARM, ext,
                sendingPex(gate, Ben.encode(List.of(1, 2, 3)), random(100, 4)));
        evil(cases, gate, "btget's own address", Expect.DROPPED_OR_IGNORED, Set.of(ExtConn.OUR_UT_PEX), SWARM, ext,
                sendingPex(gate, Ben.encode(map("added", Wire.compact(Wire.address("127.0.0.1", port),
                        Wire.address("127.0.0.1", canaryBesideOurOwn.port())), "added.f", flags(2)))));
        evil(cases, gate, "multicast, broadcast, unspecified addresses and port 0", Expect.DROPPED_OR_IGNORED,
                Set.of(ExtConn.OUR_UT_PEX), SWARM, ext, sendingPex(gate, Ben.encode(map(
                        "added", Wire.compact(Wire.address("224.0.0.1", w), Wire.address("239.255.255.250", w),
                                Wire.address("255.255.255.255", w), Wire.address("0.0.0.0", w),
                                Wire.address("127.0.0.1", 0),
                                Wire.address("127.0.0.1", canaryBesideUnroutable.port())),
                        "added.f", flags(6),
                        "added6", Wire.compact(Wire.address("ff02::1", w), Wire.address("::", w))))));
        assertThat(cases).hasSize((int) gate.getCount());
        Observed honestSeen = new Observed();
        // the honest seeder waits for every case, then for the valid entries to be dialled (10 s at most each)
        FakePeer honest = honestSeeder(SWARM, honestSeen, 10_000, gate, canaries);
        List<FakePeer> dial = new ArrayList<>(cases.values().stream().map(Case::peer).toList());
        dial.add(honest);
        Path out = dir.resolve("out");
        try (BtgetProcess btget = download(SWARM, port, dial)) {
            assertCompleted(btget, SWARM, out);
            SoftAssertions soft = new SoftAssertions();
            assertCases(soft, cases);
            soft.assertThat(canaryBesideOurOwn.connections()).as("a valid PEX entry next to btget's own address was"
                    + " dialled (the message was read)").isPositive();
            soft.assertThat(canaryBesideUnroutable.connections()).as("a valid PEX entry next to multicast and"
                    + " broadcast ones was dialled (the message was read)").isPositive();
            soft.assertThat(unroutable.accepted()).as("connections to the unspecified address 0.0.0.0 / :: "
                    + "(Linux routes them to the loopback)").isZero();
            List<String> self = Loopback.socketsWithRemotePort(port);
            if (self != null) {
                // nobody but btget itself could have connected to btget's port in this run
                soft.assertThat(self).as("connections to btget's own listen port (btget dialled itself)").isEmpty();
            }
            soft.assertThat(btgetM(honestSeen)).as("btget's m (a public torrent)").containsKey("ut_pex");
            soft.assertAll();
        }
    }

    @Test
    @Timeout(60)
    void onAPrivateTorrentPexIsNeitherOfferedNorHeeded() throws Exception {
        CountDownLatch dialled = new CountDownLatch(1);
        FakePeer canary = canary(PRIVATE, dialled);
        CountDownLatch gate = new CountDownLatch(1);
        Map<String, Case> cases = new LinkedHashMap<>();
        Case pex = evil(cases, gate, "PEX on a private torrent", Expect.DROPPED_OR_IGNORED, Set.of(), PRIVATE,
                Wire.reserved(true, false), sendingPex(gate, Ben.encode(map("added",
                        Wire.compact(Wire.address("127.0.0.1", canary.port())), "added.f", flags(1)))));
        Observed honestSeen = new Observed();
        // waits for the case, then 3 s in which btget could wrongly dial the peer it was offered
        FakePeer honest = honestSeeder(PRIVATE, honestSeen, 3000, gate, dialled);
        try (BtgetProcess btget = download(PRIVATE, Loopback.freePort(), List.of(pex.peer(), honest))) {
            assertCompleted(btget, PRIVATE, dir.resolve("out"));
            SoftAssertions soft = new SoftAssertions();
            assertCases(soft, cases);
            soft.assertThat(canary.connections()).as("a peer learned by PEX on a private torrent (BEP 27)").isZero();
            soft.assertThat(honestSeen.extendedHandshake()).as("btget's extended handshake").isPresent();
            Map<String, Long> m = btgetM(honestSeen);
            soft.assertThat(m).as("btget's m on a private torrent").containsKey("ut_metadata");
            soft.assertThat(m.getOrDefault("ut_pex", 0L)).as("ut_pex in btget's m on a private torrent").isZero();
            soft.assertThat(honestSeen.pexPayloads).as("PEX btget sent on a private torrent").isEmpty();
            soft.assertAll();
        }
    }

    // ---- BEP 6: hostile Fast messages ----

    @Test
    @Timeout(90)
    void hostileFastMessagesAreDroppedOrIgnored() throws Exception {
        int n = SWARM.pieceCount;
        CountDownLatch gate = new CountDownLatch(9);
        Map<String, Case> cases = new LinkedHashMap<>();
        byte[] noFast = Wire.reserved(true, false);
        byte[] fast = Wire.reserved(true, true);
        // BEP 6: with the extension off, a peer receiving any of these MUST close the connection
        Map<String, byte[]> withoutTheBit = new LinkedHashMap<>();
        withoutTheBit.put("HAVE_ALL without the Fast bit", Wire.frame(Wire.HAVE_ALL));
        withoutTheBit.put("HAVE_NONE without the Fast bit", Wire.frame(Wire.HAVE_NONE));
        withoutTheBit.put("REJECT_REQUEST without the Fast bit", Wire.frame(Wire.REJECT_REQUEST, 0, 0, 16384));
        withoutTheBit.put("ALLOWED_FAST without the Fast bit", Wire.frame(Wire.ALLOWED_FAST, 0));
        withoutTheBit.put("SUGGEST_PIECE without the Fast bit", Wire.frame(Wire.SUGGEST_PIECE, 0));
        for (Map.Entry<String, byte[]> e : withoutTheBit.entrySet()) {
            evil(cases, gate, e.getKey(), Expect.DROPPED, OUR_IDS, SWARM, noFast, x -> {
                x.sendExtendedHandshake(withM());
                x.send(e.getValue());
                x.observed.exercised();
                thenSeed(x, gate);
            });
        }
        evil(cases, gate, "REJECT_REQUEST for blocks never requested", Expect.DROPPED_OR_IGNORED, OUR_IDS, SWARM, fast,
                x -> {
                    x.send(Wire.frame(Wire.HAVE_ALL));
                    x.send(Wire.concat(Wire.frame(Wire.REJECT_REQUEST, 0, 0, 16384),
                            Wire.frame(Wire.REJECT_REQUEST, n, 0, 16384), Wire.frame(Wire.REJECT_REQUEST, -1, 0, 16384),
                            Wire.frame(Wire.REJECT_REQUEST, 0, 1 << 30, 16384),
                            Wire.frame(Wire.REJECT_REQUEST, 0, 0, -1)));
                    x.observed.exercised();
                    awaitGate(x, gate, GATE_MS);
                    x.serve(null);
                });
        Case allowedFast = evil(cases, gate, "ALLOWED_FAST for pieces out of range", Expect.DROPPED_OR_IGNORED,
                OUR_IDS, SWARM, fast, x -> {
                    x.send(Wire.frame(Wire.HAVE_ALL));
                    x.send(Wire.concat(Wire.frame(Wire.ALLOWED_FAST, n), Wire.frame(Wire.ALLOWED_FAST, -1),
                            Wire.frame(Wire.ALLOWED_FAST, Integer.MAX_VALUE)));
                    x.observed.exercised();
                    // stays choked: under Fast only allowed-fast pieces could be requested, and none is valid
                    x.drain();
                });
        evil(cases, gate, "SUGGEST_PIECE out of range", Expect.DROPPED_OR_IGNORED, OUR_IDS, SWARM, fast, x -> {
            x.send(Wire.frame(Wire.HAVE_ALL));
            x.send(Wire.concat(Wire.frame(Wire.SUGGEST_PIECE, n), Wire.frame(Wire.SUGGEST_PIECE, -1)));
            x.observed.exercised();
            awaitGate(x, gate, GATE_MS);
            x.serve(null);
        });
        evil(cases, gate, "HAVE_ALL and HAVE_NONE after a bitfield", Expect.DROPPED_OR_IGNORED, OUR_IDS, SWARM, fast,
                x -> {
                    // BEP 6: HAVE_ALL / HAVE_NONE stand in for the bitfield, so only as the first message
                    x.send(Wire.fullBitfield(n));
                    x.send(Wire.concat(Wire.frame(Wire.HAVE_NONE), Wire.frame(Wire.HAVE_ALL)));
                    x.observed.exercised();
                    awaitGate(x, gate, GATE_MS);
                    x.serve(null);
                });
        assertThat(cases).hasSize((int) gate.getCount());
        Observed honestSeen = new Observed();
        FakePeer honest = honestSeeder(SWARM, honestSeen, GATE_MS, gate);
        List<FakePeer> dial = new ArrayList<>(cases.values().stream().map(Case::peer).toList());
        dial.add(honest);
        try (BtgetProcess btget = download(SWARM, Loopback.freePort(), dial)) {
            assertCompleted(btget, SWARM, dir.resolve("out"));
            SoftAssertions soft = new SoftAssertions();
            assertCases(soft, cases);
            for (int[] r : allowedFast.seen().blockRequests) {
                soft.assertThat(r[0]).as("piece btget requested from a peer that only allowed out-of-range ones")
                        .isBetween(0, n - 1);
            }
            assertReservedBits(soft, honestSeen);
            soft.assertAll();
        }
    }
}
