#!/usr/bin/python3
"""A python3-libtorrent seeder on loopback, for benchmarks and interop tests.

usage: lt-seed.py TORRENT SAVE_DIR PORT [--trust] [--default-settings]

Seeds TORRENT from SAVE_DIR, listening on 127.0.0.1:PORT over TCP only (no DHT, LSD, UPnP, uTP), with libtorrent's
high-performance seed settings. Prints "READY reqq=N" once it is seeding (N: the request queue it allows each peer,
advertised as reqq in its extension handshake), then runs until SIGTERM/SIGINT. Prints "ANNOUNCED" when a tracker
has first answered its announce (a downloader started after that finds it in the tracker's reply).
--trust skips the initial hash check (seed mode) for large benchmark files.
--default-settings starts from libtorrent's default settings (as qBittorrent users run it) instead of
high_performance_seed().
"""
import signal
import sys
import time

import libtorrent as lt


def main():
    torrent, save_dir, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    trust = "--trust" in sys.argv[4:]
    settings = lt.default_settings() if "--default-settings" in sys.argv[4:] else lt.high_performance_seed()
    settings.update({
        "listen_interfaces": "127.0.0.1:%d" % port,
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "enable_outgoing_utp": False, "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.tracker_notification,
    })
    ses = lt.session(settings)
    params = {"ti": lt.torrent_info(torrent), "save_path": save_dir}
    if trust:
        params["flags"] = lt.torrent_flags.seed_mode
    handle = ses.add_torrent(params)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    deadline = time.time() + 600
    while not stop and handle.status().state != lt.torrent_status.seeding:
        if time.time() > deadline:
            print("NOT SEEDING: data incomplete?", flush=True)
            return 1
        time.sleep(0.1)
    print("READY reqq=%s" % ses.get_settings().get("max_allowed_in_request_queue"), flush=True)
    announced = False
    while not stop:
        for a in ses.pop_alerts():
            if isinstance(a, lt.tracker_reply_alert) and not announced:
                announced = True
                print("ANNOUNCED", flush=True)
        time.sleep(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
