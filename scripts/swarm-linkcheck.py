#!/usr/bin/python3
"""Measures one shaped link of scripts/bench-swarm with a plain TCP transfer (standard library only).

usage: swarm-linkcheck.py recv ADDR PORT        accept one connection, read to EOF, print Mbit/s (from the first
                                                 byte to EOF) and the byte count; gives up after 60 s
       swarm-linkcheck.py send ADDR PORT BYTES  connect (retrying for 10 s while the receiver starts) and send BYTES
"""
import socket
import sys
import time

# Bounds every wait: a link check that hangs would hang the bench.
TIMEOUT_SECONDS = 60


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("recv", "send"):
        print(__doc__, file=sys.stderr)
        return 2
    addr, port = sys.argv[2], int(sys.argv[3])
    if sys.argv[1] == "recv":
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.settimeout(TIMEOUT_SECONDS)
        srv.bind((addr, port))
        srv.listen(1)
        conn, _ = srv.accept()
        conn.settimeout(TIMEOUT_SECONDS)
        total, first = 0, None
        while True:
            data = conn.recv(1 << 16)
            if not data:
                break
            if first is None:
                first = time.time()
            total += len(data)
        secs = time.time() - (first or time.time())
        print("%.1f %d" % (total * 8 / secs / 1e6 if secs > 0 else 0.0, total))
        return 0
    size = int(sys.argv[4])
    deadline = time.time() + 10
    while True:
        try:
            sock = socket.create_connection((addr, port), timeout=TIMEOUT_SECONDS)
            break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)
    chunk = b"\0" * (1 << 16)
    left = size
    while left > 0:
        sock.sendall(chunk[:min(left, len(chunk))])
        left -= min(left, len(chunk))
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
