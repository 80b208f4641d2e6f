# Makes a .torrent with python3-libtorrent 2.0 for the interop tests.
# usage: lt-make-torrent.py SOURCE OUT PIECE_SIZE (hybrid|v1) TRACKER...
# hybrid: BEP 52 v1+v2 with BEP 47 padding files between files (libtorrent's default); v1: v1 only, no padding.
import os
import sys

import libtorrent as lt

source, out, piece_size, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fs = lt.file_storage()
lt.add_files(fs, source)
flags = lt.create_torrent.v1_only if kind == "v1" else 0
ct = lt.create_torrent(fs, piece_size, flags=flags)
for tier, url in enumerate(sys.argv[5:]):
    ct.add_tracker(url, tier)
ct.set_creator("libtorrent (btget interop test)")
lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(source)))
with open(out, "wb") as f:
    f.write(lt.bencode(ct.generate()))
