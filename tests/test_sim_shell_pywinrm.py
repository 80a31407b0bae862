#!/usr/bin/python3
"""python3-winrm (pywinrm) drives bitsim's WinRS shell like a Windows host's.

Protects: a third-party client's open_shell / run_command / get_command_output
/ cleanup_command / close_shell work against a client host (hostname prints
the host's name, echo, exit N gives the exit code, an unknown command fails
as cmd.exe does on stderr), /stats counts the shell while it is open and none
after close_shell, and the MaxShellsPerUser quota refuses one shell too many
with the fault pywinrm reports for Windows."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.environ.get('top_srcdir', '.'), 'tests', 'fixtures', 'sim'))
import simlib  # noqa: E402

try:
    from winrm.protocol import Protocol
    from winrm.exceptions import WinRMError
except ImportError:
    print('SKIP: python3-winrm is not installed')
    sys.exit(77)

os.environ['NO_PROXY'] = '127.0.0.1'
os.environ.pop('http_proxy', None)
os.environ.pop('HTTP_PROXY', None)

t = simlib.Checker()
sim = simlib.Sim('--hosts', '2', '--client-hosts', '1', '--user', 'admin', '--jobs', '2',
                 '--speed', '0', '--max-shells', '2', env={'BITSIM_PASSWORD': 'S3cret!'})
p = Protocol('http://%s/wsman' % sim.host(1), transport='plaintext', username='admin',
             password='S3cret!', operation_timeout_sec=5, read_timeout_sec=10)


def shells():
    return int(dict(line.split() for line in sim.ctl('/stats?host=1').splitlines())['shells'])


shell = p.open_shell()
t.check(shells() == 1, 'open_shell: bitsim counts one shell')
cid = p.run_command(shell, 'hostname')
out, err, rc = p.get_command_output(shell, cid)
p.cleanup_command(shell, cid)
t.check(out.strip() == b'SIM-1' and rc == 0, "run_command('hostname') prints SIM-1, exit 0 (%r)"
        % out)
cid = p.run_command(shell, 'echo', ['bitsim', 'shell'])
out, err, rc = p.get_command_output(shell, cid)
p.cleanup_command(shell, cid)
t.check(out == b'bitsim shell\r\n', 'echo prints its arguments (%r)' % out)
cid = p.run_command(shell, 'exit', ['3'])
out, err, rc = p.get_command_output(shell, cid)
p.cleanup_command(shell, cid)
t.check(rc == 3, 'exit 3 ends with exit code 3 (%r)' % rc)
cid = p.run_command(shell, 'nosuchcmd')
out, err, rc = p.get_command_output(shell, cid)
p.cleanup_command(shell, cid)
t.check(rc == 1 and b'is not recognized as an internal or external command' in err,
        'an unknown command fails on stderr as cmd.exe does')

second = p.open_shell()
try:
    p.open_shell()
    t.check(False, 'a third shell is refused with MaxShellsPerUser 2')
except WinRMError as e:
    t.check('maximum number of 2 concurrent shells' in str(e) or '2150859173' in str(e),
            'a third shell is refused with the quota fault (%s)' % str(e)[:120])
p.close_shell(second)
p.close_shell(shell)
t.check(shells() == 0, 'close_shell: no shell left on bitsim')
sim.stop()
t.done()
