package io.btget.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RangeRequestTest {
    private static RangeRequest parse(String header) {
        return RangeRequest.parse(header, 1000);
    }

    @Test
    void noHeaderMeansTheWholeResource() {
        assertThat(parse(null)).isInstanceOf(RangeRequest.Whole.class);
    }

    @Test
    void parsesAClosedRangeAnOpenRangeAndASuffix() {
        assertThat(parse("bytes=0-99")).isEqualTo(new RangeRequest.Part(0, 99));
        assertThat(parse("bytes=900-")).isEqualTo(new RangeRequest.Part(900, 999));
        assertThat(parse("bytes=-100")).isEqualTo(new RangeRequest.Part(900, 999));
        assertThat(parse(" Bytes = 5 - 9 ")).isEqualTo(new RangeRequest.Part(5, 9));
    }

    @Test
    void clipsTheEndAndALongSuffixToTheResource() {
        assertThat(parse("bytes=990-5000")).isEqualTo(new RangeRequest.Part(990, 999));
        assertThat(parse("bytes=-5000")).isEqualTo(new RangeRequest.Part(0, 999));
    }

    @Test
    void anEmptySuffixOrAStartPastTheEndIsUnsatisfiable() {
        assertThat(parse("bytes=-0")).isInstanceOf(RangeRequest.Unsatisfiable.class);
        assertThat(parse("bytes=1000-")).isInstanceOf(RangeRequest.Unsatisfiable.class);
        assertThat(parse("bytes=1000-2000")).isInstanceOf(RangeRequest.Unsatisfiable.class);
        assertThat(RangeRequest.parse("bytes=0-", 0)).isInstanceOf(RangeRequest.Unsatisfiable.class);
        assertThat(RangeRequest.parse("bytes=-5", 0)).isInstanceOf(RangeRequest.Unsatisfiable.class);
    }

    @Test
    void anInvalidRangeIsIgnored() {
        assertThat(parse("bytes=5-2")).isInstanceOf(RangeRequest.Whole.class);
        assertThat(parse("bytes=abc")).isInstanceOf(RangeRequest.Whole.class);
        assertThat(parse("bytes=-")).isInstanceOf(RangeRequest.Whole.class);
        assertThat(parse("bytes=1-x")).isInstanceOf(RangeRequest.Whole.class);
        assertThat(parse("bytes=+1-2")).isInstanceOf(RangeRequest.Whole.class);
        assertThat(parse("bytes=--5")).isInstanceOf(RangeRequest.Whole.class);
        assertThat(parse("items=0-5")).isInstanceOf(RangeRequest.Whole.class);
        assertThat(parse("bytes=\u0661-2")).as("non-ASCII digits").isInstanceOf(RangeRequest.Whole.class);
        assertThat(parse("bytes=0-" + "9".repeat(2000))).as("overlong header").isInstanceOf(RangeRequest.Whole.class);
    }

    @Test
    void ofSeveralRangesServesTheFirst() {
        assertThat(parse("bytes=10-19, 50-59")).isEqualTo(new RangeRequest.Part(10, 19));
        assertThat(parse("bytes=-10,0-5")).isEqualTo(new RangeRequest.Part(990, 999));
    }

    @Test
    void hugeNumbersSaturateInsteadOfOverflowing() {
        String huge = "99999999999999999999999999999";
        assertThat(parse("bytes=0-" + huge)).isEqualTo(new RangeRequest.Part(0, 999));
        assertThat(parse("bytes=" + huge + "-")).isInstanceOf(RangeRequest.Unsatisfiable.class);
        assertThat(parse("bytes=-" + huge)).isEqualTo(new RangeRequest.Part(0, 999));
        assertThat(parse("bytes=9223372036854775807-9223372036854775807")).isInstanceOf(RangeRequest.Unsatisfiable.class);
    }
}
