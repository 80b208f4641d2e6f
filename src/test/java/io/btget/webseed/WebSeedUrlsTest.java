package io.btget.webseed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.InfoHash;
import io.btget.metainfo.Torrent;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** BEP 19 URL forms. */
class WebSeedUrlsTest {
    private static Torrent torrent(String name, boolean multi, List<FileEntry> files) {
        long total = files.stream().mapToLong(FileEntry::length).sum();
        int pieces = (int) Math.max(1, (total + 16383) / 16384);
        return new Torrent(name, new InfoHash(new byte[20]), Optional.empty(), 16384, new byte[pieces * 20], files,
                multi, List.of(), List.of("http://h/"), false, Optional.empty(), Optional.empty(), Optional.empty(),
                new byte[0]);
    }

    private static final Torrent SINGLE = torrent("my file.iso", false,
            List.of(new FileEntry(List.of("my file.iso"), 100, 0, false)));
    private static final Torrent MULTI = torrent("the dir", true, List.of(
            new FileEntry(List.of("a.txt"), 10, 0, false),
            new FileEntry(List.of("sub", "b #?%é.txt"), 10, 10, false)));

    @Test
    void singleFileUrlIsTheFileItself() {
        assertThat(WebSeedUrls.fileUrl("http://host/path/file.iso", SINGLE, 0).toString())
                .isEqualTo("http://host/path/file.iso");
    }

    @Test
    void singleFileUrlEndingWithSlashGetsTheNameEncoded() {
        assertThat(WebSeedUrls.fileUrl("http://host/path/", SINGLE, 0).toString())
                .isEqualTo("http://host/path/my%20file.iso");
    }

    @Test
    void multiFileUrlIsBaseNameAndPathElementsEachEncoded() {
        assertThat(WebSeedUrls.fileUrl("http://host/base/", MULTI, 1).toString())
                .isEqualTo("http://host/base/the%20dir/sub/b%20%23%3F%25%C3%A9.txt");
    }

    @Test
    void multiFileUrlWithoutTrailingSlashGetsOne() {
        assertThat(WebSeedUrls.fileUrl("http://host/base", MULTI, 0).toString())
                .isEqualTo("http://host/base/the%20dir/a.txt");
    }

    @Test
    void refusesWhatIsNotAnHttpUrl() {
        assertThatThrownBy(() -> WebSeedUrls.fileUrl("ftp://host/x", SINGLE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> WebSeedUrls.fileUrl("http://bad host/x", SINGLE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed URL");
    }

    @Test
    void contentRangeIsParsedStrictly() {
        assertThat(ContentRange.parse("bytes 0-99/1000")).isEqualTo(new ContentRange(0, 99, 1000));
        assertThat(ContentRange.parse("bytes 5-9/*")).isEqualTo(new ContentRange(5, 9, -1));
        assertThat(ContentRange.parse(null)).isNull();
        assertThat(ContentRange.parse("bytes 9-5/100")).isNull();
        assertThat(ContentRange.parse("bytes 0-100/100")).isNull();
        assertThat(ContentRange.parse("bytes -5/100")).isNull();
        assertThat(ContentRange.parse("items 0-5/100")).isNull();
        assertThat(ContentRange.parse("bytes 0-99999999999999999999/*")).isNull();
        assertThat(ContentRange.parse("bytes 0-5/" + "1".repeat(200))).isNull();
    }
}
