package io.btget.peer.ext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.peer.WireException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExtendedHandshakeTest {
    private static byte[] ascii(String bencode) {
        return bencode.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static ExtendedHandshake decode(String bencode) throws WireException {
        return ExtendedHandshake.decode(ascii(bencode));
    }

    @Test
    void readsTheFieldsOfALibtorrentHandshake() throws Exception {
        ExtendedHandshake h = decode("d1:ei0e4:ipv44:\u007f\0\0\u00011:md11:lt_donthavei7e"
                + "10:share_modei8e11:upload_onlyi3e12:ut_holepunchi4e11:ut_metadatai2e6:ut_pexi1ee"
                + "13:metadata_sizei31235e1:pi6881e4:reqqi2000e1:v18:libtorrent/2.0.8.06:yourip4:\u007f\0\0\u0001e");
        assertThat(h.m()).containsEntry("ut_metadata", 2).containsEntry("ut_pex", 1).hasSize(6);
        assertThat(h.idOf("ut_metadata")).isEqualTo(2);
        assertThat(h.idOf("ut_comment")).isZero();
        assertThat(h.p()).hasValue(6881);
        assertThat(h.v()).hasValue("libtorrent/2.0.8.0");
        assertThat(h.reqq()).hasValue(2000);
        assertThat(h.metadataSize()).hasValue(31235);
        assertThat(h.e()).hasValue(0);
        assertThat(h.yourip()).hasValue(InetAddress.getByName("127.0.0.1"));
        assertThat(h.ipv4()).hasValue(InetAddress.getByName("127.0.0.1"));
        assertThat(h.ipv6()).isEmpty();
        assertThat(h.disabled()).isEmpty();
    }

    @Test
    void anEmptyDictionaryIsAValidHandshakeThatSupportsNothing() throws Exception {
        ExtendedHandshake h = decode("de");
        assertThat(h.m()).isEmpty();
        assertThat(h.p()).isEmpty();
        assertThat(h.v()).isEmpty();
        assertThat(h.reqq()).isEmpty();
        assertThat(h.yourip()).isEmpty();
        assertThat(h.metadataSize()).isEmpty();
    }

    @Test
    void failsOnlyWhenThePayloadIsNoDictionaryOrMIsNoDictionary() {
        assertThatThrownBy(() -> decode("")).isInstanceOf(WireException.class)
                .hasMessageStartingWith("extended handshake: bencode:");
        assertThatThrownBy(() -> decode("li1ee")).isInstanceOf(WireException.class)
                .hasMessage("extended handshake: a list, not a dictionary");
        assertThatThrownBy(() -> decode("de trailing")).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> decode("d1:mi1ee")).isInstanceOf(WireException.class)
                .hasMessage("extended handshake: m is a integer, not a dictionary");
        assertThatThrownBy(() -> decode("d1:ml11:ut_metadataee")).isInstanceOf(WireException.class)
                .hasMessageContaining("m is a list");
        assertThatThrownBy(() -> decode("d1:m3:abce")).isInstanceOf(WireException.class);
    }

    @Test
    void refusesNestingDeeperThanAHandshakeNeedsWithoutAStackTrace() {
        String deep = "d1:x" + "l".repeat(100) + "e".repeat(100) + "e";
        assertThatThrownBy(() -> decode(deep)).isInstanceOf(WireException.class)
                .hasMessageStartingWith("extended handshake:");
    }

    @Test
    void dropsExtensionIdsOutside0To255AndNonIntegers() throws Exception {
        ExtendedHandshake h = decode("d1:md1:ai256e1:bi-1e1:ci255e1:d1:31:ei1099511627776e1:fi1eee");
        assertThat(h.m()).isEqualTo(Map.of("c", 255, "f", 1));
        assertThat(h.disabled()).isEmpty();
    }

    @Test
    void keepsIdZeroAsDisabledNotAsSupported() throws Exception {
        ExtendedHandshake h = decode("d1:md6:ut_pexi0e11:ut_metadatai3eee");
        assertThat(h.m()).isEqualTo(Map.of("ut_metadata", 3));
        assertThat(h.idOf("ut_pex")).isZero();
        assertThat(h.disabled()).containsExactly("ut_pex");
    }

    @Test
    void dropsEveryNameOfAnIdThatIsUsedTwice() throws Exception {
        ExtendedHandshake h = decode("d1:md1:ai3e1:bi3e1:ci3e1:di4eee");
        assertThat(h.m()).isEqualTo(Map.of("d", 4));
    }

    @Test
    void dropsExtensionNamesThatAreNotPrintableUtf8() throws Exception {
        ExtendedHandshake h = decode("d1:md2:\u00ff\u00fei5e2:a\u0001i6e4:goodi7eee");
        assertThat(h.m()).isEqualTo(Map.of("good", 7));
    }

    @Test
    void keepsTheListenPortOnlyIn1To65535() throws Exception {
        assertThat(decode("d1:pi0ee").p()).isEmpty();
        assertThat(decode("d1:pi70000ee").p()).isEmpty();
        assertThat(decode("d1:pi-6881ee").p()).isEmpty();
        assertThat(decode("d1:p4:6881e").p()).isEmpty();
        assertThat(decode("d1:pi1ee").p()).hasValue(1);
        assertThat(decode("d1:pi65535ee").p()).hasValue(65535);
    }

    @Test
    void keepsReqqOnlyFromOneAndClampsItToTheMaximum() throws Exception {
        assertThat(decode("d4:reqqi-5ee").reqq()).isEmpty();
        assertThat(decode("d4:reqqi0ee").reqq()).isEmpty();
        assertThat(decode("d4:reqqi1ee").reqq()).hasValue(1);
        assertThat(decode("d4:reqqi1099511627776ee").reqq()).hasValue(ExtendedHandshake.MAX_REQQ);
        assertThat(decode("d4:reqq3:500e").reqq()).isEmpty();
    }

    @Test
    void keepsAddressesOnlyOfTheirExactLength() throws Exception {
        assertThat(decode("d6:yourip3:\u007f\0\0e").yourip()).isEmpty();
        assertThat(decode("d6:yourip5:\u007f\0\0\u0001\u0001e").yourip()).isEmpty();
        assertThat(decode("d6:youripi5ee").yourip()).isEmpty();
        String v6 = "\0".repeat(15) + "\u0001";
        assertThat(decode("d6:yourip16:" + v6 + "e").yourip()).hasValue(InetAddress.getByName("::1"));
        assertThat(decode("d4:ipv416:" + v6 + "e").ipv4()).isEmpty();
        assertThat(decode("d4:ipv64:\u007f\0\0\u0001e").ipv6()).isEmpty();
        String mapped = "\0".repeat(10) + "\u00ff\u00ff\u007f\0\0\u0001";
        ExtendedHandshake h = decode("d4:ipv616:" + mapped + "e");
        assertThat(h.ipv6()).get().isInstanceOf(Inet6Address.class);
        assertThat(ExtendedHandshake.decode(h.encode())).isEqualTo(h);
    }

    @Test
    void keepsMetadataSizeOnlyUpToTheCap() throws Exception {
        assertThat(decode("d13:metadata_sizei0ee").metadataSize()).isEmpty();
        assertThat(decode("d13:metadata_sizei-1ee").metadataSize()).isEmpty();
        assertThat(decode("d13:metadata_sizei2147483648ee").metadataSize()).isEmpty();
        assertThat(decode("d13:metadata_sizei" + ExtendedHandshake.MAX_METADATA_SIZE + "ee").metadataSize())
                .hasValue(ExtendedHandshake.MAX_METADATA_SIZE);
        assertThat(decode("d13:metadata_sizei" + (ExtendedHandshake.MAX_METADATA_SIZE + 1) + "ee").metadataSize())
                .isEmpty();
    }

    @Test
    void boundsAndCleansTheClientName() throws Exception {
        String huge = "x".repeat(100_000);
        assertThat(decode("d1:v" + huge.length() + ":" + huge + "e").v())
                .hasValue("x".repeat(ExtendedHandshake.MAX_CLIENT_NAME_LENGTH));
        assertThat(decode("d1:v9:evil\u001b[31me").v()).hasValue("evil?[31m");
        assertThat(decode("d1:v0:e").v()).isEmpty();
        assertThat(decode("d1:vi5ee").v()).isEmpty();
        byte[] utf8 = "d1:v14:Transmission\u00e9e".getBytes(StandardCharsets.UTF_8);
        assertThat(ExtendedHandshake.decode(utf8).v()).hasValue("Transmission\u00e9");
    }

    @Test
    void keepsTheEncryptionFlagOnlyAsZeroOrOne() throws Exception {
        assertThat(decode("d1:ei1ee").e()).hasValue(1);
        assertThat(decode("d1:ei2ee").e()).isEmpty();
    }

    @Test
    void ignoresUnknownKeys() throws Exception {
        assertThat(decode("d12:complete_agoi-1e3:fooli1ei2ee1:pi1ee")).isEqualTo(decode("d1:pi1ee"));
    }

    @Test
    void buildsAndEncodesOurs() throws Exception {
        ExtendedHandshake ours = ExtendedHandshake.builder().extension("ut_metadata", 1).extension("ut_pex", 2)
                .port(6881).client("btget 1.0").reqq(500).yourip(InetAddress.getByName("10.0.0.2"))
                .metadataSize(31235).build();
        assertThat(new String(ours.encode(), StandardCharsets.ISO_8859_1)).isEqualTo(
                "d1:md11:ut_metadatai1e6:ut_pexi2ee13:metadata_sizei31235e1:pi6881e4:reqqi500e1:v9:btget 1.0"
                        + "6:yourip4:\n\0\0\u0002e");
        assertThat(ExtendedHandshake.decode(ours.encode())).isEqualTo(ours);
    }

    @Test
    void roundTripsEveryField() throws Exception {
        ExtendedHandshake all = ExtendedHandshake.builder().extensions(Map.of("a", 1, "b", 255)).disable("c")
                .port(1).client("\u00e9t\u00e9").reqq(ExtendedHandshake.MAX_REQQ)
                .yourip(InetAddress.getByName("2001:db8::7")).metadataSize(ExtendedHandshake.MAX_METADATA_SIZE)
                .encryption(true).ipv4((Inet4Address) InetAddress.getByName("192.0.2.1"))
                .ipv6((Inet6Address) InetAddress.getByName("2001:db8::1")).build();
        ExtendedHandshake again = ExtendedHandshake.decode(all.encode());
        assertThat(again).isEqualTo(all);
        assertThat(again.disabled()).isEqualTo(Set.of("c"));
    }

    @Test
    void refusesToBuildAHandshakeItWouldNotAccept() {
        assertThatThrownBy(() -> ExtendedHandshake.builder().extension("a", 0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtendedHandshake.builder().extension("a", 256).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtendedHandshake.builder().extension("a", 3).extension("b", 3).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtendedHandshake.builder().port(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtendedHandshake.builder().reqq(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtendedHandshake.builder().client("a\nb").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtendedHandshake.builder().metadataSize(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
