#!/usr/bin/python3
"""python3-winrm (pywinrm) drives bitsim through Protocol.send_message.

Protects: a third-party WS-Man client can enumerate (with Pulls and
Release), Get, Put and Invoke against bitsim with Basic auth; its request
quirks (unqualified mustUnderstand, bogus a:To host) are accepted; faults
reach it as the errors it raises for Windows (401 -> InvalidCredentialsError,
500 -> WinRMError with the WSManFault code)."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.environ.get('top_srcdir', '.'), 'tests', 'fixtures', 'sim'))
import simlib  # noqa: E402
from simlib import ENUM, XFER, URI  # noqa: E402

try:
    from winrm.protocol import Protocol
    from winrm.exceptions import InvalidCredentialsError, WinRMError
except ImportError:
    print('SKIP: python3-winrm is not installed')
    sys.exit(77)

os.environ['NO_PROXY'] = '127.0.0.1'
os.environ.pop('http_proxy', None)
os.environ.pop('HTTP_PROXY', None)

t = simlib.Checker()
sim = simlib.Sim('--hosts', '2', '--user', 'admin', '--jobs', '60', '--speed', '0',
                 '--seed', '7', '--batching', 'first-one', env={'BITSIM_PASSWORD': 'S3cret!'})
endpoint = 'http://%s/wsman' % sim.host(0)
p = Protocol(endpoint, transport='plaintext', username='admin', password='S3cret!')


def env(action, body='', sel=None):
    return simlib.envelope(action, body, sel).replace('http://windows-host:5985/wsman',
                                                      p.transport.endpoint)


# Enumerate with pulls: first response holds one item, Pulls the rest.
r = p.send_message(env(ENUM + 'Enumerate', simlib.enumerate_body()))
ids = simlib.job_ids(r)
t.check(len(ids) == 1, 'first-one: EnumerateResponse holds one item')
ctx = simlib.context_of(r)
pulls = 0
while ctx:
    r = p.send_message(env(ENUM + 'Pull', simlib.pull_body(ctx)))
    pulls += 1
    ids += simlib.job_ids(r)
    new = simlib.context_of(r)
    t.check(new != ctx, 'each PullResponse carries a new context')
    ctx = new
t.check(b'<n:EndOfSequence/>' in r, 'last PullResponse has n:EndOfSequence')
t.check(pulls >= 2, 'about 75 KB per Pull needs at least two Pulls for 60 jobs')
want = [row[0] for row in sim.jobs(0)]
t.check(sorted(ids) == sorted(want), 'enumeration returns every job once')

# Release abandons an enumeration; the context is then invalid.
r = p.send_message(env(ENUM + 'Enumerate', simlib.enumerate_body()))
ctx = simlib.context_of(r)
r = p.send_message(env(ENUM + 'Release',
                       '<n:Release><n:EnumerationContext>%s</n:EnumerationContext></n:Release>'
                       % ctx))
t.check(b'ReleaseResponse' in r, 'Release answers ReleaseResponse')
try:
    p.send_message(env(ENUM + 'Pull', simlib.pull_body(ctx)))
    t.check(False, 'Pull after Release faults')
except WinRMError as e:
    t.check('InvalidEnumerationContext' in str(e), 'Pull after Release: InvalidEnumerationContext')

# Get by JobId.
job = want[0]
r = p.send_message(env(XFER + 'Get', sel={'JobId': job}))
t.check(simlib.job_ids(r) == [job], 'Get returns the job')

# Put changes a writable property.
r = p.send_message(env(XFER + 'Put', '<p:BitsClientJob xmlns:p="%s"><p:DisplayName>Renamed by '
                       'pywinrm</p:DisplayName><p:Priority>0</p:Priority></p:BitsClientJob>'
                       % URI, sel={'JobId': job}))
t.check(b'<p:DisplayName>Renamed by pywinrm</p:DisplayName>' in r, 'PutResponse shows the change')
row = [x for x in sim.jobs(0) if x[0] == job][0]
t.check(row[5] == 'Renamed by pywinrm' and row[2] == '0', 'Put took effect on the simulator')

# Invoke CreateJob then SetJobState resume.
r = p.send_message(env(URI + '/CreateJob',
                       '<p:CreateJob_INPUT xmlns:p="%s"><p:DisplayName>py job</p:DisplayName>'
                       '<p:RemoteUrl>https://s/f?a=1&amp;b=2</p:RemoteUrl><p:LocalFile>C:\\t\\f'
                       '</p:LocalFile><p:Type>0</p:Type></p:CreateJob_INPUT>' % URI))
m = re.search(rb'<p:JobId>([^<]+)</p:JobId>', r)
t.check(m is not None and b'<p:ReturnValue>0</p:ReturnValue>' in r, 'CreateJob returns a JobId')
new = m.group(1).decode() if m else ''
row = [x for x in sim.jobs(0) if x[0] == new]
t.check(len(row) == 1 and row[0][1] == '3', 'created job is SUSPENDED')
r = p.send_message(env(URI + '/SetJobState', '<p:SetJobState_INPUT xmlns:p="%s"><p:JobState>2'
                       '</p:JobState></p:SetJobState_INPUT>' % URI, sel={'JobId': new}))
t.check(b'<p:ReturnValue>0</p:ReturnValue>' in r, 'SetJobState resume returns 0')
row = [x for x in sim.jobs(0) if x[0] == new]
t.check(len(row) == 1 and row[0][1] == '0', 'resumed job is QUEUED')

# Unknown job: DestinationUnreachable as WinRMError with the WSManFault code.
try:
    p.send_message(env(XFER + 'Get', sel={'JobId': '{00000000-0000-0000-0000-000000000000}'}))
    t.check(False, 'Get of an unknown job faults')
except WinRMError as e:
    t.check('2150858752' in str(e), 'unknown job: WSManFault 2150858752')

# Wrong password: 401.
bad = Protocol(endpoint, transport='plaintext', username='admin', password='wrong')
try:
    bad.send_message(env(XFER + 'Get', sel={'JobId': job}))
    t.check(False, 'wrong password is refused')
except InvalidCredentialsError:
    t.check(True, 'wrong password: InvalidCredentialsError (401)')

sim.stop()
t.done()
