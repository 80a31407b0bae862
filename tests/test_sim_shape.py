#!/usr/bin/python3
"""bitsim's envelopes have the structure of real Windows responses.

Protects: for Get, Enumerate (more to come / complete / empty), Pull (middle
/ last), Invoke output and the faults bitsim sends, the element tree
(namespaces, element names, header order, body layout), the namespace
declarations on the envelope and on instance/output elements, one-line
output, and case-insensitive alphabetical property order match the real
captures in tests/fixtures/real/. Class-specific names (Win32_Service vs
BitsClientJob, property names) are abstracted away; everything else must be
identical."""

import os
import re
import sys
import xml.etree.ElementTree as ET

TOP = os.environ.get('top_srcdir', '.')
sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(TOP, 'tests', 'fixtures', 'sim'))
import simlib  # noqa: E402
from simlib import ENUM, XFER, URI, envelope, post  # noqa: E402

REAL = os.path.join(TOP, 'tests', 'fixtures', 'real')
ALIASES = {
    'http://www.w3.org/2003/05/soap-envelope': 's',
    'http://schemas.xmlsoap.org/ws/2004/08/addressing': 'a',
    'http://schemas.xmlsoap.org/ws/2004/09/transfer': 'x',
    'http://schemas.xmlsoap.org/ws/2004/08/eventing': 'e',
    'http://schemas.xmlsoap.org/ws/2004/09/enumeration': 'n',
    'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd': 'w',
    'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd': 'p',
    'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault': 'f',
    'http://www.w3.org/2001/XMLSchema-instance': 'xsi',
    'http://schemas.dmtf.org/wbem/wscim/1/common': 'cim',
}


def split(tag):
    uri, local = tag[1:].split('}', 1) if tag.startswith('{') else ('', tag)
    if uri.startswith('http://schemas.microsoft.com/wbem/wsman/1/wmi/') or \
            '/cim-schema/2/' in uri:
        return 'CLASS', local
    return ALIASES.get(uri, uri), local


def shape(el, parent_is_class=False):
    """A nested tuple describing el's structure with class details abstracted."""
    ns, local = split(el.tag)
    if ns == 'CLASS':
        if parent_is_class:
            local = 'PROP'
        elif local.endswith('_OUTPUT'):
            local = 'OUTPUT'
        else:
            local = 'INSTANCE'
    if ns == 'CLASS' and local == 'INSTANCE':
        # properties are class-specific; they must all be in the class namespace
        return (ns, local, all(split(c.tag)[0] == 'CLASS' for c in el))
    kids = []
    for c in el:
        if split(c.tag) == ('p', 'ActivityId'):
            continue  # optional header (Windows 7 / 2008 R2 and later)
        s = shape(c, ns == 'CLASS')
        if not kids or kids[-1] != s:  # repeated siblings collapse
            kids.append(s)
    has_text = el.text is not None and el.text.strip() != '' and len(el) == 0
    if ns == 'CLASS' and parent_is_class:
        # a property holds text, nil or an embedded instance: only the last counts
        return (ns, local, tuple(kids)) if kids else (ns, local)
    return (ns, local, has_text, tuple(kids))


def decls(raw, tag):
    """Namespace declarations (prefix order) and attributes on the first tag named tag."""
    m = re.search(rb'<' + tag + rb'(\s[^>]*)?>', raw)
    if not m:
        return None
    attrs = re.findall(rb'([\w:]+)="', m.group(1) or b'')
    return [a.decode() for a in attrs]


def real(name):
    return open(os.path.join(REAL, name), 'rb').read()


t = simlib.Checker()


def compare(what, ours, fixture, env_decls=True, inst=None):
    theirs = real(fixture)
    a, b = shape(ET.fromstring(ours)), shape(ET.fromstring(theirs))
    t.check(a == b, '%s: same structure as %s' % (what, fixture))
    if a != b:
        print('# ours:   %s\n# theirs: %s' % (a, b))
    t.check(b'\n' not in ours and not ours.startswith(b'<?xml'), '%s: one line, no declaration'
            % what)
    if env_decls:
        d_ours, d_real = decls(ours, b's:Envelope'), decls(theirs, b's:Envelope')
        if b'<p:ActivityId>' in theirs and b'xmlns:x=' not in theirs:
            d_real.remove('xmlns:p')  # declared only for the ActivityId header
        t.check(d_ours == d_real, '%s: envelope declares %s' % (what, d_real))
    if inst:
        o = decls(ours, inst[0])
        r = decls(theirs, inst[1])
        t.check(o == r, '%s: %s declares %s' % (what, inst[0].decode(), r))


def sorted_ci(raw, cls):
    m = re.search(rb'<p:' + cls + rb' [^>]*>(.*?)</p:' + cls + rb'>', raw)
    names = [n.decode() for n in re.findall(rb'<p:(\w+)[ >/]', m.group(1))]
    names = [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]
    return names == sorted(names, key=str.lower) and len(names) > 5


sim = simlib.Sim('--hosts', '2', '--auth', 'none', '--jobs', '120', '--speed', '0', '--seed', '3',
                 '--batching', 'first-one', '--max-enum', '2')
H = sim.host(0)
job = sim.jobs(0)[0][0]

st, h, b = post(H, envelope(XFER + 'Get', sel={'JobId': job}))
compare('Get', b, 'get-win32_logicaldisk-activityid.xml',
        inst=(b'p:BitsClientJob', b'p:Win32_LogicalDisk'))
