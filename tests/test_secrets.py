"""Secrets: where the password must never show up.

Protects (issue 6, secrets): the password (and its Basic-auth base64 forms) never
appears in bitstop's argv, in the environment of a child process other than
password_command (the --demo simulator; a password_command does not see
$BITSTOP_PASSWORD either), in -v logs, in the audit log, in error messages (a
wrong password, a failing password_command, a host written with
user:password@), or on the screen (the prompt does not echo it); a config that
holds a password and is readable by group or others is refused, saying why; and
credentials are not sent to another host after a redirect.
"""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bitsim import PASSWORD, USER, Sim, Results, write_config  # noqa: E402
from hostile import Hostile, Tmux, run_bitstop_raw  # noqa: E402

BITSTOP = os.environ.get("BITSTOP") or os.path.join(os.environ.get("top_builddir", "."), "bitstop")
TMP = tempfile.TemporaryDirectory(prefix="bitstop-secrets-")
R = Results()
SIM = Sim(2, jobs=6, seed=13)
# A second secret that only sits in the environment while password_command is used.
ENV_SECRET = "env-Only-Secret-4242"


def forms(pw, user=USER):
    """Every spelling of pw a leak would use: plain and the Basic header's base64."""
    return [pw.encode(), base64.b64encode(("%s:%s" % (user, pw)).encode()),
            base64.b64encode(pw.encode())]


def assert_no_secret(what, *blobs, secrets=(PASSWORD,)):
    for pw in secrets:
        for f in forms(pw):
            for b in blobs:
                if isinstance(b, str):
                    b = b.encode()
                assert f not in b, "%s: the password shows (%r)" % (what, f)


def conf(name, extra="", mode=0o600):
    path = os.path.join(TMP.name, name)
    write_config(path, extra)
    os.chmod(path, mode)
    return path


def test_verbose_log():
    c = conf("plain.conf")
    for pw, want in ((PASSWORD, 0), ("Wrong-" + PASSWORD, 3)):
        rc, out, err, _ = run_bitstop_raw(["-v", "--once", "--format", "json", SIM.url(0),
                                           SIM.url(1)], c, pw)
        assert rc == want, "exit %d, expected %d: %s" % (rc, want, err[-500:])
        assert b"->" in err, "-v logged nothing"
        assert_no_secret("-v --once", out, err, secrets=(pw,))


def test_audit_log():
    c = conf("audit.conf")
    job = sorted(SIM.jobs(0))[0]
    rc, out, err, _ = run_bitstop_raw(["-v", "--action", "suspend", "--job", job, SIM.url(0)], c,
                                      PASSWORD)
    assert rc in (0, 1), err
    with open(os.path.join(TMP.name, "audit.log"), "rb") as f:
        log = f.read()
    assert job.encode() in log, "the action was not logged"
    assert_no_secret("audit log and --action output", log, out, err)


def test_password_command_env():
    pwfile = os.path.join(TMP.name, "pw")
    envfile = os.path.join(TMP.name, "cmd-env")
    with open(pwfile, "w") as f:
        f.write(PASSWORD + "\n")
    os.chmod(pwfile, 0o600)
    c = conf("cmd.conf", 'groups = ( { name = "g"; hosts = [ "%s" ]; '
             'password_command = "env > %s; cat %s"; } );\n' % (SIM.url(0), envfile, pwfile))
    rc, out, err, _ = run_bitstop_raw(["-v", "--once", "--format", "tsv"], c, ENV_SECRET)
    assert rc == 0, "exit %d: %s" % (rc, err)
    with open(envfile, "rb") as f:
        env = f.read()
    assert b"PATH=" in env, "the command's environment was not recorded"
    assert_no_secret("password_command's environment", env, secrets=(ENV_SECRET,))
    assert_no_secret("output with password_command", out, err, secrets=(ENV_SECRET, PASSWORD))


def test_error_messages():
    # A password_command that prints the password and then fails.
    c = conf("failcmd.conf", 'groups = ( { name = "g"; hosts = [ "%s" ]; '
             'password_command = "echo %s; exit 3"; } );\n' % (SIM.url(0), PASSWORD))
    rc, out, err, _ = run_bitstop_raw(["--once", SIM.url(1)], c, ENV_SECRET)
    assert rc == 2 and b"password_command failed" in err, (rc, err)
    assert_no_secret("failing password_command", out, err)
    # A host written with user:password@ is refused without echoing the password.
    plain = conf("plain2.conf")
    for spec in ("http://%s:%s@%s/wsman" % (USER, PASSWORD, SIM.addrs[0]),
                 "http://%s:%s@%s/wsman?x" % (USER, PASSWORD, SIM.addrs[0]),
                 "%s:%s@ws01" % (USER, PASSWORD)):
        rc, out, err, _ = run_bitstop_raw(["--once", spec], plain, ENV_SECRET)
        assert rc == 2 and b"bad host" in err, (rc, err)
        assert_no_secret("bad host message", out, err)
    # A hosts file line of the same kind.
    hosts = os.path.join(TMP.name, "hosts.txt")
    with open(hosts, "w") as f:
        f.write("https://%s:%s@ws02:5986/wsman\n" % (USER, PASSWORD))
    rc, out, err, _ = run_bitstop_raw(["--once", "-f", hosts], plain, ENV_SECRET)
    assert rc == 2, (rc, err)
    assert_no_secret("hosts file message", out, err)


