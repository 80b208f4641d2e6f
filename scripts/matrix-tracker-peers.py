#!/usr/bin/python3
"""Which peers a local HTTP tracker lists for a torrent, without joining the swarm: for scripts/bench-matrix.

usage: matrix-tracker-peers.py TORRENT

Prints the port of every peer the torrent's (first) HTTP announce URL hands out, one a line. It asks with
event=stopped and left=0, which btget's built-in tracker answers with the swarm's peers while recording nothing
(a stopped peer is removed, never added), so the check adds no phantom peer that downloaders would then dial.
Exits 1 on a failure reply or when the tracker cannot be reached within 5 s.
"""
import hashlib
import os
import struct
import sys
import urllib.parse
import urllib.request

# A torrent made by the benchmark is a few KiB; refuse anything absurd rather than reading it all.
MAX_TORRENT_BYTES = 64 << 20
MAX_REPLY_BYTES = 1 << 20


def bdecode(data, i=0):
    """Returns (value, end). Byte strings stay bytes; dict keys too."""
    c = data[i:i + 1]
    if c == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1:end]), end + 1
    if c == b"l":
        out, i = [], i + 1
        while data[i:i + 1] != b"e":
            v, i = bdecode(data, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        out, i = {}, i + 1
        while data[i:i + 1] != b"e":
            k, i = bdecode(data, i)
            start = i
            v, i = bdecode(data, i)
            out[k] = v
            out[(k, "span")] = (start, i)
        return out, i + 1
    colon = data.index(b":", i)
    n = int(data[i:colon])
    if n < 0 or colon + 1 + n > len(data):
        raise ValueError("bad string length at byte %d" % i)
    return data[colon + 1:colon + 1 + n], colon + 1 + n


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    if os.path.getsize(argv[0]) > MAX_TORRENT_BYTES:
        print("torrent too large", file=sys.stderr)
        return 1
    raw = open(argv[0], "rb").read()
    meta, _ = bdecode(raw)
    start, end = meta[(b"info", "span")]
    info_hash = hashlib.sha1(raw[start:end]).digest()
    url = meta[b"announce"].decode()
    query = urllib.parse.urlencode({
        "info_hash": info_hash, "peer_id": b"-MX0001-matrixcheck0", "port": 1, "uploaded": 0,
        "downloaded": 0, "left": 0, "event": "stopped", "compact": 1, "numwant": 200})
    try:
        with urllib.request.urlopen(url + ("&" if "?" in url else "?") + query, timeout=5) as r:
            reply, _ = bdecode(r.read(MAX_REPLY_BYTES))
    except Exception as e:  # one line, no trace: the caller retries until its own deadline
        print("tracker: %s" % e, file=sys.stderr)
        return 1
    if b"failure reason" in reply:
        print("tracker: %s" % reply[b"failure reason"].decode(errors="replace"), file=sys.stderr)
        return 1
    peers = reply.get(b"peers", b"")
    if isinstance(peers, bytes):
        for k in range(0, len(peers) - len(peers) % 6, 6):
            print(struct.unpack(">H", peers[k + 4:k + 6])[0])
    else:
        for p in peers:
            print(p[b"port"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
