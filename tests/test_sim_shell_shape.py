#!/usr/bin/python3
"""bitsim's WinRS envelopes have the structure of real Windows responses.

Protects: for Create, Command, Send, Receive (running and done), the
w:TimedOut fault of a Receive with no output, Signal, Delete and the
InvalidSelectors fault for a shell that is gone, the element tree
(namespaces, element names, header order, body layout), the namespace
declarations on the envelope and one-line output match the real captures in
tests/fixtures/real/winrs/ (compared as tests/test_sim_shape.py compares the
WMI responses)."""

import base64
import os
import re
import sys

TOP = os.environ.get('top_srcdir', '.')
sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(TOP, 'tests', 'fixtures', 'sim'))
import simlib  # noqa: E402
from simlib import envelope, post  # noqa: E402

SHELL = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell'
CMD = SHELL + '/cmd'
XFER = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/'
REAL = os.path.join(TOP, 'tests', 'fixtures', 'real', 'winrs')
ALIASES = {
    'http://www.w3.org/2003/05/soap-envelope': 's',
    'http://schemas.xmlsoap.org/ws/2004/08/addressing': 'a',
    'http://schemas.xmlsoap.org/ws/2004/09/transfer': 'x',
    'http://schemas.xmlsoap.org/ws/2004/08/eventing': 'e',
    'http://schemas.xmlsoap.org/ws/2004/09/enumeration': 'n',
    'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd': 'w',
    'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd': 'p',
    'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault': 'f',
    'http://schemas.microsoft.com/wbem/wsman/1/windows/shell': 'rsp',
}


class shp:
    """The structure of an envelope, as tests/test_sim_shape.py compares it."""

    @staticmethod
    def node(el):
        tag = el.tag
        uri, local = tag[1:].split('}', 1) if tag.startswith('{') else ('', tag)
        kids = []
        for c in el:
            k = shp.node(c)
            if not kids or kids[-1] != k:  # repeated siblings (Stream chunks) collapse
                kids.append(k)
        has_text = el.text is not None and el.text.strip() != '' and len(el) == 0
        return (ALIASES.get(uri, uri), local, has_text, tuple(kids))

    @staticmethod
    def shape(raw):
        import xml.etree.ElementTree as ET
        return shp.node(ET.fromstring(raw))

    @staticmethod
    def decls(raw, tag):
        m = re.search(rb'<' + tag + rb'(\s[^>]*)?>', raw)
        return [a.decode() for a in re.findall(rb'([\w:]+)="', m.group(1) or b'')] if m else None


t = simlib.Checker()


def real(name):
    return open(os.path.join(REAL, name), 'rb').read()


def compare(what, ours, fixture, env_decls=True):
    theirs = real(fixture)
    a, b = shp.shape(ours), shp.shape(theirs)
    t.check(a == b, '%s: same structure as %s' % (what, fixture))
    if a != b:
        print('# ours:   %s\n# theirs: %s' % (a, b))
    t.check(b'\n' not in ours and not ours.startswith(b'<?xml'), '%s: one line' % what)
    if env_decls:
        d_ours, d_real = shp.decls(ours, b's:Envelope'), shp.decls(theirs, b's:Envelope')
        t.check(d_ours == d_real, '%s: envelope declares %s (ours %s)' % (what, d_real, d_ours))


def shell_env(action, body='', shell=None, timeout='PT60S', options=''):
    sel = {'ShellId': shell} if shell else None
    return envelope(action, body, sel, uri=CMD, timeout=timeout, extra=options)


sim = simlib.Sim('--hosts', '1', '--client-hosts', '1', '--auth', 'none', '--jobs', '3',
                 '--speed', '0', '--seed', '5')
H = sim.host(0)
st, h, b = post(H, shell_env(XFER + 'Create', '<rsp:Shell xmlns:rsp="%s"><rsp:InputStreams>stdin'
                             '</rsp:InputStreams><rsp:OutputStreams>stdout stderr'
                             '</rsp:OutputStreams></rsp:Shell>' % SHELL,
                             options='<w:OptionSet s:mustUnderstand="true"><w:Option '
                             'Name="WINRS_CODEPAGE">65001</w:Option></w:OptionSet>'))
t.check(st == 200, 'Create answers 200')
compare('CreateResponse', b, 'winrs-create-response-2019.xml')
shell = re.search(rb'<rsp:ShellId>([^<]+)</rsp:ShellId>', b).group(1).decode()
t.check(b'<rsp:IdleTimeOut>PT7200.000S</rsp:IdleTimeOut>' in b,
        'Create without IdleTimeOut gets the server default of 7200 s')

