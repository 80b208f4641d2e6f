#!/usr/bin/python3
"""A python3-libtorrent peer for scripts/bench-swarm: a seeder or a leecher bound to one address.

usage: swarm-lt.py seed  TORRENT DIR ADDR PORT
       swarm-lt.py leech TORRENT DIR ADDR PORT

Starts from libtorrent's default settings (lt.default_settings(), what qBittorrent users run) and changes only what
a closed test swarm needs: listen on ADDR:PORT, no DHT/LSD/UPnP/NAT-PMP (peers come from the torrent's tracker),
and TCP only (btget speaks TCP only, so both clients get the same transport on the same shaped links).
Prints one line per event on stdout, each starting with the wall-clock time (seconds since the epoch):
  T STARTED        the session exists and the torrent is added (after Python and libtorrent are loaded)
  T READY          seed: the data checked and seeding
  T FINISHED       leech: every piece downloaded and hash-checked (torrent_finished_alert)
A leecher exits 0 right after FINISHED (it does not stay to seed, like `btget download` by default); exits 6 when
a seeder finds its data incomplete; a seeder runs until SIGTERM/SIGINT.
"""
import os
import signal
import sys
import time

import libtorrent as lt


# A seeder checks its data before READY; bench sizes (tens to hundreds of MiB) hash in seconds, so a seeder not
# seeding after this long has incomplete data or a stalled disk, and waiting longer would only hang the bench.
SEED_CHECK_SECONDS = 120


def say(what):
    print("%.3f %s" % (time.time(), what), flush=True)


def main():
    if len(sys.argv) != 6 or sys.argv[1] not in ("seed", "leech"):
        print(__doc__, file=sys.stderr)
        return 2
    role, torrent, save_dir, addr, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    settings = lt.default_settings()
    settings.update({
        "listen_interfaces": "%s:%d" % (addr, port),
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "enable_outgoing_utp": False, "enable_incoming_utp": False,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })
    ses = lt.session(settings)
    handle = ses.add_torrent({"ti": lt.torrent_info(torrent), "save_path": save_dir})
    say("STARTED")
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    ready = False
    check_deadline = time.time() + SEED_CHECK_SECONDS
    while not stop:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, lt.torrent_finished_alert) and role == "leech":
                say("FINISHED")
                # The data is hash-checked and in the page cache (libtorrent 2.0 writes through mmap); the
                # tracker's "stopped" announce is skipped, as a killed or offline peer would.
                os._exit(0)
        st = handle.status()
        if role == "seed" and not ready and st.state == lt.torrent_status.seeding:
            ready = True
            say("READY")
        if role == "seed" and not ready and time.time() > check_deadline:
            say("NOT SEEDING: data incomplete or not checked within %d s" % SEED_CHECK_SECONDS)
            return 6
    return 0


if __name__ == "__main__":
    sys.exit(main())
