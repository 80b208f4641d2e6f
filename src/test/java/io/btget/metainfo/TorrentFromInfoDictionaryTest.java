package io.btget.metainfo;

import static io.btget.metainfo.TestTorrents.encode;
import static io.btget.metainfo.TestTorrents.multiInfo;
import static io.btget.metainfo.TestTorrents.singleInfo;
import static io.btget.metainfo.TestTorrents.torrent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BEP 9 metadata is as untrusted as a .torrent: same parser, same limits, same path rules, and the hash checked. */
class TorrentFromInfoDictionaryTest {
    private static final List<List<String>> TIERS = List.of(List.of("http://t1/announce"), List.of("udp://t2:80"));

    private static InfoHash sha1(byte[] bytes) throws Exception {
        return new InfoHash(MessageDigest.getInstance("SHA-1").digest(bytes));
    }

    private static Torrent fromInfo(byte[] info) throws Exception {
        return Torrent.fromInfoDictionary(info, sha1(info), TIERS, List.of());
    }

    /** The info dict from metadata is refused with the very message the same dict in a .torrent gets. */
    private static void refusedLikeATorrentFile(Map<String, Object> info) throws Exception {
        byte[] infoBytes = encode(info);
        String fileMessage = null;
        try {
            Torrent.parse(torrent(info));
        } catch (InvalidTorrentException e) {
            fileMessage = e.getMessage();
        }
        assertThat(fileMessage).as("the .torrent is refused").isNotNull();
        assertThatThrownBy(() -> fromInfo(infoBytes))
                .isInstanceOf(InvalidTorrentException.class)
                .hasMessage(fileMessage);
    }

    @Test
    void buildsTheSameTorrentAsTheFileWithTheMagnetsTrackers() throws Exception {
        Map<String, Object> info = multiInfo("dir", List.of("a", "b.bin"), 20000, List.of("c"), 5);
        byte[] infoBytes = encode(info);
        Torrent fromFile = Torrent.parse(torrent(info));
        Torrent t = Torrent.fromInfoDictionary(infoBytes, sha1(infoBytes), TIERS, List.of("https://ws/x"));

        assertThat(t.infoHash()).isEqualTo(fromFile.infoHash());
        assertThat(t.files()).isEqualTo(fromFile.files());
        assertThat(t.name()).isEqualTo("dir");
        assertThat(t.infoBytes()).isEqualTo(infoBytes);
        assertThat(t.trackerTiers()).isEqualTo(TIERS);
        assertThat(t.webSeeds()).containsExactly("https://ws/x");
        assertThat(t.warnings()).isEmpty();
    }

    @Test
    void refusesBytesWhoseHashIsNotTheMagnetsInfoHash() throws Exception {
        byte[] infoBytes = encode(singleInfo("a.bin", 40000));
        InfoHash other = sha1("something else".getBytes());
        assertThatThrownBy(() -> Torrent.fromInfoDictionary(infoBytes, other, TIERS, List.of()))
                .isInstanceOf(InvalidTorrentException.class)
                .hasMessageContaining("metadata does not match the info hash");
    }

    @Test
    void refusesAPathThatEscapesTheOutputDirectoryEvenWithAMatchingHash() throws Exception {
        refusedLikeATorrentFile(multiInfo("dir", List.of("..", "..", "etc", "passwd"), 10));
    }

    @Test
    void refusesANameOfDotDot() throws Exception {
        Map<String, Object> info = singleInfo("x", 10);
        info.put("name", "..");
        refusedLikeATorrentFile(info);
    }

    @Test
    void refusesA2To40ByteFileWithTooFewHashes() throws Exception {
        Map<String, Object> info = singleInfo("big.bin", 10);
        info.put("length", 1L << 40);
        refusedLikeATorrentFile(info);
    }

    @Test
    void refusesLengthsThatOverflow() throws Exception {
        refusedLikeATorrentFile(multiInfo("d", List.of("a"), Long.MAX_VALUE, List.of("b"), Long.MAX_VALUE));
    }

    @Test
    void refusesAPieceLengthOf2To40() throws Exception {
        Map<String, Object> info = singleInfo("x", 10);
        info.put("piece length", 1L << 40);
        refusedLikeATorrentFile(info);
    }

    @Test
    void refusesBytesThatAreNotOneDictionary() throws Exception {
        for (String bad : new String[] {"le", "i1e", "d4:name1:xe", "d4:name1:xetrailing", "d4:na"}) {
            byte[] bytes = bad.getBytes();
            assertThatThrownBy(() -> fromInfo(bytes)).as(bad).isInstanceOf(InvalidTorrentException.class);
        }
    }

    @Test
    void dropsMagnetTrackersBtgetCannotAnnounceToWithAWarning() throws Exception {
        byte[] infoBytes = encode(singleInfo("a.bin", 100));
        Torrent t = Torrent.fromInfoDictionary(infoBytes, sha1(infoBytes),
                List.of(List.of("file:///etc/passwd"), List.of("http://ok/announce")), List.of("ftp://x/y"));
        assertThat(t.trackerTiers()).containsExactly(List.of("http://ok/announce"));
        assertThat(t.webSeeds()).isEmpty();
        assertThat(t.warnings()).hasSize(2);
    }

    @Test
    void keepsTheCallersArrayOutOfTheTorrent() throws Exception {
        byte[] infoBytes = encode(singleInfo("a.bin", 100));
        Torrent t = fromInfo(infoBytes);
        infoBytes[0] = 'x';
        assertThat(t.infoBytes()[0]).isEqualTo((byte) 'd');
    }
}
