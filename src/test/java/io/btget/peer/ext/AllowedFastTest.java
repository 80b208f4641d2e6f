package io.btget.peer.ext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.InfoHash;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedFastTest {
    private static final InfoHash ALL_AA = new InfoHash(filled((byte) 0xaa));

    private static byte[] filled(byte value) {
        byte[] bytes = new byte[InfoHash.LENGTH];
        Arrays.fill(bytes, value);
        return bytes;
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void matchesTheTestVectorsOfBep6() throws Exception {
        // BEP 6: 1313 pieces, info hash 20 x 0xAA, peer 80.4.4.200.
        assertThat(AllowedFast.compute(ip("80.4.4.200"), ALL_AA, 1313, 7))
                .containsExactly(1059, 431, 808, 1217, 287, 376, 1188);
        assertThat(AllowedFast.compute(ip("80.4.4.200"), ALL_AA, 1313, 9))
                .containsExactly(1059, 431, 808, 1217, 287, 376, 1188, 353, 508);
    }

    @Test
    void dependsOnlyOnThePeersSlash24() throws Exception {
        List<Integer> set = AllowedFast.compute(ip("80.4.4.200"), ALL_AA, 1313, AllowedFast.DEFAULT_K);
        assertThat(set).hasSize(10).doesNotHaveDuplicates();
        assertThat(AllowedFast.compute(ip("80.4.4.1"), ALL_AA, 1313, 10)).isEqualTo(set);
        assertThat(AllowedFast.compute(ip("::ffff:80.4.4.7"), ALL_AA, 1313, 10)).isEqualTo(set);
        assertThat(AllowedFast.compute(ip("80.4.5.200"), ALL_AA, 1313, 10)).isNotEqualTo(set);
        assertThat(AllowedFast.compute(ip("80.4.4.200"), new InfoHash(filled((byte) 1)), 1313, 10))
                .isNotEqualTo(set);
    }

    @Test
    void aTorrentWithNoMorePiecesThanKGrantsEachPieceOnce() throws Exception {
        assertThat(AllowedFast.compute(ip("80.4.4.200"), ALL_AA, 3, 10)).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(AllowedFast.compute(ip("80.4.4.200"), ALL_AA, 1, 10)).containsExactly(0);
        assertThat(AllowedFast.compute(ip("80.4.4.200"), ALL_AA, 0, 10)).isEmpty();
        assertThat(AllowedFast.compute(ip("80.4.4.200"), ALL_AA, 1313, 0)).isEmpty();
    }

    @Test
    void grantsNothingToANativeIpv6Peer() throws Exception {
        assertThat(AllowedFast.compute(ip("2001:db8::1"), ALL_AA, 1313, 10)).isEmpty();
    }

    @Test
    void refusesNegativeCounts() throws Exception {
        InetAddress peer = ip("80.4.4.200");
        assertThatThrownBy(() -> AllowedFast.compute(peer, ALL_AA, -1, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AllowedFast.compute(peer, ALL_AA, 10, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
