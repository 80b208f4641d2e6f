package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExternalAddressVoterTest {
    private static final long MINUTE = 60_000_000_000L;

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress voter(int i) {
        return ip("203.0." + (i / 256) + "." + (i % 256));
    }

    @Test
    void threeDhtResponsesAgreeingDecide() {
        ExternalAddressVoter v = new ExternalAddressVoter();
        InetAddress ext = ip("198.51.100.20");
        assertThat(v.vote(ext, voter(1), true, 0)).isEmpty();
        assertThat(v.vote(ext, voter(1), true, 0)).isEmpty(); // one voter counts once
        assertThat(v.vote(ext, voter(2), true, 0)).isEmpty();
        assertThat(v.vote(ext, voter(3), true, 0)).contains(ext);
        assertThat(v.decided()).contains(ext);
    }

    @Test
    void yourIpVotesAloneNeverDecide() {
        ExternalAddressVoter v = new ExternalAddressVoter();
        InetAddress ext = ip("198.51.100.20");
        for (int i = 1; i <= 30; i++) {
            assertThat(v.vote(ext, voter(i), false, 0)).isEmpty();
        }
        assertThat(v.decided()).isEmpty();
    }

    @Test
    void yourIpCountsHalfADhtResponse() {
        ExternalAddressVoter v = new ExternalAddressVoter();
        InetAddress ext = ip("198.51.100.20");
        assertThat(v.vote(ext, voter(1), true, 0)).isEmpty();
        assertThat(v.vote(ext, voter(2), false, 0)).isEmpty();
        assertThat(v.vote(ext, voter(3), false, 0)).isEmpty();
        assertThat(v.vote(ext, voter(4), false, 0)).isEmpty(); // 2 + 1 + 1 + 1 = 5 < 6
        assertThat(v.vote(ext, voter(5), false, 0)).contains(ext);
    }

    @Test
    void withoutAClearMajorityNothingIsDecided() {
        ExternalAddressVoter v = new ExternalAddressVoter();
        InetAddress a = ip("198.51.100.20");
        InetAddress b = ip("198.51.100.21");
        v.vote(b, voter(10), true, 0);
        v.vote(b, voter(11), true, 0);
        v.vote(a, voter(1), true, 0);
        v.vote(a, voter(2), true, 0);
        assertThat(v.vote(a, voter(3), true, 0)).isEmpty(); // 6 of 10: not two thirds
        assertThat(v.vote(a, voter(4), true, 0)).contains(a); // 8 of 12
    }

    @Test
    void votesOutsideTheWindowDoNotCount() {
        ExternalAddressVoter v = new ExternalAddressVoter();
        InetAddress ext = ip("198.51.100.20");
        v.vote(ext, voter(1), true, 0);
        v.vote(ext, voter(2), true, 0);
        assertThat(v.vote(ext, voter(3), true, DhtLimits.EXTERNAL_VOTE_WINDOW_NANOS)).isEmpty();
    }

    @Test
    void theDecisionChangesAtMostOncePerIntervalAndNotBackAndForth() {
        ExternalAddressVoter v = new ExternalAddressVoter();
        InetAddress a = ip("198.51.100.20");
        InetAddress b = ip("198.51.100.21");
        for (int i = 1; i <= 3; i++) {
            v.vote(a, voter(i), true, 0);
        }
        assertThat(v.decided()).contains(a);
        long t = MINUTE;
        Optional<InetAddress> flipped = Optional.empty();
        for (int round = 0; round < 10 && flipped.isEmpty(); round++, t += MINUTE) {
            for (int i = 1; i <= 3; i++) {
                if (v.vote(b, voter(100 + i), true, t).isPresent()) {
                    flipped = Optional.of(b);
                }
            }
        }
        assertThat(flipped).isEmpty(); // three new voters cannot move us within the hour
        assertThat(v.decided()).contains(a);
        long later = DhtLimits.EXTERNAL_ADDRESS_SWITCH_NANOS;
        v.vote(b, voter(201), true, later);
        v.vote(b, voter(202), true, later);
        assertThat(v.vote(b, voter(203), true, later)).contains(b);
        // and straight back: refused until another interval passed
        for (int i = 1; i <= 5; i++) {
            assertThat(v.vote(a, voter(300 + i), true, later + MINUTE)).isEmpty();
        }
        assertThat(v.decided()).contains(b);
    }

    @Test
    void loopbackAndPrivateAddressesNeverCount() {
        ExternalAddressVoter v = new ExternalAddressVoter();
        for (int i = 1; i <= 5; i++) {
            assertThat(v.vote(ip("192.168.1.2"), voter(i), true, 0)).isEmpty();
            assertThat(v.vote(ip("127.0.0.1"), voter(i), true, 0)).isEmpty();
        }
        assertThat(v.decided()).isEmpty();
    }
}
