package io.btget.metainfo;

import static io.btget.metainfo.TestTorrents.encode;
import static io.btget.metainfo.TestTorrents.singleInfo;
import static io.btget.metainfo.TestTorrents.torrent;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --save-torrent}: what we write parses back to the same info hash, files and trackers. */
class TorrentFileWriterTest {

    @Test
    void aMagnetsTorrentRoundTripsWithItsInfoHashAndTrackers() throws Exception {
        // Keys out of canonical order: the writer must copy the info bytes, never re-encode them.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("d4:name5:a.bin6:lengthi100e12:piece lengthi16384e6:pieces20:".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(new byte[20]);
        out.write('e');
        byte[] infoBytes = out.toByteArray();
        assertThat(encode(io.btget.bencode.Bencode.decode(infoBytes))).isNotEqualTo(infoBytes);
        InfoHash hash = new InfoHash(MessageDigest.getInstance("SHA-1").digest(infoBytes));
        List<List<String>> tiers = List.of(List.of("http://a/announce", "http://b/announce"), List.of("udp://c:1"));
        Torrent t = Torrent.fromInfoDictionary(infoBytes, hash, tiers, List.of("http://ws/"));

        Torrent back = Torrent.parse(TorrentFileWriter.write(t));

        assertThat(back.infoHash()).isEqualTo(hash);
        assertThat(back.infoBytes()).isEqualTo(infoBytes);
        assertThat(back.trackerTiers()).isEqualTo(tiers);
        assertThat(back.webSeeds()).containsExactly("http://ws/");
        assertThat(back.files()).isEqualTo(t.files());
        assertThat(back.warnings()).isEmpty();
    }

    @Test
    void aSingleTrackerIsWrittenAsAnnounceAlone() {
        Torrent t = Torrent.parse(torrent(singleInfo("a.bin", 100), "announce", "http://t/a"));
        byte[] written = TorrentFileWriter.write(t);
        assertThat(new String(written, java.nio.charset.StandardCharsets.ISO_8859_1))
                .startsWith("d8:announce10:http://t/a")
                .doesNotContain("announce-list");
        assertThat(Torrent.parse(written).trackerTiers()).containsExactly(List.of("http://t/a"));
    }

    @Test
    void aTorrentWithoutTrackersKeepsItsOptionalFields() {
        Torrent t = Torrent.parse(torrent(singleInfo("a.bin", 100), "comment", "hi", "created by", "me",
                "creation date", 1700000000L));
        Torrent back = Torrent.parse(TorrentFileWriter.write(t));
        assertThat(back.trackerTiers()).isEmpty();
        assertThat(back.comment()).contains("hi");
        assertThat(back.createdBy()).contains("me");
        assertThat(back.creationDate()).contains(1700000000L);
        assertThat(back.infoHash()).isEqualTo(t.infoHash());
    }
}
