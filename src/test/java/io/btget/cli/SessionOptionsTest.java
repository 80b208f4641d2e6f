package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.session.Config;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionOptionsTest {
    @Test
    void seedTimeZeroMeansDoNotSeedAsInAria2c() {
        assertThat(SessionOptions.seedPolicy(false, null, "0", false).enabled()).isFalse();
        assertThat(SessionOptions.seedPolicy(true, "2", "0", false).enabled()).isFalse();
        // the seed command: check the data and stop
        assertThat(SessionOptions.seedPolicy(true, null, "0", true).enabled()).isFalse();
    }

    @Test
    void seedingWithoutALimitIsSaidWithSeedOrInf() {
        Config.SeedPolicy forever = SessionOptions.seedPolicy(true, null, null, false);
        assertThat(forever.enabled()).isTrue();
        assertThat(forever.done(1e9, Duration.ofDays(10_000))).isFalse();
        Config.SeedPolicy inf = SessionOptions.seedPolicy(false, "inf", "inf", false);
        assertThat(inf.enabled()).isTrue();
        assertThat(inf.done(1e9, Duration.ofDays(10_000))).isFalse();
        assertThat(SessionOptions.seedPolicy(false, null, null, false).enabled()).isFalse();
        assertThat(SessionOptions.seedPolicy(false, null, null, true).done(1e9, Duration.ofDays(1))).isFalse();
    }

    @Test
    void limitsStopSeeding() {
        Config.SeedPolicy p = SessionOptions.seedPolicy(false, "2", "1h", false);
        assertThat(p.done(1.9, Duration.ofMinutes(59))).isFalse();
        assertThat(p.done(2.0, Duration.ZERO)).isTrue();
        assertThat(p.done(0, Duration.ofHours(1))).isTrue();
    }

    @Test
    void badRatiosAreUsageErrors() {
        for (String bad : new String[] {"0", "-1", "NaN", "abc", "1e400", "0x1p3"}) {
            assertThatThrownBy(() -> SessionOptions.seedPolicy(false, bad, null, false)).as(bad)
                    .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
        }
        assertThatThrownBy(() -> SessionOptions.seedPolicy(false, null, "-1", false)).isInstanceOf(UserError.class);
    }

    @Test
    void stallTimeoutZeroOrInfMeansNeverGiveUp() {
        assertThat(SessionOptions.stallTimeout("0")).isZero();
        assertThat(SessionOptions.stallTimeout("inf")).isZero();
        assertThat(SessionOptions.stallTimeout("3m")).isEqualTo(Duration.ofMinutes(3));
        SessionOptions o = new SessionOptions();
        o.stallTimeout = "0";
        Config never = o.toConfig(Config.SeedPolicy.NONE);
        assertThat(never.stalledAfter(Long.MAX_VALUE)).isFalse();
        o.stallTimeout = "36500d";
        assertThat(o.toConfig(Config.SeedPolicy.NONE).stalledAfter(Long.MAX_VALUE)).isTrue();
        o.stallTimeout = "2s";
        Config two = o.toConfig(Config.SeedPolicy.NONE);
        assertThat(two.stalledAfter(1_900_000_000L)).isFalse();
        assertThat(two.stalledAfter(2_100_000_000L)).isTrue();
    }

    @Test
    void threadCountsAreBounded() {
        SessionOptions o = new SessionOptions();
        o.hashThreads = 1_000_000;
        assertThatThrownBy(() -> o.toConfig(Config.SeedPolicy.NONE)).isInstanceOf(UserError.class)
                .hasMessageContaining("--hash-threads must be 1..256");
    }

    @Test
    void trackerUrlsAreCheckedWhole() {
        for (String bad : new String[] {"notaurl", "ftp://h/a", "udp://h/announce", "http://:80/a", "http://h:0/a",
                "http://h:99999/a", "http//h/a", "udp:opaque"}) {
            SessionOptions o = new SessionOptions();
            o.trackers.add(bad);
            assertThatThrownBy(() -> o.toConfig(Config.SeedPolicy.NONE)).as(bad).isInstanceOf(UserError.class);
        }
        SessionOptions o = new SessionOptions();
        o.trackers.add("udp://127.0.0.1:6969/announce");
        o.trackers.add("HTTPS://tracker.example/announce?passkey=x");
        assertThat(o.toConfig(Config.SeedPolicy.NONE).extraTrackers()).hasSize(2);
    }

    @Test
    void encryptionDefaultsToPreferAsTransmissionAndRefusesOtherWords() {
        SessionOptions o = new SessionOptions();
        assertThat(o.toConfig(Config.SeedPolicy.NONE).encryption()).isEqualTo(io.btget.mse.Encryption.PREFER);
        o.encryption = "REQUIRE";
        assertThat(o.toConfig(Config.SeedPolicy.NONE).encryption()).isEqualTo(io.btget.mse.Encryption.REQUIRE);
        o.encryption = "rc4";
        assertThatThrownBy(() -> o.toConfig(Config.SeedPolicy.NONE)).isInstanceOf(UserError.class)
                .hasMessageContaining("--encryption must be prefer, require or off");
    }
}
