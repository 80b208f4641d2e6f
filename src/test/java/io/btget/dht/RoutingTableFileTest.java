package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.dht.krpc.NodeId;
import io.btget.dht.krpc.NodeInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingTableFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsIdAndNodesOfBothFamilies() throws IOException {
        Random r = new Random(1);
        NodeId id = NodeId.random(r);
        List<NodeInfo> nodes = List.of(
                new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 6881)),
                new NodeInfo(NodeId.random(r), new InetSocketAddress("::1", 51413)),
                new NodeInfo(NodeId.random(r), new InetSocketAddress("10.1.2.3", 65535)));
        Path file = dir.resolve("sub/dht.dat");
        RoutingTableFile.save(file, id, nodes);
        RoutingTableFile.State s = RoutingTableFile.load(file).orElseThrow();
        assertThat(s.id()).isEqualTo(id);
        assertThat(s.nodes()).containsExactlyInAnyOrderElementsOf(nodes);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void savesAtMostTheLimit() throws IOException {
        Random r = new Random(2);
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            nodes.add(new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 1000 + i)));
        }
        Path file = dir.resolve("dht.dat");
        RoutingTableFile.save(file, NodeId.random(r), nodes);
        assertThat(RoutingTableFile.load(file).orElseThrow().nodes()).hasSize(DhtLimits.MAX_SAVED_NODES);
    }

    @Test
    void aMissingFileIsEmptyAndACorruptOneAClearError() throws IOException {
        assertThat(RoutingTableFile.load(dir.resolve("none"))).isEmpty();
        Path file = dir.resolve("bad");
        Files.writeString(file, "d2:id3:abce");
        assertThatThrownBy(() -> RoutingTableFile.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("20-byte id");
        Files.writeString(file, "garbage");
        assertThatThrownBy(() -> RoutingTableFile.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("DHT state file");
        Files.writeString(file, "d2:id20:abcdefghijabcdefghij5:nodes3:xyze");
        assertThatThrownBy(() -> RoutingTableFile.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("multiple of 26");
    }

    @Test
    void closeSavesGoodNodesFirstThenLoadedNodesNotProvedDead() {
        Random r = new Random(3);
        long now = 1_000;
        RoutingTable table = new RoutingTable(NodeId.random(r), DhtLimits.ROUTING_TABLE_MAX_NODES, r);
        NodeInfo good = new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 2001));
        NodeInfo bad = new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 2002));
        NodeInfo newcomer = new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 2003));
        assertThat(table.heard(good, true, now)).isInstanceOf(RoutingTable.Added.class);
        assertThat(table.heard(bad, true, now)).isInstanceOf(RoutingTable.Added.class);
        assertThat(table.heard(newcomer, true, now)).isInstanceOf(RoutingTable.Added.class);
        for (int i = 0; i < RoutingTable.MAX_FAILURES; i++) {
            table.failed(bad, now);
        }
        assertThat(table.status(bad.id(), now)).contains(RoutingTable.Status.BAD);
        List<NodeInfo> loaded = new ArrayList<>();
        loaded.add(good); // loaded and answered
        loaded.add(bad); // loaded, answered, then failed 3 queries in a row: dead
        // loaded, and another id answers at its address now: dead
        loaded.add(new NodeInfo(NodeId.random(r), newcomer.address()));
        for (int i = 0; i < 10; i++) { // loaded and never heard from (an offline run): not dead
            loaded.add(new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 3000 + i)));
        }
        List<NodeInfo> saved = RoutingTableFile.nodesToSave(table, loaded, now);
        assertThat(saved.subList(0, 2)).containsExactlyInAnyOrder(good, newcomer);
        assertThat(saved.subList(2, saved.size())).containsExactlyElementsOf(loaded.subList(3, 13));
    }

    @Test
    void anEmptyTableSavesTheLoadedNodesAndNoMoreThanTheLimit() {
        Random r = new Random(4);
        RoutingTable table = new RoutingTable(NodeId.random(r), DhtLimits.ROUTING_TABLE_MAX_NODES, r);
        List<NodeInfo> loaded = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            loaded.add(new NodeInfo(NodeId.random(r), new InetSocketAddress("127.0.0.1", 3000 + i)));
        }
        assertThat(RoutingTableFile.nodesToSave(table, loaded, 0))
                .containsExactlyElementsOf(loaded.subList(0, DhtLimits.MAX_SAVED_NODES));
    }
}