st, h, b = post(H, shell_env(SHELL + '/Command', '<rsp:CommandLine xmlns:rsp="%s"><rsp:Command>'
                             'echo</rsp:Command><rsp:Arguments>hello</rsp:Arguments>'
                             '</rsp:CommandLine>' % SHELL, shell))
compare('CommandResponse', b, 'winrs-command-response-pypsrp.xml')
cmd = re.search(rb'<rsp:CommandId>([^<]+)</rsp:CommandId>', b).group(1).decode()

recv = '<rsp:Receive xmlns:rsp="%s"><rsp:DesiredStream CommandId="%s">stdout stderr' \
       '</rsp:DesiredStream></rsp:Receive>' % (SHELL, cmd)
st, h, b = post(H, shell_env(SHELL + '/Receive', recv, shell))
compare('ReceiveResponse (done)', b, 'winrs-receive-stdout-chunks-after-send-pypsrp.xml')
out = b''.join(base64.b64decode(x) for x in re.findall(rb'Name="stdout"[^>]*>([^<]+)<', b))
t.check(out == b'hello\r\n', 'echo hello prints hello')

# a powershell that waits for stdin: Running, then TimedOut when nothing comes
ps = base64.b64encode("$Agent='bitstop-agent/1'".encode('utf-16-le')).decode()
st, h, b = post(H, shell_env(SHELL + '/Command', '<rsp:CommandLine xmlns:rsp="%s"><rsp:Command>'
                             'powershell.exe</rsp:Command><rsp:Arguments>-EncodedCommand %s'
                             '</rsp:Arguments></rsp:CommandLine>' % (SHELL, ps), shell))
cmd2 = re.search(rb'<rsp:CommandId>([^<]+)</rsp:CommandId>', b).group(1).decode()
recv2 = recv.replace(cmd, cmd2)
st, h, b = post(H, shell_env(SHELL + '/Receive', recv2, shell))
compare('ReceiveResponse (running, stderr progress)', b, 'winrs-receive-stdout-running-pypsrp.xml')
err = b''.join(base64.b64decode(x) for x in re.findall(rb'Name="stderr"[^>]*>([^<]+)<', b))
t.check(err.startswith(b'#< CLIXML\r\n<Objs') and b'S="progress"' in err,
        'PowerShell start-up writes a CLIXML progress record on stderr')
st, h, b = post(H, shell_env(SHELL + '/Receive', recv2, shell, timeout='PT1S'))
t.check(st == 500, 'Receive with no output within OperationTimeout faults')
compare('Receive TimedOut fault', b, 'winrs-receive-timedout-fault-pypsrp.xml')

send = '<rsp:Send xmlns:rsp="%s"><rsp:Stream Name="stdin" CommandId="%s">%s</rsp:Stream>' \
       '</rsp:Send>' % (SHELL, cmd2, base64.b64encode(b'{"v":1,"seq":1,"op":"list"}\n').decode())
st, h, b = post(H, shell_env(SHELL + '/Send', send, shell))
compare('SendResponse', b, 'winrs-send-response-pypsrp.xml')
st, h, b = post(H, shell_env(SHELL + '/Receive', recv2, shell))
out = b''.join(base64.b64decode(x) for x in re.findall(rb'Name="stdout"[^>]*>([^<]+)<', b))
t.check(out.endswith(b'\r\n@@BITSTOP-END 1@@\r\n') and b'"JobId"' in out,
        'the agent answers a list request with a JSON line and its end marker')

sig = '<rsp:Signal xmlns:rsp="%s" CommandId="%s"><rsp:Code>%s/signal/terminate</rsp:Code>' \
      '</rsp:Signal>' % (SHELL, cmd2, SHELL)
st, h, b = post(H, shell_env(SHELL + '/Signal', sig, shell))
compare('SignalResponse', b, 'winrs-signal-ctrlc-response-pypsrp.xml')
st, h, b = post(H, shell_env(XFER + 'Delete', '', shell))
compare('DeleteResponse', b, 'winrs-delete-response-pypsrp.xml')
st, h, b = post(H, shell_env(XFER + 'Delete', '', shell))
t.check(st == 500, 'Delete of a deleted shell faults')
compare('InvalidSelectors (shell not found)', b,
        'winrs-delete-fault-invalid-selectors-shell-not-found-pretty.xml', env_decls=False)
t.check(b'failed because the shell was not found' in b, 'the fault says the shell was not found')
t.check('shells 0' in sim.ctl('/stats?host=0').splitlines(), '/stats counts no shell left')
sim.stop()
t.done()
