package io.btget.dht;

import io.btget.dht.krpc.NodeId;
import java.net.InetAddress;
import java.util.Random;

/** SKELETON: the table helper implements it (see APIS.md). BEP 42. */
public final class SecureNodeId {
    private SecureNodeId() {
    }

    public static boolean applies(InetAddress address) {
        throw new UnsupportedOperationException();
    }

    public static NodeId generate(InetAddress external, Random random) {
        throw new UnsupportedOperationException();
    }

    public static boolean verify(NodeId id, InetAddress address) {
        throw new UnsupportedOperationException();
    }
}
