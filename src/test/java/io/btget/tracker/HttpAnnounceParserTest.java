package io.btget.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpAnnounceParserTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(String a, byte[] middle, String c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b(a));
        out.writeBytes(middle);
        out.writeBytes(b(c));
        return out.toByteArray();
    }

    @Test
    void readsCompactPeersIntervalsCountsAndTrackerId() throws Exception {
        byte[] peers = {127, 0, 0, 1, 0x1a, (byte) 0xe1, 10, 0, 0, 2, 0, 80};
        byte[] body = concat("d8:completei3e10:incompletei4e8:intervali900e12:min intervali60e5:peers12:",
                peers, "10:tracker id3:abce");
        AnnounceResponse r = HttpAnnounceParser.parse(body);
        assertThat(r.intervalSeconds()).isEqualTo(900);
        assertThat(r.minIntervalSeconds()).isEqualTo(60);
        assertThat(r.seeders()).hasValue(3);
        assertThat(r.leechers()).hasValue(4);
        assertThat(r.trackerId()).hasValue("abc");
        assertThat(r.warning()).isEmpty();
        assertThat(r.peers()).containsExactly(new InetSocketAddress("127.0.0.1", 6881),
                new InetSocketAddress("10.0.0.2", 80));
    }

    @Test
    void readsDictionaryPeersAndKeepsHostNamesUnresolved() throws Exception {
        byte[] body = b("d8:intervali60e5:peersld2:ip9:127.0.0.17:peer id20:aaaaaaaaaaaaaaaaaaaa4:porti7000eed2:ip"
                + "11:example.com4:porti1eed2:ip3:::14:porti9eeee");
        AnnounceResponse r = HttpAnnounceParser.parse(body);
        assertThat(r.peers()).containsExactly(new InetSocketAddress("127.0.0.1", 7000),
                new InetSocketAddress(InetAddress.getByName("::1"), 9));
        assertThat(r.peerNames()).containsExactly(InetSocketAddress.createUnresolved("example.com", 1));
    }

    @Test
    void readsEveryFormOfDictionaryPeerTheBepsAllow() throws Exception {
        byte[] body = b("d8:intervali60e5:peersl"
                + "d2:ip8:10.0.0.14:porti1ee" // IPv4, no peer id
                + "d2:ip11:2001:db8::57:peer id20:bbbbbbbbbbbbbbbbbbbb4:porti2ee" // IPv6 literal, peer id
                + "d2:ip13:[2001:db8::6]4:porti3ee" // IPv6 in brackets
                + "d2:ip9:localhost4:porti4ee" // DNS names, any case, a final dot
                + "d2:ip15:Peer-1.Example.4:porti5ee"
                + "e6:peers6ld2:ip3:::14:porti6eeee"); // the dictionary model under peers6, as some trackers send
        AnnounceResponse r = HttpAnnounceParser.parse(body);
        assertThat(r.peers()).containsExactly(new InetSocketAddress("10.0.0.1", 1),
                new InetSocketAddress(InetAddress.getByName("2001:db8::5"), 2),
                new InetSocketAddress(InetAddress.getByName("2001:db8::6"), 3),
                new InetSocketAddress(InetAddress.getByName("::1"), 6));
        assertThat(r.peerNames()).containsExactly(InetSocketAddress.createUnresolved("localhost", 4),
                InetSocketAddress.createUnresolved("peer-1.example.", 5));
    }

    @Test
    void skipsJunkPeerEntriesAndKeepsTheRest() throws Exception {
        byte[] body = b("d8:intervali60e5:peersl"
                + "i42e" // not a dictionary
                + "4:junk"
                + "d2:ip8:10.0.0.14:porti0ee" // port 0
                + "d2:ip8:10.0.0.14:porti70000ee" // port out of range
                + "d2:ip8:10.0.0.14:port4:6881e" // port as a string
                + "d2:ipi167772161e4:porti1ee" // ip as an integer
                + "d4:porti1ee" // no ip
                + "d2:ip9:999.1.1.14:porti1ee" // not an IPv4 address, not a name
                + "d2:ip5:1.2.34:porti1ee"
                + "d2:ip9:bad host!4:porti1ee"
                + "d2:ip6:::zz:14:porti1ee"
                + "d2:ip0:4:porti1ee"
                + "d2:ip8:10.0.0.94:porti9ee" // the one good entry
                + "ee");
        AnnounceResponse r = HttpAnnounceParser.parse(body);
        assertThat(r.peers()).containsExactly(new InetSocketAddress("10.0.0.9", 9));
        assertThat(r.peerNames()).isEmpty();
    }

    @Test
    void takesAtMostALimitedNumberOfHostNamesFromOneReply() throws Exception {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < HttpAnnounceParser.MAX_PEER_NAMES + 20; i++) {
            String name = "peer" + i + ".example";
            list.append("d2:ip").append(name.length()).append(':').append(name).append("4:porti1ee");
        }
        AnnounceResponse r = HttpAnnounceParser.parse(b("d8:intervali60e5:peersl" + list + "d2:ip8:10.0.0.1"
                + "4:porti1eeee"));
        assertThat(r.peerNames()).hasSize(HttpAnnounceParser.MAX_PEER_NAMES);
        assertThat(r.peers()).containsExactly(new InetSocketAddress("10.0.0.1", 1));
    }

    @Test
    void readsPeers6AlongsideIpv4Peers() throws Exception {
        byte[] v6 = new byte[18];
        v6[15] = 1;
        v6[16] = 0x1f;
        v6[17] = (byte) 0x90;
        byte[] body = concat("d8:intervali60e5:peers0:6:peers618:", v6, "e");
        AnnounceResponse r = HttpAnnounceParser.parse(body);
        assertThat(r.peers()).containsExactly(new InetSocketAddress(InetAddress.getByName("::1"), 8080));
    }

    @Test
    void failureReasonBecomesATrackerExceptionWithTheReason() {
        assertThatThrownBy(() -> HttpAnnounceParser.parse(b("d14:failure reason17:torrent not founde")))
                .isInstanceOf(TrackerException.class).hasMessage("tracker failure: torrent not found");
    }

    @Test
    void aFailureReasonIsARefusalNotYetAHardFailure() {
        // the text is free-form: "try later" and "unregistered" look alike, so one reply alone decides nothing
        assertThatThrownBy(() -> HttpAnnounceParser.parse(b("d14:failure reason23:tracker busy, try latere")))
                .isInstanceOf(TrackerException.class)
                .satisfies(e -> assertThat(((TrackerException) e).isHard()).isFalse())
                .satisfies(e -> assertThat(((TrackerException) e).isRefusal()).isTrue());
        assertThatThrownBy(() -> HttpAnnounceParser.parse(b("d14:failure reasoni5ee")))
                .isInstanceOf(TrackerException.class).hasMessageContaining("'failure reason'")
                .satisfies(e -> assertThat(((TrackerException) e).isRefusal()).isFalse());
    }

    @Test
    void optionalFieldsOfTheWrongTypeAreIgnoredAndThePeersKept() throws Exception {
        byte[] peers = {127, 0, 0, 1, 0x1a, (byte) 0xe1};
        String[] oddFields = {
            "8:interval3:abc", "8:intervalle", "8:intervali-60e", "12:min interval2:60", "8:completel1:xe",
            "10:incomplete1:4", "10:tracker idi42e", "15:warning messagede", "10:downloaded2:no",
            "11:external ipi7e", "10:tracker idle", "8:completed1:ai1ee",
        };
        for (String odd : oddFields) {
            byte[] body = concat("d" + odd + "5:peers6:", peers, "e");
            AnnounceResponse r = HttpAnnounceParser.parse(body);
            assertThat(r.peers()).as(odd).containsExactly(new InetSocketAddress("127.0.0.1", 6881));
            assertThat(r.intervalSeconds()).as(odd).isEqualTo(HttpAnnounceParser.DEFAULT_INTERVAL_SECONDS);
        }
        // all of them at once (keys in sorted order, as bencode wants)
        byte[] body = concat("d8:completel1:xe10:downloaded2:no11:external ipi7e10:incomplete1:4"
                + "8:interval3:abc12:min interval2:605:peers6:", peers, "10:tracker idi42e15:warning messagedee");
        AnnounceResponse r = HttpAnnounceParser.parse(body);
        assertThat(r.peers()).containsExactly(new InetSocketAddress("127.0.0.1", 6881));
        assertThat(r.intervalSeconds()).isEqualTo(HttpAnnounceParser.DEFAULT_INTERVAL_SECONDS);
        assertThat(r.minIntervalSeconds()).isZero();
        assertThat(r.seeders()).isEmpty();
        assertThat(r.leechers()).isEmpty();
        assertThat(r.trackerId()).isEmpty();
        assertThat(r.warning()).isEmpty();
    }

    @Test
    void keepsTheWarningMessageOnOneLine() throws Exception {
        AnnounceResponse r = HttpAnnounceParser.parse(b("d8:intervali60e5:peers0:15:warning message9:slow\ndowne"));
        assertThat(r.warning()).hasValue("slow down");
    }

    @Test
    void missingIntervalFallsBackToTheDefaultAndNegativeIntegersBecomeZero() throws Exception {
        AnnounceResponse r = HttpAnnounceParser.parse(b("d8:completei-5e5:peers0:e"));
        assertThat(r.intervalSeconds()).isEqualTo(HttpAnnounceParser.DEFAULT_INTERVAL_SECONDS);
        assertThat(r.seeders()).hasValue(0);
    }

    @Test
    void rejectsGarbageNonDictionariesAndWrongTypes() {
        assertThatThrownBy(() -> HttpAnnounceParser.parse(b("<html>502 Bad Gateway</html>")))
                .isInstanceOf(TrackerException.class).hasMessageContaining("not valid bencode");
        assertThatThrownBy(() -> HttpAnnounceParser.parse(b("li1ee")))
                .isInstanceOf(TrackerException.class).hasMessageContaining("not a dictionary");
        assertThatThrownBy(() -> HttpAnnounceParser.parse(b("d5:peersi5ee")))
                .isInstanceOf(TrackerException.class).hasMessageContaining("'peers'");
    }

    @Test
    void rejectsCompactPeerListsOfAPartialEntry() {
        assertThatThrownBy(() -> HttpAnnounceParser.parse(b("d8:intervali60e5:peers7:abcdefge")))
                .isInstanceOf(TrackerException.class).hasMessageContaining("not a multiple of 6");
    }

    @Test
    void capsTheNumberOfPeersItReturns() throws Exception {
        int n = CompactPeers.MAX_PEERS + 10;
        byte[] peers = new byte[n * 6];
        for (int i = 0; i < n; i++) {
            peers[i * 6] = 10;
            peers[i * 6 + 5] = 1;
        }
        AnnounceResponse r = HttpAnnounceParser.parse(concat("d8:intervali60e5:peers" + peers.length + ":", peers, "e"));
        assertThat(r.peers()).hasSize(CompactPeers.MAX_PEERS);
    }

    @Test
    void writerOutputParsesBackToTheSamePeers() throws Exception {
        var v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 5000);
        var v6 = new InetSocketAddress(InetAddress.getByName("::1"), 5001);
        var listed = java.util.List.of(new HttpAnnounceWriter.ListedPeer(v4, TestData.peerId("-AA-", 1)),
                new HttpAnnounceWriter.ListedPeer(v6, null));
        for (boolean compact : new boolean[] {true, false}) {
            AnnounceResponse r = HttpAnnounceParser.parse(HttpAnnounceWriter.announce(30, 10, 1, 2, listed, compact));
            assertThat(r.peers()).containsExactlyInAnyOrder(v4, v6);
            assertThat(r.intervalSeconds()).isEqualTo(30);
            assertThat(r.minIntervalSeconds()).isEqualTo(10);
            assertThat(r.seeders()).hasValue(1);
            assertThat(r.leechers()).hasValue(2);
        }
    }
}
