# A python3-libtorrent 2.0 DHT node (BEP 5) on one loopback address for the DHT interop tests: a plain node, a
# seeder that announces a torrent to the DHT, or a downloader that finds its peers through the DHT only.
#
# usage: lt-dht.py --ip 127.N.0.1 --port P --save DIR [--torrent FILE | --magnet URI] [options]
#   --ip A                 the loopback address to use for TCP (BitTorrent) and UDP (DHT); give each node its own /24
#                          (127.1.0.1, 127.2.0.1, ...): libtorrent keeps one DHT node per /24 unless told otherwise,
#                          and the restrictions are turned off here anyway
#   --port P               TCP listen port and DHT UDP port (libtorrent uses one number for both)
#   --bootstrap HOST:PORT  a DHT node to bootstrap from (repeatable; none: wait for others to reach us)
#   --seed                 keep running once complete (else exit 0 once every piece is verified)
#   --get-peers HEX        also run dht_get_peers for this info hash every 2 s and print "DHT_PEER ip:port" per peer
#   --announce-interval S  libtorrent's dht_announce_interval (seconds between two DHT announces of the torrent)
#   --status FILE          rewrite FILE every 0.2 s with one JSON object: DHT nodes in the routing table, torrent
#                          state, connected peers (address, source bits: 2 = found through the DHT)
#   --dht-log FILE         one JSON line per DHT packet in or out: dir, ip, port, y, q, t (hex), e, has_token,
#                          values (compact peers as "ip:port"), nodes (count)
#   --timeout S            without --seed: exit 1 after S seconds without completing (default 110);
#                          with --seed or no torrent: exit 0 after S seconds (default 600; tests kill it sooner)
# Prints "LISTENING" once its sockets are open, "DHT_BOOTSTRAPPED" when libtorrent says so, "METADATA" when it has
# the info dictionary, "DHT_ANNOUNCE HEX ip:port" when a node announces a peer to it, "DHT_PEER ip:port" for peers a --get-peers lookup returned, and once complete "READY" with
# --seed (keeps running), else "DONE" (exits 0).
import argparse
import json
import os
import re
import signal
import socket
import struct
import sys
import time

import libtorrent as lt

ap = argparse.ArgumentParser()
ap.add_argument("--ip", required=True)
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--save", required=True)
ap.add_argument("--torrent")
ap.add_argument("--magnet")
ap.add_argument("--bootstrap", action="append", default=[])
ap.add_argument("--seed", action="store_true")
ap.add_argument("--get-peers")
ap.add_argument("--announce-interval", type=int, default=5)
ap.add_argument("--status")
ap.add_argument("--dht-log")
ap.add_argument("--timeout", type=float)
args = ap.parse_args()
has_torrent = bool(args.torrent or args.magnet)
if args.timeout is None:
    args.timeout = 600 if (args.seed or not has_torrent) else 110

mask = (lt.alert.category_t.error_notification | lt.alert.category_t.status_notification
        | lt.alert.category_t.dht_notification | lt.alert.category_t.dht_operation_notification)
if args.dht_log:
    mask |= lt.alert.category_t.dht_log_notification
settings = lt.default_settings()
settings.update({
    "listen_interfaces": "%s:%d" % (args.ip, args.port),
    "enable_dht": True,
    "dht_bootstrap_nodes": ",".join(args.bootstrap),
    # every node here is on 127.x.0.1: without these libtorrent keeps one node per /24 in its table and in a lookup
    "dht_restrict_routing_ips": False, "dht_restrict_search_ips": False,
    "dht_announce_interval": args.announce_interval,
    "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
    "enable_outgoing_utp": False, "enable_incoming_utp": False,
    "allow_multiple_connections_per_ip": True,
    "alert_mask": mask,
})
ses = lt.session(settings)
handle = None
if args.magnet:
    params = lt.parse_magnet_uri(args.magnet)
    params.save_path = args.save
    handle = ses.add_torrent(params)
elif args.torrent:
    handle = ses.add_torrent({"ti": lt.torrent_info(args.torrent), "save_path": args.save})

stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
signal.signal(signal.SIGINT, lambda *_: stop.append(1))
dht_log = open(args.dht_log, "a", buffering=1) if args.dht_log else None


def text(v):
    return v.decode("latin-1") if isinstance(v, bytes) else v


def compact(b):
    """A compact peer (BEP 5): 4 or 16 address bytes, then the port, big-endian."""
    if len(b) == 6:
        return "%s:%d" % (socket.inet_ntop(socket.AF_INET, b[:4]), struct.unpack(">H", b[4:])[0])
    if len(b) == 18:
        return "[%s]:%d" % (socket.inet_ntop(socket.AF_INET6, b[:16]), struct.unpack(">H", b[16:])[0])
    return "?%d" % len(b)


# dht_pkt_alert's message: "<== [127.1.0.1:6881] { ...bencode printed... }" (in) or "==> [...]" (out); the python
# binding has no direction or node attribute
PACKET_LINE = re.compile(r"^(<==|==>) \[\[?([0-9a-fA-F.:]+?)\]?:(\d+)\]")