t.check(sorted_ci(real('get-win32_logicaldisk-activityid.xml'), b'Win32_LogicalDisk'),
        'the real Get lists properties case-insensitively sorted (comparer sanity)')
t.check(sorted_ci(b, b'BitsClientJob'), 'Get: properties case-insensitively sorted')
t.check(re.search(rb'<p:\w+ xsi:nil="true"/>', b) is not None, 'Get: NULL as xsi:nil="true"/>')
files = re.findall(rb'<p:Files [^>]*>.*?</p:Files>', b)
t.check(files and all(re.fullmatch(
    rb'<p:Files xmlns:q1="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/'
    rb'BitsClientFile" xsi:type="q1:BitsClientFile_Type"><q1:BytesTotal>\d+</q1:BytesTotal>'
    rb'<q1:BytesTransferred>\d+</q1:BytesTransferred><q1:Completed>(true|false)</q1:Completed>'
    rb'<q1:LocalFile>[^<]*</q1:LocalFile><q1:RemoteUrl>[^<]*</q1:RemoteUrl></p:Files>', f)
    for f in files), 'Get: Files are embedded BitsClientFile instances, properties sorted')

st, h, b = post(H, envelope(ENUM + 'Enumerate', simlib.enumerate_body()))
compare('Enumerate (more to come)', b, 'enumerate-optimized-win32_service-2012.xml',
        inst=(b'p:BitsClientJob', b'p:Win32_Service'))
ctx = simlib.context_of(b)
st, h, b = post(H, envelope(ENUM + 'Pull', simlib.pull_body(ctx)))
compare('Pull (middle)', b, 'pull-win32_service-2012-1.xml')
ctx = simlib.context_of(b)
while True:
    st, h, b = post(H, envelope(ENUM + 'Pull', simlib.pull_body(ctx)))
    ctx = simlib.context_of(b)
    if not ctx:
        break
compare('Pull (last)', b, 'pull-win32_service-2012-final.xml')

st, h, b = post(H, envelope(ENUM + 'Enumerate', simlib.enumerate_body(
    filt="SELECT * FROM BitsClientJob WHERE JobId = '%s'" % job)))
compare('Enumerate (complete)', b, 'enumerate-optimized-complete-win32_operatingsystem-2012.xml')
st, h, b = post(H, envelope(ENUM + 'Enumerate', simlib.enumerate_body(
    filt="SELECT * FROM BitsClientJob WHERE State = 42")))
compare('Enumerate (empty)', b, 'enumerate-optimized-empty-result.xml')

st, h, b = post(H, envelope(URI + '/SetJobState', '<p:SetJobState_INPUT xmlns:p="%s"><p:JobState>'
                            '3</p:JobState></p:SetJobState_INPUT>' % URI, sel={'JobId': job}))
compare('Invoke output', b, 'invoke-cim_datafile-delete-output-2008r2.xml', env_decls=False,
        inst=(b'p:SetJobState_OUTPUT', b'p:Delete_OUTPUT'))
t.check(decls(b, b's:Envelope') == decls(real('get-win32_logicaldisk-activityid.xml'),
                                         b's:Envelope'),
        'Invoke output: envelope declares s a x w p like a Get')

# faults
st, h, b = post(H, envelope(XFER + 'Get', sel={'JobId': '{00000000-0000-0000-0000-000000000000}'}))
compare('fault DestinationUnreachable', b, 'fault-destination-unreachable-wmi-not-found-2012r2.xml')
st, h, b = post(H, envelope(XFER + 'Get', sel={'Name': 'x'}))
compare('fault InvalidSelectors', b, 'fault-invalid-selectors-providerfault-nested.xml')
st, h, b = post(H, envelope(XFER + 'Get', sel={'JobId': job}, timeout='PT-1S'))
compare('fault InvalidMessageInformationHeader', b, 'fault-invalid-message-information-header.xml')
st, h, b = post(H, envelope(XFER + 'Get', sel={'JobId': job}, extra='<w:ResourceUri '
                            's:mustUnderstand="true">x</w:ResourceUri>'))
compare('fault MustUnderstand', b, 'fault-mustunderstand-notunderstood-header-2016.xml',
        env_decls=False)
st, h, b = post(H, envelope(ENUM + 'Enumerate', simlib.enumerate_body(
    filt='Select * from Win32_Processa'), uri=URI.rsplit('/', 1)[0] + '/*'))
compare('fault CannotProcessFilter', b, 'fault-cannot-process-filter-wmi-extendedstatus-2008r2.xml',
        env_decls=False)
for _ in range(2):
    post(H, envelope(ENUM + 'Enumerate', simlib.enumerate_body()))
st, h, b = post(H, envelope(ENUM + 'Enumerate', simlib.enumerate_body()))
compare('fault max concurrent operations', b, 'fault-quota-max-concurrent-operations-pretty.xml',
        env_decls=False)
sim.ctl('/fault?host=1&kind=timeout&ms=10')
st, h, b = post(sim.host(1), envelope(XFER + 'Get', sel={'JobId': job}))
compare('fault TimedOut', b, 'fault-timedout.xml')
t.check(b.count(b'  </s:Text>') == 1, 'TimedOut reason ends with two spaces like Windows')
sim.stop()
t.done()
