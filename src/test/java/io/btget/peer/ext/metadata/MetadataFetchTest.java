package io.btget.peer.ext.metadata;

import static io.btget.peer.ext.metadata.MetadataFetch.Verdict.Kind.ACCEPTED;
import static io.btget.peer.ext.metadata.MetadataFetch.Verdict.Kind.COMPLETE;
import static io.btget.peer.ext.metadata.MetadataFetch.Verdict.Kind.DROP_PEER;
import static io.btget.peer.ext.metadata.MetadataFetch.Verdict.Kind.HASH_FAILED;
import static io.btget.peer.ext.metadata.MetadataFetch.Verdict.Kind.IGNORED;
import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import io.btget.peer.ext.metadata.MetadataFetch.Verdict;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metadata fetch against the hostile list of issue 9 ("Metadata:"), with a fake clock: every time is a number
 * the test passes in, so nothing here waits.
 */
class MetadataFetchTest {
    private static final long SECOND = 1_000_000_000L;
    /** Three pieces: 16 KiB, 16 KiB, 7232 bytes. */
    private static final byte[] INFO = new byte[40000];
    private static final InfoHash HASH;

    static {
        for (int i = 0; i < INFO.length; i++) {
            INFO[i] = (byte) (i * 31);
        }
        try {
            HASH = new InfoHash(MessageDigest.getInstance("SHA-1").digest(INFO));
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MetadataFetch fetch = new MetadataFetch(HASH);
    private long now = 1000 * SECOND;

    private static byte[] piece(int i) {
        int start = i * UtMetadataMessage.PIECE_SIZE;
        return Arrays.copyOfRange(INFO, start, Math.min(INFO.length, start + UtMetadataMessage.PIECE_SIZE));
    }

    private static byte[] corrupt(byte[] bytes) {
        byte[] out = bytes.clone();
        out[0] ^= 1;
        return out;
    }

    /** Asks {@code peer} for what it should fetch and answers honestly; returns the last verdict. */
    private Verdict serveHonestly(Object peer) {
        Verdict last = null;
        for (int round = 0; round < 10; round++) {
            List<Integer> ask = fetch.piecesToRequest(peer, now);
            if (ask.isEmpty()) {
                break;
            }
            for (int p : ask) {
                last = fetch.onData(peer, p, INFO.length, piece(p));
            }
        }
        return last;
    }

    @Test
    void fetchesFromOnePeerAndVerifiesTheHash() {
        assertThat(fetch.peerAnnounced("a", INFO.length).kind()).isEqualTo(ACCEPTED);
        assertThat(fetch.piecesToRequest("a", now)).containsExactly(0, 1);
        assertThat(fetch.piecesToRequest("a", now)).as("two in flight at most").isEmpty();
        assertThat(fetch.onData("a", 0, INFO.length, piece(0)).kind()).isEqualTo(ACCEPTED);
        assertThat(fetch.piecesToRequest("a", now)).containsExactly(2);
        assertThat(fetch.onData("a", 2, INFO.length, piece(2)).kind()).isEqualTo(ACCEPTED);
        assertThat(fetch.verifiedInfo()).isEmpty();
        assertThat(fetch.onData("a", 1, INFO.length, piece(1)).kind()).isEqualTo(COMPLETE);
        assertThat(fetch.verifiedInfo()).get().isEqualTo(INFO);
        assertThat(fetch.piecesToRequest("a", now)).isEmpty();
    }

    @Test
    void spreadsPiecesOverSeveralPeers() {
        fetch.peerAnnounced("a", INFO.length);
        fetch.peerAnnounced("b", INFO.length);
        assertThat(fetch.piecesToRequest("a", now)).containsExactly(0, 1);
        assertThat(fetch.piecesToRequest("b", now)).containsExactly(2);
        fetch.onData("b", 2, INFO.length, piece(2));
        fetch.onData("a", 1, INFO.length, piece(1));
        assertThat(fetch.onData("a", 0, INFO.length, piece(0)).kind()).isEqualTo(COMPLETE);
    }

    @Test
    void refusesAnnouncedSizesZeroNegativeTwoTo31AndOverTheCapWithoutAllocating() {
        for (long size : new long[] {0, -1, -(1L << 40), 1L << 31, MetadataFetch.MAX_METADATA_SIZE + 1,
                Long.MAX_VALUE}) {
            Verdict v = fetch.peerAnnounced("liar", size);
            assertThat(v.kind()).as("size %d", size).isEqualTo(IGNORED);
            assertThat(v.reason()).contains("metadata_size " + size);
            assertThat(fetch.metadataSize()).isZero();
            assertThat(fetch.piecesToRequest("liar", now)).isEmpty();
        }
        assertThat(fetch.peerAnnounced("max", MetadataFetch.MAX_METADATA_SIZE).kind()).isEqualTo(ACCEPTED);
    }

    @Test
    void dropsAPeerWhoseTotalSizeLiesAboutWhatItAnnounced() {
        fetch.peerAnnounced("a", INFO.length);
        fetch.piecesToRequest("a", now);
        Verdict v = fetch.onData("a", 0, INFO.length + 1, piece(0));
        assertThat(v.kind()).isEqualTo(DROP_PEER);
        assertThat(v.peersToDrop()).containsExactly("a");
        assertThat(v.reason()).contains("total_size 40001");
    }

    @Test
    void dropsAPeerWhoseTotalSizeChangesBetweenMessages() {
        fetch.peerAnnounced("a", INFO.length);
        fetch.piecesToRequest("a", now);
        assertThat(fetch.onData("a", 0, INFO.length, piece(0)).kind()).isEqualTo(ACCEPTED);
        assertThat(fetch.onData("a", 1, 50000, piece(1)).kind()).isEqualTo(DROP_PEER);
    }

    @Test
    void dropsAPeerSendingAPieceOutOfRangeOrOfTheWrongLength() {
        fetch.peerAnnounced("a", INFO.length);
        fetch.piecesToRequest("a", now);
        assertThat(fetch.onData("a", 3, INFO.length, new byte[10]).kind()).isEqualTo(DROP_PEER);
        assertThat(fetch.onData("a", -1, INFO.length, new byte[10]).kind()).isEqualTo(DROP_PEER);
        assertThat(fetch.onData("a", Integer.MAX_VALUE, INFO.length, new byte[10]).kind()).isEqualTo(DROP_PEER);
        assertThat(fetch.onData("a", 0, INFO.length, new byte[100]).kind()).isEqualTo(DROP_PEER);
        assertThat(fetch.onData("a", 2, INFO.length, new byte[16384]).kind()).isEqualTo(DROP_PEER);
    }

    @Test
    void ignoresDataWeDidNotAskForAndDropsAPeerThatKeepsSendingIt() {
        fetch.peerAnnounced("a", INFO.length);
        // Nothing requested yet: every piece is unsolicited.
        for (int i = 1; i < MetadataFetch.MAX_UNSOLICITED; i++) {
            assertThat(fetch.onData("a", 2, INFO.length, piece(2)).kind()).isEqualTo(IGNORED);
        }
        assertThat(fetch.onData("a", 2, INFO.length, piece(2)).kind()).isEqualTo(DROP_PEER);
        // And none of it was kept: an honest peer still fetches every piece.
        fetch.peerAnnounced("b", INFO.length);
        assertThat(serveHonestly("b").kind()).isEqualTo(COMPLETE);
    }

    @Test
    void dataFromAPeerThatNeverAnnouncedASizeDropsIt() {
        assertThat(fetch.onData("stranger", 0, INFO.length, piece(0)).kind()).isEqualTo(DROP_PEER);
    }

    @Test
    void hashFailureDiscardsThePiecesReportsEveryContributorAndRestarts() {
        fetch.peerAnnounced("bad", INFO.length);
        fetch.peerAnnounced("good", INFO.length);
        fetch.peerAnnounced("later", INFO.length);
        assertThat(fetch.piecesToRequest("bad", now)).containsExactly(0, 1);
        assertThat(fetch.piecesToRequest("good", now)).containsExactly(2);
        fetch.onData("bad", 0, INFO.length, corrupt(piece(0)));
        fetch.onData("bad", 1, INFO.length, piece(1));
        Verdict v = fetch.onData("good", 2, INFO.length, piece(2));

        assertThat(v.kind()).isEqualTo(HASH_FAILED);
        assertThat(v.peersToDrop()).containsExactlyInAnyOrder("bad", "good");
        assertThat(fetch.verifiedInfo()).isEmpty();
        assertThat(fetch.isUseless("bad")).isTrue();
        assertThat(fetch.piecesToRequest("bad", now)).isEmpty();
        // The restart fetches every piece again from a peer that did not take part.
        assertThat(serveHonestly("later").kind()).isEqualTo(COMPLETE);
        assertThat(fetch.verifiedInfo()).get().isEqualTo(INFO);
    }

    @Test
    void aSinglePieceMetadataThatFailsTheHashIsRefetchedFromAnotherPeer() {
        byte[] small = "d4:name1:xe".getBytes();
        MetadataFetch f;
        try {
            f = new MetadataFetch(new InfoHash(MessageDigest.getInstance("SHA-1").digest(small)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        f.peerAnnounced("bad", small.length);
        f.peerAnnounced("good", small.length);
        assertThat(f.piecesToRequest("bad", now)).containsExactly(0);
        assertThat(f.piecesToRequest("good", now)).isEmpty();
        assertThat(f.onData("bad", 0, small.length, corrupt(small)).peersToDrop()).containsExactly("bad");
        assertThat(f.piecesToRequest("good", now)).containsExactly(0);
        assertThat(f.onData("good", 0, small.length, small).kind()).isEqualTo(COMPLETE);
    }

    @Test
    void aSilentPeersPiecesMoveToAnotherPeerAndItBacksOff() {
        fetch.peerAnnounced("silent", INFO.length);
        fetch.peerAnnounced("b", INFO.length);
        assertThat(fetch.piecesToRequest("silent", now)).containsExactly(0, 1);
        assertThat(fetch.piecesToRequest("b", now)).containsExactly(2);
        fetch.onData("b", 2, INFO.length, piece(2));
        // Just before the time-out nothing moves.
        now += MetadataFetch.REQUEST_TIMEOUT_NANOS - 1;
        assertThat(fetch.piecesToRequest("b", now)).isEmpty();
        now += 1;
        assertThat(fetch.piecesToRequest("b", now)).containsExactly(0, 1);
        assertThat(fetch.piecesToRequest("silent", now)).as("backing off").isEmpty();
        // A late answer from the silent peer is data we no longer asked it for.
        assertThat(fetch.onData("silent", 0, INFO.length, piece(0)).kind()).isEqualTo(IGNORED);
        fetch.onData("b", 0, INFO.length, piece(0));
        assertThat(fetch.onData("b", 1, INFO.length, piece(1)).kind()).isEqualTo(COMPLETE);
    }

    @Test
    void aPeerThatNeverAnswersBacksOffLongerEachTimeAndIsGivenUp() {
        fetch.peerAnnounced("silent", INFO.length);
        long backoff = MetadataFetch.BASE_BACKOFF_NANOS;
        for (int strike = 1; strike <= MetadataFetch.MAX_STRIKES; strike++) {
            assertThat(fetch.piecesToRequest("silent", now)).as("strike %d", strike).isNotEmpty();
            now += MetadataFetch.REQUEST_TIMEOUT_NANOS;
            fetch.piecesToRequest("other", now); // any call expires time-outs
            if (strike == MetadataFetch.MAX_STRIKES) {
                break;
            }
            assertThat(fetch.piecesToRequest("silent", now + backoff - 1)).isEmpty();
            now += backoff;
            backoff = Math.min(backoff * 2, MetadataFetch.MAX_BACKOFF_NANOS);
        }
        assertThat(fetch.isUseless("silent")).isTrue();
        assertThat(fetch.piecesToRequest("silent", now + 3600 * SECOND)).isEmpty();
    }

    @Test
    void rejectGivesThePieceToAnotherPeerAndBacksOff() {
        fetch.peerAnnounced("r", INFO.length);
        fetch.peerAnnounced("b", INFO.length);
        assertThat(fetch.piecesToRequest("r", now)).containsExactly(0, 1);
        assertThat(fetch.onReject("r", 0, now).kind()).isEqualTo(IGNORED);
        assertThat(fetch.piecesToRequest("b", now)).containsExactly(0, 2);
        assertThat(fetch.piecesToRequest("r", now + MetadataFetch.BASE_BACKOFF_NANOS - 1)).isEmpty();
    }

    @Test
    void endlessRejectsEndInADrop() {
        fetch.peerAnnounced("r", INFO.length);
        Verdict v = null;
        for (int i = 0; i < MetadataFetch.MAX_REJECTS; i++) {
            v = fetch.onReject("r", i % 3, now);
            if (i < MetadataFetch.MAX_REJECTS - 1) {
                assertThat(v.kind()).isEqualTo(IGNORED);
            }
            now += MetadataFetch.MAX_BACKOFF_NANOS;
            fetch.piecesToRequest("r", now);
        }
        assertThat(v.kind()).isEqualTo(DROP_PEER);
        assertThat(v.peersToDrop()).containsExactly("r");
        assertThat(fetch.piecesToRequest("r", now + 3600 * SECOND)).isEmpty();
    }

    @Test
    void theSizeMostPeersAnnounceWinsAndAMinorityLiarIsNotAsked() {
        fetch.peerAnnounced("liar", 99999);
        assertThat(fetch.metadataSize()).isEqualTo(99999);
        fetch.peerAnnounced("a", INFO.length);
        fetch.peerAnnounced("b", INFO.length);
        assertThat(fetch.metadataSize()).isEqualTo(INFO.length);
        assertThat(fetch.piecesToRequest("liar", now)).isEmpty();
        assertThat(serveHonestly("a").kind()).isEqualTo(COMPLETE);
    }

    @Test
    void aSilentMajorityAnnouncingAFalseSizeIsOutlivedByTheHonestPeer() {
        fetch.peerAnnounced("liar1", 99999);
        fetch.peerAnnounced("liar2", 99999);
        fetch.peerAnnounced("honest", INFO.length);
        assertThat(fetch.metadataSize()).isEqualTo(99999);
        assertThat(fetch.piecesToRequest("honest", now)).isEmpty();
        for (int round = 0; round < 100 && fetch.metadataSize() != INFO.length; round++) {
            fetch.piecesToRequest("liar1", now);
            fetch.piecesToRequest("liar2", now);
            now += MetadataFetch.MAX_BACKOFF_NANOS;
            fetch.piecesToRequest("nobody", now); // expires the liars' requests
        }
        assertThat(fetch.isUseless("liar1")).isTrue();
        assertThat(fetch.metadataSize()).isEqualTo(INFO.length);
        assertThat(serveHonestly("honest").kind()).isEqualTo(COMPLETE);
    }

    @Test
    void aTieKeepsTheSizeAlreadyBeingFetched() {
        fetch.peerAnnounced("other1", 99999);
        fetch.peerAnnounced("other2", 99999);
        fetch.peerAnnounced("a", INFO.length);
        fetch.peerAnnounced("a2", INFO.length);
        fetch.peerAnnounced("a3", INFO.length);
        assertThat(fetch.metadataSize()).isEqualTo(INFO.length);
        assertThat(fetch.piecesToRequest("a", now)).containsExactly(0, 1);
        fetch.onData("a", 0, INFO.length, piece(0));
        fetch.peerGone("a3"); // two peers for each size now
        assertThat(fetch.metadataSize()).isEqualTo(INFO.length);
        fetch.onData("a", 1, INFO.length, piece(1));
        assertThat(fetch.piecesToRequest("a", now)).containsExactly(2);
        assertThat(fetch.onData("a", 2, INFO.length, piece(2)).kind()).isEqualTo(COMPLETE);
    }

    @Test
    void reannouncingTheSameSizeKeepsRequestsInFlight() {
        fetch.peerAnnounced("a", INFO.length);
        fetch.piecesToRequest("a", now);
        fetch.peerAnnounced("a", INFO.length);
        assertThat(fetch.onData("a", 0, INFO.length, piece(0)).kind()).isEqualTo(ACCEPTED);
    }

    @Test
    void aPeerThatLeavesGivesItsPiecesBackAtOnce() {
        fetch.peerAnnounced("a", INFO.length);
        fetch.peerAnnounced("b", INFO.length);
        assertThat(fetch.piecesToRequest("a", now)).containsExactly(0, 1);
        fetch.peerGone("a");
        assertThat(fetch.piecesToRequest("b", now)).containsExactly(0, 1);
        assertThat(fetch.onData("a", 2, INFO.length, piece(2)).kind()).isEqualTo(DROP_PEER);
    }

    @Test
    void aDuplicateAnswerAfterAnotherPeerFilledThePieceIsIgnored() {
        fetch.peerAnnounced("a", INFO.length);
        fetch.peerAnnounced("b", INFO.length);
        fetch.piecesToRequest("a", now);
        now += MetadataFetch.REQUEST_TIMEOUT_NANOS;
        assertThat(fetch.piecesToRequest("b", now)).containsExactly(0, 1);
        assertThat(fetch.onData("b", 0, INFO.length, piece(0)).kind()).isEqualTo(ACCEPTED);
        // "a" answers late; its request expired, so it is unsolicited now.
        assertThat(fetch.onData("a", 0, INFO.length, piece(0)).kind()).isEqualTo(IGNORED);
    }
}
