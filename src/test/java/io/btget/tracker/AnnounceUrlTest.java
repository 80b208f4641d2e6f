package io.btget.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnnounceUrlTest {
    private final AnnounceRequest request = new AnnounceRequest(TestData.awkwardInfoHash(),
            TestData.peerId("-BT0001-", 7), 6881, 10, 20, 30, AnnounceEvent.STARTED, 50);

    @Test
    void percentEncodesEveryByteExceptUnreservedCharacters() {
        assertThat(AnnounceUrl.encode(new byte[] {0x00, (byte) 0xff, '%', '&', ' ', '=', '+', 'a', 'Z', '9', '~', '-', '.', '_'}))
                .isEqualTo("%00%FF%25%26%20%3D%2Ba%5A".replace("%5A", "Z") + "9~-._");
    }

    @Test
    void buildsAllParametersOnAPlainUrl() {
        String url = AnnounceUrl.build("http://t.example/announce", request, "k1", Optional.of("id 1"));
        assertThat(url).startsWith("http://t.example/announce?info_hash=%00%FF%25%26%20%3D%2B%3F%23%2F%80a~-%00%FF")
                .contains("&peer_id=-BT0001-000000000007&port=6881&uploaded=10&downloaded=20&left=30&compact=1")
                .contains("&numwant=50&key=k1&event=started&trackerid=id%201");
    }

    @Test
    void appendsToAnExistingQueryStringAndKeepsTheFragmentLast() {
        assertThat(AnnounceUrl.build("http://t/a?passkey=xyz", request, "k", Optional.empty()))
                .startsWith("http://t/a?passkey=xyz&info_hash=");
        assertThat(AnnounceUrl.build("http://t/a?passkey=xyz&", request, "k", Optional.empty()))
                .startsWith("http://t/a?passkey=xyz&info_hash=");
        assertThat(AnnounceUrl.build("http://t/a#frag", request, "k", Optional.empty()))
                .startsWith("http://t/a?info_hash=").endsWith("#frag");
    }

    @Test
    void sendsNoEventParameterForARegularAnnounce() {
        assertThat(AnnounceUrl.build("http://t/a", request.withEvent(AnnounceEvent.NONE), "k", Optional.empty()))
                .doesNotContain("event=");
    }
}