def test_world_readable_config_refused():
    extra = 'groups = ( { name = "g"; hosts = [ "%s" ]; password = "%s"; } );\n' % (
        SIM.url(0), PASSWORD)
    for mode in (0o644, 0o640, 0o604):
        c = conf("pw-%o.conf" % mode, extra, mode)
        rc, out, err, _ = run_bitstop_raw(["--once"], c, ENV_SECRET)
        assert rc == 2, "mode %o: exit %d" % (mode, rc)
        assert b"permissions" in err and b"chmod 600" in err, err
        assert_no_secret("refused config", out, err)
    c = conf("pw-600.conf", extra, 0o600)
    rc, out, err, _ = run_bitstop_raw(["--once"], c, ENV_SECRET)
    assert rc == 0, "a 0600 config with a password was refused: %s" % err
    assert_no_secret("private config", out, err)


def test_no_credentials_after_redirect():
    c = conf("redirect.conf")
    with Hostile(["redirect"]) as h:
        rc, out, err, _ = run_bitstop_raw(["--once", "--format", "json", h.url("redirect")], c,
                                          PASSWORD)
        assert rc == 1 and b"redirect" in out, (rc, out)
        first = h.requests("redirect")
        assert first and first[0].headers.get("authorization", "").startswith("Basic "), \
            "the configured host did not get the credentials"
        assert h.requests("sink") == [], "credentials were sent to the redirect's target"
        assert_no_secret("redirect", out, err)


def descendants(pid):
    """Every process below pid."""
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def proc_read(pid, what):
    try:
        with open("/proc/%d/%s" % (pid, what), "rb") as f:
            return f.read()
    except OSError:
        return b""


def bitstop_pid(tmux):
    sh = tmux.pane_pid()
    for _ in range(50):
        for p in descendants(sh):
            if proc_read(p, "cmdline").split(b"\0")[0].endswith(b"bitstop"):
                return p
        time.sleep(0.1)
    raise AssertionError("no bitstop process in the pane")


def quit_tui(tmux):
    tmux.keys("q")
    screen = tmux.wait_for(lambda s: re.search(r"rc=\d+", s) is not None, 10)
    assert screen is not None, "q did not end bitstop"
    assert "rc=0" in screen, "bitstop did not exit with 0"


def test_screen_argv_children():
    if shutil.which("tmux") is None:
        print("     (skipped: no tmux)")
        return
    c = conf("tui.conf")
    tmux = Tmux({"HOME": TMP.name, "XDG_STATE_HOME": os.path.join(TMP.name, "state"),
                 "BITSTOP_PASSWORD": PASSWORD})
    try:
        tmux.type("%s -c %s -d 1 %s %s; echo rc=$?" % (BITSTOP, c, SIM.url(0), SIM.url(1)))
        assert tmux.wait_text("hosts 2 ok", 15), "the hosts did not answer:\n" + tmux.screen()
        pid = bitstop_pid(tmux)
        assert_no_secret("bitstop's argv", proc_read(pid, "cmdline"))
        for k in descendants(pid):
            assert_no_secret("child %d" % k, proc_read(k, "cmdline"), proc_read(k, "environ"))
        for key in ("h", "h", "Enter", "Escape", "?", "Escape"):
            tmux.keys(key)
            time.sleep(0.3)
            assert_no_secret("screen after %s" % key, tmux.raw_screen())
        quit_tui(tmux)
        # --demo starts bitsim as a child: it must not inherit $BITSTOP_PASSWORD.
        tmux.type("clear; %s --demo=2 -d 1; echo rc=$?" % BITSTOP)
        assert tmux.wait_text("hosts 2 ok", 20), "the demo did not start:\n" + tmux.screen()
        pid = bitstop_pid(tmux)
        kids = descendants(pid)
        assert kids, "--demo started no simulator"
        for k in kids:
            assert proc_read(k, "environ"), "cannot read the environment of %d" % k
            assert_no_secret("--demo child %d" % k, proc_read(k, "cmdline"),
                             proc_read(k, "environ"))
        quit_tui(tmux)
    finally:
        tmux.close()


def test_prompt_does_not_echo():
    if shutil.which("tmux") is None:
        print("     (skipped: no tmux)")
        return
    c = conf("prompt.conf")
    home = os.path.join(TMP.name, "prompt-home")
    os.makedirs(home, exist_ok=True)
    tmux = Tmux({"HOME": home, "XDG_STATE_HOME": os.path.join(home, "state")})
    try:
        tmux.type("%s -c %s -d 1 %s; echo rc=$?" % (BITSTOP, c, SIM.url(0)))
        assert tmux.wait_text("Password for %s" % USER, 10), "no prompt:\n" + tmux.screen()
        tmux.tmux("send-keys", "-t", "t", "-l", PASSWORD)
        time.sleep(0.3)
        assert_no_secret("the prompt while typing", tmux.raw_screen())
        tmux.keys("Enter")
        assert tmux.wait_text("hosts 1 ok", 15), "the typed password did not work:\n" + \
            tmux.screen()
        assert_no_secret("the screen after the prompt", tmux.raw_screen())
        quit_tui(tmux)
        assert_no_secret("the terminal after exit", tmux.raw_screen())
    finally:
        tmux.close()


try:
    for t in [test_verbose_log, test_audit_log, test_password_command_env, test_error_messages,
              test_world_readable_config_refused, test_no_credentials_after_redirect,
              test_screen_argv_children, test_prompt_does_not_echo]:
        R.run(t)
finally:
    SIM.close()
    TMP.cleanup()
sys.exit(R.finish())
