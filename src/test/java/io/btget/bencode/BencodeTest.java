package io.btget.bencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BencodeTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static BValue decode(String s) {
        return Bencode.decode(b(s));
    }

    @Test
    void decodesEveryType() {
        BDict d = (BDict) decode("d3:agei-42e4:listli1e2:xye4:name4:spame");
        assertThat(((BInt) d.get("age").orElseThrow()).value()).isEqualTo(-42);
        assertThat(((BString) d.get("name").orElseThrow()).text()).isEqualTo("spam");
        BList list = (BList) d.get("list").orElseThrow();
        assertThat(list.items()).hasSize(2);
    }

    @Test
    void keepsTheExactByteSpanOfNestedValues() {
        String input = "d4:infod1:zi1e1:ai2ee3:xyzi0ee";
        BDict root = (BDict) decode(input);
        BValue info = root.get("info").orElseThrow();
        assertThat(input.substring(info.start(), info.end())).isEqualTo("d1:zi1e1:ai2ee");
    }

    @Test
    void acceptsTheFull64BitRange() {
        assertThat(((BInt) decode("i9223372036854775807e")).value()).isEqualTo(Long.MAX_VALUE);
        assertThat(((BInt) decode("i-9223372036854775808e")).value()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void rejectsIntegersOutside64Bits() {
        assertThatThrownBy(() -> decode("i9223372036854775808e")).isInstanceOf(BencodeException.class)
                .hasMessageContaining("64 bits");
        assertThatThrownBy(() -> decode("i-9223372036854775809e")).isInstanceOf(BencodeException.class);
    }

    @Test
    void rejectsLeadingZerosAndNegativeZero() {
        assertThatThrownBy(() -> decode("i03e")).hasMessageContaining("leading zero");
        assertThatThrownBy(() -> decode("i-0e")).hasMessageContaining("negative zero");
        assertThatThrownBy(() -> decode("03:abc")).hasMessageContaining("leading zero");
        assertThat(((BInt) decode("i0e")).value()).isZero();
    }

    @Test
    void rejectsStringLongerThanInputWithItsOffset() {
        assertThatThrownBy(() -> decode("l999999:abce"))
                .isInstanceOf(BencodeException.class)
                .hasMessage("bencode: string length 999999 exceeds input at byte 1");
    }

    @Test
    void rejectsTrailingBytes() {
        assertThatThrownBy(() -> decode("i1ei2e")).hasMessageContaining("trailing");
    }

    @Test
    void rejectsTruncationJunkAndNonStringKeys() {
        assertThatThrownBy(() -> decode("d3:abc")).isInstanceOf(BencodeException.class);
        assertThatThrownBy(() -> decode("l")).hasMessageContaining("unterminated list");
        assertThatThrownBy(() -> decode("x")).hasMessageContaining("unexpected byte 'x'");
        assertThatThrownBy(() -> decode("di1ei2ee")).hasMessageContaining("key is not a string");
        assertThatThrownBy(() -> decode("i12")).isInstanceOf(BencodeException.class);
        assertThatThrownBy(() -> decode("ie")).hasMessageContaining("empty number");
        assertThatThrownBy(() -> decode("")).hasMessageContaining("end of input");
    }

    @Test
    void rejectsDuplicateKeysButToleratesUnsortedOnes() {
        assertThatThrownBy(() -> decode("d1:ai1e1:ai2ee")).hasMessageContaining("duplicate");
        assertThat(((BDict) decode("d1:bi1e1:ai2ee")).entries().keySet()).containsExactly("b", "a");
    }

    @Test
    void boundsNestingDepthWithoutStackOverflow() {
        String deep = "l".repeat(100_000) + "e".repeat(100_000);
        assertThatThrownBy(() -> decode(deep)).hasMessageContaining("nesting deeper than 64");
    }

    @Test
    void boundsElementCountAndInputSize() {
        BencodeLimits tiny = new BencodeLimits(100, 8, 5);
        assertThatThrownBy(() -> Bencode.decode(b("li1ei2ei3ei4ei5ei6ee"), tiny)).hasMessageContaining("elements");
        assertThatThrownBy(() -> Bencode.decode(new byte[101], tiny)).hasMessageContaining("exceeds the limit");
    }

    @Test
    void encodesCanonicallyWithKeysSortedAsRawBytes() {
        Map<String, BValue> m = new LinkedHashMap<>();
        m.put("zeta", new BInt(1));
        m.put(BDict.key(new byte[] {(byte) 0xe9}), new BInt(2)); // sorts after ASCII as an unsigned byte
        m.put("alpha", new BList(List.of(BString.of("x"), new BInt(-3))));
        byte[] out = Bencode.encode(new BDict(m));
        assertThat(new String(out, StandardCharsets.ISO_8859_1))
                .isEqualTo("d5:alphal1:xi-3ee4:zetai1e1:\u00e9i2ee");
    }

    @Test
    void roundTripsCanonicalInputByteForByte() {
        String canonical = "d8:announce17:http://t/announce4:infod6:lengthi1048576e4:name5:a.bin"
                + "12:piece lengthi262144e6:pieces0:ee";
        assertThat(Bencode.encode(decode(canonical))).isEqualTo(b(canonical));
    }

    @Test
    void decodePrefixStopsAfterTheFirstValue() {
        BValue v = Bencode.decodePrefix(b("d1:ai1eeRAWDATA"), BencodeLimits.NETWORK);
        assertThat(v.end()).isEqualTo(8);
    }
}
