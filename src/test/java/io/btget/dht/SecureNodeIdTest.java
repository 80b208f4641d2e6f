package io.btget.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.dht.krpc.NodeId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecureNodeIdTest {
    /** The test vectors table of BEP 42: IP, rand (decimal), a node id valid for that IP. */
    @ParameterizedTest
    @CsvSource({
        "124.31.75.21, 1, 5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401",
        "21.75.31.124, 86, 5a3ce9c14e7a08645677bbd1cfe7d8f956d53256",
        "65.23.51.170, 22, a5d43220bc8f112a3d426c84764f8c2a1150e616",
        "84.124.73.14, 65, 1b0321dd1bb1fe518101ceef99462b947a01ff41",
        "43.213.53.83, 90, e56f6cbf5b7c4be0237986d5243b87aa6d51305a",
    })
    void verifiesTheBepTestVectorsAndGeneratesTheirPrefix(String ip, int rand, String hex) throws Exception {
        InetAddress address = InetAddress.getByName(ip);
        NodeId vector = NodeId.fromHex(hex);
        assertThat(SecureNodeId.verify(vector, address)).isTrue();

        NodeId generated = SecureNodeId.generate(address, rand, new Random(rand));
        assertThat(generated.byteAt(0)).isEqualTo(vector.byteAt(0));
        assertThat(generated.byteAt(1)).isEqualTo(vector.byteAt(1));
        assertThat(generated.byteAt(2) & 0xf8).isEqualTo(vector.byteAt(2) & 0xf8);
        assertThat(generated.byteAt(19)).isEqualTo(rand);
        assertThat(SecureNodeId.verify(generated, address)).isTrue();
    }

    @Test
    void rejectsAVectorIdForAnotherAddressOrWithAChangedPrefixBitOrR() throws Exception {
        NodeId vector = NodeId.fromHex("5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401");
        InetAddress right = InetAddress.getByName("124.31.75.21");
        assertThat(SecureNodeId.verify(vector, InetAddress.getByName("124.31.75.22"))).isFalse();
        for (int bit = 0; bit < 21; bit++) {
            assertThat(SecureNodeId.verify(flip(vector, bit), right)).as("bit %d", bit).isFalse();
        }
        // The bits after the 21st are free ...
        assertThat(SecureNodeId.verify(flip(vector, 21), right)).isTrue();
        assertThat(SecureNodeId.verify(flip(vector, 100), right)).isTrue();
        // ... but the last byte's low 3 bits are r, which the prefix depends on.
        assertThat(SecureNodeId.verify(flip(vector, 159), right)).isFalse();
        // Its high 5 bits are not used.
        assertThat(SecureNodeId.verify(flip(vector, 152), right)).isTrue();
    }

    @Test
    void generatedIdsVerifyForTheirAddressOnlyV4AndV6() throws Exception {
        Random random = new Random(42);
        int otherAddressAccepted = 0;
        for (int i = 0; i < 500; i++) {
            byte[] ip = new byte[i % 2 == 0 ? 4 : 16];
            random.nextBytes(ip);
            ip[0] = (byte) (i % 2 == 0 ? 45 : 0x2a); // public unicast ranges
            InetAddress address = InetAddress.getByAddress(ip);
            NodeId id = SecureNodeId.generate(address, random);
            assertThat(SecureNodeId.verify(id, address)).as("%s", address).isTrue();
            byte[] other = ip.clone();
            other[ip.length == 4 ? 3 : 7] ^= 1; // a bit the mask keeps
            if (SecureNodeId.verify(id, InetAddress.getByAddress(other))) {
                otherAddressAccepted++;
            }
        }
        // A 21-bit check lets an unrelated address pass about once in two million.
        assertThat(otherAddressAccepted).isZero();
    }

    @Test
    void randomIdsRarelyVerifyForAPublicAddress() throws Exception {
        Random random = new Random(7);
        InetAddress address = InetAddress.getByName("8.8.4.4");
        int verified = 0;
        for (int i = 0; i < 2000; i++) {
            if (SecureNodeId.verify(NodeId.random(random), address)) {
                verified++;
            }
        }
        assertThat(verified).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.3.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1",
        "169.254.3.4", "100.64.0.1", "100.127.255.255", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fc00::1",
        "fd12:3456::1", "::", "ff02::1", "::ffff:192.168.0.1"})
    void exemptsLocalAddressesWhereAnyIdVerifies(String ip) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(ip);
        assertThat(SecureNodeId.applies(address)).isFalse();
        assertThat(SecureNodeId.verify(NodeId.random(new Random(1)), address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.0.1", "172.32.0.1",
        "192.169.0.1", "11.0.0.1", "2001:db8::1", "2a00:1450::1"})
    void appliesToPublicAddresses(String ip) throws UnknownHostException {
        assertThat(SecureNodeId.applies(InetAddress.getByName(ip))).isTrue();
    }

    @Test
    void rejectsARandOutsideOneByte() throws Exception {
        InetAddress address = InetAddress.getByName("1.2.3.4");
        assertThatThrownBy(() -> SecureNodeId.generate(address, 256, new Random()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecureNodeId.generate(address, -1, new Random()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static NodeId flip(NodeId id, int bit) {
        byte[] b = id.bytes();
        b[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
        return NodeId.of(b);
    }
}
