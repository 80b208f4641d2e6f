package io.btget.hostile;

import static io.btget.hostile.Ben.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.InvalidTorrentException;
import io.btget.metainfo.PathRules;
import io.btget.metainfo.Torrent;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regression cases for what the hostile suite found in the torrent parser. */
class TorrentParserHostileTest {
    private static byte[] multi(List<String> path) {
        Map<String, Object> info = map("files", List.of(map("length", 10, "path", path)), "name", "f",
                "piece length", 16384, "pieces", new byte[20]);
        return Ben.encode(map("info", info));
    }

    @Test
    void rejectsAPathTooLongForTheFileSystemToCreate() {
        // 40 components of 200 bytes: every name is legal, the whole path is not (Linux PATH_MAX is 4096)
        assertThatThrownBy(() -> Torrent.parse(multi(Collections.nCopies(40, "d".repeat(200)))))
                .isInstanceOf(InvalidTorrentException.class)
                .hasMessageContaining("info.files[0].path is 8041 bytes long");
    }

    @Test
    void acceptsAPathOfExactlyTheLimit() {
        // "f/" + 11 components of 255 bytes and their separators + a last one to reach the limit
        int used = 1 + 11 * 256;
        String last = "e".repeat(PathRules.MAX_PATH_BYTES - used - 1);
        List<String> path = new java.util.ArrayList<>(Collections.nCopies(11, "c".repeat(255)));
        path.add(last);
        assertThat(Torrent.parse(multi(path)).files()).hasSize(1);
    }

    @Test
    void ignoresAnAnnounceListThatIsNotAListWithAWarning() {
        // issue 8 item 2: an optional field of the wrong shape does not refuse the torrent
        byte[] bytes = Ben.encode(map("announce-list", "http://x/announce", "info", map("length", 10, "name", "a",
                "piece length", 16384, "pieces", new byte[20])));
        Torrent t = Torrent.parse(bytes);
        assertThat(t.trackerTiers()).isEmpty();
        assertThat(t.warnings()).containsExactly("announce-list is a string, not a list: ignored");
    }
}
