package io.btget.peer.ext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** BEP 10 dispatch: our local ids, routing by them, and what goes into our extended handshake. */
class ExtensionRegistryTest {
    /** Records what reaches it. */
    private static final class Recorder implements Extension {
        final String name;
        final List<String> seen = new ArrayList<>();

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Session open(ExtensionPeer peer) {
            return new Session() {
                @Override
                public void peerHandshake(ExtendedHandshake theirs) {
                    seen.add("handshake " + theirs.idOf(name));
                }

                @Override
                public void onMessage(byte[] payload) {
                    seen.add("message " + payload.length);
                }

                @Override
                public void closed() {
                    seen.add("closed");
                }
            };
        }
    }

    private static final ExtensionPeer PEER = new ExtensionPeer() {
        @Override
        public InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 6881);
        }

        @Override
        public Optional<ExtendedHandshake> peerHandshake() {
            return Optional.empty();
        }

        @Override
        public boolean send(String name, byte[] payload) {
            return false;
        }

        @Override
        public void drop(String reason) {
        }
    };

    @Test
    void assignsOurIdsInRegistrationOrderAndRoutesByThem() throws Exception {
        Recorder a = new Recorder("ut_metadata");
        Recorder b = new Recorder("ut_pex");
        ExtensionRegistry registry = new ExtensionRegistry(List.of(a, b));
        assertThat(registry.localIds()).containsEntry("ut_metadata", 1).containsEntry("ut_pex", 2);

        ExtensionRegistry.Dispatcher d = registry.open(PEER);
        assertThat(d.dispatch(2, new byte[3])).isTrue();
        assertThat(d.dispatch(1, new byte[5])).isTrue();
        assertThat(a.seen).containsExactly("message 5");
        assertThat(b.seen).containsExactly("message 3");
    }

    @Test
    void anIdWeNeverAnnouncedReachesNobody() throws Exception {
        Recorder a = new Recorder("ut_metadata");
        ExtensionRegistry.Dispatcher d = new ExtensionRegistry(List.of(a)).open(PEER);
        assertThat(d.dispatch(3, new byte[1])).isFalse();
        assertThat(d.dispatch(255, new byte[1])).isFalse();
        assertThat(a.seen).isEmpty();
    }

    @Test
    void thePeersHandshakeAndTheEndReachEveryExtension() throws Exception {
        Recorder a = new Recorder("ut_metadata");
        Recorder b = new Recorder("ut_pex");
        ExtensionRegistry.Dispatcher d = new ExtensionRegistry(List.of(a, b)).open(PEER);
        d.peerHandshake(ExtendedHandshake.builder().extension("ut_pex", 9).build());
        d.closed();
        assertThat(a.seen).containsExactly("handshake 0", "closed");
        assertThat(b.seen).containsExactly("handshake 9", "closed");
    }

    @Test
    void ourHandshakeCarriesOurIdsPortClientReqqAndYourip() throws Exception {
        assertThatThrownBy(() -> new ExtensionRegistry(List.of(new Recorder("x"), new Recorder("x"))))
                .isInstanceOf(IllegalArgumentException.class);
        ExtensionRegistry registry = new ExtensionRegistry(List.of(new Recorder("ut_pex"),
                MetadataExtension.serving(new byte[40_000])));
        ExtendedHandshake ours = ExtendedHandshake.decode(registry.ourHandshake(6881, "btget 0.1", 500,
                InetAddress.getLoopbackAddress()).encode());
        assertThat(ours.m()).containsEntry("ut_pex", 1).containsEntry("ut_metadata", 2);
        assertThat(ours.p()).hasValue(6881);
        assertThat(ours.v()).hasValue("btget 0.1");
        assertThat(ours.reqq()).hasValue(500);
        assertThat(ours.yourip()).hasValue(InetAddress.getLoopbackAddress());
        assertThat(ours.metadataSize()).hasValue(40_000);
    }

    @Test
    void metadataSizeIsAdvertisedOnlyWhenWeHaveTheMetadata() throws Exception {
        ExtensionRegistry registry = new ExtensionRegistry(List.of(
                new MetadataExtension(Optional::empty, null, bytes -> { })));
        ExtendedHandshake ours = registry.ourHandshake(0, "btget 0.1", 500, null);
        assertThat(ours.metadataSize()).isEmpty();
        assertThat(ours.p()).isEmpty();
        assertThat(ours.idOf("ut_metadata")).isEqualTo(1);
    }

    @Test
    void ourHandshakeSaysWhetherWePreferEncryption() throws Exception {
        ExtendedHandshake plain = new ExtensionRegistry(List.of(new Recorder("ut_pex")))
                .ourHandshake(6881, "btget", 250, null);
        assertThat(plain.e()).isEmpty();
        ExtendedHandshake prefer = new ExtensionRegistry(List.of(new Recorder("ut_pex")), true)
                .ourHandshake(6881, "btget", 250, null);
        assertThat(ExtendedHandshake.decode(prefer.encode()).e()).hasValue(1);
    }
}
