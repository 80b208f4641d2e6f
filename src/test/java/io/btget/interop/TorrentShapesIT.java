package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.metainfo.Torrent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8 items 2 and 10, end to end through the built jar and the built-in tracker: a torrent whose optional
 * fields have an odd shape downloads, and names only Windows refuses reach the disk exactly as the torrent has them.
 */
@Tag("interop")
@Timeout(150)
class TorrentShapesIT extends InteropTestBase {

    private Path create(Path source, String announce, String name) throws Exception {
        Path torrent = dir.resolve(name + ".torrent");
        int code = BtgetProcess.run(logs(), dir, Duration.ofSeconds(60), "create", source.toString(), "-t", announce,
                "-o", torrent.toString(), "--piece-size", "32K");
        assertThat(code).as("btget create exit code").isZero();
        return torrent;
    }

    private BtgetProcess seed(Path torrent, Path seedDir) throws Exception {
        BtgetProcess seeder = btget("btget-seed", "seed", torrent.toString(), "-d", seedDir.toString(),
                "-p", Integer.toString(Ports.free()));
        seeder.awaitEvent(e -> "progress".equals(e.get("event")) && "seeding".equals(e.get("phase")),
                Duration.ofSeconds(30), "seeding" + logsOf(seeder));
        return seeder;
    }

    private void download(Path torrent, Path out, BtgetProcess seeder, BtgetTracker tracker) throws Exception {
        BtgetProcess leecher = btget("btget-get", "download", torrent.toString(), "-d", out.toString(),
                "-p", Integer.toString(Ports.free()), "--stall-timeout", "30s");
        int code = leecher.awaitExit(Duration.ofSeconds(90));
        assertThat(code).as("leecher exit code%s", logsOf(leecher, seeder, tracker.process())).isZero();
        assertThat(leecher.last().get("event")).isEqualTo("complete");
    }

    /**
     * The same torrent (same info dictionary, so the same info hash) with the top-level {@code announce} and
     * {@code announce-list} replaced: a flat list of URLs with junk entries, as some tools write.
     */
    private Path withFlatAnnounceList(Path original, String trackerUrl, boolean keepAnnounce) throws Exception {
        BDict top = (BDict) Bencode.decode(Files.readAllBytes(original));
        Map<String, BValue> entries = new LinkedHashMap<>(top.entries());
        if (!keepAnnounce) {
            entries.remove("announce");
        }
        entries.put("announce-list", new BList(List.of(new BInt(7), BString.of("wss://tracker.invalid/announce"),
                BString.of(trackerUrl), BString.of(trackerUrl))));
        Path flat = dir.resolve("flat.torrent");
        Files.write(flat, Bencode.encode(new BDict(new java.util.TreeMap<>(entries))));
        assertThat(Torrent.parse(Files.readAllBytes(flat)).infoHash())
                .isEqualTo(Torrent.parse(Files.readAllBytes(original)).infoHash());
        return flat;
    }

    @ParameterizedTest(name = "announce kept: {0}")
    @ValueSource(booleans = {true, false})
    void aTorrentWithAFlatAnnounceListDownloadsThroughTheBuiltInTracker(boolean keepAnnounce) throws Exception {
        BtgetTracker tracker = track(BtgetTracker.start(logs(), dir));
        Path seedDir = newDir("seed");
        Path payload = Payloads.tree(seedDir.resolve("tree"), 23);
        Path original = create(payload, tracker.httpAnnounce(), "tree");
        Path flat = withFlatAnnounceList(original, tracker.httpAnnounce(), keepAnnounce);
        BtgetProcess seeder = seed(original, seedDir);

        Path out = newDir("out");
        download(flat, out, seeder, tracker);
        Payloads.assertSameTree(payload, out.resolve("tree"));
    }

