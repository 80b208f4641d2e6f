# A scriptable python3-libtorrent 2.0 peer on 127.0.0.1 (TCP only) for the interop tests: seeds or downloads a
# .torrent or a magnet link, and reports what it sees so a test can assert on another client's wire behaviour.
#
# usage: lt-peer.py --save DIR --port N (--torrent FILE | --magnet URI) [options]
#   --connect HOST:PORT   dial this peer (repeatable); dialled again every 5 s while not connected to it
#   --upload-limit B      bytes per second this peer uploads at most (0: no limit)
#   --download-limit B    bytes per second this peer downloads at most (0: no limit)
#   --unchoke-slots N     libtorrent's unchoke_slots_limit (in our runs it did not make a seeder choke loopback
#                         peers: they are in libtorrent's local peer class)
#   --no-pex              no ut_pex (BEP 11): neither sends nor learns peers through PEX (ut_metadata stays)
#   --no-metadata         no ut_metadata (BEP 9): cannot serve (or fetch) a magnet's info dictionary
#   --seed                keep running once complete (else exit 0 once every piece is verified)
#   --settings NAME       default (libtorrent's defaults) or high-performance (high_performance_seed())
#   --peer-log FILE       write libtorrent's peer_log alerts (every message in and out) to FILE
#   --status FILE         rewrite FILE every 0.1 s with one JSON object: state, progress, has_metadata and the
#                         connected peers (port, source flags, bytes each way, peer id prefix, client)
#   --encryption MODE     forced (MSE with RC4 only, both ways: out_enc_policy/in_enc_policy pe_forced,
#                         allowed_enc_level rc4), disabled (plain BitTorrent only) or enabled (libtorrent's default)
#   --timeout S           without --seed: exit 1 after S seconds without completing (default 110);
#                         with --seed: exit 0 after S seconds (default 600; tests kill it sooner)
# Prints "METADATA" when it has the info dictionary; once complete, "READY" with --seed (and keeps running), else
# "DONE" (and exits 0).
import argparse
import json
import os
import signal
import sys
import time

import libtorrent as lt

ap = argparse.ArgumentParser()
ap.add_argument("--save", required=True)
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--torrent")
ap.add_argument("--magnet")
ap.add_argument("--connect", action="append", default=[])
ap.add_argument("--upload-limit", type=int, default=0)
ap.add_argument("--download-limit", type=int, default=0)
ap.add_argument("--unchoke-slots", type=int, default=0)
ap.add_argument("--no-pex", action="store_true")
ap.add_argument("--no-metadata", action="store_true")
ap.add_argument("--seed", action="store_true")
ap.add_argument("--settings", choices=["default", "high-performance"], default="default")
ap.add_argument("--peer-log")
ap.add_argument("--status")
ap.add_argument("--timeout", type=float)
ap.add_argument("--encryption", choices=["enabled", "forced", "disabled"], default="enabled")
args = ap.parse_args()
if args.timeout is None:
    args.timeout = 600 if args.seed else 110

settings = lt.high_performance_seed() if args.settings == "high-performance" else lt.default_settings()
mask = lt.alert.category_t.error_notification | lt.alert.category_t.status_notification
if args.peer_log:
    mask |= lt.alert.category_t.peer_log_notification | lt.alert.category_t.peer_notification
settings.update({
    "listen_interfaces": "127.0.0.1:%d" % args.port,
    "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
    "enable_outgoing_utp": False, "enable_incoming_utp": False,
    "allow_multiple_connections_per_ip": True,
    "alert_mask": mask,
})
if args.encryption != "enabled":
    policy = lt.enc_policy.pe_forced if args.encryption == "forced" else lt.enc_policy.pe_disabled
    settings["out_enc_policy"] = int(policy)
    settings["in_enc_policy"] = int(policy)
    settings["allowed_enc_level"] = int(lt.enc_level.rc4)
if args.unchoke_slots > 0:
    settings["unchoke_slots_limit"] = args.unchoke_slots
if args.no_pex or args.no_metadata:
    # without add_default_plugins (ut_metadata, ut_pex, smart_ban): those wanted are added back
    ses = lt.session(settings, lt.session_flags_t.start_default_features)
    for plugin, off in (("ut_metadata", args.no_metadata), ("ut_pex", args.no_pex), ("smart_ban", False)):
        if not off:
            ses.add_extension(plugin)
else:
    ses = lt.session(settings)
if args.magnet:
    params = lt.parse_magnet_uri(args.magnet)
    params.save_path = args.save
    handle = ses.add_torrent(params)
else:
    handle = ses.add_torrent({"ti": lt.torrent_info(args.torrent), "save_path": args.save})
if args.upload_limit > 0:
    handle.set_upload_limit(args.upload_limit)
if args.download_limit > 0:
    handle.set_download_limit(args.download_limit)

stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
signal.signal(signal.SIGINT, lambda *_: stop.append(1))
peer_log = open(args.peer_log, "a", buffering=1) if args.peer_log else None
targets = []
for peer in args.connect:
    host, p = peer.rsplit(":", 1)
    targets.append((host, int(p)))


def peer_doc(p):
    """One connected peer: its address at this end, how we learned of it, bytes each way, who it says it is."""
    return {
        "ip": p.ip[0], "port": p.ip[1],
        "source": int(p.source),  # peer_info source bits: 1 tracker, 2 DHT, 4 PEX, 8 LSD, 16 resume data, 32 incoming
        "outgoing": bool(p.flags & lt.peer_info.local_connection),
        "total_upload": p.total_upload, "total_download": p.total_download,
        "pid": p.pid.to_bytes().decode("latin-1")[:8],  # Azureus-style prefix, e.g. -LT2080- or -BG0100-
        "client": p.client.decode("utf-8", "replace") if isinstance(p.client, bytes) else str(p.client),
    }


def write_status(s, peers):
    if not args.status:
        return
    doc = {
        "state": str(s.state), "progress": s.progress, "has_metadata": s.has_metadata,
        "is_seeding": s.is_seeding, "total_upload": s.total_upload, "total_download": s.total_download,
        "peers": [peer_doc(p) for p in peers],
    }
    tmp = args.status + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.replace(tmp, args.status)


start = time.time()
last_dial = 0
said_metadata = said_ready = False
while not stop:
    for a in ses.pop_alerts():
        if peer_log is not None and isinstance(a, lt.peer_log_alert):
            peer_log.write("%s %s\n" % (a.endpoint if hasattr(a, "endpoint") else a.ip, a.message()))
        elif peer_log is not None:
            peer_log.write("alert %s: %s\n" % (type(a).__name__, a.message()))
        elif isinstance(a, (lt.torrent_error_alert, lt.file_error_alert)):
            print("alert:", a.message(), file=sys.stderr, flush=True)
    s = handle.status()
    peers = handle.get_peer_info()
    write_status(s, peers)
    if s.has_metadata and not said_metadata:
        said_metadata = True
        print("METADATA", flush=True)
    if time.time() - last_dial > 5:
        last_dial = time.time()
        connected = {p.ip[1] for p in peers}
        for t in targets:
            if t[1] not in connected:
                handle.connect_peer(t)
    if s.is_seeding and not said_ready:
        said_ready = True
        print("READY" if args.seed else "DONE", flush=True)
        if not args.seed:
            write_status(s, peers)
            sys.exit(0)
    if time.time() - start > args.timeout:
        if args.seed:
            break
        print("TIMEOUT state=%s progress=%.3f peers=%d" % (s.state, s.progress, s.num_peers), flush=True)
        sys.exit(1)
    time.sleep(0.1)
sys.exit(0)
