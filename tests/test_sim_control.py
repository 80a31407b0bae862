#!/usr/bin/python3
"""bitsim's control interface and every fault-injection kind.

Protects: /fault with each kind (latency, timeout, refused, reset, 500, 401,
503, noprovider, denied, truncate, malformed, trickle) has the effect the
man page describes on the named hosts only, /clear undoes it (a refused host
listens again on the same port), frac= picks that share of hosts, count=
limits a rule to the next requests, --fault applies a rule at start, delays
never block other hosts, /advance moves simulated time, /jobs and /stats
report the host, /quit stops the process; with --workers N the hosts are
served by N processes and the control interface still reaches each host."""

import http.client
import os
import socket
import sys
import threading
import time
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.environ.get('top_srcdir', '.'), 'tests', 'fixtures', 'sim'))
import simlib  # noqa: E402
from simlib import ENUM, XFER, envelope, post  # noqa: E402

t = simlib.Checker()
sim = simlib.Sim('--hosts', '4', '--auth', 'none', '--jobs', '12', '--speed', '0', '--seed', '5',
                 '--batching', 'all', '--fault', 'host=3&kind=503')
ENUMERATE = envelope(ENUM + 'Enumerate', simlib.enumerate_body())


def timed(addr, data=ENUMERATE, **kw):
    t0 = time.monotonic()
    r = post(addr, data, **kw)
    return r, time.monotonic() - t0


def ok(addr):
    st, h, b = post(addr, ENUMERATE)
    return st == 200 and len(simlib.job_ids(b)) == 12


def raw_get(addr):
    """Send an Enumerate and read the reply with http.client; returns the
    exception class name on failure, or (status, body)."""
    host, port = addr.rsplit(':', 1)
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        c.request('POST', '/wsman', body=ENUMERATE.encode(),
                  headers={'Content-Type': 'application/soap+xml;charset=UTF-8'})
        r = c.getresponse()
        return r.status, r.read()
    except Exception as e:  # noqa: BLE001 - the kind of failure is what we check
        return type(e).__name__
    finally:
        c.close()


H = [sim.host(i) for i in range(4)]
st, h, b = post(H[3], ENUMERATE)
t.check(st == 503 and b'Service Unavailable' in b, '--fault at start: host 3 answers 503')
t.check(ok(H[0]), 'host 0 is healthy')

# latency, and the loop stays free for other hosts meanwhile
sim.ctl('/fault?host=0&kind=latency&ms=600')
res = {}
th = threading.Thread(target=lambda: res.update(slow=timed(H[0])))
th.start()
time.sleep(0.1)
(st1, _, _), fast = timed(H[1])
th.join()
(st0, _, b0), slow = res['slow']
t.check(st0 == 200 and slow >= 0.55, 'latency ms=600 delays host 0 (%.2fs)' % slow)
t.check(st1 == 200 and fast < 0.3, 'host 1 answers at once meanwhile (%.2fs)' % fast)
sim.ctl('/clear?host=0')
(st0, _, _), d = timed(H[0])
t.check(d < 0.3, '/clear removes the latency')

# timeout: TimedOut fault after ms, or after the request's OperationTimeout
sim.ctl('/fault?host=0&kind=timeout&ms=300')
(st, h, b), d = timed(H[0])
t.check(st == 500 and simlib.subcode(b) == 'w:TimedOut' and simlib.wsman_code(b) == 2150858793
        and d >= 0.28, 'timeout ms=300: w:TimedOut after %.2fs' % d)
sim.ctl('/fault?host=0&kind=timeout')
(st, h, b), d = timed(H[0], envelope(ENUM + 'Enumerate', simlib.enumerate_body(), timeout='PT1S'))
t.check(st == 500 and simlib.subcode(b) == 'w:TimedOut' and 0.95 <= d < 3,
        'timeout without ms: after OperationTimeout PT1S (%.2fs)' % d)
sim.ctl('/clear?host=0')

# refused, then listening again on the same port
out = sim.ctl('/fault?host=1&kind=refused')
t.check(out == 'host 1 refused\n', '/fault answers with the hosts changed')
hp = H[1].rsplit(':', 1)
try:
    socket.create_connection((hp[0], int(hp[1])), timeout=5).close()
    t.check(False, 'refused: connect fails')
