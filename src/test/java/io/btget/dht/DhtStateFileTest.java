package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The DHT state file across runs: what a short run saves, and two nodes sharing one file (its lock). */
@Timeout(60)
class DhtStateFileTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int seed = 100;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private DhtNode node(Path state) throws IOException {
        DhtNode n = new DhtNode(new DhtConfig(LOOPBACK, 0, List.of(), Optional.ofNullable(state),
                new Random(seed++)));
        toClose.add(n);
        n.start();
        return n;
    }

    /** Nodes at loopback ports no one listens on (held open by sockets that never read). */
    private List<NodeInfo> silentNodes(int count) throws IOException {
        Random r = new Random(7);
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            toClose.add(s);
            nodes.add(new NodeInfo(NodeId.random(r), new InetSocketAddress(LOOPBACK, s.getLocalPort())));
        }
        return nodes;
    }

    @Test
    void aShortRunInWhichNoSavedNodeAnsweredKeepsThemAll() throws Exception {
        Path state = dir.resolve("dht.dat");
        NodeId id = NodeId.random(new Random(1));
        List<NodeInfo> saved = silentNodes(50);
        RoutingTableFile.save(state, id, saved);

        DhtNode a = node(state);
        assertThat(a.id()).isEqualTo(id);
        a.close(); // at once, as an offline `btget dht get-peers` would

        RoutingTableFile.State after = RoutingTableFile.load(state).orElseThrow();
        assertThat(after.id()).isEqualTo(id);
        assertThat(after.nodes()).containsExactlyInAnyOrderElementsOf(saved);
    }

    @Test
    void aSecondNodeOnTheSameStateFileTakesAFreshIdAndSavesNothing() throws Exception {
        Path state = dir.resolve("state/dht.dat");
        NodeId id = NodeId.random(new Random(2));
        List<NodeInfo> saved = silentNodes(5);
        RoutingTableFile.save(state, id, saved);
        byte[] before = Files.readAllBytes(state);

        DhtNode first = node(state);
        assertThat(first.id()).isEqualTo(id);
        DhtNode second = node(state); // another process would see the lock taken the same way
        assertThat(second.id()).isNotEqualTo(id);
        assertThat(Files.exists(StateFileLock.lockFileOf(state))).isTrue();
        // with distinct ids they serve each other (with one id each would drop the other's queries as its own)
        assertThat(second.ping(first.localAddress()).get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(first.ping(second.localAddress()).get(20, TimeUnit.SECONDS)).isTrue();

        NodeInfo secondInfo = new NodeInfo(second.id(), second.localAddress());
        second.close();
        assertThat(Files.readAllBytes(state)).as("the second node saved nothing").isEqualTo(before);

        first.close();
        RoutingTableFile.State after = RoutingTableFile.load(state).orElseThrow();
        assertThat(after.id()).isEqualTo(id);
        assertThat(after.nodes()).contains(secondInfo)
                .containsAll(saved);

        DhtNode third = node(state); // the lock was released at close
        assertThat(third.id()).isEqualTo(id);
    }

    @Test
    void theLockIsExclusiveWithinOneJvmAndReleasedAtClose() throws Exception {
        Path state = dir.resolve("x/dht.dat");
        Optional<StateFileLock> one = StateFileLock.tryAcquire(state);
        assertThat(one).isPresent();
        assertThat(one.get().held()).isTrue();
        assertThat(StateFileLock.tryAcquire(state)).isEmpty();
        one.get().close();
        one.get().close(); // idempotent
        assertThat(one.get().held()).isFalse();
        try (StateFileLock again = StateFileLock.tryAcquire(state).orElseThrow()) {
            assertThat(again.held()).isTrue();
        }
    }
}
