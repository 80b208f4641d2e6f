package io.btget.tracker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.metainfo.InfoHash;
import io.btget.tracker.AnnounceEvent;
import io.btget.tracker.AnnounceResponse;
import io.btget.tracker.AnnounceUrl;
import io.btget.tracker.HttpAnnounceParser;
import io.btget.tracker.TestData;
import io.btget.tracker.TrackerClient;
import io.btget.tracker.TrackerClients;
import io.btget.tracker.TrackerException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TrackerServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private TrackerServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new TrackerServer(LOOPBACK, 0, 30);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private void twoPeersSeeEachOther(String url) throws Exception {
        TrackerClient client = TrackerClients.forUrl(url);
        InfoHash hash = TestData.awkwardInfoHash();
        AnnounceResponse first = client.announce(TestData.request(hash, TestData.peerId("-AA-", 1), 7001, 0,
                AnnounceEvent.STARTED));
        assertThat(first.peers()).isEmpty();
        assertThat(first.intervalSeconds()).isEqualTo(30);
        AnnounceResponse second = client.announce(TestData.request(hash, TestData.peerId("-BB-", 2), 7002, 100,
                AnnounceEvent.STARTED));
        assertThat(second.peers()).containsExactly(new InetSocketAddress(LOOPBACK, 7001));
        assertThat(second.seeders()).hasValue(1);
        assertThat(second.leechers()).hasValue(1);
        AnnounceResponse again = client.announce(TestData.request(hash, TestData.peerId("-AA-", 1), 7001, 0,
                AnnounceEvent.NONE));
        assertThat(again.peers()).containsExactly(new InetSocketAddress(LOOPBACK, 7002));

        client.announce(TestData.request(hash, TestData.peerId("-BB-", 2), 7002, 100, AnnounceEvent.STOPPED));
        AnnounceResponse afterStop = client.announce(TestData.request(hash, TestData.peerId("-AA-", 1), 7001, 0,
                AnnounceEvent.NONE));
        assertThat(afterStop.peers()).isEmpty();
        assertThat(afterStop.leechers()).hasValue(0);
    }

    @Test
    void httpAnnouncesLetTwoPeersFindEachOtherAndStoppedRemovesAPeer() throws Exception {
        twoPeersSeeEachOther(server.httpAnnounceUrl());
    }

    @Test
    void udpAnnouncesLetTwoPeersFindEachOtherAndStoppedRemovesAPeer() throws Exception {
        twoPeersSeeEachOther(server.udpAnnounceUrl());
    }

    @Test
    void httpAndUdpShareTheSameSwarms() throws Exception {
        InfoHash hash = TestData.infoHash(9);
        TrackerClients.forUrl(server.httpAnnounceUrl()).announce(
                TestData.request(hash, TestData.peerId("-AA-", 1), 7001, 5, AnnounceEvent.STARTED));
        AnnounceResponse viaUdp = TrackerClients.forUrl(server.udpAnnounceUrl()).announce(
                TestData.request(hash, TestData.peerId("-BB-", 2), 7002, 5, AnnounceEvent.STARTED));
        assertThat(viaUdp.peers()).containsExactly(new InetSocketAddress(LOOPBACK, 7001));
    }

    @Test
    void honoursCompactZeroWithADictionaryListIncludingPeerIds() throws Exception {
        InfoHash hash = TestData.infoHash(3);
        TrackerClients.forUrl(server.httpAnnounceUrl()).announce(
                TestData.request(hash, TestData.peerId("-AA-", 1), 7001, 5, AnnounceEvent.STARTED));
        String url = server.httpAnnounceUrl() + "?info_hash=" + AnnounceUrl.encode(hash.bytes()) + "&peer_id="
                + AnnounceUrl.encode(TestData.peerId("-BB-", 2)) + "&port=7002&left=5&compact=0";
        byte[] body = get(url);
        assertThat(new String(body, "ISO-8859-1")).contains("7:peer id20:-AA-0000000000000001");
        assertThat(HttpAnnounceParser.parse(body).peers()).containsExactly(new InetSocketAddress(LOOPBACK, 7001));
    }

    @Test
    void honoursNumwant() throws Exception {
        InfoHash hash = TestData.infoHash(4);
        TrackerClient client = TrackerClients.forUrl(server.httpAnnounceUrl());
        for (int i = 0; i < 5; i++) {
            client.announce(TestData.request(hash, TestData.peerId("-AA-", i), 7000 + i, 5, AnnounceEvent.STARTED));
        }
        var r = new io.btget.tracker.AnnounceRequest(hash, TestData.peerId("-ZZ-", 1), 7100, 0, 0, 5,
                AnnounceEvent.STARTED, 2);
        assertThat(client.announce(r).peers()).hasSize(2);
    }

    @Test
    void acceptsTheIpParameterFromALoopbackPeer() throws Exception {
        InfoHash hash = TestData.infoHash(5);
        String url = server.httpAnnounceUrl() + "?info_hash=" + AnnounceUrl.encode(hash.bytes()) + "&peer_id="
                + AnnounceUrl.encode(TestData.peerId("-AA-", 1)) + "&port=7001&left=5&ip=127.0.0.9";
        get(url);
        AnnounceResponse r = TrackerClients.forUrl(server.httpAnnounceUrl()).announce(
                TestData.request(hash, TestData.peerId("-BB-", 2), 7002, 5, AnnounceEvent.STARTED));
        assertThat(r.peers()).containsExactly(new InetSocketAddress("127.0.0.9", 7001));
    }

    @Test
    void answersBadAnnouncesWithAFailureReason() throws Exception {
        String url = server.httpAnnounceUrl() + "?info_hash=short&peer_id=x&port=1";
        assertThatThrownBy(() -> HttpAnnounceParser.parse(get(url)))
                .isInstanceOf(TrackerException.class).hasMessage("tracker failure: info_hash must be 20 bytes");
        String noPort = server.httpAnnounceUrl() + "?info_hash=" + AnnounceUrl.encode(new byte[20])
                + "&peer_id=" + AnnounceUrl.encode(new byte[20]) + "&port=0";
        assertThatThrownBy(() -> HttpAnnounceParser.parse(get(noPort)))
                .isInstanceOf(TrackerException.class).hasMessageContaining("port");
    }

    @Test
    void scrapeCountsSeedersLeechersAndCompletions() throws Exception {
        InfoHash hash = TestData.infoHash(6);
        TrackerClient client = TrackerClients.forUrl(server.httpAnnounceUrl());
        client.announce(TestData.request(hash, TestData.peerId("-AA-", 1), 7001, 0, AnnounceEvent.STARTED));
        client.announce(TestData.request(hash, TestData.peerId("-BB-", 2), 7002, 9, AnnounceEvent.STARTED));
        client.announce(TestData.request(hash, TestData.peerId("-CC-", 3), 7003, 0, AnnounceEvent.COMPLETED));
        String scrape = "http://127.0.0.1:" + server.port() + "/scrape?info_hash=" + AnnounceUrl.encode(hash.bytes());
        BDict root = (BDict) Bencode.decode(get(scrape));
        BDict files = (BDict) root.get("files").orElseThrow();
        BDict entry = (BDict) files.get(BDict.key(hash.bytes())).orElseThrow();
        assertThat(intOf(entry, "complete")).isEqualTo(2);
        assertThat(intOf(entry, "incomplete")).isEqualTo(1);
        assertThat(intOf(entry, "downloaded")).isEqualTo(1);
    }

    @Test
    void udpClientOverIpv6GetsIpv6Peers() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (TrackerServer six = new TrackerServer(v6, 0, 30)) {
            try {
                six.start();
            } catch (java.io.IOException e) {
                org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            }
            InfoHash hash = TestData.infoHash(7);
            TrackerClient client = TrackerClients.forUrl(six.udpAnnounceUrl());
            client.announce(TestData.request(hash, TestData.peerId("-AA-", 1), 7001, 5, AnnounceEvent.STARTED));
            AnnounceResponse r = client.announce(TestData.request(hash, TestData.peerId("-BB-", 2), 7002, 5,
                    AnnounceEvent.STARTED));
            assertThat(r.peers()).containsExactly(new InetSocketAddress(v6, 7001));
            AnnounceResponse http = TrackerClients.forUrl(six.httpAnnounceUrl()).announce(
                    TestData.request(hash, TestData.peerId("-CC-", 3), 7003, 5, AnnounceEvent.STARTED));
            assertThat(http.peers()).as("peers6").hasSize(2);
        }
    }

    private static long intOf(BDict d, String key) {
        BValue v = d.get(key).orElseThrow();
        return ((BInt) v).value();
    }

    private static byte[] get(String url) throws Exception {
        URL u = URI.create(url).toURL();
        var conn = (java.net.HttpURLConnection) u.openConnection();
        conn.setConnectTimeout(5000);
        conn.setReadTimeout(5000);
        try (InputStream in = conn.getResponseCode() < 400 ? conn.getInputStream() : conn.getErrorStream()) {
            return in.readAllBytes();
        } finally {
            conn.disconnect();
        }
    }

    @Test
    void aPeerStaysListedForTwoOfTheLongestAnnounceFloorsClientsKeep() {
        // libtorrent announces at most every 5 minutes whatever we ask: 2 x 30 s would drop it after a minute
        org.assertj.core.api.Assertions.assertThat(TrackerServer.expiry(30)).isEqualTo(java.time.Duration.ofMinutes(10));
        org.assertj.core.api.Assertions.assertThat(TrackerServer.expiry(3600)).isEqualTo(java.time.Duration.ofHours(2));
    }
}
