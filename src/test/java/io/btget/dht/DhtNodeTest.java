package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.btget.dht.krpc.KrpcCodec;
import io.btget.dht.krpc.KrpcException;
import io.btget.dht.krpc.KrpcMessage;
import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import io.btget.metainfo.InfoHash;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A few DHT nodes on 127.0.0.1, and raw sockets playing forged or hostile nodes. */
@Timeout(90)
class DhtNodeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int seed = 1;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private DhtNode node(List<InetSocketAddress> bootstrap, Path state) throws IOException {
        DhtNode n = new DhtNode(new DhtConfig(LOOPBACK, 0, bootstrap, Optional.ofNullable(state),
                new Random(seed++)));
        toClose.add(n);
        n.start();
        return n;
    }

    private DatagramSocket raw() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        s.setSoTimeout(5_000);
        toClose.add(s);
        return s;
    }

    private static void send(DatagramSocket s, KrpcMessage m, InetSocketAddress to) throws IOException {
        byte[] b = KrpcCodec.encode(m);
        s.send(new DatagramPacket(b, b.length, to));
    }

    private static DatagramPacket receivePacket(DatagramSocket s) throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return p;
    }

    private static KrpcMessage receive(DatagramSocket s) throws IOException, KrpcException {
        DatagramPacket p = receivePacket(s);
        return KrpcCodec.decode(p.getData(), p.getLength());
    }

    /** The next response or error, skipping queries (the node pings a raw socket that queried it). */
    private static KrpcMessage receiveReply(DatagramSocket s) throws IOException, KrpcException {
        while (true) {
            KrpcMessage m = receive(s);
            if (!(m instanceof KrpcMessage.Query)) {
                return m;
            }
        }
    }

    /** Polls {@code condition} until it holds, for at most 30 seconds. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition still false after 30 s").isNegative();
            Thread.sleep(20);
        }
    }

    private static NodeInfo info(DhtNode n) {
        return new NodeInfo(n.id(), n.localAddress());
    }

    @Test
    void pingIsAnsweredAndBothNodesKeepEachOther() throws Exception {
        DhtNode a = node(List.of(), null);
        DhtNode b = node(List.of(), null);
        assertThat(a.ping(b.localAddress()).get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(a.routingTable()).contains(info(b));
        // b heard a query from a: it asks a in turn and keeps it once a answers (BEP 5 keeps nodes that answer)
        await(() -> b.routingTable().contains(info(a)));
        assertThat(a.stats().packetsOut()).isPositive();
        assertThat(a.stats().nodes()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aPingToNobodyTimesOutFalse() throws Exception {
        DhtNode a = node(List.of(), null);
        DatagramSocket silent = raw();
        assertThat(a.ping((InetSocketAddress) silent.getLocalSocketAddress()).get(20, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void findNodeInFiveNodesFindsEveryOtherNode() throws Exception {
        DhtNode first = node(List.of(), null);
        List<DhtNode> nodes = new ArrayList<>(List.of(first));
        for (int i = 0; i < 4; i++) {
            nodes.add(node(List.of(first.localAddress()), null));
        }
        assertThat(first.bootstrapped().get(20, TimeUnit.SECONDS)).isZero(); // nothing to bootstrap from
        assertThat(nodes.get(1).bootstrapped().get(20, TimeUnit.SECONDS)).isPositive();
        await(() -> first.routingTable().size() == 4);
        DhtNode last = nodes.get(4);
        NodeId target = NodeId.random(new Random(99));
        DhtNode.LookupResult result = last.findNode(target).get(30, TimeUnit.SECONDS);
        List<NodeInfo> expected = new ArrayList<>();
        for (DhtNode n : nodes.subList(0, 4)) {
            expected.add(info(n));
        }
        expected.sort(Comparator.comparing(NodeInfo::id, target::compareDistance));
        assertThat(result.closest()).containsExactlyElementsOf(expected);
        assertThat(result.responded()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void announcedPeerIsFoundByAnotherNodeAndBySearch() throws Exception {
        DhtNode a = node(List.of(), null);
        DhtNode b = node(List.of(a.localAddress()), null);
        DhtNode c = node(List.of(a.localAddress()), null);
        await(() -> a.routingTable().size() == 2);
        NodeId ih = NodeId.random(new Random(5));
        DhtNode.LookupResult announced = b.announce(ih, 4567).get(30, TimeUnit.SECONDS);
        assertThat(announced.closest()).isNotEmpty();
        DhtNode.LookupResult got = c.getPeers(ih).get(30, TimeUnit.SECONDS);
        assertThat(got.peers()).contains(new InetSocketAddress(LOOPBACK, 4567));

        List<InetSocketAddress> found = new CopyOnWriteArrayList<>();
        List<Integer> rounds = new CopyOnWriteArrayList<>();
        try (Dht.Search s = c.search(new InfoHash(ih.bytes()), 0, new Dht.PeerSink() {
            @Override
            public void peersFound(List<InetSocketAddress> peers) {
                found.addAll(peers);
            }

            @Override
            public void lookupDone(int peers) {
                rounds.add(peers);
            }
        })) {
            await(() -> !rounds.isEmpty());
            assertThat(found).contains(new InetSocketAddress(LOOPBACK, 4567));
            assertThat(s.peersFound()).isEqualTo(1);
        }
    }

    @Test
    void aForgedTokenGetsError203AndTheRealOneIsAccepted() throws Exception {
        DhtNode a = node(List.of(), null);
        DatagramSocket s = raw();
        NodeId me = NodeId.random(new Random(7));
        NodeId ih = NodeId.random(new Random(8));
        send(s, new KrpcMessage.AnnouncePeer(new byte[] {1}, me, false, ih, 1234, false, new byte[] {9, 9, 9, 9}),
                a.localAddress());
        KrpcMessage reply = receiveReply(s);
        assertThat(reply).isInstanceOf(KrpcMessage.Error.class);
        assertThat(((KrpcMessage.Error) reply).code()).isEqualTo(203);
        assertThat(a.counters().badTokens()).isEqualTo(1);

        send(s, new KrpcMessage.GetPeers(new byte[] {2}, me, false, ih), a.localAddress());
        KrpcMessage.Response gp = (KrpcMessage.Response) receiveReply(s);
        assertThat(gp.requester()).contains((InetSocketAddress) s.getLocalSocketAddress()); // BEP 42 ip
        byte[] token = gp.token().orElseThrow();
        send(s, new KrpcMessage.AnnouncePeer(new byte[] {3}, me, false, ih, 1, true, token), a.localAddress());
        assertThat(receiveReply(s)).isInstanceOf(KrpcMessage.Response.class);
        send(s, new KrpcMessage.GetPeers(new byte[] {4}, me, false, ih), a.localAddress());
        KrpcMessage.Response values = (KrpcMessage.Response) receiveReply(s);
        // implied_port: the UDP source port is stored
        assertThat(values.values()).containsExactly((InetSocketAddress) s.getLocalSocketAddress());
        // a's own lookups include what was announced to a
        assertThat(a.getPeers(ih).get(20, TimeUnit.SECONDS).peers())
                .containsExactly((InetSocketAddress) s.getLocalSocketAddress());
    }

    @Test
    void aReplyWithAnUnknownTidOrFromAnotherAddressIsDropped() throws Exception {
        DhtNode a = node(List.of(), null);
        DatagramSocket p = raw();
        DatagramSocket q = raw();
        var future = a.ping((InetSocketAddress) p.getLocalSocketAddress());
        KrpcMessage.Ping ping = (KrpcMessage.Ping) receive(p);
        NodeId pid = NodeId.random(new Random(11));
        byte[] tid = ping.transactionId();
        // the right tid from the wrong address
        send(q, new KrpcMessage.Response(tid, pid, List.of(), List.of(), List.of(), Optional.empty(),
                Optional.empty()), a.localAddress());
        // the right address with a wrong tid
        byte[] wrong = {(byte) (tid[0] ^ 1), tid[1]};
        send(p, new KrpcMessage.Response(wrong, pid, List.of(), List.of(), List.of(), Optional.empty(),
                Optional.empty()), a.localAddress());
        await(() -> a.counters().unmatchedResponses() == 2);
        assertThat(future).isNotDone();
        assertThat(a.routingTable()).isEmpty();
        send(p, new KrpcMessage.Response(tid, pid, List.of(), List.of(), List.of(), Optional.empty(),
                Optional.empty()), a.localAddress());
        assertThat(future.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(a.routingTable()).containsExactly(new NodeInfo(pid, (InetSocketAddress) p.getLocalSocketAddress()));
    }

    @Test
    void theStateFileKeepsIdAndNodesAcrossRuns() throws Exception {
        DhtNode b = node(List.of(), null);
        Path state = dir.resolve("state/dht.dat");
        DhtNode a = node(List.of(), state);
        NodeId id = a.id();
        assertThat(a.ping(b.localAddress()).get(20, TimeUnit.SECONDS)).isTrue();
        a.close();
        a.close(); // idempotent
        RoutingTableFile.State saved = RoutingTableFile.load(state).orElseThrow();
        assertThat(saved.id()).isEqualTo(id);
        assertThat(saved.nodes()).contains(info(b));

        DhtNode again = node(List.of(), state); // no bootstrap: the saved nodes are enough
        assertThat(again.id()).isEqualTo(id);
        await(() -> again.routingTable().contains(info(b)));
    }

    @Test
    void aCorruptStateFileIsIgnored() throws Exception {
        Path state = dir.resolve("dht.dat");
        Files.writeString(state, "not bencode at all");
        DhtNode a = node(List.of(), state);
        assertThat(a.id()).isNotNull();
        assertThat(a.routingTable()).isEmpty();
        a.close();
        assertThat(RoutingTableFile.load(state).orElseThrow().id()).isEqualTo(a.id());
    }

    @Test
    void aGetPeersReplyToAnUnprovenAddressStaysWithinTheAmplificationFactor() throws Exception {
        DhtNode a = node(List.of(), null);
        NodeId ih = NodeId.random(new Random(12));
        NodeId me = NodeId.random(new Random(13));
        // 60 peers announced from three sockets (each within its rate limit)
        int port = 20_000;
        for (int k = 0; k < 3; k++) {
            DatagramSocket s = raw();
            send(s, new KrpcMessage.GetPeers(new byte[] {1}, me, false, ih), a.localAddress());
            byte[] token = ((KrpcMessage.Response) receiveReply(s)).token().orElseThrow();
            for (int i = 0; i < 20; i++) {
                send(s, new KrpcMessage.AnnouncePeer(new byte[] {2}, me, false, ih, port++, false, token),
                        a.localAddress());
                assertThat(receiveReply(s)).isInstanceOf(KrpcMessage.Response.class);
            }
        }
        DatagramSocket asker = raw();
        byte[] query = KrpcCodec.encode(new KrpcMessage.GetPeers(new byte[] {7}, NodeId.random(new Random(14)), false,
                ih));
        asker.send(new DatagramPacket(query, query.length, a.localAddress()));
        DatagramPacket reply = receivePacket(asker);
        KrpcMessage.Response r = (KrpcMessage.Response) KrpcCodec.decode(reply.getData(), reply.getLength());
        assertThat(reply.getLength()).isLessThanOrEqualTo(DhtLimits.AMPLIFICATION_FACTOR * query.length);
        assertThat(r.values()).isNotEmpty().hasSizeLessThan(DhtLimits.MAX_VALUES_PER_REPLY);
        assertThat(a.counters().repliesTrimmed()).isPositive();
    }

    @Test
    void inboundQueriesFromOneAddressAreRateLimited() throws Exception {
        DhtNode a = node(List.of(), null);
        DatagramSocket s = raw();
        s.setSoTimeout(1_000);
        NodeId me = NodeId.random(new Random(15));
        long start = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            send(s, new KrpcMessage.Ping(new byte[] {(byte) i}, me, false), a.localAddress());
        }
        int replies = 0;
        try {
            while (true) {
                receivePacket(s);
                replies++;
            }
        } catch (SocketTimeoutException expected) {
            // no more replies
        }
        // The node saw every query between start and now: the burst plus what the rate refilled meanwhile.
        double seconds = (System.nanoTime() - start) / 1e9;
        int allowed = DhtLimits.QUERY_BURST_PER_IP + (int) Math.ceil(seconds * DhtLimits.QUERIES_PER_IP_PER_SECOND);
        assertThat(replies).isPositive().isLessThanOrEqualTo(Math.min(allowed, 299));
        assertThat(a.counters().rateLimitedQueries()).isPositive();
        // another address is still served
        DatagramSocket other = raw();
        send(other, new KrpcMessage.Ping(new byte[] {1}, me, false), a.localAddress());
        assertThat(receive(other)).isInstanceOf(KrpcMessage.Response.class);
    }

    @Test
    void anUnknownMethodGets204AndABadQuery203() throws Exception {
        DhtNode a = node(List.of(), null);
        DatagramSocket s = raw();
        byte[] unknown = "d1:ad2:id20:abcdefghij0123456789e1:q4:vote1:t2:xy1:y1:qe".getBytes();
        s.send(new DatagramPacket(unknown, unknown.length, a.localAddress()));
        KrpcMessage.Error e = (KrpcMessage.Error) receiveReply(s);
        assertThat(e.code()).isEqualTo(204);
        assertThat(e.transactionId()).containsExactly('x', 'y');
        byte[] bad = "d1:ad2:id3:abce1:q4:ping1:t2:zz1:y1:qe".getBytes();
        s.send(new DatagramPacket(bad, bad.length, a.localAddress()));
        KrpcMessage.Error e2 = (KrpcMessage.Error) receiveReply(s);
        assertThat(e2.code()).isEqualTo(203);
    }

    @Test
    void threeNodesAgreeingOnAPublicExternalAddressGiveUsASecureId() throws Exception {
        DhtNode a = node(List.of(), null);
        NodeId before = a.id();
        InetAddress external = InetAddress.getByName("203.0.113.77");
        assertThat(SecureNodeId.verify(before, external)).isFalse();
        InetSocketAddress seen = new InetSocketAddress(external, 6881);
        Random r = new Random(21);
        for (int i = 1; i <= 3; i++) {
            // distinct voters need distinct IPs: 127.0.0.1, .2, .3 all reach the loopback interface
            DatagramSocket voter = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0." + i), 0));
            voter.setSoTimeout(5_000);
            toClose.add(voter);
            var pinged = a.ping((InetSocketAddress) voter.getLocalSocketAddress());
            KrpcMessage.Ping ping = (KrpcMessage.Ping) receive(voter);
            send(voter, new KrpcMessage.Response(ping.transactionId(), NodeId.random(r), List.of(), List.of(),
                    List.of(), Optional.empty(), Optional.of(seen)), a.localAddress());
            assertThat(pinged.get(20, TimeUnit.SECONDS)).isTrue();
            if (i < 3) {
                assertThat(a.id()).isEqualTo(before); // not yet: fewer than three voters
            }
        }
        assertThat(a.id()).isNotEqualTo(before);
        assertThat(SecureNodeId.verify(a.id(), external)).isTrue();
    }

    @Test
    void loopbackExternalAddressesNeverChangeTheId() throws Exception {
        DhtNode a = node(List.of(), null);
        DhtNode b = node(List.of(), null);
        NodeId before = a.id();
        assertThat(a.ping(b.localAddress()).get(20, TimeUnit.SECONDS)).isTrue(); // b's reply carries ip 127.0.0.1
        assertThat(a.id()).isEqualTo(before);
    }

    @Test
    void addNodePingsAndKeepsANodeThatAnswers() throws Exception {
        DhtNode a = node(List.of(), null);
        DhtNode b = node(List.of(), null);
        a.addNode(b.localAddress());
        a.addNode(InetSocketAddress.createUnresolved("nowhere.invalid", 6881)); // ignored, never resolved
        await(() -> a.routingTable().contains(info(b)));
    }

    @Test
    void aSearchWithAPortAnnouncesIt() throws Exception {
        DhtNode a = node(List.of(), null);
        DhtNode b = node(List.of(a.localAddress()), null);
        DhtNode c = node(List.of(a.localAddress()), null);
        await(() -> a.routingTable().size() == 2);
        NodeId ih = NodeId.random(new Random(31));
        List<Integer> rounds = new CopyOnWriteArrayList<>();
        try (Dht.Search s = b.search(new InfoHash(ih.bytes()), 7777, new Dht.PeerSink() {
            @Override
            public void peersFound(List<InetSocketAddress> peers) {
            }

            @Override
            public void lookupDone(int peers) {
                rounds.add(peers);
            }
        })) {
            await(() -> !rounds.isEmpty()); // the round ends after the announces were answered
            assertThat(c.getPeers(ih).get(30, TimeUnit.SECONDS).peers())
                    .contains(new InetSocketAddress(LOOPBACK, 7777));
            assertThat(s.peersFound()).isZero(); // nobody had announced before b's own round
        }
    }

    @Test
    void aSearchThatFoundNoPeerLooksAgainSoonAndFindsOneAnnouncedLater() throws Exception {
        DhtNode a = node(List.of(), null);
        DhtNode b = node(List.of(a.localAddress()), null);
        DhtNode c = node(List.of(a.localAddress()), null);
        await(() -> a.routingTable().size() == 2);
        NodeId ih = NodeId.random(new Random(32));
        List<Integer> rounds = new CopyOnWriteArrayList<>();
        List<InetSocketAddress> found = new CopyOnWriteArrayList<>();
        try (Dht.Search s = b.search(new InfoHash(ih.bytes()), 0, new Dht.PeerSink() {
            @Override
            public void peersFound(List<InetSocketAddress> peers) {
                found.addAll(peers);
            }

            @Override
            public void lookupDone(int peers) {
                rounds.add(peers);
            }
        })) {
            await(() -> !rounds.isEmpty());
            assertThat(found).isEmpty();
            // the swarm's first seeder announces after b's first round: b must not wait 15 minutes to find it
            assertThat(c.announce(ih, 7778).get(30, TimeUnit.SECONDS).closest()).isNotEmpty();
            await(() -> found.contains(new InetSocketAddress(LOOPBACK, 7778)));
            // the peer arrives during the second round; that round's lookupDone comes after its last reply
            await(() -> rounds.size() >= 2);
        }
    }

    @Test
    void yourIpReportsAloneNeverChangeTheIdButHelpDhtVotes() throws Exception {
        DhtNode a = node(List.of(), null);
        NodeId before = a.id();
        InetAddress external = InetAddress.getByName("198.51.100.20");
        for (int i = 2; i <= 9; i++) { // many peers' yourip alone: anyone may connect to us and say anything
            a.externalAddressReported(external, InetAddress.getByName("127.0.0." + i));
        }
        a.externalAddressReported(InetAddress.getByName("192.168.1.2"), InetAddress.getByName("127.0.0.10"));
        assertThat(a.routingTable()).isEmpty(); // runs after the reports on the node's thread
        assertThat(a.id()).isEqualTo(before);
        // one DHT response to our own query agreeing tips it: 2 + 8 half votes
        DatagramSocket voter = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        voter.setSoTimeout(5_000);
        toClose.add(voter);
        var pinged = a.ping((InetSocketAddress) voter.getLocalSocketAddress());
        KrpcMessage.Ping ping = (KrpcMessage.Ping) receive(voter);
        send(voter, new KrpcMessage.Response(ping.transactionId(), NodeId.random(new Random(22)), List.of(),
                List.of(), List.of(), Optional.empty(), Optional.of(new InetSocketAddress(external, 6881))),
                a.localAddress());
        assertThat(pinged.get(20, TimeUnit.SECONDS)).isTrue();
        await(() -> !a.id().equals(before));
        assertThat(SecureNodeId.verify(a.id(), external)).isTrue();
    }

    @Test
    void aFailedBindKeepsItsErrorAndTheNodeClosesQuietly() throws Exception {
        DatagramSocket taken = raw();
        DhtNode n = new DhtNode(new DhtConfig(LOOPBACK, taken.getLocalPort(), List.of(), Optional.empty(),
                new Random(3)));
        assertThatThrownBy(n::start).isInstanceOf(IOException.class).hasMessageContaining("cannot bind");
        n.close(); // what Client does after a failed start: must not replace the error with its own
        n.close();
        assertThat(n.bootstrapped().get(1, TimeUnit.SECONDS)).isZero();
        assertThatThrownBy(n::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void timeoutsWhoseCallbacksSendQueriesDoNotBreakTheTick() throws Exception {
        // 20 silent routers: the lookup holds at most 9 queries, so when the first ones time out their callbacks
        // send the rest, adding transactions while the node is going through the expired ones
        List<InetSocketAddress> silent = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // each expiry round is a chance for the bug: iteration order is random
            silent.add((InetSocketAddress) raw().getLocalSocketAddress());
        }
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(DhtNode.class);
        Level level = logger.getLevel();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        logger.setLevel(Level.DEBUG);
        try {
            DhtNode a = node(silent, null);
            assertThat(a.bootstrapped().get(60, TimeUnit.SECONDS)).isZero();
            assertThat(List.copyOf(events.list)).extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(m -> m.contains("ConcurrentModificationException"));
        } finally {
            logger.detachAppender(events);
            logger.setLevel(level);
        }
    }

    @Test
    void aFloodOfBogusResponsesFromOneAddressIsRateLimitedBeforeTheNode() throws Exception {
        DhtNode a = node(List.of(), null);
        DatagramSocket flood = raw();
        NodeId me = NodeId.random(new Random(41));
        long start = System.nanoTime();
        int sent = 400;
        for (int i = 0; i < sent; i++) {
            send(flood, new KrpcMessage.Response(new byte[] {(byte) i, (byte) (i >> 8)}, me, List.of(), List.of(),
                    List.of(), Optional.empty(), Optional.empty()), a.localAddress());
        }
        // another address is still served, and its ping is handled after the flood that came before it
        DatagramSocket other = raw();
        send(other, new KrpcMessage.Ping(new byte[] {1}, me, false), a.localAddress());
        assertThat(receiveReply(other)).isInstanceOf(KrpcMessage.Response.class);
        double seconds = (System.nanoTime() - start) / 1e9;
        long allowed = DhtLimits.DATAGRAM_BURST_PER_IP + (long) Math.ceil(seconds * DhtLimits.DATAGRAMS_PER_IP_PER_SECOND);
        assertThat(a.counters().unmatchedResponses()).isLessThanOrEqualTo(Math.min(allowed, sent - 1));
        assertThat(a.counters().rateLimitedDatagrams()).isPositive();
    }

    @Test
    void aBootstrapNameThatFailedToResolveAtStartIsTriedAgain() throws Exception {
        DhtNode b = node(List.of(), null);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        DhtNode a = new DhtNode(new DhtConfig(LOOPBACK, 0,
                List.of(InetSocketAddress.createUnresolved("router.test", b.localAddress().getPort())),
                Optional.empty(), new Random(seed++)), host -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new java.net.UnknownHostException(host + ": DNS down at start");
                    }
                    return new InetAddress[] {LOOPBACK};
                });
        toClose.add(a);
        a.start();
        assertThat(a.bootstrapped().get(20, TimeUnit.SECONDS)).isZero(); // nothing to bootstrap from at first
        await(() -> a.routingTable().contains(info(b))); // the small-table bootstrap resolved it again
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
    }
}
