#!/usr/bin/python3
"""A python3-libtorrent seeder or downloader on loopback, for scripts/bench-matrix.

usage: matrix-lt.py seed     TORRENT DIR PORT [--settings default|hp]
       matrix-lt.py download TORRENT DIR PORT [--settings default|hp] [--timeout SECONDS]

Listens on 127.0.0.1:PORT over TCP only (no DHT, LSD, UPnP, NAT-PMP, uTP) and lets every peer come from
127.0.0.1 (allow_multiple_connections_per_ip). Everything else is libtorrent's default settings_pack
(--settings default, the default: what qBittorrent users run) or high_performance_seed() (--settings hp).

seed: checks the data in DIR (a full hash check, as a client does when a torrent is added over existing data),
prints "READY reqq=N" once seeding (N: the per-peer request queue it advertises as reqq), then seeds until
SIGTERM/SIGINT. Exits 1 when the data is incomplete.
download: downloads into DIR and exits 0 as soon as every piece is verified; exits 1 on a torrent error and 4
when --timeout (default 600 s) passes first.
"""
import signal
import sys
import time

import libtorrent as lt

# A seeder whose check takes longer than this has a problem (a 1 GiB check takes a few seconds here).
SEED_CHECK_TIMEOUT_S = 600


def make_session(port, which):
    settings = lt.high_performance_seed() if which == "hp" else lt.default_settings()
    settings.update({
        "listen_interfaces": "127.0.0.1:%d" % port,
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "enable_outgoing_utp": False, "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })
    return lt.session(settings)


def errors(ses):
    return [a.message() for a in ses.pop_alerts()
            if isinstance(a, (lt.torrent_error_alert, lt.file_error_alert, lt.listen_failed_alert))]


def main(argv):
    if len(argv) < 4 or argv[0] not in ("seed", "download"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, torrent, save_dir, port = argv[0], argv[1], argv[2], int(argv[3])
    opts = dict(zip(argv[4::2], argv[5::2]))
    which = opts.get("--settings", "default")
    if which not in ("default", "hp"):
        print("--settings must be default or hp", file=sys.stderr)
        return 2
    timeout = float(opts.get("--timeout", "600"))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    ses = make_session(port, which)
    handle = ses.add_torrent({"ti": lt.torrent_info(torrent), "save_path": save_dir})
    deadline = time.time() + (SEED_CHECK_TIMEOUT_S if mode == "seed" else timeout)
    while not stop:
        st = handle.status()
        if st.is_seeding:
            break
        if st.state == lt.torrent_status.downloading and mode == "seed":
            print("NOT SEEDING: data in %s incomplete" % save_dir, file=sys.stderr, flush=True)
            return 1
        if time.time() > deadline:
            print("timed out at %.1f%%" % (st.progress * 100), file=sys.stderr, flush=True)
            return 4
        # woken by the torrent_finished_alert (status_notification) as soon as the last piece passes its hash
        # check, so the exit is not delayed by a polling interval
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, (lt.torrent_error_alert, lt.file_error_alert, lt.listen_failed_alert)):
                print("error: %s" % a.message(), file=sys.stderr, flush=True)
                return 1
    if stop:
        return 143
    if mode == "download":
        return 0
    print("READY reqq=%s" % ses.get_settings().get("max_allowed_in_request_queue"), flush=True)
    while not stop:
        for e in errors(ses):
            print("error: %s" % e, file=sys.stderr, flush=True)
        time.sleep(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
