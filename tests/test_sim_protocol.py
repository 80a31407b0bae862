#!/usr/bin/python3
"""bitsim checks requests and answers the way Windows WinRM does.

Protects: HTTP-level answers (401 with WinRM's WWW-Authenticate headers and
an empty body, 405, 413, 415, keep-alive), header checks and their faults
(bad OperationTimeout, missing headers, non-anonymous ReplyTo,
mustUnderstand), MessageID echoed verbatim, selector and method faults,
unknown jobs, enumeration batching in both --batching modes, MaxElements and
MaxEnvelopeSize caps, WQL, context expiry, the open-enumeration limit, and
the BITS methods over the wire in both --method-errors modes."""

import http.client
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.environ.get('top_srcdir', '.'), 'tests', 'fixtures', 'sim'))
import simlib  # noqa: E402
from simlib import ENUM, XFER, URI, envelope, post  # noqa: E402

t = simlib.Checker()
PW = 'pr0t0col'
sim = simlib.Sim('--hosts', '3', '--user', 'Administrator', '--jobs', '20', '--speed', '0',
                 '--seed', '21', '--max-enum', '3', '--batching', 'all',
                 '--max-envelope-kb', '64', env={'BITSIM_PASSWORD': PW})
H0, H1, H2 = sim.host(0), sim.host(1), sim.host(2)


def call(addr, data, **kw):
    kw.setdefault('user', 'Administrator')
    kw.setdefault('password', PW)
    return post(addr, data, **kw)


