package io.btget.hostile;

import static io.btget.hostile.Ben.map;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/** A single-file torrent of random bytes made in memory: the payload, its .torrent, its info hash. */
final class TestSwarm {
    final String name;
    final byte[] data;
    final int pieceLength;
    final int pieceCount;
    final byte[] hashes;
    final byte[] infoHash;
    final byte[] torrentBytes;
    /** The bencoded info dictionary: what a peer hands out as metadata (BEP 9). */
    final byte[] infoBytes;
    private final Map<String, Object> info;

    TestSwarm(String name, int length, int pieceLength, long seed) {
        this(name, length, pieceLength, seed, 0);
    }

    /**
     * As above, with {@code padding} extra bytes in the info dictionary (an unknown key, kept and hashed as BEP 3
     * wants), so that its metadata spans several 16 KiB pieces (BEP 9).
     */
    TestSwarm(String name, int length, int pieceLength, long seed, int padding) {
        this(name, length, pieceLength, seed, padding, false);
    }

    /** As above; {@code isPrivate} sets {@code private=1} in the info dictionary (BEP 27: no PEX, no DHT). */
    TestSwarm(String name, int length, int pieceLength, long seed, int padding, boolean isPrivate) {
        this.name = name;
        this.data = new byte[length];
        new Random(seed).nextBytes(data);
        this.pieceLength = pieceLength;
        this.pieceCount = (length + pieceLength - 1) / pieceLength;
        this.hashes = new byte[pieceCount * 20];
        for (int p = 0; p < pieceCount; p++) {
            System.arraycopy(sha1(Arrays.copyOfRange(data, p * pieceLength, p * pieceLength + pieceSize(p))), 0,
                    hashes, p * 20, 20);
        }
        // keys in sorted order: the bytes are the info dictionary as any client would write it
        this.info = map("length", length, "name", name, "piece length", pieceLength, "pieces", hashes);
        if (isPrivate) {
            info.put("private", 1);
        }
        if (padding > 0) {
            byte[] pad = new byte[padding];
            new Random(seed + 1).nextBytes(pad);
            info.put("x-test-padding", pad);
        }
        this.infoBytes = Ben.encode(info);
        this.infoHash = sha1(infoBytes);
        this.torrentBytes = Ben.encode(map("info", info));
    }

    /** The same torrent (same info hash) with these tracker tiers (BEP 12). */
    Path writeTorrent(Path dir, java.util.List<java.util.List<String>> tiers) throws IOException {
        Path file = dir.resolve(name + "-trackers.torrent");
        Files.write(file, Ben.encode(map("announce", tiers.get(0).get(0), "announce-list", tiers, "info", info)));
        return file;
    }

    /** {@code magnet:?xt=urn:btih:<hex>&x.pe=<peer>...} (BEP 9; x.pe: peers to dial). */
    String magnet(String... peers) {
        StringBuilder m = new StringBuilder("magnet:?xt=urn:btih:").append(java.util.HexFormat.of().formatHex(infoHash));
        for (String p : peers) {
            m.append("&x.pe=").append(p);
        }
        return m.toString();
    }

    int pieceSize(int piece) {
        return piece == pieceCount - 1 ? data.length - piece * pieceLength : pieceLength;
    }

    byte[] block(int piece, int offset, int length) {
        int start = piece * pieceLength + offset;
        return Arrays.copyOfRange(data, start, start + length);
    }

    Path writeTorrent(Path dir) throws IOException {
        Path file = dir.resolve(name + ".torrent");
        Files.write(file, torrentBytes);
        return file;
    }

    Path writePayload(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Files.write(file, data);
        return file;
    }

    static byte[] sha1(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
