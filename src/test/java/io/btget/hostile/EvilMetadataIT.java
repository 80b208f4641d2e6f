package io.btget.hostile;

import static io.btget.hostile.Ben.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.btget.hostile.ExtConn.Observed;
import io.btget.hostile.Wire.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Metadata exchange (BEP 9) against hostile peers: btget downloads a magnet whose {@code x.pe} lists one evil peer
 * and one honest peer (shared by the class). The honest peer announces its metadata a second late, so that btget
 * asks the evil one first and each case is played. Whatever the evil peer says, btget must drop it or ignore what
 * it said, print no stack trace, stay within a 64 MiB heap (a size btget believed would not fit), and complete the
 * download from the honest peer. A hostile info dictionary that matches the info hash has no honest alternative:
 * btget must refuse it as it refuses such a .torrent (exit 3, one line) and write nothing outside its folder.
 */
@Tag("interop")
class EvilMetadataIT {
    /**
     * 256 KiB in 8 pieces of 32 KiB; the info dictionary padded to about 40 KiB, so its metadata is three pieces
     * (16 + 16 + ~8 KiB) and a peer can lie about one piece, the index, or the size between pieces.
     */
    private static final TestSwarm SWARM = new TestSwarm("magnet.bin", 256 << 10, 32 << 10, 9, 40_000);
    private static final long SIZE = SWARM.infoBytes.length;
    private static final int METADATA_PIECES = (int) ((SIZE + ExtConn.METADATA_PIECE - 1) / ExtConn.METADATA_PIECE);
    /** How long the honest peer waits before its extended handshake: btget has only the evil one to ask till then. */
    private static final int HONEST_DELAY_MS = 1000;
    private static final long GIB = 1L << 30;

    private static FakePeer honest;
    private static final Observed HONEST_SEEN = new Observed();
    /** When the honest peer served its first block in this test (nanoTime; 0 = not yet): drops must come before. */
    private static final java.util.concurrent.atomic.AtomicLong FIRST_BLOCK_AT = new java.util.concurrent.atomic.AtomicLong();

    @TempDir
    Path dir;

    private final List<FakePeer> evil = new ArrayList<>();

    @BeforeAll
    static void startHonestPeer() throws IOException {
        assertThat(METADATA_PIECES).isEqualTo(3);
        honest = new FakePeer(SWARM, c -> {
            ExtConn x = new ExtConn(c, HONEST_SEEN);
            x.onBlockServed = () -> FIRST_BLOCK_AT.compareAndSet(0, System.nanoTime());
            x.acceptHandshake(Wire.reserved(true, false));
            Thread.sleep(HONEST_DELAY_MS);
            x.sendExtendedHandshake(ExtConn.honestExtendedHandshake(SIZE));
            x.send(Wire.fullBitfield(SWARM.pieceCount));
            x.serve(SWARM.infoBytes);
        });
    }

    @AfterAll
    static void stopHonestPeer() throws IOException {
        honest.close();
        assertThat(honest.scriptErrors()).isEmpty();
    }

    @AfterEach
    void closeEvilPeers() throws IOException {
        for (FakePeer p : evil) {
            p.close();
        }
    }

    // ---- the hostile metadata peers ----

    /** What an evil peer does after the BitTorrent handshake; it marks its Observed exercised once it misbehaved. */
    @FunctionalInterface
    interface Evil {
        void play(ExtConn x) throws IOException, InterruptedException;
    }