def hdr(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


def invoke(addr, method, params, sel=None):
    body = '<p:%s_INPUT xmlns:p="%s">%s</p:%s_INPUT>' % (method, URI, params, method)
    return call(addr, envelope(URI + '/' + method, body, sel=sel))


def rv(body):
    m = re.search(rb'<p:ReturnValue>(\d+)</p:ReturnValue>', body)
    return int(m.group(1)) if m else None


get = envelope(XFER + 'Get', sel={'JobId': sim.jobs(0)[0][0]})

# --- HTTP level
st, h, b = post(H0, get)
t.check(st == 401 and b == b'', 'no credentials: 401 with an empty body')
t.check(hdr(h, 'WWW-Authenticate') == ['Negotiate', 'Basic realm="WSMAN"'],
        'no credentials: WWW-Authenticate Negotiate and Basic realm="WSMAN"')
st, h, b = post(H0, get, user='Administrator', password='nope')
t.check(st == 401 and b == b'', 'wrong password: 401')
st, h, b = call(H0, get)
t.check(st == 200, 'right credentials: 200')
t.check(hdr(h, 'Server') == ['Microsoft-HTTPAPI/2.0'], 'Server: Microsoft-HTTPAPI/2.0')
t.check(hdr(h, 'Content-Type') == ['application/soap+xml;charset=UTF-8'],
        'Content-Type: application/soap+xml;charset=UTF-8')
t.check(b.count(b'\n') == 0 and b.startswith(b'<s:Envelope xml:lang="en-US"'),
        'response is one line starting with the envelope')
st, h, b = call(H0, '', method='GET')
t.check(st == 405 and hdr(h, 'Allow') == ['POST'], 'GET: 405 with Allow: POST')
st, h, b = call(H0, get, ctype='text/xml; charset=utf-8')
t.check(st == 415, 'wrong content type: 415')
st, h, b = call(H0, get.replace('</s:Body>', '<!--%s--></s:Body>' % ('x' * 70000)))
t.check(st == 413, 'request over MaxEnvelopeSizekb: 413')
st, h, b = call(H0, envelope(XFER + 'Get', sel={'JobId': 'x' * 9000}, maxenv='8192'))
t.check(st == 413, 'request over its own MaxEnvelopeSize: 413')

# keep-alive: two requests, one connection
before = sim.ctl('/stats?host=2')
c = http.client.HTTPConnection(*H2.split(':'))
import base64  # noqa: E402
auth = {'Content-Type': 'application/soap+xml;charset=UTF-8',
        'Authorization': 'Basic ' + base64.b64encode(b'Administrator:' + PW.encode()).decode()}
for _ in range(2):
    c.request('POST', '/wsman', body=get.encode(), headers=auth)
    c.getresponse().read()
c.close()
t.check(before.startswith('requests 0\nconnections 0\nhandshakes 0\nencrypted 0\n') and
        sim.ctl('/stats?host=2').startswith('requests 2\nconnections 1\nhandshakes 0\n'
                                            'encrypted 0\n'),
        'keep-alive: 2 requests over 1 connection counted by /stats')

# --- headers
st, h, b = call(H0, envelope(XFER + 'Get', sel={'JobId': '{x}'}, timeout='PT-1S',
                             msgid='uuid:6292d774-84d1-4421-8a5e-0ee2ea3831da'))
t.check(st == 500 and simlib.subcode(b) == 'a:InvalidMessageInformationHeader' and
        simlib.wsman_code(b) == 2150858767, 'bad OperationTimeout: InvalidMessageInformationHeader')
t.check(b'<a:RelatesTo>uuid:6292d774-84d1-4421-8a5e-0ee2ea3831da</a:RelatesTo>' in b,
        'RelatesTo echoes the MessageID verbatim (case kept)')
t.check(b'invalid timeout field in the SOAP header: PT-1S. ' in b, 'fault names the bad timeout')
for good in ('PT60.000S', 'PT20S', 'P1DT2H', 'PT1M30.5S'):
    st, h, b = call(H0, envelope(XFER + 'Get', sel={'JobId': sim.jobs(0)[0][0]}, timeout=good))
    t.check(st == 200, 'OperationTimeout %s accepted' % good)
st, h, b = call(H0, envelope(XFER + 'Get', sel={'JobId': sim.jobs(0)[0][0]},
                             msgid='3cd05ab1-fd05-48dd-a4b2-f7dff8021450'))
t.check(st == 200 and b'<a:RelatesTo>3cd05ab1-fd05-48dd-a4b2-f7dff8021450</a:RelatesTo>' in b,
        'MessageID without uuid: accepted and echoed')
st, h, b = call(H0, re.sub('<a:MessageID>[^<]*</a:MessageID>', '', get))
t.check(st == 500 and simlib.subcode(b) == 'a:MessageInformationHeaderRequired' and
        simlib.wsman_code(b) == 2150858769, 'missing MessageID: MessageInformationHeaderRequired')
st, h, b = call(H0, get.replace(simlib.ANON, 'http://evil.example/reply'))
t.check(st == 500 and simlib.subcode(b) == 'w:UnsupportedFeature', 'non-anonymous ReplyTo: '
        'UnsupportedFeature')
st, h, b = call(H0, get.replace('<a:To>', '<x:Frob xmlns:x="urn:frob" s:mustUnderstand="true"/>'
                                '<a:To>'))
t.check(st == 500 and b'<s:Value>s:MustUnderstand</s:Value>' in b and
        b'<s:NotUnderstood qname="x:Frob" xmlns:x="urn:frob" />' in b,
        'unknown mustUnderstand header: s:MustUnderstand with NotUnderstood')
st, h, b = call(H0, get.replace('s:mustUnderstand', 'mustUnderstand'))
t.check(st == 200, 'unqualified mustUnderstand attributes accepted')
st, h, b = call(H0, get.replace('http://windows-host:5985/wsman', 'http://103040106:5985/wsman'))
t.check(st == 200, 'a:To host not validated')
st, h, b = call(H0, '<s:Envelope')
t.check(st == 500 and simlib.subcode(b) == 'w:SchemaValidationError', 'malformed XML: '
        'SchemaValidationError')

# --- selectors, jobs, methods
st, h, b = call(H0, envelope(XFER + 'Get', sel={'JobId': '{00000000-0000-0000-0000-000000000000}'}))
t.check(st == 500 and simlib.subcode(b) == 'a:DestinationUnreachable' and
        simlib.wsman_code(b) == 2150858752 and b'provider="WMI Provider"' in b and
        b'Machine="SIM-0"' in b, 'unknown job: DestinationUnreachable with the WMI provider fault')
st, h, b = call(H0, envelope(XFER + 'Get', sel={'Id': '{x}'}))
t.check(st == 500 and simlib.subcode(b) == 'w:InvalidSelectors' and
        simlib.wsman_code(b) == 2150858843 and b'faultDetail/UnexpectedSelectors' in b,
        'wrong selector name: InvalidSelectors/UnexpectedSelectors')
st, h, b = call(H0, envelope(XFER + 'Get'))
t.check(st == 500 and simlib.subcode(b) == 'w:InvalidSelectors' and
        b'faultDetail/InsufficientSelectors' in b, 'no selector: InsufficientSelectors')
job0 = sim.jobs(0)[0][0]
st, h, b = call(H0, envelope(XFER + 'Get', sel={'jobid': job0.lower()}))
t.check(st == 200 and job0.encode() in b, 'selector name and GUID matched case-insensitively')
st, h, b = invoke(H0, 'Frobnicate', '', sel={'JobId': job0})
t.check(st == 500 and simlib.subcode(b) == 'a:ActionNotSupported', 'unknown method: '
        'ActionNotSupported')
st, h, b = call(H0, envelope('http://example.com/Nope', sel={'JobId': job0}))
t.check(st == 500 and simlib.subcode(b) == 'a:ActionNotSupported', 'unknown action: '
        'ActionNotSupported')

# --- Enumerate batching (--batching all, Server 2003's)
E = envelope(ENUM + 'Enumerate', simlib.enumerate_body())
st, h, b = call(H0, E)
t.check(len(simlib.job_ids(b)) == 20 and simlib.context_of(b) == '' and
        b'</w:Items><w:EndOfSequence/></n:EnumerateResponse>' in b,
        'all: 20 jobs in the EnumerateResponse, empty context, w:EndOfSequence')
st, h, b = call(H0, envelope(ENUM + 'Enumerate', simlib.enumerate_body(max_elements=5)))
ids = simlib.job_ids(b)
ctx = simlib.context_of(b)
t.check(len(ids) == 5 and ctx.startswith('uuid:'), 'MaxElements 5 caps the first batch')
while ctx:
    st, h, b = call(H0, envelope(ENUM + 'Pull', simlib.pull_body(ctx, 5)))
    ids += simlib.job_ids(b)
    ctx = simlib.context_of(b)
t.check(len(ids) == 20 and len(set(ids)) == 20, 'Pulls with MaxElements 5 bring the rest')
t.check(b'</n:Items><n:EndOfSequence/></n:PullResponse>' in b and
        simlib.context_of(b) is None, 'last Pull: no context, n:EndOfSequence')
st, h, b = call(H0, envelope(ENUM + 'Enumerate', simlib.enumerate_body(), maxenv='8192'))
n1 = len(simlib.job_ids(b))
t.check(0 < n1 < 20 and len(b) <= 8192 and simlib.context_of(b),
        'MaxEnvelopeSize 8192 caps the batch (%d items, %d bytes)' % (n1, len(b)))
call(H0, envelope(ENUM + 'Release', '<n:Release><n:EnumerationContext>%s'
                  '</n:EnumerationContext></n:Release>' % simlib.context_of(b)))
st, h, b = call(H0, envelope(ENUM + 'Enumerate', simlib.enumerate_body(optimize=False)))
t.check(simlib.job_ids(b) == [] and simlib.context_of(b).startswith('uuid:') and
        b'Items' not in b, 'no OptimizeEnumeration: context only')
st, h, b = call(H0, envelope(ENUM + 'Pull', simlib.pull_body(simlib.context_of(b), 100)))
t.check(len(simlib.job_ids(b)) == 20, 'then one Pull brings everything')

# WQL
st, h, b = call(H0, envelope(ENUM + 'Enumerate', simlib.enumerate_body(
    filt='SELECT * FROM BitsClientJob'), uri=URI.rsplit('/', 1)[0] + '/*'))
t.check(len(simlib.job_ids(b)) == 20, 'WQL SELECT * FROM BitsClientJob on bits/*')
st, h, b = call(H0, envelope(ENUM + 'Enumerate', simlib.enumerate_body(
    filt='select * from BitsClientJob where State = 3')))
states = re.findall(rb'<p:State>(\d)</p:State>', b)
t.check(states and set(states) == {b'3'}, 'WQL WHERE State = 3 filters')
st, h, b = call(H0, envelope(ENUM + 'Enumerate', simlib.enumerate_body(
    filt='SELECT * FROM Win32_Nope'), uri=URI.rsplit('/', 1)[0] + '/*'))
t.check(st == 500 and simlib.subcode(b) == 'n:CannotProcessFilter' and
        simlib.wsman_code(b) == 2150858778, 'WQL on an unknown class: CannotProcessFilter')

# open-enumeration limit (--max-enum 3)
ctxs = []
for i in range(3):
    st, h, b = call(H1, envelope(ENUM + 'Enumerate', simlib.enumerate_body(max_elements=1)))
    ctxs.append(simlib.context_of(b))
st, h, b = call(H1, envelope(ENUM + 'Enumerate', simlib.enumerate_body(max_elements=1)))
t.check(st == 500 and simlib.subcode(b) == 'w:InternalError' and
        simlib.wsman_code(b) == 2150859174, 'fourth open enumeration: InternalError 2150859174')
st, h, b = call(H1, E)
t.check(st == 200, 'an enumeration that completes at once needs no slot')
call(H1, envelope(ENUM + 'Release', '<n:Release><n:EnumerationContext>%s'
                  '</n:EnumerationContext></n:Release>' % ctxs[0]))
st, h, b = call(H1, envelope(ENUM + 'Enumerate', simlib.enumerate_body(max_elements=1)))
t.check(st == 200, 'Release frees a slot')

# --- methods over the wire
st, h, b = invoke(H2, 'CreateJob', '<p:DisplayName>up</p:DisplayName><p:RemoteUrl>https://s/u'
                  '</p:RemoteUrl><p:LocalFile>C:\\u</p:LocalFile><p:Type>1</p:Type>')
up = re.search(rb'<p:JobId>([^<]+)</p:JobId>', b).group(1).decode()
st, h, b = invoke(H2, 'SetJobState', '<p:JobState>1</p:JobState>', sel={'JobId': up})
t.check(st == 200 and rv(b) == 2149580802,
        'complete an unfinished upload: HTTP 200, ReturnValue 2149580802 (BG_E_INVALID_STATE)')
st, h, b = invoke(H2, 'AddFile', '<p:remoteUrl>https://s/2</p:remoteUrl><p:localFile>C:\\2'
                  '</p:localFile>', sel={'JobId': up})
t.check(rv(b) == 0x8020001C, 'AddFile to an upload job: BG_E_TOO_MANY_FILES')
st, h, b = invoke(H2, 'CreateJob', '<p:DisplayName>empty</p:DisplayName>'
                  '<p:ServiceAccount>0</p:ServiceAccount>')
empty = re.search(rb'<p:JobId>([^<]+)</p:JobId>', b).group(1).decode()
st, h, b = call(H2, envelope(XFER + 'Get', sel={'JobId': empty}))
t.check(b'<p:Files ' not in b and b'<p:FilesTotal>0</p:FilesTotal>' in b and
        b'<p:Owner>NT AUTHORITY\\SYSTEM</p:Owner>' in b and b'<p:Description xsi:nil="true"/>' in b,
        'job without files: Files omitted, Owner from ServiceAccount, nil Description')
st, h, b = invoke(H2, 'SetJobState', '<p:JobState>2</p:JobState>', sel={'JobId': empty})
t.check(rv(b) == 2149580803, 'resume a job with no files: BG_E_EMPTY')
st, h, b = invoke(H2, 'AddFile', '<p:RemoteUrl>https://s/3</p:RemoteUrl><p:LocalFile>C:\\3'
                  '</p:LocalFile>', sel={'JobId': empty})
t.check(rv(b) == 0, 'AddFile accepts RemoteUrl/LocalFile spelling too')
st, h, b = invoke(H2, 'SetJobState', '<p:JobState>2</p:JobState>', sel={'JobId': empty})
t.check(rv(b) == 0 and [r for r in sim.jobs(2) if r[0] == empty][0][1] == '0',
        'resume after AddFile: QUEUED')
st, h, b = invoke(H2, 'GetError', '<p:LanguageId>1033</p:LanguageId>', sel={'JobId': empty})
t.check(rv(b) == 2149580815, 'GetError without an error: BG_E_ERROR_INFORMATION_UNAVAILABLE')
err = [r for r in sim.jobs(2) if r[1] == '4']
if err:
    st, h, b = invoke(H2, 'GetError', '<p:LanguageId>1033</p:LanguageId>',
                      sel={'JobId': err[0][0]})
    t.check(rv(b) == 0 and re.search(rb'<p:ContextDescription>.+</p:ContextDescription>'
                                     rb'<p:ErrorCode>2\d{9}</p:ErrorCode><p:ErrorContext>\d'
                                     rb'</p:ErrorContext><p:ErrorDescription>.+'
                                     rb'</p:ErrorDescription><p:ReturnValue>0', b),
            'GetError on an ERROR job: out parameters then ReturnValue')
else:
    t.check(False, 'host 2 has an ERROR job')
t.check('get_errors 2' in sim.ctl('/stats?host=2').splitlines(),
        '/stats counts the GetError invocations (the benchmark reads them apart from polls)')
st, h, b = invoke(H2, 'SetJobState', '<p:JobState>9</p:JobState>', sel={'JobId': empty})
t.check(st == 500 and simlib.subcode(b) == 'w:InvalidParameter', 'JobState 9: InvalidParameter')
# Put: writable properties only
st, h, b = call(H2, envelope(XFER + 'Put', '<p:BitsClientJob xmlns:p="%s"><p:Priority>3'
                             '</p:Priority><p:State>6</p:State><p:Description>d &amp; e'
                             '</p:Description></p:BitsClientJob>' % URI, sel={'JobId': empty}))
row = [r for r in sim.jobs(2) if r[0] == empty][0]
t.check(st == 200 and row[2] == '3' and row[1] == '0' and
        b'<p:Description>d &amp; e</p:Description>' in b,
        'Put changes Priority and Description, ignores State')
st, h, b = call(H2, envelope(XFER + 'Put', '<p:BitsClientJob xmlns:p="%s"><p:Priority>7'
                             '</p:Priority></p:BitsClientJob>' % URI, sel={'JobId': empty}))
t.check(st == 500 and simlib.subcode(b) == 'w:InvalidParameter', 'Put Priority 7: fault')
# cancel: the job leaves the queue, a Get then faults
st, h, b = invoke(H2, 'SetJobState', '<p:JobState>0</p:JobState>', sel={'JobId': empty})
st2, h, b2 = call(H2, envelope(XFER + 'Get', sel={'JobId': empty}))
t.check(rv(b) == 0 and st2 == 500 and simlib.subcode(b2) == 'a:DestinationUnreachable',
        'cancelled job is gone: Get gives DestinationUnreachable')
st, h, b = invoke(H2, 'SetJobState', '<p:JobState>0</p:JobState>', sel={'JobId': empty})
t.check(st == 500 and simlib.subcode(b) == 'a:DestinationUnreachable',
        'SetJobState on a removed job: DestinationUnreachable')
sim.stop()

# --method-errors fault, and the default batching: first-one (2008 R2 and later)
sim = simlib.Sim('--hosts', '1', '--auth', 'none', '--jobs', '3', '--speed', '0',
                 '--method-errors', 'fault')
H = sim.host(0)
st, h, b = post(H, envelope(ENUM + 'Enumerate', simlib.enumerate_body()))
t.check(len(simlib.job_ids(b)) == 1 and simlib.context_of(b).startswith('uuid:'),
        'default batching is first-one: one item first when more remain')
st, h, b = invoke(H, 'CreateJob', '<p:DisplayName>e</p:DisplayName>')
empty = re.search(rb'<p:JobId>([^<]+)</p:JobId>', b).group(1).decode()
st, h, b = post(H, envelope(URI + '/SetJobState', '<p:SetJobState_INPUT xmlns:p="%s"><p:JobState>2'
                            '</p:JobState></p:SetJobState_INPUT>' % URI, sel={'JobId': empty}))
t.check(st == 500 and simlib.subcode(b) == 'w:InternalError' and
        simlib.wsman_code(b) == 2149580803, '--method-errors fault: BG_E_EMPTY as a SOAP fault')
sim.stop()
# context expiry
sim = simlib.Sim('--hosts', '1', '--auth', 'none', '--jobs', '5', '--speed', '0',
                 '--enum-timeout-ms', '300')
st, h, b = post(sim.host(0), envelope(ENUM + 'Enumerate', simlib.enumerate_body(max_elements=1)))
ctx = simlib.context_of(b)
st, h, b = post(sim.host(0), envelope(ENUM + 'Pull', simlib.pull_body(ctx, 1)))
ctx = simlib.context_of(b)
t.check(st == 200 and ctx, 'a Pull in time works and renews the context')
time.sleep(0.7)
st, h, b = post(sim.host(0), envelope(ENUM + 'Pull', simlib.pull_body(ctx)))
t.check(st == 500 and simlib.subcode(b) == 'n:InvalidEnumerationContext' and
        simlib.wsman_code(b) == 2150858779, 'expired context: InvalidEnumerationContext')
sim.stop()
sim = simlib.Sim('--hosts', '1', '--auth', 'none', '--jobs', '0', '--speed', '0')
st, h, b = post(sim.host(0), envelope(ENUM + 'Enumerate', simlib.enumerate_body()))
t.check(b'<n:EnumerateResponse><n:EnumerationContext></n:EnumerationContext><w:EndOfSequence/>'
        b'</n:EnumerateResponse>' in b, 'no jobs: empty context and w:EndOfSequence, no Items')
sim.stop()
t.done()
