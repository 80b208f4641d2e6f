package io.btget.peer.ext.pex;

import static io.btget.peer.ext.pex.PexTestData.addr;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PexSenderTest {
    private static final long MINUTE = PexSender.MIN_INTERVAL_NANOS;
    private static final InetSocketAddress RECIPIENT = addr("127.0.0.1", 50000);

    private static List<PexPeer> peers(int from, int count) {
        List<PexPeer> list = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            list.add(new PexPeer(addr("127.0.0.1", 10000 + i), PexPeer.CONNECTABLE));
        }
        return list;
    }

    @Test
    void firstMessageIsTheCurrentSetWithFlags() {
        PexSender sender = new PexSender(RECIPIENT);
        List<PexPeer> connected = List.of(new PexPeer(addr("127.0.0.1", 6881), PexPeer.SEED), PexPeer.of(addr("::1", 7)));

        PexMessage m = sender.next(connected, 0).orElseThrow();

        assertThat(m.added()).containsExactlyElementsOf(connected);
        assertThat(m.dropped()).isEmpty();
    }

    @Test
    void neverSendsAnEmptyMessage() {
        PexSender sender = new PexSender(RECIPIENT);

        assertThat(sender.next(List.of(), 0)).isEmpty();
        assertThat(sender.next(List.of(PexPeer.of(RECIPIENT)), MINUTE)).isEmpty();
        sender.next(peers(0, 3), 2 * MINUTE).orElseThrow();
        assertThat(sender.next(peers(0, 3), 10 * MINUTE)).as("nothing changed").isEmpty();
    }

    @Test
    void sendsAtMostOneMessagePerMinute() {
        PexSender sender = new PexSender(RECIPIENT);
        sender.next(peers(0, 1), 1_000).orElseThrow();

        assertThat(sender.next(peers(0, 2), 1_000 + MINUTE - 1)).isEmpty();
        assertThat(sender.next(peers(0, 2), 1_000 + MINUTE)).isPresent();
    }

    @Test
    void laterMessagesAreDiffs() {
        PexSender sender = new PexSender(RECIPIENT);
        sender.next(peers(0, 3), 0).orElseThrow();

        PexMessage diff = sender.next(peers(1, 3), MINUTE).orElseThrow();

        assertThat(diff.added()).containsExactlyElementsOf(peers(3, 1));
        assertThat(diff.dropped()).containsExactly(peers(0, 1).get(0).address());
    }

    @Test
    void elidesAPeerThatLeftAndCameBackBetweenMessages() {
        PexSender sender = new PexSender(RECIPIENT);
        sender.next(peers(0, 2), 0).orElseThrow();
        assertThat(sender.next(peers(1, 1), 1)).isEmpty(); // too early: peer 0 gone for a while

        Optional<PexMessage> m = sender.next(peers(0, 2), MINUTE);

        assertThat(m).isEmpty();
    }

    @Test
    void addsAtMostFiftyAndSendsTheRestLater() {
        PexSender sender = new PexSender(RECIPIENT);

        PexMessage first = sender.next(peers(0, 120), 0).orElseThrow();
        PexMessage second = sender.next(peers(0, 120), MINUTE).orElseThrow();
        PexMessage third = sender.next(peers(0, 120), 2 * MINUTE).orElseThrow();

        assertThat(first.added()).containsExactlyElementsOf(peers(0, 50));
        assertThat(second.added()).containsExactlyElementsOf(peers(50, 50));
        assertThat(third.added()).containsExactlyElementsOf(peers(100, 20));
        assertThat(sender.next(peers(0, 120), 3 * MINUTE)).isEmpty();
    }

    @Test
    void dropsAtMostFiftyPerMessageAndEveryAddedPeerIsDroppedInTheEnd() {
        PexSender sender = new PexSender(RECIPIENT);
        for (int i = 0; i < 3; i++) {
            sender.next(peers(0, 120), i * MINUTE).orElseThrow();
        }
        List<InetSocketAddress> dropped = new ArrayList<>();

        for (int i = 3; i < 6; i++) {
            PexMessage m = sender.next(List.of(), i * MINUTE).orElseThrow();
            assertThat(m.dropped()).hasSizeLessThanOrEqualTo(PexSender.MAX_DROPPED_PER_MESSAGE);
            dropped.addAll(m.dropped());
        }

        assertThat(dropped).containsExactlyElementsOf(peers(0, 120).stream().map(PexPeer::address).toList());
        assertThat(sender.next(List.of(), 6 * MINUTE)).isEmpty();
    }

    @Test
    void neverTellsTheRecipientItsOwnAddress() {
        PexSender sender = new PexSender(RECIPIENT);
        InetSocketAddress listen = addr("127.0.0.1", 6881);
        sender.addRecipientAddress(listen);

        PexMessage m = sender.next(List.of(PexPeer.of(RECIPIENT), PexPeer.of(listen), PexPeer.of(addr("127.0.0.1", 2))),
                0).orElseThrow();

        assertThat(m.added()).containsExactly(PexPeer.of(addr("127.0.0.1", 2)));
    }

    @Test
    void dropsAContactLaterLearnedToBeTheRecipient() {
        PexSender sender = new PexSender(RECIPIENT);
        InetSocketAddress listen = addr("127.0.0.1", 6881);
        sender.next(List.of(PexPeer.of(listen)), 0).orElseThrow();

        sender.addRecipientAddress(listen);
        PexMessage m = sender.next(List.of(PexPeer.of(listen)), MINUTE).orElseThrow();

        assertThat(m.dropped()).containsExactly(listen);
        assertThat(m.added()).isEmpty();
    }

    @Test
    void skipsPortZeroDuplicatesAndAddressesThatCannotBePeers() {
        PexSender sender = new PexSender(RECIPIENT);
        List<PexPeer> connected = List.of(PexPeer.of(addr("127.0.0.1", 0)), PexPeer.of(addr("0.0.0.0", 5)),
                PexPeer.of(addr("224.0.0.1", 5)), PexPeer.of(addr("255.255.255.255", 5)),
                PexPeer.of(addr("127.0.0.1", 5)), new PexPeer(addr("127.0.0.1", 5), PexPeer.SEED));

        PexMessage m = sender.next(connected, 0).orElseThrow();

        assertThat(m.added()).containsExactly(PexPeer.of(addr("127.0.0.1", 5)));
    }

    @Test
    void neverAddsAndDropsTheSameContactInOneMessage() {
        PexSender sender = new PexSender(RECIPIENT);
        for (int i = 0; i < 3; i++) {
            sender.next(peers(0, 120), i * MINUTE);
        }
        // All 120 leave, then 60 of them come back while drops are still pending.
        sender.next(List.of(), 3 * MINUTE).orElseThrow();

        for (int i = 4; i < 10; i++) {
            Optional<PexMessage> m = sender.next(peers(0, 60), i * MINUTE);
            m.ifPresent(msg -> assertThat(msg.added().stream().map(PexPeer::address).toList())
                    .doesNotContainAnyElementsOf(msg.dropped()));
        }
    }

    @Test
    void stopsAddingWhenTheAdvertisedSetIsFull() {
        PexSender sender = new PexSender(RECIPIENT);
        List<PexPeer> crowd = peers(0, 2 * PexSender.MAX_ADVERTISED);
        int minutes = PexSender.MAX_ADVERTISED / PexSender.MAX_ADDED_PER_MESSAGE;
        for (int i = 0; i < minutes; i++) {
            assertThat(sender.next(crowd, i * MINUTE)).isPresent();
        }

        assertThat(sender.next(crowd, minutes * MINUTE)).as("advertised set full").isEmpty();
        // Once some leave, their drops go out and room opens for others.
        PexMessage m = sender.next(crowd.subList(10, crowd.size()), (minutes + 1) * MINUTE).orElseThrow();
        assertThat(m.dropped()).hasSize(10);
        assertThat(m.added()).hasSize(10);
    }

    @Test
    void messagesRoundTripThroughTheCodec() throws Exception {
        PexSender sender = new PexSender(RECIPIENT);
        PexMessage m = sender.next(peers(0, 3), 0).orElseThrow();

        assertThat(PexMessage.decode(m.encode())).isEqualTo(m);
    }
}