def packet_doc(a):
    """A dht_pkt_alert as one JSON-friendly dict (what the tests assert on)."""
    m = PACKET_LINE.match(a.message())
    d = {"dir": "in" if m and m.group(1) == "<==" else "out", "ip": m.group(2) if m else "?",
         "port": int(m.group(3)) if m else 0}
    try:
        m = lt.bdecode(a.pkt_buf)
    except Exception as e:  # noqa: BLE001 - a broken packet is worth logging as such
        d["undecodable"] = str(e)
        return d
    if not isinstance(m, dict):
        d["undecodable"] = "not a dict"
        return d
    d["y"] = text(m.get(b"y"))
    d["t"] = m.get(b"t", b"").hex() if isinstance(m.get(b"t"), bytes) else None
    if d["y"] == "q":
        d["q"] = text(m.get(b"q"))
        body = m.get(b"a") or {}
    elif d["y"] == "r":
        body = m.get(b"r") or {}
    else:
        body = {}
        e = m.get(b"e")
        d["e"] = [text(x) for x in e] if isinstance(e, list) else text(e)
    if isinstance(body, dict):
        d["has_token"] = b"token" in body
        if b"info_hash" in body:
            d["info_hash"] = body[b"info_hash"].hex()
        if b"port" in body:
            d["announce_port"] = body[b"port"]
        if b"implied_port" in body:
            d["implied_port"] = body[b"implied_port"]
        if isinstance(body.get(b"values"), list):
            d["values"] = [compact(v) for v in body[b"values"] if isinstance(v, bytes)]
        if isinstance(body.get(b"nodes"), bytes):
            d["nodes"] = len(body[b"nodes"]) // 26
    return d


def dht_nodes():
    n = 0
    for b in last_dht_stats:
        n += b.get("num_nodes", 0) if isinstance(b, dict) else getattr(b, "num_nodes", 0)
    return n


def write_status():
    if not args.status:
        return
    doc = {"dht_nodes": dht_nodes(), "dht_peers_found": sorted(found)}
    if handle is not None:
        s = handle.status()
        doc.update({"state": str(s.state), "progress": s.progress, "has_metadata": s.has_metadata,
                    "is_seeding": s.is_seeding, "peers": [
                        {"ip": p.ip[0], "port": p.ip[1], "source": int(p.source),
                         "total_download": p.total_download, "total_upload": p.total_upload}
                        for p in handle.get_peer_info()]})
    tmp = args.status + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.replace(tmp, args.status)


last_dht_stats = []
found = set()
start = time.time()
last_lookup = last_stats = 0
said_metadata = said_ready = said_listening = said_bootstrap = False
while not stop:
    for a in ses.pop_alerts():
        if isinstance(a, lt.dht_pkt_alert):
            if dht_log is not None:
                dht_log.write(json.dumps(packet_doc(a)) + "\n")
        elif isinstance(a, lt.dht_stats_alert):
            last_dht_stats = a.routing_table
        elif isinstance(a, lt.dht_get_peers_reply_alert):
            for peer in a.peers():
                key = "%s:%d" % (peer[0], peer[1])
                if key not in found:
                    found.add(key)
                    print("DHT_PEER " + key, flush=True)
        elif isinstance(a, lt.dht_announce_alert):
            print("DHT_ANNOUNCE %s %s:%d" % (a.info_hash, a.ip, a.port), flush=True)
        elif isinstance(a, lt.listen_succeeded_alert):
            if not said_listening and a.socket_type == lt.socket_type_t.udp:
                said_listening = True
                print("LISTENING", flush=True)
        elif isinstance(a, lt.dht_bootstrap_alert):
            if not said_bootstrap:
                said_bootstrap = True
                print("DHT_BOOTSTRAPPED", flush=True)
        elif isinstance(a, (lt.listen_failed_alert, lt.torrent_error_alert, lt.file_error_alert)):
            print("alert:", a.message(), file=sys.stderr, flush=True)
        elif dht_log is not None and isinstance(a, lt.dht_log_alert):
            dht_log.write(json.dumps({"log": a.message()}) + "\n")
    now = time.time()
    if now - last_stats > 0.5:
        last_stats = now
        ses.post_dht_stats()
    if args.get_peers and now - last_lookup > 2:
        last_lookup = now
        ses.dht_get_peers(lt.sha1_hash(bytes.fromhex(args.get_peers)))
    write_status()
    if handle is not None:
        s = handle.status()
        if s.has_metadata and not said_metadata:
            said_metadata = True
            print("METADATA", flush=True)
        if s.is_seeding and not said_ready:
            said_ready = True
            print("READY" if args.seed else "DONE", flush=True)
            if not args.seed:
                sys.exit(0)
    if now - start > args.timeout:
        if args.seed or handle is None:
            break
        s = handle.status()
        print("TIMEOUT state=%s progress=%.3f peers=%d dht_nodes=%d" % (s.state, s.progress, s.num_peers,
                                                                        dht_nodes()), flush=True)
        sys.exit(1)
    time.sleep(0.1)
sys.exit(0)
