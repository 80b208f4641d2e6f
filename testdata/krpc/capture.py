#!/usr/bin/python3
"""Captures real KRPC packets from two python3-libtorrent 2.0.8 DHT nodes on loopback.

usage: capture.py OUT_DIR

Starts libtorrent DHT nodes on 127.1.0.1:26882 and 127.2.0.1:26883 that bootstrap from each other and from a
third, scripted node on 127.3.0.1:26881 (this script's UDP socket). The scripted node answers libtorrent's queries
(ping, find_node, get_peers with a token, announce_peer) and sends its own: ping, ping with ro=1, find_node,
get_peers, announce_peer (a good, an implied_port and a forged token), find_node without a target, and two unknown
methods. It writes up to three packets of each kind it receives to OUT_DIR, named lt-{query,response,error}-METHOD-N.
Runs about 40 seconds.
"""
import libtorrent as lt, socket, os, time, struct, select, sys, hashlib

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)

def benc(v):
    if isinstance(v, int): return b'i%de' % v
    if isinstance(v, str): v = v.encode()
    if isinstance(v, bytes): return b'%d:' % len(v) + v
    if isinstance(v, list): return b'l' + b''.join(benc(x) for x in v) + b'e'
    if isinstance(v, dict):
        items = sorted((k.encode() if isinstance(k, str) else k, x) for k, x in v.items())
        return b'd' + b''.join(benc(k) + benc(x) for k, x in items) + b'e'
    raise TypeError(v)

def bdec(b, i=0):
    c = b[i:i+1]
    if c == b'i':
        j = b.index(b'e', i); return int(b[i+1:j]), j+1
    if c == b'l':
        i += 1; r = []
        while b[i:i+1] != b'e':
            x, i = bdec(b, i); r.append(x)
        return r, i+1
    if c == b'd':
        i += 1; r = {}
        while b[i:i+1] != b'e':
            k, i = bdec(b, i); x, i = bdec(b, i); r[k] = x
        return r, i+1
    j = b.index(b':', i); n = int(b[i:j]); return b[j+1:j+1+n], j+1+n

XADDR = ('127.3.0.1', 26881)
XID = hashlib.sha1(b'capture node').digest()
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(XADDR)

def session(ip, port):
    s = lt.session({
        'listen_interfaces': '%s:%d' % (ip, port),
        'enable_dht': True, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'dht_restrict_routing_ips': False, 'dht_restrict_search_ips': False,
        'allow_multiple_connections_per_ip': True, 'enable_outgoing_utp': False, 'enable_incoming_utp': False,
        'dht_bootstrap_nodes': '127.3.0.1:26881',
    })
    return s

a = session('127.1.0.1', 26882)
b = session('127.2.0.1', 26883)
a.add_dht_node(('127.2.0.1', 26883)); b.add_dht_node(('127.1.0.1', 26882))
a.add_dht_node(XADDR); b.add_dht_node(XADDR)

seen = {}
count = [0]
def save(kind, data):
    count[0] += 1
    key = kind
    n = seen.get(key, 0)
    seen[key] = n + 1
    if n < 3:
        with open(os.path.join(OUT, '%s-%d' % (key, n)), 'wb') as f: f.write(data)

def compact(ip, port): return socket.inet_aton(ip) + struct.pack('>H', port)

peers_known = {}
tokens = {}
def handle(data, addr):
    try:
        m, _ = bdec(data)
    except Exception:
        save('garbage', data); return
    y = m.get(b'y')
    if y == b'q':
        q = m.get(b'q', b'').decode(errors='replace')
        save('lt-query-' + q, data)
        t = m[b't']
        r = {'id': XID}
        if q in ('find_node', 'get_peers'):
            r['nodes'] = XID[:19] + b'\x01' + compact('127.2.0.1', 26883)
        if q == 'get_peers':
            r['token'] = b'tok' + bytes([addr[1] & 0xff])
            ih = m[b'a'][b'info_hash']
            if ih in peers_known: r['values'] = peers_known[ih]
        if q == 'announce_peer':
            a_ = m[b'a']; ih = a_[b'info_hash']
            port = addr[1] if a_.get(b'implied_port', 0) else a_[b'port']
            peers_known.setdefault(ih, []).append(compact(addr[0], port))
        if q in ('ping', 'find_node', 'get_peers', 'announce_peer'):
            sock.sendto(benc({'t': t, 'y': 'r', 'r': r, 'ip': compact(*addr)}), addr)
        else:
            sock.sendto(benc({'t': t, 'y': 'e', 'e': [204, 'Method Unknown']}), addr)
    elif y == b'r':
        save('lt-response-' + pending.get(m.get(b't'), 'unknown'), data)
        tok = m.get(b'r', {}).get(b'token')
        if tok: tokens[addr] = tok
    elif y == b'e':
        save('lt-error-' + pending.get(m.get(b't'), 'unknown'), data)
    else:
        save('lt-other', data)

pending = {}
tid = [0]
def query(addr, q, args, extra=None):
    tid[0] += 1
    t = struct.pack('>H', tid[0])
    pending[t] = q
    args = dict(args); args['id'] = XID
    msg = {'t': t, 'y': 'q', 'q': q, 'a': args}
    if extra: msg.update(extra)
    sock.sendto(benc(msg), addr)

IH = hashlib.sha1(b'capture torrent').digest()
IH2 = hashlib.sha1(b'other torrent').digest()
# A's torrent: libtorrent announces it to the DHT (get_peers then announce_peer, maybe to X)
p = lt.add_torrent_params(); p.info_hashes = lt.info_hash_t(lt.sha1_hash(IH)); p.save_path = os.path.join(OUT, 'dl')
p.flags &= ~lt.torrent_flags.auto_managed; p.flags &= ~lt.torrent_flags.paused
a.add_torrent(p)

LA = ('127.1.0.1', 26882); LB = ('127.2.0.1', 26883)
start = time.time(); step = 0
while time.time() - start < 40:
    r, _, _ = select.select([sock], [], [], 0.2)
    if r:
        data, addr = sock.recvfrom(2048); handle(data, addr)
    el = time.time() - start
    if step == 0 and el > 3:
        for L in (LA, LB):
            query(L, 'ping', {})
            query(L, 'find_node', {'target': IH})
            query(L, 'get_peers', {'info_hash': IH})
            query(L, 'get_peers', {'info_hash': IH2})
            query(L, 'ping', {}, {'ro': 1})
            query(L, 'sample_infohashes', {'target': IH})
            query(L, 'frobnicate', {})
        step = 1
    if step == 1 and el > 6:
        for L in (LA, LB):
            if L in tokens:
                query(L, 'announce_peer', {'info_hash': IH, 'port': 6881, 'token': tokens[L]})
                query(L, 'announce_peer', {'info_hash': IH2, 'port': 0, 'implied_port': 1, 'token': tokens[L]})
            query(L, 'announce_peer', {'info_hash': IH, 'port': 6881, 'token': b'forged!!'})
            query(L, 'find_node', {})  # missing target
        step = 2
    if step == 2 and el > 9:
        for L in (LA, LB):
            query(L, 'get_peers', {'info_hash': IH})
            query(L, 'get_peers', {'info_hash': IH2})
        step = 3
print('captured', count[0], sorted(seen.items()))
