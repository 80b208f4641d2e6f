package io.btget.piece;

import static io.btget.piece.BlockRequest.BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PiecePickerTest {
    /** A peer handle; the picker compares handles by identity. */
    private static final class Peer {
        private final String name;

        Peer(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final Peer a = new Peer("a");
    private final Peer b = new Peer("b");
    private final Peer c = new Peer("c");

    private static PiecePicker<Peer> picker(int pieces, int pieceLength, int maxInFlight, long seed) {
        return new PiecePicker<>(pieces, p -> pieceLength, new Bitfield(pieces), new Random(seed), maxInFlight);
    }

    private static Bitfield bits(int size, int... set) {
        Bitfield bits = new Bitfield(size);
        for (int i : set) {
            bits.set(i);
        }
        return bits;
    }

    private static Bitfield all(int size) {
        Bitfield bits = new Bitfield(size);
        bits.setAll();
        return bits;
    }

    private static Set<Integer> pieces(List<BlockRequest> blocks) {
        return blocks.stream().map(BlockRequest::piece).collect(Collectors.toSet());
    }

    @Test
    void aPieceFilterLimitsEveryStepToThePiecesItAccepts() {
        // BEP 6: a peer that chokes us may be asked only for its allowed fast pieces (review of issue 9, defect 4)
        PiecePicker<Peer> picker = picker(16, 2 * BLOCK_SIZE, 16, 1);
        picker.addPeer(a, all(16));
        picker.addPeer(b, all(16));
        picker.pick(b, 3); // starts pieces the filter must not let a into
        List<BlockRequest> picked = picker.pick(a, 100, peer -> true, piece -> piece == 5 || piece == 11);
        assertThat(pieces(picked)).containsExactlyInAnyOrder(5, 11);
        assertThat(picked).hasSize(4);
        assertThat(picker.pick(a, 100, peer -> true, piece -> piece == 5 || piece == 11)).isEmpty();
    }

    @Test
    void aChokingPeersAllowedFastPiecesLeaveHalfThePieceSlotsToOthers() {
        // review of issue 9: pieces a choking peer starts finish at its pace; with every slot taken by them an
        // unchoking seed got nothing at all
        PiecePicker<Peer> picker = picker(16, 4 * BLOCK_SIZE, 4, 1);
        picker.addPeer(a, all(16));
        picker.addPeer(b, all(16));
        List<BlockRequest> choked = picker.pick(a, 100, peer -> true, piece -> piece < 8);
        assertThat(picker.piecesInFlight()).as("started for the choking peer").isEqualTo(2);
        assertThat(pieces(choked)).hasSize(2);
        assertThat(picker.pick(b, 100)).as("the unchoking seed still starts pieces").isNotEmpty();
        assertThat(picker.piecesInFlight()).isEqualTo(4);
    }

    @Test
    void picksTheRarestPieceFirst() {
        PiecePicker<Peer> picker = picker(4, BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(4));
        picker.addPeer(b, bits(4, 0, 1, 2));
        picker.addPeer(c, bits(4, 0, 1));
        assertThat(picker.pick(a, 1)).containsExactly(new BlockRequest(3, 0, BLOCK_SIZE));
        assertThat(picker.pick(a, 1)).containsExactly(new BlockRequest(2, 0, BLOCK_SIZE));
        assertThat(pieces(picker.pick(a, 2))).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void followsAvailabilityChangesFromHaveMessages() {
        PiecePicker<Peer> picker = picker(3, BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(3));
        picker.addPeer(b, new Bitfield(3));
        picker.peerHave(b, 0);
        picker.peerHave(b, 1);
        picker.peerHave(b, 1); // a repeated HAVE must not count twice
        picker.addPeer(c, bits(3, 0));
        assertThat(picker.availability(0)).isEqualTo(3);
        assertThat(picker.availability(1)).isEqualTo(2);
        assertThat(picker.pick(a, 1)).extracting(BlockRequest::piece).containsExactly(2);
        assertThat(picker.pick(a, 1)).extracting(BlockRequest::piece).containsExactly(1);
    }

    @Test
    void breaksTiesRandomlyButReproduciblyWithASeededRandom() {
        Set<Integer> firstPicks = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            PiecePicker<Peer> first = picker(50, BLOCK_SIZE, 10, seed);
            PiecePicker<Peer> again = picker(50, BLOCK_SIZE, 10, seed);
            first.addPeer(a, all(50));
            again.addPeer(a, all(50));
            List<BlockRequest> picked = first.pick(a, 5);
            assertThat(again.pick(a, 5)).isEqualTo(picked);
            firstPicks.add(picked.get(0).piece());
        }
        assertThat(firstPicks).hasSizeGreaterThan(5);
    }

    @Test
    void finishesStartedPiecesBeforeStartingRarerOnes() {
        PiecePicker<Peer> picker = picker(3, 4 * BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(3));
        List<BlockRequest> firstTwo = picker.pick(a, 2);
        int started = firstTwo.get(0).piece();
        assertThat(firstTwo).containsExactly(new BlockRequest(started, 0, BLOCK_SIZE),
                new BlockRequest(started, BLOCK_SIZE, BLOCK_SIZE));
        // b makes another piece rarer than the started one... no: b has only the started piece and one other,
        // so the third piece becomes the rarest; still the started piece comes first.
        int other = (started + 1) % 3;
        picker.addPeer(b, bits(3, started, other));
        assertThat(picker.pick(b, 2)).containsExactly(new BlockRequest(started, 2 * BLOCK_SIZE, BLOCK_SIZE),
                new BlockRequest(started, 3 * BLOCK_SIZE, BLOCK_SIZE));
    }

    @Test
    void makesTheLastBlockOfAPieceShorter() {
        int pieceLength = 2 * BLOCK_SIZE + 100;
        PiecePicker<Peer> picker = new PiecePicker<>(2, p -> p == 1 ? 50 : pieceLength, new Bitfield(2),
                new Random(1), 10);
        picker.addPeer(a, all(2));
        assertThat(picker.pick(a, 10)).containsExactlyInAnyOrder(new BlockRequest(0, 0, BLOCK_SIZE),
                new BlockRequest(0, BLOCK_SIZE, BLOCK_SIZE), new BlockRequest(0, 2 * BLOCK_SIZE, 100),
                new BlockRequest(1, 0, 50));
    }

    @Test
    void neverStartsMorePiecesThanTheInFlightCap() {
        PiecePicker<Peer> picker = picker(5, BLOCK_SIZE, 2, 1);
        picker.addPeer(a, all(5));
        List<BlockRequest> picked = picker.pick(a, 10);
        assertThat(picked).hasSize(2);
        assertThat(picker.piecesInFlight()).isEqualTo(2);
        assertThat(picker.pick(a, 10)).isEmpty();

        BlockRequest done = picked.get(0);
        assertThat(picker.blockReceived(a, done).pieceComplete()).isTrue();
        assertThat(picker.pick(a, 10)).as("a received piece still holds memory until verified").isEmpty();
        picker.pieceVerified(done.piece());
        assertThat(picker.pick(a, 10)).hasSize(1);
    }

    @Test
    void onlyHandsOutPiecesThePeerHas() {
        PiecePicker<Peer> picker = picker(4, BLOCK_SIZE, 10, 1);
        picker.addPeer(a, bits(4, 2));
        assertThat(picker.pick(a, 10)).containsExactly(new BlockRequest(2, 0, BLOCK_SIZE));
        assertThat(picker.pick(a, 10)).isEmpty();
    }

    @Test
    void findsTheRarestPieceOfAPeerWithFewPiecesInALargeTorrent() {
        int n = 10_000;
        PiecePicker<Peer> picker = picker(n, BLOCK_SIZE, 10, 3);
        picker.addPeer(a, all(n));
        picker.addPeer(b, bits(n, 10, 20, 30, 9000));
        picker.addPeer(c, bits(n, 10, 20, 9000));
        // availability: 10 -> 3, 20 -> 3, 30 -> 2, 9000 -> 3
        assertThat(picker.pick(b, 1)).extracting(BlockRequest::piece).containsExactly(30);
        assertThat(picker.pick(c, 3)).extracting(BlockRequest::piece).containsExactlyInAnyOrder(10, 20, 9000);
    }

    @Test
    void alwaysStartsAPieceOfTheLowestAvailabilityThePeerHas() {
        Random rng = new Random(17);
        int n = 2_000;
        for (int round = 0; round < 20; round++) {
            PiecePicker<Peer> picker = picker(n, BLOCK_SIZE, 1_000, round);
            for (int i = 0; i < 6; i++) {
                Bitfield has = new Bitfield(n);
                for (int piece = 0; piece < n; piece++) {
                    if (rng.nextInt(4) > 0) {
                        has.set(piece);
                    }
                }
                picker.addPeer(new Peer("filler" + i), has);
            }
            // a sparse peer (walks its own bits) and a dense one (walks the rarity order)
            Bitfield sparse = new Bitfield(n);
            for (int i = 0; i < 20; i++) {
                sparse.set(rng.nextInt(n));
            }
            Bitfield dense = new Bitfield(n);
            for (int piece = 0; piece < n; piece++) {
                if (rng.nextBoolean()) {
                    dense.set(piece);
                }
            }
            for (Bitfield has : List.of(sparse, dense)) {
                Peer peer = new Peer("under test");
                picker.addPeer(peer, has);
                Set<Integer> startedPieces = new HashSet<>();
                for (int pick = 0; pick < 5; pick++) {
                    int min = Integer.MAX_VALUE;
                    for (int piece = has.nextSet(0); piece >= 0; piece = has.nextSet(piece + 1)) {
                        if (!startedPieces.contains(piece)) {
                            min = Math.min(min, picker.availability(piece));
                        }
                    }
                    BlockRequest picked = picker.pick(peer, 1).get(0);
                    assertThat(picker.availability(picked.piece())).isEqualTo(min);
                    startedPieces.add(picked.piece());
                }
                picker.removePeer(peer);
            }
        }
    }

    @Test
    void acceptsARequestedBlockAndReportsWhenThePieceIsComplete() {
        PiecePicker<Peer> picker = picker(1, 2 * BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(1));
        List<BlockRequest> blocks = picker.pick(a, 2);
        BlockResult<Peer> first = picker.blockReceived(a, blocks.get(0));
        assertThat(first.status()).isEqualTo(BlockResult.Status.ACCEPTED);
        assertThat(first.pieceComplete()).isFalse();
        BlockResult<Peer> second = picker.blockReceived(a, blocks.get(1));
        assertThat(second.pieceComplete()).isTrue();
        assertThat(second.cancelFrom()).isEmpty();
        assertThat(picker.blockReceived(a, blocks.get(1)).status()).isEqualTo(BlockResult.Status.DUPLICATE);
    }

    @Test
    void rejectsBlocksThePeerWasNeverAskedFor() {
        PiecePicker<Peer> picker = picker(2, 2 * BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(2));
        picker.addPeer(b, all(2));
        BlockRequest asked = picker.pick(a, 1).get(0);
        assertThat(picker.blockReceived(b, asked).status()).isEqualTo(BlockResult.Status.UNREQUESTED);
        int otherPiece = 1 - asked.piece();
        assertThat(picker.blockReceived(a, new BlockRequest(otherPiece, 0, BLOCK_SIZE)).status())
                .isEqualTo(BlockResult.Status.UNREQUESTED);
        assertThat(picker.blockReceived(a, new BlockRequest(asked.piece(), 0, 100)).status())
                .as("wrong length").isEqualTo(BlockResult.Status.UNREQUESTED);
        assertThat(picker.blockReceived(a, asked).status()).isEqualTo(BlockResult.Status.ACCEPTED);
    }

    @Test
    void releasingAChokedPeerHandsItsBlocksToOthers() {
        PiecePicker<Peer> picker = picker(1, 3 * BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(1));
        picker.addPeer(b, all(1));
        List<BlockRequest> ofA = picker.pick(a, 2);
        picker.blockReceived(a, ofA.get(0));
        picker.release(a);
        assertThat(picker.pick(b, 10)).containsExactly(new BlockRequest(0, BLOCK_SIZE, BLOCK_SIZE),
                new BlockRequest(0, 2 * BLOCK_SIZE, BLOCK_SIZE));
        assertThat(picker.blockReceived(a, ofA.get(1)).status()).isEqualTo(BlockResult.Status.UNREQUESTED);
    }

    @Test
    void releasingOneBlockMakesItAvailableAgain() {
        PiecePicker<Peer> picker = picker(1, 2 * BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(1));
        picker.addPeer(b, all(1));
        List<BlockRequest> ofA = picker.pick(a, 2);
        picker.release(a, ofA.get(1));
        assertThat(picker.pick(b, 1)).containsExactly(ofA.get(1));
    }

    @Test
    void releasingEveryRequestOfAnUnreceivedPieceFreesItsInFlightSlot() {
        PiecePicker<Peer> picker = picker(3, BLOCK_SIZE, 1, 1);
        picker.addPeer(a, all(3));
        picker.pick(a, 1);
        assertThat(picker.piecesInFlight()).isEqualTo(1);
        picker.release(a);
        assertThat(picker.piecesInFlight()).isZero();
    }

    @Test
    void removingAPeerReleasesItsBlocksAndLowersAvailability() {
        PiecePicker<Peer> picker = picker(2, BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(2));
        picker.addPeer(b, all(2));
        List<BlockRequest> ofA = picker.pick(a, 2);
        picker.removePeer(a);
        assertThat(picker.availability(0)).isEqualTo(1);
        assertThat(picker.pick(b, 10)).containsExactlyInAnyOrderElementsOf(ofA);
    }

    @Test
    void aPeerThatIsNotOrNoLongerRegisteredHasNothingAndItsReportsAreIgnored() {
        // Connections close on their own threads: the session may still ask about one the picker just forgot.
        PiecePicker<Peer> picker = picker(2, 2 * BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(2));
        picker.addPeer(b, all(2));
        picker.removePeer(b);
        for (Peer gone : List.of(b, c)) {
            assertThat(picker.isInteresting(gone)).isFalse();
            assertThat(picker.pick(gone, 10)).isEmpty();
            picker.peerHave(gone, 0);
            assertThat(picker.peerBitfieldReplaced(gone, all(2))).isEmpty();
            assertThat(picker.blockReceived(gone, BlockRequest.of(0, 0, 2 * BLOCK_SIZE)).accepted()).isFalse();
            picker.release(gone);
            assertThat(picker.removePeer(gone)).isEmpty();
        }
        assertThat(picker.availability(0)).isEqualTo(1);
        assertThat(picker.peerCount()).isEqualTo(1);
        assertThat(picker.pick(a, 10)).hasSize(4);
    }

    @Test
    void aStoppedPickerPicksNothingAndRefusesEveryBlockForGood() {
        PiecePicker<Peer> picker = picker(2, 2 * BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(2));
        List<BlockRequest> asked = picker.pick(a, 2);
        picker.stop();
        assertThat(picker.blockReceived(a, asked.get(0)).status()).isEqualTo(BlockResult.Status.REFUSED);
        assertThat(picker.pick(a, 10)).isEmpty();
        picker.release(a);
        assertThat(picker.pick(a, 10)).isEmpty();
        assertThat(picker.isStopped()).isTrue();
    }

    @Test
    void abandonsStartedPiecesNoConnectedPeerHasSoTheyDoNotBlockTheInFlightCap() {
        PiecePicker<Peer> picker = picker(3, 2 * BLOCK_SIZE, 1, 1);
        picker.addPeer(a, bits(3, 0));
        picker.addPeer(b, bits(3, 1, 2));
        BlockRequest fromA = picker.pick(a, 1).get(0);
        picker.blockReceived(a, fromA);
        assertThat(picker.pick(b, 10)).as("cap of one piece reached").isEmpty();
        assertThat(picker.removePeer(a)).containsExactly(0);
        assertThat(picker.piecesInFlight()).isZero();
        assertThat(picker.pick(b, 10)).hasSize(2);
    }

    @Test
    void keepsACompletePieceAwaitingVerificationWhenItsSenderLeaves() {
        PiecePicker<Peer> picker = picker(1, BLOCK_SIZE, 1, 1);
        picker.addPeer(a, all(1));
        picker.blockReceived(a, picker.pick(a, 1).get(0));
        assertThat(picker.removePeer(a)).isEmpty();
        picker.pieceVerified(0);
        assertThat(picker.isComplete()).isTrue();
    }

    @Test
    void aFailedPieceIsRequestedAgainInFull() {
        PiecePicker<Peer> picker = picker(1, 2 * BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(1));
        List<BlockRequest> blocks = picker.pick(a, 10);
        blocks.forEach(block -> picker.blockReceived(a, block));
        picker.pieceFailed(0);
        assertThat(picker.isComplete()).isFalse();
        assertThat(picker.pick(a, 10)).containsExactlyElementsOf(blocks);
    }

    @Test
    void aFailedPieceNamesThePeersThatSentItsBlocks() {
        PiecePicker<Peer> picker = picker(1, 3 * BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(1));
        picker.addPeer(b, all(1));
        List<BlockRequest> ofA = picker.pick(a, 2);
        List<BlockRequest> ofB = picker.pick(b, 1);
        ofA.forEach(block -> picker.blockReceived(a, block));
        picker.blockReceived(b, ofB.get(0));
        assertThat(picker.pieceFailed(0)).containsExactlyInAnyOrder(a, b);
        assertThat(picker.pieceFailed(0)).as("nothing in flight any more").isEmpty();
    }

    @Test
    void inEndgameRequestsABlockFromAtMostThreePeers() {
        PiecePicker<Peer> picker = picker(1, BLOCK_SIZE, 10, 1);
        Peer[] peers = {a, b, c, new Peer("d")};
        for (Peer peer : peers) {
            picker.addPeer(peer, all(1));
        }
        assertThat(picker.pick(a, 1)).hasSize(1);
        assertThat(picker.pick(b, 1)).hasSize(1);
        assertThat(picker.pick(c, 1)).hasSize(1);
        assertThat(picker.pick(peers[3], 1)).isEmpty();
        picker.release(b);
        assertThat(picker.pick(peers[3], 1)).hasSize(1);
    }

    @Test
    void aVerifiedPieceIsNeverWantedAgain() {
        PiecePicker<Peer> picker = picker(2, BLOCK_SIZE, 10, 1);
        picker.addPeer(a, bits(2, 0));
        picker.addPeer(b, all(2));
        BlockRequest block = picker.pick(a, 1).get(0);
        picker.blockReceived(a, block);
        assertThat(picker.isInteresting(a)).isTrue();
        picker.pieceVerified(0);
        assertThat(picker.isInteresting(a)).isFalse();
        assertThat(picker.pick(a, 10)).isEmpty();
        assertThat(picker.missingPieces()).isEqualTo(1);
        assertThat(picker.blockReceived(b, block).status()).isEqualTo(BlockResult.Status.DUPLICATE);
        picker.blockReceived(b, picker.pick(b, 1).get(0));
        picker.pieceVerified(1);
        assertThat(picker.isComplete()).isTrue();
        assertThat(picker.isInteresting(b)).isFalse();
    }

    @Test
    void startsFromPiecesAlreadyVerifiedOnDisk() {
        Bitfield have = bits(3, 0, 2);
        PiecePicker<Peer> picker = new PiecePicker<>(3, p -> BLOCK_SIZE, have, new Random(1), 10);
        picker.addPeer(a, all(3));
        assertThat(picker.missingPieces()).isEqualTo(1);
        assertThat(picker.pick(a, 10)).containsExactly(new BlockRequest(1, 0, BLOCK_SIZE));
        picker.addPeer(b, bits(3, 0));
        assertThat(picker.isInteresting(b)).isFalse();
    }

    @Test
    void interestFollowsHavesAndLateBitfields() {
        PiecePicker<Peer> picker = picker(4, BLOCK_SIZE, 10, 1);
        picker.addPeer(a, new Bitfield(4));
        assertThat(picker.isInteresting(a)).isFalse();
        picker.peerHave(a, 3);
        assertThat(picker.isInteresting(a)).isTrue();
        picker.peerBitfieldReplaced(a, bits(4, 0, 1));
        assertThat(picker.availability(3)).isZero();
        assertThat(picker.availability(0)).isEqualTo(1);
        assertThat(picker.pick(a, 10)).extracting(BlockRequest::piece).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void aLateBitfieldWithoutAPieceReleasesRequestsForIt() {
        PiecePicker<Peer> picker = picker(2, BLOCK_SIZE, 10, 1);
        picker.addPeer(a, bits(2, 0));
        picker.pick(a, 1);
        picker.peerBitfieldReplaced(a, bits(2, 1));
        assertThat(picker.piecesInFlight()).isZero();
        assertThat(picker.pick(a, 10)).containsExactly(new BlockRequest(1, 0, BLOCK_SIZE));
    }

    @Test
    void inEndgameHandsOutBlocksRequestedFromOthersAndNamesThemForCancel() {
        PiecePicker<Peer> picker = picker(1, 2 * BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(1));
        picker.addPeer(b, all(1));
        picker.addPeer(c, new Bitfield(1));
        assertThat(picker.isEndgame()).isFalse();
        List<BlockRequest> ofA = picker.pick(a, 10);
        assertThat(picker.isEndgame()).isTrue();
        assertThat(picker.pick(a, 10)).as("never the same block twice to one peer").isEmpty();
        assertThat(picker.pick(b, 10)).containsExactlyElementsOf(ofA);
        assertThat(picker.pick(c, 10)).as("not from a peer that lacks the piece").isEmpty();

        BlockResult<Peer> fromB = picker.blockReceived(b, ofA.get(0));
        assertThat(fromB.status()).isEqualTo(BlockResult.Status.ACCEPTED);
        assertThat(fromB.cancelFrom()).containsExactly(a);
        assertThat(picker.blockReceived(a, ofA.get(0)).status()).isEqualTo(BlockResult.Status.DUPLICATE);

        BlockResult<Peer> fromA = picker.blockReceived(a, ofA.get(1));
        assertThat(fromA.pieceComplete()).isTrue();
        assertThat(fromA.cancelFrom()).containsExactly(b);
    }

    @Test
    void endgameWaitsUntilEveryMissingBlockIsRequested() {
        PiecePicker<Peer> picker = picker(2, BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(2));
        picker.addPeer(b, all(2));
        BlockRequest first = picker.pick(a, 1).get(0);
        assertThat(picker.isEndgame()).isFalse();
        assertThat(picker.pick(b, 1)).as("b gets the other piece, not a duplicate").hasSize(1)
                .doesNotContain(first);
        assertThat(picker.isEndgame()).isTrue();
    }

    @Test
    void releasingOneEndgameRequesterKeepsTheOther() {
        PiecePicker<Peer> picker = picker(1, BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(1));
        picker.addPeer(b, all(1));
        BlockRequest block = picker.pick(a, 1).get(0);
        assertThat(picker.pick(b, 1)).containsExactly(block);
        picker.release(a);
        assertThat(picker.blockReceived(a, block).status()).isEqualTo(BlockResult.Status.UNREQUESTED);
        BlockResult<Peer> fromB = picker.blockReceived(b, block);
        assertThat(fromB.accepted()).isTrue();
        assertThat(fromB.cancelFrom()).isEmpty();
    }

    @Test
    void reportsDistributedCopies() {
        PiecePicker<Peer> picker = picker(4, BLOCK_SIZE, 10, 1);
        picker.addPeer(a, all(4));
        picker.addPeer(b, bits(4, 0));
        assertThat(picker.distributedCopies()).isEqualTo(1.25);
    }

    @Test
    void rejectsABitfieldOfTheWrongSize() {
        PiecePicker<Peer> picker = picker(4, BLOCK_SIZE, 10, 1);
        assertThatThrownBy(() -> picker.addPeer(a, new Bitfield(5))).isInstanceOf(IllegalArgumentException.class);
    }

    /** Random operations from several peers must keep the bookkeeping consistent and finish the download. */
    @Test
    void completesADownloadUnderRandomPeerBehaviour() {
        Random rng = new Random(99);
        int n = 40;
        PiecePicker<Peer> picker = picker(n, 3 * BLOCK_SIZE, 4, 5);
        Peer[] swarm = {a, b, c};
        for (Peer peer : swarm) {
            Bitfield has = new Bitfield(n);
            for (int i = 0; i < n; i++) {
                if (rng.nextInt(3) > 0) {
                    has.set(i);
                }
            }
            picker.addPeer(peer, has);
        }
        picker.peerBitfieldReplaced(a, all(n));
        for (int round = 0; round < 10_000 && !picker.isComplete(); round++) {
            Peer peer = swarm[rng.nextInt(swarm.length)];
            List<BlockRequest> blocks = picker.pick(peer, 1 + rng.nextInt(6));
            for (BlockRequest block : blocks) {
                if (rng.nextInt(10) == 0) {
                    picker.release(peer, block);
                    continue;
                }
                BlockResult<Peer> result = picker.blockReceived(peer, block);
                if (result.pieceComplete()) {
                    if (rng.nextInt(8) == 0) {
                        picker.pieceFailed(block.piece());
                    } else {
                        picker.pieceVerified(block.piece());
                    }
                }
            }
            if (rng.nextInt(20) == 0) {
                picker.release(peer);
            }
            assertThat(picker.piecesInFlight()).isLessThanOrEqualTo(4);
        }
        assertThat(picker.isComplete()).isTrue();
        assertThat(picker.missingPieces()).isZero();
    }
}
