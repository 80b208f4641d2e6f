package io.btget.dht;

import static io.btget.dht.EvilBen.ascii;
import static io.btget.dht.EvilBen.compactNode;
import static io.btget.dht.EvilBen.dict;
import static io.btget.dht.EvilBen.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.btget.bencode.BDict;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.dht.DhtNode.LookupResult;
import io.btget.dht.EvilSocket.Packet;
import io.btget.dht.krpc.KrpcCodec;
import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The DHT node against hostile senders (issue 10): a small honest network of real nodes on 127.0.0.1 and raw UDP
 * attackers on other loopback addresses (127.0.0.2, 127.0.0.3, ...; Linux gives every 127/8 address to the
 * loopback, so each is a distinct IP to the node's per-IP rules). Garbage is dropped, bad queries get BEP 5 errors,
 * spoofed and forged things are refused, floods are bounded, and through it all the node keeps serving others.
 *
 * <p>Not covered here: expired tokens. The node reads {@link System#nanoTime} and a token lives 5-10 minutes
 * (BEP 5), so expiry is proven on {@link Tokens} with a fake clock in its unit test, not over the wire.
 */
@Timeout(100)
class EvilDhtIT {
    private static final int HONEST = 10;
    private static final long SEED = 42;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** How long a reply to a probe may take: the node must answer others "within a second" under attack. */
    private static final long REPLY_MILLIS = 1_000;

    private final Random random = new Random(SEED);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private NetCluster net;
    private DhtNode victim;
    private InetSocketAddress victimAddress;
    private int nextProbe = 1;

    @BeforeEach
    void startHonestNetwork() throws Exception {
        net = NetCluster.start(HONEST, SEED, LOOPBACK);
        net.settle(2, 30);
        victim = net.node(0);
        victimAddress = victim.localAddress();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    private EvilSocket socket(String ip) {
        return keep(new EvilSocket(ip, random));
    }

    /** A socket on a loopback address no other socket of this test used (its own rate-limit bucket). */
    private EvilSocket probe() {
        int n = nextProbe++;
        return socket("127.0.100." + n);
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void malformedPacketsAreDroppedAndTheNodeKeepsServing() throws Exception {
        EvilSocket attacker = socket("127.0.0.2");
        byte[] id = attacker.id();
        byte[] ping = query(ascii("aa"), "ping", dict("id", id));
        List<byte[]> garbage = new ArrayList<>();
        garbage.add(new byte[0]);
        for (int cut = 1; cut < ping.length; cut++) {
            garbage.add(Arrays.copyOf(ping, cut)); // every truncation of a valid query
        }
        garbage.add(concat(ping, ascii("x"))); // trailing bytes
        garbage.add(query(ascii("ab"), "ping", dict("id", id, "v", new byte[3000]))); // over MAX_PACKET
        byte[] huge = new byte[60_000];
        random.nextBytes(huge);
        garbage.add(huge);
        garbage.add(ascii("i42e"));
        garbage.add(ascii("le"));
        garbage.add(ascii("4:spam"));
        garbage.add(ascii("9999999999:x"));
        garbage.add(concat(ascii("l".repeat(700)), ascii("e".repeat(700)))); // deep nesting
        garbage.add(concat(ascii("d1:t2:ac1:y1:q1:q4:ping1:a"), ascii("d".repeat(300)))); // deep, unterminated
        garbage.add(EvilBen.encode(dict("t", 7, "y", "q", "q", "ping", "a", dict("id", id)))); // t an int
        garbage.add(EvilBen.encode(dict("t", ascii("ad"), "y", List.of("q"), "q", "ping", "a", dict("id", id))));
        garbage.add(EvilBen.encode(dict("t", ascii("ae"), "y", "z", "q", "ping", "a", dict("id", id))));
        garbage.add(EvilBen.encode(dict("t", new byte[17], "y", "q", "q", "ping", "a", dict("id", id))));
        garbage.add(EvilBen.encode(dict("t", new byte[0], "y", "q", "q", "ping", "a", dict("id", id))));
        // unsolicited responses and errors, valid and not: nothing of ours is in flight with these ids
        garbage.add(EvilBen.response(ascii("zz"), dict("id", id)));
        garbage.add(EvilBen.response(ascii("zy"), dict("id", id, "nodes", new byte[27])));
        garbage.add(EvilBen.response(ascii("zx"), dict("id", id, "nodes", new byte[26 * 3 + 1])));
        garbage.add(EvilBen.response(ascii("zw"), dict("id", id, "values", List.of(new byte[5], 7))));
        garbage.add(EvilBen.response(ascii("zv"), dict("id", new byte[3])));
        garbage.add(EvilBen.encode(dict("t", ascii("zu"), "y", "e", "e", "oops")));
        garbage.add(EvilBen.encode(dict("t", ascii("zt"), "y", "e", "e", List.of())));
        garbage.add(EvilBen.encode(dict("t", ascii("zs"), "y", "e", "e", List.of("x", 201))));
        for (int i = 0; i < 40; i++) {
            byte[] noise = new byte[1 + random.nextInt(1400)];
            random.nextBytes(noise);
            noise[0] = 'd';
            garbage.add(noise);
        }
        long packetsBefore = victim.stats().packetsIn();
        for (byte[] g : garbage) {
            attacker.send(g, victimAddress);
            LockSupport.parkNanos(1_000_000); // ~1000/s: the node's socket buffer never overflows
        }

        // another address is served at once; the node also still answers the attacker once its rate limit
        // bucket has refilled (the garbage may have spent it)
        assertThat(probe().ping(victimAddress, REPLY_MILLIS)).as("ping from another address").isTrue();
        assertThat(awaitTrue(() -> victim.stats().packetsIn() >= packetsBefore + garbage.size() - 2, 5_000))
                .as("the node read the garbage (%d datagrams)", garbage.size()).isTrue();
        Thread.sleep(1000L * DhtLimits.QUERY_BURST_PER_IP / DhtLimits.QUERIES_PER_IP_PER_SECOND);
        List<Packet> received = drain(attacker, 300);
        assertThat(attacker.ping(victimAddress, REPLY_MILLIS)).as("ping from the attacker, later").isTrue();
        for (Packet p : received) {
            Optional<BDict> d = p.dict();
            assertThat(d).as("a reply to garbage is bencoded").isPresent();
            assertThat(EvilSocket.text(d.get(), "y")).as("garbage is never answered with a response: %s",
                    d.get()).isEqualTo("e");
        }
        assertThat(received.size()).as("error replies to %d garbage datagrams", garbage.size()).isLessThan(15);

        // and the honest network still works through the victim
        assertLookupConverges(victim, NodeId.random(random));
    }

    @Test
    void queriesWithBadFieldsAreAnsweredWithProtocolErrorsAndUnknownMethodsWith204() throws Exception {
        byte[] id = EvilSocket.randomId(random);
        byte[] hash = EvilSocket.randomId(random);
        byte[] token = ascii("12345678");
        Map<String, Map<String, Object>> cases203 = new java.util.LinkedHashMap<>();
        cases203.put("ping", dict("id", Arrays.copyOf(id, 19)));
        cases203.put("ping ", dict("id", 5));
        cases203.put("ping  ", dict());
        cases203.put("find_node", dict("id", id));
        cases203.put("find_node ", dict("id", id, "target", new byte[21]));
        cases203.put("find_node  ", dict("id", id, "target", List.of()));
        cases203.put("get_peers", dict("id", id, "info_hash", new byte[19]));
        cases203.put("get_peers ", dict("id", id));
        cases203.put("announce_peer", dict("id", id, "info_hash", hash, "port", 0, "token", token));
        cases203.put("announce_peer ", dict("id", id, "info_hash", hash, "port", 70_000, "token", token));
        cases203.put("announce_peer  ", dict("id", id, "info_hash", hash, "port", 6881, "token", new byte[0]));
        cases203.put("announce_peer   ", dict("id", id, "info_hash", hash, "port", 6881, "token", new byte[65]));
        cases203.put("announce_peer    ", dict("id", id, "info_hash", hash, "port", 6881));
        for (var c : cases203.entrySet()) {
            EvilSocket s = probe();
            byte[] t = s.tid();
            Optional<Packet> reply = s.ask(query(t, c.getKey().trim(), c.getValue()), t, victimAddress,
                    REPLY_MILLIS);
            assertThat(reply.flatMap(Packet::dict).map(EvilSocket::errorCode))
                    .as("reply to %s %s", c.getKey().trim(), c.getValue()).contains(203L);
        }
        EvilSocket s = probe();
        byte[] t = s.tid();
        byte[] notADict = EvilBen.encode(dict("t", t, "y", "q", "q", "ping", "a", "id"));
        assertThat(s.ask(notADict, t, victimAddress, REPLY_MILLIS).flatMap(Packet::dict)
                .map(EvilSocket::errorCode)).as("reply to a query whose a is a string").contains(203L);
        t = s.tid();
        assertThat(s.ask(query(t, "vote", dict("id", id)), t, victimAddress, REPLY_MILLIS).flatMap(Packet::dict)
                .map(EvilSocket::errorCode)).as("reply to an unknown method").contains(204L);
        assertThat(victim.stats().storedPeers()).isZero();
    }

    @Test
    void spoofedRepliesWithAWrongTransactionIdOrFromAnotherAddressAreDropped() throws Exception {
        EvilSocket honest = socket("127.0.0.2");
        EvilSocket spoofer = socket("127.0.0.3");
        victim.addNode(honest.address());
        Packet ping = awaitQuery(honest, "ping", 5_000);
        byte[] tid = EvilSocket.bytes(ping.dict().orElseThrow(), "t");
        byte[] wrongTid = tid.clone();
        wrongTid[wrongTid.length - 1] ^= 1;
        byte[] spoofId = EvilSocket.randomId(random);
        byte[] wrongTidId = EvilSocket.randomId(random);

        // the right transaction id from the wrong address, then a wrong id from the right address, then the
        // real reply: one socket on the node, so they are read in this order
        spoofer.send(EvilBen.response(tid, dict("id", spoofId)), victimAddress);
        honest.send(EvilBen.response(wrongTid, dict("id", wrongTidId)), victimAddress);
        honest.send(EvilBen.response(tid, dict("id", honest.id())), victimAddress);

        NodeId real = NodeId.of(honest.id());
        assertThat(awaitTrue(() -> victim.routingTable().stream().anyMatch(n -> n.id().equals(real)), 5_000))
                .as("the real reply put the node in the table").isTrue();
        List<NodeInfo> table = victim.routingTable();
        assertThat(table).contains(new NodeInfo(real, honest.address()));
        assertThat(table).extracting(NodeInfo::id).doesNotContain(NodeId.of(spoofId), NodeId.of(wrongTidId));
        assertThat(table).extracting(NodeInfo::address).doesNotContain(spoofer.address());
    }

    @Test
    void aNodeThatAnswersEveryLookupWithItselfDoesNotStallIt() throws Exception {
        NodeId target = NodeId.random(random);
        byte[] evilId = target.bytes();
        evilId[19] ^= 1; // right next to the target: every lookup for it asks the evil node first
        EvilSocket evilSocket = keep(new EvilSocket("127.0.0.2", evilId));
        byte[] self = compactNode(evilId, evilSocket.address());
        EvilNode evil = keep(new EvilNode(evilSocket, q -> dict("id", evilId, "nodes", self, "token", ascii("tok"))));
        victim.addNode(evilSocket.address());
        assertThat(awaitTrue(() -> victim.routingTable().stream().anyMatch(n -> n.id().equals(NodeId.of(evilId))),
                5_000)).as("the evil node answered its ping and is in the table").isTrue();

        int queriesBefore = evil.queries();
        long start = System.nanoTime();
        LookupResult result = victim.findNode(target).get(20, TimeUnit.SECONDS);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        // asked once by the lookup, however often it names itself (a maintenance ping may add one)
        assertThat(evil.queries() - queriesBefore).as("queries the evil node got from one lookup").isBetween(1, 2);
        List<NodeId> expected = new ArrayList<>(net.trueClosest(target, victim, RoutingTable.K + 1));
        expected.add(NodeId.of(evilId));
        expected = expected.stream().sorted(target::compareDistance).limit(RoutingTable.K).toList();
        assertThat(NetCluster.closestIds(result.closest(), target, victim, RoutingTable.K))
                .as("closest after %d s (%d queried)", seconds, result.queried()).containsExactlyElementsOf(expected);
        assertThat(victim.getPeers(target).get(20, TimeUnit.SECONDS).peers()).isEmpty();
    }

    @Test
    void aNodeThatAnswersWithAsManyUnreachableNodesAsFitCannotStallALookupOrEnterTheTable() throws Exception {
        NodeId target = NodeId.random(random);
        LookupResult announced = net.node(5).announce(target, 40_005).get(20, TimeUnit.SECONDS);
        assertThat(announced.closest()).isNotEmpty();

        byte[] evilId = target.bytes();
        evilId[19] ^= 1;
        EvilSocket evilSocket = keep(new EvilSocket("127.0.0.2", evilId));
        // fakes closer to the target than any honest node, at addresses where nothing answers: the lookup has
        // to try them (closest first) and wait out each timeout
        Set<NodeId> fakes = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Random evilRandom = new Random(SEED + 7);
        int perReply = (KrpcCodec.MAX_PACKET - 100) / NodeInfo.COMPACT_IPV4;
        EvilNode evil = keep(new EvilNode(evilSocket, q -> {
            ByteArrayOutputStream nodes = new ByteArrayOutputStream();
            for (int i = 0; i < perReply; i++) {
                byte[] fake = target.bytes();
                byte[] tail = new byte[12];
                evilRandom.nextBytes(tail);
                System.arraycopy(tail, 0, fake, 8, 12);
                fakes.add(NodeId.of(fake));
                InetSocketAddress nowhere = new InetSocketAddress("127.0.99." + (1 + evilRandom.nextInt(250)),
                        1 + evilRandom.nextInt(65_000));
                nodes.writeBytes(compactNode(fake, nowhere));
            }
            return dict("id", evilId, "nodes", nodes.toByteArray(), "token", ascii("tok"));
        }));
        victim.addNode(evilSocket.address());
        assertThat(awaitTrue(() -> victim.routingTable().stream().anyMatch(n -> n.id().equals(NodeId.of(evilId))),
                5_000)).as("the evil node answered its ping and is in the table").isTrue();

        long start = System.nanoTime();
        long bound = TimeUnit.NANOSECONDS.toSeconds(DhtLimits.LOOKUP_MAX_NANOS) + 15;
        var findNode = victim.findNode(target);
        var getPeers = victim.getPeers(target);
        LookupResult found = findNode.get(bound, TimeUnit.SECONDS);
        LookupResult peers = getPeers.get(bound, TimeUnit.SECONDS);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertThat(evil.queries()).as("queries the evil node got").isGreaterThanOrEqualTo(2);
        assertThat(fakes).as("fake nodes handed out").hasSizeGreaterThan(50);
        assertThat(found.closest()).extracting(NodeInfo::id).as("closest after %d s", seconds)
                .doesNotContainAnyElementsOf(fakes).contains(NodeId.of(evilId));
        assertThat(found.queried()).isLessThanOrEqualTo(DhtLimits.LOOKUP_MAX_QUERIES);
        assertThat(peers.peers()).as("the honest announce, found despite the maze (stored on %s; true closest %s;"
                + " get_peers queried %d, %d responded, closest %s)", announced.closest(),
                net.trueClosest(target, victim, RoutingTable.K), peers.queried(), peers.responded(), peers.closest())
                .contains(new InetSocketAddress(LOOPBACK, 40_005));
        assertThat(victim.routingTable()).extracting(NodeInfo::id).doesNotContainAnyElementsOf(fakes);
        // other nodes are still served meanwhile, and a lookup that does not meet the evil node is unaffected
        assertThat(probe().ping(victimAddress, REPLY_MILLIS)).isTrue();
    }

    @Test
    void forgedTokensAndTokensOfAnotherAddressAreRefused() throws Exception {
        EvilSocket asker = socket("127.0.0.2");
        EvilSocket thief = socket("127.0.0.3");
        byte[] hash = EvilSocket.randomId(random);
        byte[] token = getPeersToken(asker, hash);

        byte[] forged = new byte[token.length];
        random.nextBytes(forged);
        byte[] flipped = token.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThat(announce(asker, hash, 50_001, forged)).as("a forged token").contains(203L);
        assertThat(announce(asker, hash, 50_001, flipped)).as("the token with one bit flipped").contains(203L);
        assertThat(announce(asker, hash, 50_001, Arrays.copyOf(token, token.length + 1))).as("the token, longer")
                .contains(203L);
        assertThat(announce(thief, hash, 50_002, token)).as("the token from another IP").contains(203L);
        assertThat(victim.stats().storedPeers()).as("peers stored after forged announces").isZero();

        assertThat(announce(asker, hash, 50_001, token)).as("the real token").contains(-1L);
        assertThat(awaitTrue(() -> victim.stats().storedPeers() == 1, 2_000)).isTrue();
        EvilSocket seeker = probe();
        byte[] t = seeker.tid();
        BDict reply = seeker.ask(query(t, "get_peers", dict("id", seeker.id(), "info_hash", hash)), t,
                victimAddress, REPLY_MILLIS).flatMap(Packet::dict).orElseThrow();
        assertThat(values(reply)).containsExactly(new InetSocketAddress(asker.address().getAddress(), 50_001));
    }

    @Test
    void announcesFor100000InfoHashesLeaveThePeerStoreAtItsBound() throws Exception {
        int addresses = 250;
        int total = 100_000;
        List<EvilSocket> announcers = new ArrayList<>();
        List<byte[]> tokens = new ArrayList<>();
        for (int i = 0; i < addresses; i++) {
            EvilSocket s = socket("127.0." + (10 + i / 200) + "." + (1 + i % 200));
            announcers.add(s);
            tokens.add(getPeersToken(s, EvilSocket.randomId(random)));
        }
        long heapBefore = usedHeapAfterGc();
        // round-robin over the addresses at about 10 000 a second: each address sends 20 a second, what its rate
        // limit lets through, so the limit is not what keeps the store small
        long start = System.nanoTime();
        byte[] hash = new byte[20];
        for (int i = 0; i < total; i++) {
            EvilSocket s = announcers.get(i % addresses);
            random.nextBytes(hash);
            byte[] t = s.tid();
            s.send(query(t, "announce_peer", dict("id", s.id(), "info_hash", hash, "port", 1 + (i % 60_000),
                    "token", tokens.get(i % addresses))), victimAddress);
            if (i % addresses == addresses - 1) {
                long due = start + (i + 1L) * 100_000L; // 10 000 a second
                LockSupport.parkNanos(due - System.nanoTime());
            }
            if (i % 20_000 == 0) {
                // alive under the flood (250 addresses, each at twice its rate limit, keep the node's thread busy:
                // a datagram may wait or be dropped with a full inbox, so a probe may need another try)
                EvilSocket p = probe();
                boolean answered = false;
                for (int attempt = 0; attempt < 3 && !answered; attempt++) {
                    answered = p.ping(victimAddress, REPLY_MILLIS);
                }
                assertThat(answered).as("ping after %d announces", i).isTrue();
            }
        }
        Thread.sleep(500);
        int stored = victim.stats().storedPeers();
        assertThat(stored).as("peers stored after %d announces of distinct info hashes", total)
                .isLessThanOrEqualTo(DhtLimits.PEER_STORE_MAX_INFO_HASHES)
                .isGreaterThanOrEqualTo(DhtLimits.PEER_STORE_MAX_INFO_HASHES / 2);
        long heapGrowth = usedHeapAfterGc() - heapBefore;
        assertThat(heapGrowth).as("heap growth, bytes").isLessThan(64L << 20);
        assertThat(probe().ping(victimAddress, REPLY_MILLIS)).isTrue();
        assertLookupConverges(net.node(1), NodeId.random(random));
    }

    @Test
    void fiveThousandQueriesASecondFromOneAddressAreCutToItsRateAndOthersAreStillServed() throws Exception {
        EvilSocket flooder = socket("127.0.0.2");
        int seconds = 4;
        int perSecond = 5_000;
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger replies = new AtomicInteger();
        Thread counter = new Thread(() -> {
            while (flooding.get()) {
                try {
                    // the node also pings a querier it does not know (to add it if it answers): not replies
                    Optional<Packet> p = flooder.receive(100);
                    if (p.isPresent() && p.get().dict().map(d -> !"q".equals(EvilSocket.text(d, "y"))).orElse(true)) {
                        replies.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    return;
                }
            }
        }, "flood-replies");
        counter.setDaemon(true);
        counter.start();
        Thread flood = new Thread(() -> {
            long start = System.nanoTime();
            byte[] hash = EvilSocket.randomId(new Random(SEED + 9));
            for (int i = 0; i < seconds * perSecond; i++) {
                byte[] t = flooder.tid();
                byte[] q = i % 2 == 0 ? query(t, "ping", dict("id", flooder.id()))
                        : query(t, "get_peers", dict("id", flooder.id(), "info_hash", hash));
                flooder.send(q, victimAddress);
                if (i % 50 == 49) {
                    LockSupport.parkNanos(start + (i + 1L) * 1_000_000_000L / perSecond - System.nanoTime());
                }
            }
        }, "flood");
        flood.setDaemon(true);
        long started = System.nanoTime();
        flood.start();

        // while it floods: another address's pings are answered within a second, and a lookup among the honest
        // nodes (the victim among them) converges
        int probes = 0;
        while (flood.isAlive()) {
            EvilSocket other = probe();
            long sent = System.nanoTime();
            assertThat(other.ping(victimAddress, REPLY_MILLIS)).as("ping %d during the flood", probes).isTrue();
            assertThat(System.nanoTime() - sent).isLessThan(TimeUnit.MILLISECONDS.toNanos(REPLY_MILLIS));
            probes++;
            if (probes == 3) {
                assertLookupConverges(net.node(1), NodeId.random(random));
            }
            Thread.sleep(200);
        }
        flood.join();
        double floodSeconds = (System.nanoTime() - started) / 1e9;
        Thread.sleep(300);
        flooding.set(false);
        counter.join(2_000);
        assertThat(probes).isGreaterThanOrEqualTo(5);
        long allowed = DhtLimits.QUERY_BURST_PER_IP + Math.round(DhtLimits.QUERIES_PER_IP_PER_SECOND * (floodSeconds + 1));
        assertThat(replies.get()).as("replies to %d queries in %.1f s from one address", seconds * perSecond,
                floodSeconds).isPositive().isLessThanOrEqualTo((int) allowed);
    }

    @Test
    void repliesToAnAddressThatHasNotProvedItselfAreNoBiggerThanASmallMultipleOfItsQuery() throws Exception {
        byte[] hash = EvilSocket.randomId(random);
        // 100 peers for one info hash, from 10 addresses with 10 ports each
        for (int a = 0; a < 10; a++) {
            EvilSocket s = socket("127.0.20." + (a + 1));
            byte[] token = getPeersToken(s, hash);
            for (int p = 0; p < 10; p++) {
                assertThat(announce(s, hash, 51_000 + p, token)).contains(-1L);
            }
        }
        assertThat(awaitTrue(() -> victim.stats().storedPeers() == 100, 2_000)).isTrue();

        EvilSocket stranger = probe();
        byte[] t = stranger.tid();
        byte[] q = query(t, "get_peers", dict("id", stranger.id(), "info_hash", hash));
        Packet reply = stranger.ask(q, t, victimAddress, REPLY_MILLIS).orElseThrow();
        assertThat(reply.bytes().length).as("reply to a %d-byte get_peers from a stranger", q.length)
                .isLessThanOrEqualTo(DhtLimits.AMPLIFICATION_FACTOR * q.length);
        List<InetSocketAddress> values = values(reply.dict().orElseThrow());
        assertThat(values).as("values in that reply").isNotEmpty().hasSizeLessThan(100);
        assertThat(EvilSocket.bytes(EvilSocket.body(reply.dict().orElseThrow()), "token"))
                .as("the stranger can still announce").isNotNull();
    }

    // ---------------------------------------------------------------------------------------------------------

    private void assertLookupConverges(DhtNode asker, NodeId target) throws Exception {
        LookupResult result = asker.findNode(target).get(20, TimeUnit.SECONDS);
        assertThat(NetCluster.closestIds(result.closest(), target, asker, RoutingTable.K))
                .as("lookup for %s", target).containsExactlyElementsOf(net.trueClosest(target, asker, RoutingTable.K));
    }

    /** A get_peers of {@code s} to the victim; the token of its reply. */
    private byte[] getPeersToken(EvilSocket s, byte[] hash) {
        byte[] t = s.tid();
        BDict reply = s.ask(query(t, "get_peers", dict("id", s.id(), "info_hash", hash)), t, victimAddress,
                REPLY_MILLIS).flatMap(Packet::dict).orElseThrow(() -> new AssertionError("no get_peers reply"));
        byte[] token = EvilSocket.bytes(EvilSocket.body(reply), "token");
        assertThat(token).as("token in %s", reply).isNotNull();
        return token;
    }

    /** An announce_peer of {@code s}: the error code of the reply, -1 for a response, empty for no reply. */
    private Optional<Long> announce(EvilSocket s, byte[] hash, int port, byte[] token) {
        byte[] t = s.tid();
        return s.ask(query(t, "announce_peer", dict("id", s.id(), "info_hash", hash, "port", port, "token", token)),
                t, victimAddress, REPLY_MILLIS).flatMap(Packet::dict).map(EvilSocket::errorCode);
    }

    /** The compact IPv4 peers in a get_peers reply's {@code values}. */
    private static List<InetSocketAddress> values(BDict reply) throws Exception {
        List<InetSocketAddress> out = new ArrayList<>();
        Optional<BValue> v = EvilSocket.body(reply).get("values");
        if (v.isPresent() && v.get() instanceof BList l) {
            for (BValue item : l.items()) {
                byte[] b = ((BString) item).bytes();
                ByteBuffer buf = ByteBuffer.wrap(b);
                byte[] ip = new byte[4];
                buf.get(ip);
                out.add(new InetSocketAddress(InetAddress.getByAddress(ip), buf.getShort() & 0xffff));
            }
        }
        return out;
    }

    private static Packet awaitQuery(EvilSocket s, String method, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<Packet> p = s.receive(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            if (p.isPresent() && p.get().dict().map(d -> EvilSocket.isQuery(d, method)).orElse(false)) {
                return p.get();
            }
        }
        throw new AssertionError("no " + method + " query within " + millis + " ms");
    }

    private static List<Packet> drain(EvilSocket s, long quietMillis) {
        List<Packet> out = new ArrayList<>();
        for (Optional<Packet> p = s.receive(quietMillis); p.isPresent(); p = s.receive(quietMillis)) {
            out.add(p.get());
        }
        return out;
    }

    private static boolean awaitTrue(BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
