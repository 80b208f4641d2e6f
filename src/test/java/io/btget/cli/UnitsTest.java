package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void ratesUseTheSameBinaryUnitsAsSizes() {
        assertThat(Units.bytes(2 * 1024 * 1024)).isEqualTo("2.00 MiB");
        assertThat(Units.rate(2 * 1024 * 1024)).isEqualTo("2.00 MiB/s");
        assertThat(Units.rate(1536)).isEqualTo("1.50 KiB/s");
        assertThat(Units.rate(999)).isEqualTo("999 B/s");
        assertThat(Units.rate(Double.NaN)).isEqualTo("-- B/s");
    }

    @Test
    void countsArePluralExceptForOne() {
        assertThat(Units.count(1, "peer")).isEqualTo("1 peer");
        assertThat(Units.count(0, "peer")).isEqualTo("0 peers");
        assertThat(Units.count(2, "bad piece")).isEqualTo("2 bad pieces");
    }

    @Test
    void sizesRefuseWhatIsNotASize() {
        assertThat(Units.parseSize("2M")).isEqualTo(2L << 20);
        assertThat(Units.parseSize("2.5k")).isEqualTo(2560);
        assertThat(Units.parseSize("2MiB/s")).isEqualTo(2L << 20);
        assertThat(Units.parseSize("0")).isZero();
        for (String bad : new String[] {"-1", "inf", "Infinity", "NaN", "1e9", "0x10", "0x10p0", "", "M", "1.5.5",
                "99999999999999999999", "5000P", "9999999T"}) {
            assertThatThrownBy(() -> Units.parseSize(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void durationsAreBoundedAndNeverOverflow() {
        assertThat(Units.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Units.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Units.parseDuration("0")).isZero();
        assertThat(Units.parseDuration("36500d")).isEqualTo(Units.MAX_DURATION);
        for (String bad : new String[] {"-5", "5x", "inf", "99999999999999999999", "36501d", "999999999999d",
                "1.5h", "", "h", "5m-3s"}) {
            assertThatThrownBy(() -> Units.parseDuration(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .isNotInstanceOf(NumberFormatException.class);
        }
    }
}