    /** Whether the contract requires btget to hang up on the peer, or lets it ignore what the peer said. */
    enum Expect { DROPPED, DROPPED_OR_IGNORED }

    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] metadataPiece(int piece) {
        int from = piece * ExtConn.METADATA_PIECE;
        return java.util.Arrays.copyOfRange(SWARM.infoBytes, from, (int) Math.min(SIZE, from + ExtConn.METADATA_PIECE));
    }

    /** A peer that announces {@code announced} as metadata_size and answers each ut_metadata request with {@code answer}. */
    @FunctionalInterface
    interface Answer {
        /** Answers the {@code n}th request (from 0), for {@code piece}, using btget's ut_metadata id {@code id}. */
        void answer(ExtConn x, int id, long piece, int n) throws IOException, InterruptedException;
    }

    private static Evil answering(long announced, Answer answer) {
        return x -> {
            x.sendExtendedHandshake(ExtConn.honestExtendedHandshake(announced));
            int n = 0;
            while (true) {
                Frame f = x.read();
                if (f.isExtended(ExtConn.OUR_UT_METADATA)
                        && ExtConn.decode(f.extendedPayload()) instanceof io.btget.bencode.BDict d
                        && ExtConn.intValue(d, "msg_type").orElse(-1L) == 0) {
                    answer.answer(x, x.btgetId("ut_metadata", ExtConn.OUR_UT_METADATA),
                            ExtConn.intValue(d, "piece").orElse(-1L), n++);
                }
            }
        };
    }

    /** Announces {@code size} and answers every request with 16 KiB of noise claiming that total_size. */
    private static Evil announcingSize(long size) {
        return x -> {
            x.observed.exercised();
            answering(size, (xx, id, piece, n) -> xx.send(Wire.extended(id,
                    Wire.metadataData(piece, size, random(ExtConn.METADATA_PIECE, piece))))).play(x);
        };
    }

    static Stream<Arguments> metadataCases() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("pieces that fail the hash", Expect.DROPPED, answering(SIZE, (x, id, piece, n) -> {
            int length = piece == METADATA_PIECES - 1 ? (int) (SIZE - piece * ExtConn.METADATA_PIECE)
                    : ExtConn.METADATA_PIECE;
            x.send(Wire.extended(id, Wire.metadataData(piece, SIZE, random(Math.max(0, length), 7 + piece))));
            x.observed.exercised();
        })));
        cases.add(Arguments.of("total_size one byte more than announced", Expect.DROPPED_OR_IGNORED,
                answering(SIZE, (x, id, piece, n) -> {
                    x.send(Wire.extended(id, Wire.metadataData(piece, SIZE + 1, metadataPiece((int) piece))));
                    x.observed.exercised();
                })));
        cases.add(Arguments.of("total_size 1 GiB in the data, the true size announced", Expect.DROPPED_OR_IGNORED,
                answering(SIZE, (x, id, piece, n) -> {
                    x.send(Wire.extended(id, Wire.metadataData(piece, GIB, metadataPiece((int) piece))));
                    x.observed.exercised();
                })));
        cases.add(Arguments.of("total_size that changes between messages", Expect.DROPPED_OR_IGNORED,
                answering(SIZE, (x, id, piece, n) -> {
                    x.send(Wire.extended(id, Wire.metadataData(piece, n == 0 ? SIZE : SIZE + 16384,
                            metadataPiece((int) piece))));
                    if (n > 0) {
                        x.observed.exercised();
                    }
                })));
        cases.add(Arguments.of("metadata_size 0", Expect.DROPPED_OR_IGNORED, announcingSize(0)));
        cases.add(Arguments.of("metadata_size -1", Expect.DROPPED_OR_IGNORED, announcingSize(-1)));
        cases.add(Arguments.of("metadata_size 2^31", Expect.DROPPED_OR_IGNORED, announcingSize(1L << 31)));
        cases.add(Arguments.of("metadata_size 1 GiB (over any cap)", Expect.DROPPED_OR_IGNORED, announcingSize(GIB)));
        cases.add(Arguments.of("piece index out of range in the answer", Expect.DROPPED_OR_IGNORED,
                answering(SIZE, (x, id, piece, n) -> {
                    for (long bad : new long[] {METADATA_PIECES, -1, Integer.MAX_VALUE, 1L << 40}) {
                        x.send(Wire.extended(id, Wire.metadataData(bad, SIZE, random(ExtConn.METADATA_PIECE, n))));
                    }
                    x.observed.exercised();
                })));
        cases.add(Arguments.of("3 MiB of data nobody asked for", Expect.DROPPED_OR_IGNORED, (Evil) x -> {
            x.sendExtendedHandshake(ExtConn.honestExtendedHandshake(SIZE));
            // btget's id if it said one by now; else the one most clients use: unsolicited either way
            int id = x.awaitBtgetHandshake(500).isPresent() ? x.btgetId("ut_metadata", 2) : 2;
            x.observed.exercised();
            // noise of the right length for every piece but the last: a client that took it would fetch only
            // the last piece from the honest peer, fail the hash, and blame that peer too
            for (int i = 0; i < 200; i++) {
                int piece = i % (METADATA_PIECES - 1);
                x.send(Wire.extended(id, Wire.metadataData(piece, SIZE, random(ExtConn.METADATA_PIECE, i))));
            }
            x.drain();
        }));
        cases.add(Arguments.of("a peer that never answers", Expect.DROPPED_OR_IGNORED, answering(SIZE,
                (x, id, piece, n) -> x.observed.exercised())));
        cases.add(Arguments.of("endless rejects", Expect.DROPPED_OR_IGNORED, answering(SIZE, (x, id, piece, n) -> {
            x.send(Wire.extended(id, Wire.metadataReject(piece)));
            x.observed.exercised();
        })));
        return cases.stream();
    }

    private FakePeer evilPeer(Observed seen, Evil play, byte[] infoHash) throws IOException {
        FakePeer p = new FakePeer(SWARM, c -> {
            ExtConn x = new ExtConn(c, seen);
            if (infoHash != null) {
                x.infoHash = infoHash;
            }
            x.acceptHandshake(Wire.reserved(true, false));
            play.play(x);
        });
        evil.add(p);
        return p;
    }

    private static List<String> downloadArgs(String magnet, Path out) {
        return List.of("download", magnet, "-d", out.toString(), "--json", "--bind", "127.0.0.1", "-p", "0",
                "--stall-timeout", "30s");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("metadataCases")
    @Timeout(75)
    void theEvilPeerIsDroppedOrIgnoredAndTheMagnetDownloadCompletesFromTheHonestOne(String what, Expect expect,
            Evil play) throws Exception {
        Observed seen = new Observed();
        FakePeer bad = evilPeer(seen, play, null);
        FIRST_BLOCK_AT.set(0);
        Path out = dir.resolve("out");
        long started = System.nanoTime();
        try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("-Xmx64m"),
                downloadArgs(SWARM.magnet(bad.address(), honest.address()), out))) {
            int code = btget.waitFor(60);
            assertThat(code).as("%s: exit code; stderr %s; stdout %s", what, btget.stderr(), btget.stdout()).isZero();
            assertThat(Files.readAllBytes(out.resolve(SWARM.name))).as(what).isEqualTo(SWARM.data);
            assertThat(btget.stackTraceLines()).as("%s: stack trace on stderr", what).isEmpty();
            assertThat(seen.exercised).as("%s: the case was played (btget asked the evil peer)", what).isTrue();
            if (expect == Expect.DROPPED) {
                // before the download could end (its end closes every connection)
                assertThat(seen.closedAt != 0 && seen.closedAt < FIRST_BLOCK_AT.get())
                        .as("%s: btget hung up on the evil peer before it downloaded a block", what).isTrue();
            }
            if (what.equals("endless rejects")) {
                // back-off: a peer that rejects is asked again now and then, not in a loop
                assertThat(seen.metadataRequests.size()).as("requests sent to a peer that rejects them all")
                        .isLessThan(30);
            }
            assertThat(bad.scriptErrors()).isEmpty();
        }
        assertThat(System.nanoTime() - started).as("%s: time to complete", what).isLessThan(50_000_000_000L);
    }

    // ---- a hostile info dictionary with a matching hash: there is nothing honest to fall back on ----

    static Stream<Arguments> hostileInfoDictionaries() {
        byte[] fiveBytesHash = TestSwarm.sha1("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return Stream.of(
                Arguments.of("a file path with ..", map("files", List.of(map("length", 5,
                        "path", List.of("..", "escaped.txt"))), "name", "evil", "piece length", 16384,
                        "pieces", fiveBytesHash)),
                Arguments.of("a file path climbing out through a subfolder", map("files", List.of(map("length", 5,
                        "path", List.of("sub", "..", "..", "escaped.txt"))), "name", "evil", "piece length", 16384,
                        "pieces", fiveBytesHash)),
                Arguments.of("a name of ..", map("length", 5, "name", "..", "piece length", 16384,
                        "pieces", fiveBytesHash)),
                Arguments.of("a length of 2^40", map("length", 1L << 40, "name", "escaped.txt",
                        "piece length", 16384, "pieces", fiveBytesHash)),
                Arguments.of("a file length of 2^40 among files", map("files", List.of(
                        map("length", 1L << 40, "path", List.of("escaped.txt")),
                        map("length", 5, "path", List.of("b.txt"))), "name", "evil", "piece length", 16384,
                        "pieces", fiveBytesHash)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInfoDictionaries")
    @Timeout(60)
    void aHostileInfoDictionaryWithAMatchingHashIsRefusedInOneLineAndNothingIsWrittenOutside(String what,
            Map<String, Object> info) throws Exception {
        byte[] infoBytes = Ben.encode(info);
        byte[] infoHash = TestSwarm.sha1(infoBytes);
        Observed seen = new Observed();
        FakePeer bad = evilPeer(seen, x -> {
            x.sendExtendedHandshake(ExtConn.honestExtendedHandshake(infoBytes.length));
            x.observed.exercised();
            x.serve(infoBytes);
        }, infoHash);
        Path inner = dir.resolve("a").resolve("b");
        Path out = inner.resolve("out");
        Files.createDirectories(out);
        String magnet = "magnet:?xt=urn:btih:" + HexFormat.of().formatHex(infoHash) + "&x.pe=" + bad.address();
        // no --json: the refusal is the one line on stderr a user sees
        try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("-Xmx64m"), List.of("download",
                magnet, "-d", out.toString(), "--progress", "none", "--bind", "127.0.0.1", "-p", "0",
                "--stall-timeout", "30s"))) {
            int code = btget.waitFor(45);
            assertThat(code).as("%s: exit code; stderr %s; stdout %s", what, btget.stderr(), btget.stdout())
                    .isEqualTo(3);
            assertThat(btget.stderrLines()).as("%s: one line on stderr (stdout %s)", what, btget.stdout()).hasSize(1);
            assertThat(btget.stderrLines().get(0)).startsWith("btget: ");
            assertThat(btget.stackTraceLines()).isEmpty();
            assertThat(seen.metadataRequests).as("%s: btget fetched the metadata", what).isNotEmpty();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> written = all.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(dir.resolve("logs")))
                    .toList();
            assertThat(written).as("%s: files written outside the logs (the data folder must stay empty)", what)
                    .isEmpty();
        }
    }

    // ---- btget seeding: hostile ut_metadata requests ----

    private static byte[] metadataRequest(long piece) {
        return Ben.encode(map("msg_type", 0, "piece", piece));
    }

    /** What a btget seeder said to one hostile ut_metadata request (or batch of them). */
    private record SeederAnswer(List<Long> dataPieces, List<Long> rejects, List<String> wrong, boolean closed) {
    }

    /** Dials the seeder, sends {@code payloads} as ut_metadata messages, and reads the answers for {@code millis}. */
    private static SeederAnswer askSeeder(int port, List<byte[]> payloads, int millis) throws Exception {
        List<Long> data = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> rejects = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Observed> last = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean handshaken = new java.util.concurrent.atomic.AtomicBoolean();
        FakePeer.Script script = c -> {
            Observed seen = new Observed();
            last.set(seen);
            ExtConn x = new ExtConn(c, seen);
            x.openHandshake(Wire.reserved(true, false));
            handshaken.set(true);
            x.sendExtendedHandshake(ExtConn.honestExtendedHandshake());
            io.btget.bencode.BDict hs = x.awaitBtgetHandshake(5000)
                    .orElseThrow(() -> new AssertionError("no extended handshake from btget seed"));
            if (ExtConn.intValue(hs, "metadata_size").orElse(-1L) != SIZE) {
                wrong.add("metadata_size in btget's extended handshake: " + hs.get("metadata_size"));
            }
            int id = x.btgetId("ut_metadata", 0);
            if (id == 0) {
                throw new AssertionError("btget seed gave no ut_metadata id in " + hs);
            }
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            payloads.forEach(p -> all.writeBytes(Wire.extended(id, p)));
            x.send(all.toByteArray());
            try {
                x.readUntil(new java.util.concurrent.CountDownLatch(1), millis, f -> {
                    if (!f.isExtended(ExtConn.OUR_UT_METADATA)) {
                        return;
                    }
                    byte[] payload = f.extendedPayload();
                    if (!(ExtConn.decode(payload) instanceof io.btget.bencode.BDict d)) {
                        wrong.add("a ut_metadata message that is not a dictionary");
                        return;
                    }
                    long type = ExtConn.intValue(d, "msg_type").orElse(-1L);
                    long piece = ExtConn.intValue(d, "piece").orElse(-1L);
                    if (type == 2) {
                        rejects.add(piece);
                    } else if (type == 1) {
                        data.add(piece);
                        byte[] bytes = java.util.Arrays.copyOfRange(payload, d.end(), payload.length);
                        if (piece < 0 || piece >= METADATA_PIECES
                                || !java.util.Arrays.equals(bytes, metadataPiece((int) piece))
                                || ExtConn.intValue(d, "total_size").orElse(-1L) != SIZE) {
                            wrong.add("data for piece " + piece + " (" + bytes.length + " bytes, total_size "
                                    + d.get("total_size") + ")");
                        }
                    } else {
                        wrong.add("msg_type " + type);
                    }
                });
            } catch (java.io.EOFException | java.net.SocketException e) {
                // the seeder hung up: recorded
            }
        };
        // a seeder listens before its torrent takes peers (start-up check) and refuses handshakes meanwhile
        for (int attempt = 0; ; attempt++) {
            try {
                FakePeer.dial(port, SWARM, script);
                break;
            } catch (IOException e) {
                if (handshaken.get() || attempt >= 40) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
        return new SeederAnswer(data, rejects, wrong, last.get().closedByBtget.get() > 0);
    }

    @Test
    @Timeout(90)
    void aBtgetSeederRefusesHostileMetadataRequestsAndStillServesTheMetadata() throws Exception {
        Path data = dir.resolve("data");
        SWARM.writePayload(data);
        int port = Loopback.freePort();
        try (BtgetProcess seeder = BtgetProcess.start(dir.resolve("seeder-logs"), List.of("-Xmx64m"), List.of("seed",
                SWARM.writeTorrent(dir).toString(), "-d", data.toString(), "--bind", "127.0.0.1", "-p",
                Integer.toString(port), "--json"))) {
            Loopback.awaitHandshake(port, SWARM.infoHash, seeder);
            Map<String, List<byte[]>> hostile = new java.util.LinkedHashMap<>();
            hostile.put("a piece past the last", List.of(metadataRequest(METADATA_PIECES)));
            hostile.put("a negative piece", List.of(metadataRequest(-1)));
            hostile.put("piece 2^40", List.of(metadataRequest(1L << 40)));
            hostile.put("an unknown msg_type", List.of(Ben.encode(map("msg_type", 7, "piece", 0))));
            hostile.put("a request without a piece", List.of(Ben.encode(map("msg_type", 0))));
            hostile.put("not a dictionary", List.of(Ben.encode(List.of(0, 0)), random(40, 1)));
            hostile.put("data sent to the seeder", List.of(Wire.metadataData(0, GIB, random(16384, 2))));
            List<byte[]> flood = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                flood.add(metadataRequest(i % METADATA_PIECES));
            }
            hostile.put("10000 requests at once", flood);
            for (Map.Entry<String, List<byte[]>> e : hostile.entrySet()) {
                SeederAnswer a = askSeeder(port, e.getValue(), e.getValue().size() > 1000 ? 3000 : 1500);
                assertThat(a.wrong()).as("%s: what the seeder answered wrongly", e.getKey()).isEmpty();
                if (!e.getKey().equals("10000 requests at once")) {
                    assertThat(a.dataPieces()).as("%s: metadata sent for it", e.getKey()).isEmpty();
                }
                if (e.getKey().equals("a piece past the last")) {
                    assertThat(a.closed() || a.rejects().contains((long) METADATA_PIECES))
                            .as("a piece past the last: rejected (BEP 9) or hung up on").isTrue();
                }
                assertThat(seeder.isAlive()).as("seeder alive after %s; stderr %s", e.getKey(), seeder.stderr())
                        .isTrue();
            }
            // an honest peer still gets every piece, and they hash to the info hash
            SeederAnswer honestAnswer = askSeeder(port, List.of(metadataRequest(0), metadataRequest(1),
                    metadataRequest(2)), 1500);
            assertThat(honestAnswer.wrong()).isEmpty();
            assertThat(honestAnswer.dataPieces()).containsExactlyInAnyOrder(0L, 1L, 2L);
            assertThat(seeder.stackTraceLines()).as("stack trace on the seeder's stderr").isEmpty();
        }
    }

    // ---- the baselines: without them every case above could pass by btget never getting that far ----

    @Test
    @Timeout(60)
    void aMagnetDownloadsFromTheHonestPeerAloneAndItsMetadataIsKeptInTheStateDirectory() throws Exception {
        Path out = dir.resolve("out");
        try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("-Xmx64m"),
                downloadArgs(SWARM.magnet(honest.address()), out))) {
            assertThat(btget.waitFor(45)).as("exit code; stderr %s; stdout %s", btget.stderr(), btget.stdout())
                    .isZero();
            assertThat(Files.readAllBytes(out.resolve(SWARM.name))).isEqualTo(SWARM.data);
            assertThat(btget.stackTraceLines()).isEmpty();
        }
        String hex = HexFormat.of().formatHex(SWARM.infoHash);
        try (Stream<Path> all = Files.walk(BtgetProcess.stateDir(dir.resolve("logs")))) {
            assertThat(all.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).contains(hex)))
                    .as("the fetched metadata kept under BTGET_STATE_DIR").isNotEmpty();
        }
    }

    @Test
    @Timeout(60)
    void aMagnetDownloadsFromABtgetSeederThatServesItsMetadata() throws Exception {
        Path data = dir.resolve("data");
        SWARM.writePayload(data);
        int port = Loopback.freePort();
        Path out = dir.resolve("out");
        try (BtgetProcess seeder = BtgetProcess.start(dir.resolve("seeder-logs"), List.of("-Xmx64m"), List.of("seed",
                SWARM.writeTorrent(dir).toString(), "-d", data.toString(), "--bind", "127.0.0.1", "-p",
                Integer.toString(port), "--json"))) {
            Loopback.awaitHandshake(port, SWARM.infoHash, seeder);
            try (BtgetProcess btget = BtgetProcess.start(dir.resolve("logs"), List.of("-Xmx64m"),
                    downloadArgs(SWARM.magnet("127.0.0.1:" + port), out))) {
                assertThat(btget.waitFor(45)).as("exit code; stderr %s; stdout %s; seeder said %s", btget.stderr(),
                        btget.stdout(), seeder.stdout()).isZero();
                assertThat(Files.readAllBytes(out.resolve(SWARM.name))).isEqualTo(SWARM.data);
            }
            assertThat(seeder.isAlive()).isTrue();
            assertThat(seeder.stackTraceLines()).isEmpty();
        }
    }
}
