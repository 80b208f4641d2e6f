package io.btget.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.client.Client;
import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentBuilder;
import io.btget.peer.Handshake;
import io.btget.peer.PeerId;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A torrent session and the process's DHT (a fake): a public torrent searches and announces its listen port, sets
 * the DHT bit, sends PORT and hands PORT nodes to the DHT; a private one (BEP 27) never touches the DHT at all.
 */
@Timeout(60)
class TorrentSessionDhtTest {
    private static final int PORT_ID = 9;

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final FakeDht fake = new FakeDht(6999);
    private final AtomicInteger starts = new AtomicInteger();
    private Client client;

    @AfterEach
    void cleanUp() throws Exception {
        if (client != null) {
            client.close();
        }
        threads.shutdownNow();
        threads.awaitTermination(30, TimeUnit.SECONDS);
    }

    private static final SessionListener QUIET = new SessionListener() {
        @Override
        public void stats(Stats stats) {
        }

        @Override
        public void event(String type, String message, Map<String, Object> fields) {
        }
    };

    /** A seeder of a one-file torrent ({@code isPrivate} as asked) in a client whose DHT node is the fake. */
    private TorrentSession seeder(boolean isPrivate) throws Exception {
        Files.write(dir.resolve("d.bin"), new byte[100_000]);
        Torrent torrent = new TorrentBuilder(dir.resolve("d.bin")).isPrivate(isPrivate)
                .pieceLength(Optional.of(16384)).build((done, total) -> { }).torrent();
        assertThat(torrent.isPrivate()).isEqualTo(isPrivate);
        DhtSettings on = new DhtSettings(true, 0, false, List.of(), Optional.empty());
        Config config = new Config(dir, InetAddress.getLoopbackAddress(), 0, 50, 4, List.of(), List.of(),
                Duration.ofSeconds(60), 0, 0, Config.SeedPolicy.FOREVER, 1, true).withDht(on);
        client = new Client(InetAddress.getLoopbackAddress(), 0, false, 0, 0, on, c -> {
            starts.incrementAndGet();
            return fake;
        });
        return new TorrentSession(client, torrent, config, QUIET);
    }

    private static int awaitPort(TorrentSession s, Future<Outcome> running) throws Exception {
        while (s.listenPort() == 0) {
            if (running.isDone()) {
                running.get();
            }
            Thread.sleep(5);
        }
        return s.listenPort();
    }

    /** Connects as a peer that sets every bit (DHT too); returns the socket after both handshakes. */
    private static Socket handshake(TorrentSession s, int port, Handshake[] theirs) throws Exception {
        Socket peer = new Socket(InetAddress.getLoopbackAddress(), port);
        peer.setSoTimeout(20_000);
        peer.getOutputStream().write(Handshake.ours(s.infoHash(), PeerId.generate(new Random(3)),
                Handshake.Features.ALL.withDht(true)).encode());
        theirs[0] = Handshake.read(new DataInputStream(peer.getInputStream()));
        return peer;
    }

    private static int readId(DataInputStream in) throws Exception {
        int length;
        do {
            length = in.readInt();
        } while (length == 0);
        int id = in.readUnsignedByte();
        in.skipNBytes(length - 1);
        return id;
    }

    @Test
    void aPublicTorrentSearchesAnnouncesSendsPortAndPassesPortNodesOn() throws Exception {
        TorrentSession s = seeder(false);
        Future<Outcome> running = threads.submit(s::run);
        int port = awaitPort(s, running);
        while (fake.searches.isEmpty()) {
            Thread.sleep(5);
        }
        FakeDht.FakeSearch search = fake.searches.get(0);
        assertThat(search.infoHash).isEqualTo(s.infoHash());
        assertThat(search.announcePort).as("a seeder announces its listen port").isEqualTo(port);

        Handshake[] theirs = new Handshake[1];
        try (Socket peer = handshake(s, port, theirs)) {
            assertThat(theirs[0].supportsDht()).isTrue();
            DataInputStream in = new DataInputStream(peer.getInputStream());
            int id;
            do {
                id = readId(in);
            } while (id != PORT_ID); // after HAVE_ALL (BEP 5), before the extended handshake
            DataOutputStream out = new DataOutputStream(peer.getOutputStream());
            out.writeInt(3);
            out.writeByte(PORT_ID);
            out.writeShort(7000);
            out.flush();
            while (fake.added.isEmpty()) {
                Thread.sleep(5);
            }
            assertThat(fake.added).containsExactly(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000));
        }

        search.sink.peersFound(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)));
        while (s.stats().peersKnown() == 0) {
            Thread.sleep(5);
        }
        search.peersFound = 1;
        fake.nodes = 12;
        assertThat(s.stats().dhtNodes()).isEqualTo(12);
        assertThat(s.stats().dhtPeers()).isEqualTo(1);
        s.requestStop(Outcome.INTERRUPTED);
        assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.INTERRUPTED);
        assertThat(search.closed).as("the search ends with the session").isTrue();
    }

    @Test
    void aPrivateTorrentNeverTouchesTheDhtNorSetsTheBitNorActsOnPort() throws Exception {
        TorrentSession s = seeder(true);
        Future<Outcome> running = threads.submit(s::run);
        int port = awaitPort(s, running);
        Handshake[] theirs = new Handshake[1];
        try (Socket peer = handshake(s, port, theirs)) {
            assertThat(theirs[0].supportsDht()).as("no DHT bit for a private torrent").isFalse();
            DataOutputStream out = new DataOutputStream(peer.getOutputStream());
            out.writeInt(3);
            out.writeByte(PORT_ID);
            out.writeShort(7000);
            out.writeInt(1);
            out.writeByte(2); // INTERESTED: after the PORT, so the PORT was read once we are unchoked or see it
            out.flush();
            DataInputStream in = new DataInputStream(peer.getInputStream());
            // read what the seeder sends until it unchokes us (it has a free upload slot): PORT must not be among it
            int id;
            do {
                id = readId(in);
                assertThat(id).as("no PORT message for a private torrent").isNotEqualTo(PORT_ID);
            } while (id != 1);
        }
        s.stats();
        s.requestStop(Outcome.INTERRUPTED);
        assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.INTERRUPTED);
        assertThat(starts.get()).as("no DHT node started for a private torrent").isZero();
        assertThat(fake.calls.get()).as("no call to the DHT").isZero();
        assertThat(fake.added).isEmpty();
    }
}