except ConnectionRefusedError:
    t.check(True, 'refused: connection refused')
t.check(ok(H[0]), 'refused affects only host 1')
sim.ctl('/clear?host=1')
t.check(ok(H[1]), '/clear: host 1 listens again on the same port')

# reset and truncate: the body stops half-way
sim.ctl('/fault?host=2&kind=reset')
r = raw_get(H[2])
t.check(r == 'ConnectionResetError', 'reset: the connection is reset mid-body (%s)' % (r,))
sim.ctl('/fault?host=2&kind=truncate')
r = raw_get(H[2])
t.check(r == 'IncompleteRead', 'truncate: body shorter than Content-Length (%s)' % (r,))

# SOAP-level faults
sim.ctl('/fault?host=2&kind=500')
st, h, b = post(H[2], ENUMERATE)
t.check(st == 500 and simlib.subcode(b) == 'w:InternalError' and
        simlib.wsman_code(b) == 2147749889, '500: WMI generic failure fault')
sim.ctl('/fault?host=2&kind=denied')
st, h, b = post(H[2], ENUMERATE)
t.check(st == 500 and b'<s:Value>s:Receiver</s:Value>' in b and
        simlib.subcode(b) == 'w:InternalError' and simlib.wsman_code(b) == 2147942405 and
        b'Access is denied. ' in b, 'denied: InternalError 2147942405 Access is denied.')
sim.ctl('/fault?host=2&kind=noprovider')
st, h, b = post(H[2], ENUMERATE)
st2, h2, b2 = post(H[2], envelope(XFER + 'Get', sel={'JobId': sim.jobs(2)[0][0]}))
t.check(st == 500 and st2 == 500 and simlib.subcode(b) == 'a:DestinationUnreachable' and
        simlib.subcode(b2) == 'a:DestinationUnreachable' and simlib.wsman_code(b) == 2150858752,
        'noprovider: DestinationUnreachable on Enumerate and Get')
sim.ctl('/fault?host=2&kind=401')
st, h, b = post(H[2], ENUMERATE)
t.check(st == 401 and b == b'', '401: refused credentials')
sim.ctl('/fault?host=2&kind=503')
st, h, b = post(H[2], ENUMERATE)
t.check(st == 503, '503: service unavailable')
sim.ctl('/fault?host=2&kind=malformed')
st, h, b = post(H[2], ENUMERATE)
try:
    ET.fromstring(b)
    parsed = True
except ET.ParseError:
    parsed = False
t.check(st == 200 and not parsed and b.startswith(b'<s:Envelope'),
        'malformed: 200 with a body that is not well-formed XML')

# trickle: the whole body arrives, slowly, without blocking host 0
sim.ctl('/fault?host=2&kind=trickle&bytes=2000&ms=100')
res = {}
th = threading.Thread(target=lambda: res.update(slow=timed(H[2])))
th.start()
time.sleep(0.1)
(st0, _, _), fast = timed(H[0])
th.join()
(st, h, b), d = res['slow']
n = len(b) // 2000
t.check(st == 200 and len(simlib.job_ids(b)) == 12 and d >= (n - 1) * 0.1,
        'trickle: complete body in %d chunks over %.2fs' % (n + 1, d))
t.check(st0 == 200 and fast < 0.3, 'trickle does not block other hosts (%.2fs)' % fast)
sim.ctl('/clear?host=all')
t.check(all(ok(x) for x in H), '/clear?host=all: every host healthy')

# count= and frac=
sim.ctl('/fault?host=0&kind=503&count=1')
t.check(post(H[0], ENUMERATE)[0] == 503 and ok(H[0]), 'count=1: only the next request fails')
out = sim.ctl('/fault?frac=0.5&kind=500')
chosen = [int(line.split()[1]) for line in out.splitlines()]
t.check(len(chosen) == 2 and len(set(chosen)) == 2, 'frac=0.5 of 4 hosts picks 2: %s' % chosen)
t.check(all((post(H[i], ENUMERATE)[0] == 500) == (i in chosen) for i in range(4)),
        'frac: only the chosen hosts fail')
