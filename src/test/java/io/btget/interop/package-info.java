/**
 * Interop tests: the built btget jar against real BitTorrent software on 127.0.0.1 (issues 3, 4 and 9).
 *
 * <p>Every test class extends {@link io.btget.interop.InteropTestBase} (tag {@code interop}, a temporary directory,
 * every started process killed after the test) and is run by Failsafe:
 * {@code ./mvnw -q -B -o package -DskipTests && ./mvnw -q -B -o verify -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='io.btget.interop.*IT'}.
 *
 * <p>The harness: {@code BtgetProcess} (java -jar, --json lines parsed by {@code JsonLine}), {@code BtgetTracker}
 * ({@code btget tracker}), {@code Opentracker} (closed tracker: {@code allow(hash)} whitelists and reloads with
 * SIGHUP; {@code awaitSeeders} polls its scrape), {@code Aria2}, {@code Transmission} (fresh settings.json per
 * process; a finish script drops a marker file), {@code LibtorrentSeeder} (scripts/lt-seed.py),
 * {@code LibtorrentDownloader} (lt-download.py), {@code Torrents} (mktorrent, python3-libtorrent),
 * {@code Payloads} (deterministic files and trees; exact tree comparison), {@code Ports} (free TCP+UDP port).
 * For issue 9 (magnets, PEX, Fast): {@code LibtorrentPeer} (lt-peer.py: a libtorrent peer that seeds or downloads a
 * .torrent or magnet and writes its connected peers as JSON and its peer_log alerts, every message in and out, as
 * text; options for rate limits, no ut_pex, no ut_metadata), {@code Qbittorrent} (qbittorrent-nox with a loopback
 * profile, driven through its Web API), {@code Aria2.downloadMagnet}, {@code Magnets}; btget runs with
 * {@code BTGET_STATE_DIR} in the test's directory. {@code HarnessSelfCheckIT} runs the set-ups of MagnetIT, PexIT
 * and FastIT with real clients only, so that a failure there points at btget.
 *
 * <p>Facts the tests rely on (see /work/shared/notes/real-peers.md): transmission never dials loopback peers and
 * creates no empty files; aria2c cannot use UDP trackers with DHT off; opentracker re-announces every ~30 min and
 * btget never re-announces sooner than 30 s, so peers that arrive late must dial in.
 *
 * <p>DHT (issue 10): {@code LibtorrentDht} runs lt-dht.py, a python3-libtorrent DHT node on its own 127.N.0.1 that
 * logs every KRPC packet as a JSON line; {@code DhtHarnessSelfCheckIT} runs {@code DhtIT}'s set-ups with libtorrent
 * and aria2c only. libtorrent 2.0.8 keeps bootstrap nodes out of its table and answers get_peers only with peers
 * announced to it; aria2c 1.36's DHT works on 127.x (pass {@code --dht-file-path}).
 */
package io.btget.interop;
