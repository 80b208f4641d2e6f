package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MagnetLinkTest {
    private static final String HEX = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";

    @Test
    void parsesHexInfoHashNameTrackersPeersAndSelection() {
        MagnetLink m = MagnetLink.parse("magnet:?xt=urn:btih:" + HEX.toUpperCase()
                + "&dn=My+File%20%C3%A9&tr=http%3A%2F%2Ft%2Fa&tr=udp://u:80&tr=udp://u:80&x.pe=127.0.0.1:6881&so=0,2,4-6");
        assertThat(m.infoHash()).contains(InfoHash.fromHex(HEX));
        assertThat(m.displayName()).contains("My File é");
        assertThat(m.trackers()).containsExactly("http://t/a", "udp://u:80");
        assertThat(m.peers()).containsExactly("127.0.0.1:6881");
        assertThat(m.selectOnly()).containsExactly(new MagnetLink.IndexRange(0, 0), new MagnetLink.IndexRange(2, 2),
                new MagnetLink.IndexRange(4, 6));
    }

    @Test
    void keepsHttpWebSeedsAndNamesOthers() {
        MagnetLink m = MagnetLink.parse("magnet:?xt=urn:btih:" + HEX + "&ws=http%3A%2F%2F127.0.0.1%3A8080%2Ff"
                + "&ws=http%3A%2F%2F127.0.0.1%3A8080%2Ff&ws=file%3A%2F%2F%2Fetc%2Fpasswd&ws=https://w.example/x");
        assertThat(m.webSeeds()).containsExactly("http://127.0.0.1:8080/f", "https://w.example/x");
        assertThat(m.warnings()).singleElement().asString().contains("ws=").contains("not an http or https URL");
        assertThat(MagnetLink.parse(m.toString()).webSeeds()).isEqualTo(m.webSeeds());
    }

    @Test
    void anXpeWithPortZeroSaysSo() {
        MagnetLink m = MagnetLink.parse("magnet:?xt=urn:btih:" + HEX + "&x.pe=127.0.0.1:0");
        assertThat(m.peers()).isEmpty();
        assertThat(m.warnings()).singleElement().asString().contains("127.0.0.1:0").contains("port outside 1..65535");
    }

    @Test
    void parsesBase32InfoHash() {
        // base32 of the 20 bytes c12fe1...8a
        MagnetLink m = MagnetLink.parse("magnet:?xt=urn:btih:YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK");
        assertThat(m.infoHash()).contains(InfoHash.fromHex(HEX));
    }

    @Test
    void recognisesV2MultihashInfoHash() {
        String v2 = "4df22331ee864559b59828d3e3bfd758c7475f23a048b1d60fd88cf8451bb007";
        MagnetLink m = MagnetLink.parse("magnet:?xt=urn:btih:" + HEX + "&xt=urn:btmh:1220" + v2);
        assertThat(m.infoHashV2()).hasValueSatisfying(h -> assertThat(HexFormat.of().formatHex(h)).isEqualTo(v2));
        assertThat(MagnetLink.parse("magnet:?xt=urn:btmh:1220" + v2).infoHash()).isEmpty();
    }

    @Test
    void roundTripsThroughToString() {
        MagnetLink m = new MagnetLink(Optional.of(InfoHash.fromHex(HEX)), Optional.of(new byte[32]),
                Optional.of("a b&c=d/é"), List.of("http://t/a?x=1&y=2"), List.of("[::1]:6881"),
                List.of(new MagnetLink.IndexRange(1, 3)));
        String text = m.toString();
        assertThat(text).startsWith("magnet:?xt=urn:btih:" + HEX + "&xt=urn:btmh:1220");
        assertThat(MagnetLink.parse(text)).isEqualTo(m);
        assertThat(MagnetLink.parse(text).displayName()).contains("a b&c=d/é");
    }

    @Test
    void buildsMagnetFromTorrent() {
        Torrent t = Torrent.parse(TestTorrents.torrent(TestTorrents.singleInfo("x y", 1),
                "announce-list", List.of(List.of("http://a/"), List.of("http://b/"))));
        MagnetLink m = t.magnetLink();
        assertThat(m.infoHash()).contains(t.infoHash());
        assertThat(m.displayName()).contains("x y");
        assertThat(m.trackers()).containsExactly("http://a/", "http://b/");
        assertThat(m.toString()).isEqualTo("magnet:?xt=urn:btih:" + t.infoHash().hex()
                + "&dn=x%20y&tr=http%3A%2F%2Fa%2F&tr=http%3A%2F%2Fb%2F");
    }

    @Test
    void rejectsLinksWithoutInfoHash() {
        assertThatThrownBy(() -> MagnetLink.parse("magnet:?dn=x")).isInstanceOf(InvalidTorrentException.class)
                .hasMessageContaining("no xt=urn:btih:");
    }

    @Test
    void rejectsMalformedInput() {
        assertThatThrownBy(() -> MagnetLink.parse("http://x")).hasMessageContaining("must start with 'magnet:?'");
        assertThatThrownBy(() -> MagnetLink.parse("magnet:?xt=urn:btih:abc")).hasMessageContaining("40 hex or 32 base32");
        assertThatThrownBy(() -> MagnetLink.parse("magnet:?xt=urn:btih:" + "g".repeat(40))).hasMessageContaining("non-hex");
        assertThatThrownBy(() -> MagnetLink.parse("magnet:?xt=urn:btih:" + "1".repeat(32))).hasMessageContaining("base32");
        assertThatThrownBy(() -> MagnetLink.parse("magnet:?xt=urn:btih:%4")).hasMessageContaining("truncated");
        assertThatThrownBy(() -> MagnetLink.parse("magnet:?xt=urn:btmh:1114" + "0".repeat(64))).hasMessageContaining("1220");
        assertThatThrownBy(() -> MagnetLink.parse("magnet:?" + "a".repeat(MagnetLink.MAX_LENGTH))).hasMessageContaining("longer");
    }

    private static MagnetLink valid(String params) {
        return MagnetLink.parse("magnet:?xt=urn:btih:" + HEX + "&" + params);
    }

    @Test
    void ignoresJunkTrackersAndKeepsTheInfoHash() {
        MagnetLink m = valid("tr=wss%3A%2F%2Fx%2F&tr=file:///etc/passwd&tr=%zz&tr=&tr=http://ok/a&tr=not+a+url"
                + "&tr=http%3A%2F%2Fa%2F%0D%0AX:%20y&tr.7=udp://u:1");
        assertThat(m.infoHash()).contains(InfoHash.fromHex(HEX));
        assertThat(m.trackers()).containsExactly("http://ok/a", "udp://u:1");
        assertThat(m.warnings()).hasSize(5).allSatisfy(w -> assertThat(w).endsWith(": ignored").doesNotContain("\n"));
    }

    @Test
    void ignoresPeersThatAreNotHostAndPort() {
        MagnetLink m = valid("x.pe=127.0.0.1:6881&x.pe=[::1]:6882&x.pe=host.example:80&x.pe=nonsense&x.pe=1.2.3.4:0"
                + "&x.pe=1.2.3.4:99999&x.pe=:80&x.pe=a:b:c&x.pe=%4&x.pe=[::1&x.pe=h%0A:1");
        assertThat(m.peers()).containsExactly("127.0.0.1:6881", "[::1]:6882", "host.example:80");
        assertThat(m.warnings()).hasSize(8);
    }

    @Test
    void ignoresADisplayNameWithABadEscape() {
        MagnetLink m = valid("dn=%zz&tr=http://t/");
        assertThat(m.displayName()).isEmpty();
        assertThat(m.trackers()).containsExactly("http://t/");
        assertThat(m.warnings()).containsExactly("magnet dn= has a bad %-escape: ignored");
        assertThat(valid("dn=%4").displayName()).isEmpty();
    }

    @Test
    void keepsTheGoodRangesOfASelection() {
        MagnetLink m = valid("so=0,3-1,x,5-6,-2");
        assertThat(m.selectOnly()).containsExactly(new MagnetLink.IndexRange(0, 0), new MagnetLink.IndexRange(5, 6));
        assertThat(m.warnings()).hasSize(3);
    }

    @Test
    void ignoresAMalformedV2HashWhenTheV1HashIsGoodAndViceVersa() {
        MagnetLink m = valid("xt=urn:btmh:1114" + "0".repeat(64));
        assertThat(m.infoHash()).contains(InfoHash.fromHex(HEX));
        assertThat(m.infoHashV2()).isEmpty();
        assertThat(m.warnings()).singleElement().asString().contains("1220");
        String v2 = "4df22331ee864559b59828d3e3bfd758c7475f23a048b1d60fd88cf8451bb007";
        MagnetLink onlyV2 = MagnetLink.parse("magnet:?xt=urn:btih:zz&xt=urn:btmh:1220" + v2);
        assertThat(onlyV2.infoHash()).isEmpty();
        assertThat(onlyV2.infoHashV2()).isPresent();
    }

    @Test
    void keepsTheFirstOfTwoDifferentV1Hashes() {
        MagnetLink m = valid("xt=urn:btih:" + "0".repeat(40));
        assertThat(m.infoHash()).contains(InfoHash.fromHex(HEX));
        assertThat(m.warnings()).singleElement().asString().contains("second, different");
        assertThat(valid("xt=urn:btih:" + HEX).warnings()).isEmpty();
    }

    @Test
    void ignoresUnknownParametersSilently() {
        MagnetLink m = valid("ws=http://w/&kt=a+b&xl=12&as=x&foo&=bar&&xs=urn:x");
        assertThat(m.warnings()).isEmpty();
        assertThat(m.infoHash()).contains(InfoHash.fromHex(HEX));
    }
}
