package io.btget.metainfo;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A parsed and validated .torrent (v1 view; hybrid v1+v2 torrents keep their v2 info hash for display).
 *
 * @param name          sanitised torrent name (the file name for single-file torrents, the folder otherwise)
 * @param infoHash      v1 info hash
 * @param infoHashV2    SHA-256 of the info dictionary when it is a v2 or hybrid torrent (BEP 52), else empty
 * @param pieceLength   nominal piece length
 * @param pieceHashes   concatenated 20-byte SHA-1 piece hashes
 * @param files         files in piece-space order, padding files included (and flagged)
 * @param multiFile     whether the info dictionary has a {@code files} list (data goes under a folder)
 * @param trackerTiers  BEP 12 tiers of http, https and udp URLs, no URL twice (the single {@code announce} URL
 *                      becomes one tier when no usable list is given; see {@link TorrentParser} for repairs)
 * @param webSeeds      BEP 19 {@code url-list}: http and https URLs only, no URL twice
 * @param isPrivate     BEP 27 {@code private=1}
 * @param infoBytes     the raw bencoded info dictionary (for BEP 9 metadata exchange)
 * @param warnings      what the parser repaired or ignored in optional fields, one line each (empty for a clean
 *                      torrent); see {@link TorrentParser}
 * @param httpSeeds     BEP 17 {@code httpseeds}: scripts answering {@code ?info_hash=&piece=&ranges=}; http and https
 *                      URLs only, no URL twice
 */
public record Torrent(
        String name,
        InfoHash infoHash,
        Optional<byte[]> infoHashV2,
        int pieceLength,
        byte[] pieceHashes,
        List<FileEntry> files,
        boolean multiFile,
        List<List<String>> trackerTiers,
        List<String> webSeeds,
        boolean isPrivate,
        Optional<String> comment,
        Optional<String> createdBy,
        Optional<Long> creationDate,
        byte[] infoBytes,
        List<String> warnings,
        List<String> httpSeeds) {

    public Torrent {
        files = List.copyOf(files);
        trackerTiers = trackerTiers.stream().map(List::copyOf).toList();
        webSeeds = List.copyOf(webSeeds);
        warnings = List.copyOf(warnings);
        httpSeeds = List.copyOf(httpSeeds);
    }

    /** A torrent without BEP 17 http seeds. */
    public Torrent(String name, InfoHash infoHash, Optional<byte[]> infoHashV2, int pieceLength, byte[] pieceHashes,
            List<FileEntry> files, boolean multiFile, List<List<String>> trackerTiers, List<String> webSeeds,
            boolean isPrivate, Optional<String> comment, Optional<String> createdBy, Optional<Long> creationDate,
            byte[] infoBytes, List<String> warnings) {
        this(name, infoHash, infoHashV2, pieceLength, pieceHashes, files, multiFile, trackerTiers, webSeeds, isPrivate,
                comment, createdBy, creationDate, infoBytes, warnings, List.of());
    }

    /** Whether the torrent names any HTTP source: BEP 19 web seeds or BEP 17 http seeds. */
    public boolean hasWebSeeds() {
        return !webSeeds.isEmpty() || !httpSeeds.isEmpty();
    }

    /** A torrent with nothing repaired (no warnings). */
    public Torrent(String name, InfoHash infoHash, Optional<byte[]> infoHashV2, int pieceLength, byte[] pieceHashes,
            List<FileEntry> files, boolean multiFile, List<List<String>> trackerTiers, List<String> webSeeds,
            boolean isPrivate, Optional<String> comment, Optional<String> createdBy, Optional<Long> creationDate,
            byte[] infoBytes) {
        this(name, infoHash, infoHashV2, pieceLength, pieceHashes, files, multiFile, trackerTiers, webSeeds, isPrivate,
                comment, createdBy, creationDate, infoBytes, List.of());
    }

    /** Parses and validates a .torrent file's bytes with the running OS's path rules; see {@link TorrentParser}. */
    public static Torrent parse(byte[] torrentFile) {
        return TorrentParser.parse(torrentFile);
    }

    /** Parses and validates a .torrent file's bytes with the path rules of {@code platform}. */
    public static Torrent parse(byte[] torrentFile, PathRules.Platform platform) {
        return TorrentParser.parse(torrentFile, platform);
    }

    /**
     * A torrent from an info dictionary fetched from peers (BEP 9) plus the magnet's trackers and web seeds, with
     * the running OS's path rules; see {@link TorrentParser#fromInfoDictionary}.
     *
     * @throws InvalidTorrentException when the SHA-1 of {@code infoBytes} is not {@code expected}, or the info
     *                                 dictionary would be refused in a .torrent
     */
    public static Torrent fromInfoDictionary(byte[] infoBytes, InfoHash expected, List<List<String>> trackerTiers,
            List<String> webSeeds) {
        return TorrentParser.fromInfoDictionary(infoBytes, expected, trackerTiers, webSeeds,
                PathRules.Platform.current());
    }

    /** A magnet link (BEP 9) for this torrent: info hash(es), name and every tracker. */
    public MagnetLink magnetLink() {
        return MagnetLink.of(this);
    }

    public int pieceCount() {
        return pieceHashes.length / 20;
    }

    public long totalLength() {
        return files.isEmpty() ? 0 : files.get(files.size() - 1).end();
    }

    /** Length of piece {@code index}: the nominal length except for a shorter last piece. */
    public int pieceSize(int index) {
        long start = (long) index * pieceLength;
        return (int) Math.min(pieceLength, totalLength() - start);
    }

    public byte[] pieceHash(int index) {
        return Arrays.copyOfRange(pieceHashes, index * 20, index * 20 + 20);
    }

    /** Files a user sees: padding files left out. */
    public List<FileEntry> userFiles() {
        return files.stream().filter(f -> !f.padding()).toList();
    }
}
