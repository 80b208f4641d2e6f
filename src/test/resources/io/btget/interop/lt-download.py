# A python3-libtorrent 2.0 downloader on 127.0.0.1 (TCP only) for the interop tests.
# usage: lt-download.py TORRENT SAVE_DIR PORT [HOST:PORT]...
# Announces to the torrent's trackers, also dials the given peers, prints "DONE" when every piece is verified
# and exits 0; prints its state every second to stderr; exits 1 after 100 s.
import sys
import time

import libtorrent as lt

torrent, save_dir, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
ses = lt.session({
    "listen_interfaces": "127.0.0.1:%d" % port,
    "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
    "enable_outgoing_utp": False, "enable_incoming_utp": False,
    "allow_multiple_connections_per_ip": True,
    "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.peer_notification,
})
handle = ses.add_torrent({"ti": lt.torrent_info(torrent), "save_path": save_dir})
for peer in sys.argv[4:]:
    host, p = peer.rsplit(":", 1)
    handle.connect_peer((host, int(p)))
deadline = time.time() + 100
last = 0
while time.time() < deadline:
    s = handle.status()
    if s.is_seeding:
        print("DONE", flush=True)
        sys.exit(0)
    for a in ses.pop_alerts():
        print("alert:", a.message(), file=sys.stderr, flush=True)
    if time.time() - last > 1:
        last = time.time()
        print("state=%s progress=%.3f peers=%d" % (s.state, s.progress, s.num_peers), file=sys.stderr, flush=True)
    time.sleep(0.1)
print("TIMEOUT", flush=True)
sys.exit(1)