sim.ctl('/clear?host=all')
try:
    sim.ctl('/fault?host=0&kind=bogus')
    t.check(False, 'unknown kind is refused')
except Exception as e:  # noqa: BLE001
    t.check('400' in str(e) and b'unknown kind' in e.read(), 'unknown kind: HTTP 400 error')
try:
    sim.ctl('/fault?host=9&kind=503')
    t.check(False, 'host out of range is refused')
except Exception as e:  # noqa: BLE001
    t.check('400' in str(e), 'host out of range: HTTP 400')

# /jobs, /stats, /advance
before = {r[0]: r for r in sim.jobs(0)}
t.check(len(before) == 12 and all(len(r) == 6 for r in before.values()),
        '/jobs: one 6-field TSV line per job')
stats = sim.ctl('/stats?host=0').splitlines()
t.check(len(stats) >= 4 and stats[0].startswith('requests ') and
        int(stats[0].split()[1]) > 5 and stats[1].startswith('connections ') and
        stats[2] == 'handshakes 0' and stats[3] == 'encrypted 0',
        '/stats: requests, connections, and no handshake nor encrypted request without '
        'Negotiate')
time.sleep(0.2)
t.check({r[0]: r for r in sim.jobs(0)} == before, '--speed 0 freezes time')
sim.ctl('/advance?sec=3600')
after = {r[0]: r for r in sim.jobs(0)}
moved = [k for k in before if k in after and after[k][3] != before[k][3]]
t.check(len(moved) > 0, '/advance moves transfers forward (%d jobs moved)' % len(moved))
t.check(all(int(after[k][3]) >= int(before[k][3]) for k in moved), 'bytes only grow')
t.check(any(r[1] == '6' and r[3] == r[4] for r in after.values()),
        'after an hour some jobs are TRANSFERRED with all bytes')
t.check(sim.ctl('/quit') == 'bye\n', '/quit answers bye')
sim.proc.wait(5)
t.check(sim.proc.returncode == 0, 'bitsim exits 0 after /quit')
sim.stop()

# --workers 3: five hosts over three processes behind one control listener.
sim = simlib.Sim('--hosts', '5', '--auth', 'none', '--jobs', '4', '--speed', '0', '--seed', '5',
                 '--workers', '3')
hosts = sim.ctl('/hosts').splitlines()
t.check(len(hosts) == 5 and all(h.split()[0] == 'host' and h.split()[1] == str(i) and
                                h.endswith(' up') for i, h in enumerate(hosts)),
        '--workers: /hosts lists every host once, in order, all up')
ids = []
for i in range(5):
    st, h, b = post(sim.host(i), ENUMERATE)
    ids.append(simlib.job_ids(b))
t.check(all(st == 200 and len(x) == 1 for x in ids) and len({x[0] for x in ids}) == 5,
        '--workers: every host answers, one job first (first-one batching)')
t.check(sim.ctl('/stats?host=3').splitlines()[0] == 'requests 1',
        '--workers: /stats reaches the worker that owns the host')
t.check(len(sim.jobs(4)) == 4, '--workers: /jobs reaches the owner')
sim.ctl('/fault?host=4&kind=503')
st4 = post(sim.host(4), ENUMERATE)[0]
st1 = post(sim.host(1), ENUMERATE)[0]
t.check(st4 == 503 and st1 == 200, '--workers: a fault on host 4 affects only host 4')
sim.ctl('/clear?host=all')
t.check(post(sim.host(4), ENUMERATE)[0] == 200, '--workers: /clear reaches every worker')
workers = [int(p) for p in open('/proc/%d/task/%d/children' % (sim.proc.pid, sim.proc.pid))
           .read().split()]
t.check(len(workers) == 3, '--workers 3: three worker processes')
t.check(sim.ctl('/quit') == 'bye\n', '--workers: /quit answers bye')
sim.proc.wait(10)
t.check(sim.proc.returncode == 0 and not any(os.path.exists('/proc/%d/stat' % w) and
                                             open('/proc/%d/stat' % w).read().split()[2] != 'Z'
                                             for w in workers),
        '--workers: /quit stops the workers and the forwarder exits 0')
sim.stop()
t.done()
