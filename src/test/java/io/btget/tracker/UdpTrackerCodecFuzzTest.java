package io.btget.tracker;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the BEP 15 decoders, both the client's (replies, 6- and 18-byte peers) and the server's (requests).
 * A normal test run replays the seeds in src/test/resources/io/btget/tracker/UdpTrackerCodecFuzzTestInputs/.
 */
class UdpTrackerCodecFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void decodersReturnOrThrowTrackerException(byte[] packet) {
        decodeQuietly(() -> UdpTrackerCodec.decodeReply(packet, packet.length, false));
        decodeQuietly(() -> UdpTrackerCodec.decodeReply(packet, packet.length, true));
        decodeQuietly(() -> UdpTrackerCodec.decodeRequest(packet, packet.length));
    }

    private interface Decode {
        Object run() throws TrackerException;
    }

    private static void decodeQuietly(Decode decode) {
        try {
            decode.run();
        } catch (TrackerException expected) {
            // the only failure a malformed packet may cause
        }
    }
}
