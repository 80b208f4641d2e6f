# Makes hybrid v1+v2 torrents (BEP 52, with BEP 47 padding files) with python3-libtorrent 2.0.
# Run from testdata/: /usr/bin/python3 make-hybrid.py
import libtorrent as lt

def make(path, out, piece_size):
    fs = lt.file_storage()
    lt.add_files(fs, path)
    ct = lt.create_torrent(fs, piece_size)
    ct.add_tracker("http://127.0.0.1:6969/announce")
    ct.set_creator("libtorrent (btget testdata)")
    lt.set_piece_hashes(ct, "payload")
    open(out, "wb").write(lt.bencode(ct.generate()))

make("payload/multi", "torrents/libtorrent-hybrid-multi.torrent", 16384)
make("payload/small.bin", "torrents/libtorrent-hybrid-single.torrent", 16384)