    /** Names only Windows refuses; ASCII only, so the test does not depend on the locale (issue 8 item 5). */
    private static final List<String> WINDOWS_ONLY_NAMES = List.of("CON", "aux.txt", "nul", "COM1", "LPT9.log",
            "prn.tar.gz", "trailing dot.", "trailing space ", "a<b>c:d\"e|f?g*h", "back\\slash", "C:x", "...");

    private static TreeSet<String> namesUnder(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            TreeSet<String> names = new TreeSet<>();
            // the relative path's components joined with '/', each kept byte for byte (a '\' stays a '\')
            walk.filter(Files::isRegularFile).forEach(p -> {
                List<String> parts = new ArrayList<>();
                root.relativize(p).forEach(c -> parts.add(c.toString()));
                names.add(String.join("/", parts));
            });
            return names;
        }
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void namesOnlyWindowsRefusesDownloadToExactlyThoseNames() throws Exception {
        BtgetTracker tracker = track(BtgetTracker.start(logs(), dir));
        Path seedDir = newDir("seed");
        Path payload = Files.createDirectories(seedDir.resolve("names"));
        TreeSet<String> expected = new TreeSet<>();
        int i = 0;
        for (String name : WINDOWS_ONLY_NAMES) {
            Files.write(payload.resolve(name), ("file " + name + " ").repeat(100 + 37 * i++).getBytes(StandardCharsets.UTF_8));
            expected.add(name);
        }
        Path sub = Files.createDirectories(payload.resolve("AUX"));
        Files.write(sub.resolve("con.txt"), "inside AUX".getBytes(StandardCharsets.UTF_8));
        expected.add("AUX/con.txt");
        assertThat(namesUnder(payload)).isEqualTo(expected);

        Path torrent = create(payload, tracker.httpAnnounce(), "names");
        BtgetProcess seeder = seed(torrent, seedDir);
        Path out = newDir("out");
        download(torrent, out, seeder, tracker);

        Path got = out.resolve("names");
        assertThat(namesUnder(got)).as("names on disk").isEqualTo(expected);
        for (String name : expected) {
            assertThat(Files.mismatch(payload.resolve(name), got.resolve(name))).as("first differing byte of %s", name)
                    .isEqualTo(-1L);
        }
    }

    /** Every optional field malformed at once; the required ones valid. */
    private static byte[] junkOptionalFields() {
        return ("d8:announcei5e13:announce-listl17:http://t/announce8:wss://x/i7ee"
                + "7:comment" + "li1ee" + "13:creation date3:now"
                + "4:infod6:lengthi1e4:name1:a10:name.utf-8i3e12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaa"
                + "7:private1:1e"
                + "5:nodes4:junk" + "8:url-listl18:file:///etc/shadowi1eee")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void warningsAboutRepairedFieldsReachStderrUnderVerboseOnly() throws Exception {
        Path torrent = dir.resolve("junk.torrent");
        Files.write(torrent, junkOptionalFields());

        BtgetProcess quiet = btgetRun("info", torrent.toString());
        assertThat(quiet.awaitExit(Duration.ofSeconds(30))).as("info exit code%s", logsOf(quiet)).isZero();
        assertThat(quiet.process().stderr()).isEmpty();
        assertThat(quiet.process().stdout()).contains("Warnings (optional fields repaired or ignored):",
                "  url-list[0] 'file:///etc/shadow' is not an http or https URL: ignored", "tier 0: http://t/announce");

        BtgetProcess verbose = btgetRun("-v", "info", torrent.toString());
        assertThat(verbose.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(verbose.process().stderr()).contains("INFO", "announce is an integer, not a string: ignored",
                "wss://x/' is not an http, https or udp URL: ignored", "info.private is a string",
                "creation date is a string", "comment is a list", "info.name.utf-8 is an integer");
    }

    private BtgetProcess btgetRun(String... args) throws Exception {
        return track(BtgetProcess.start("btget-" + System.nanoTime(), logs(), dir, List.of(args)));
    }
}
