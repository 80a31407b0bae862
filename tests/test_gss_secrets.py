"""Secrets with Negotiate, Kerberos and NTLM: the password never shows.

Protects (issue 10, secrets): whatever the scheme (kerberos, ntlm, negotiate), the
password bitstop turns into GSS-API credentials never appears in its argv, in -v
output, in the audit log, or in the messages of a failed authentication (wrong
password, unreachable KDC), in plain or base64 form; and nothing is written to disk
with it: a Kerberos ticket got from the password stays in memory (no ticket cache
file appears).
"""
import base64
import os
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import krb5realm  # noqa: E402
from bitsim import Sim, Results  # noqa: E402
from hostile import Tmux  # noqa: E402

if not os.path.exists("/etc/gss/mech.d/mech.ntlmssp.conf"):
    print("SKIP: gss-ntlmssp is needed")
    sys.exit(77)
try:
    REALM = krb5realm.Realm()
except RuntimeError as e:
    print("SKIP: no test realm: %s" % e)
    sys.exit(77)

BITSTOP = os.environ.get("BITSTOP") or os.path.join(os.environ.get("top_builddir", "."), "bitstop")
TMP = tempfile.TemporaryDirectory(prefix="bitstop-gss-secrets-")
R = Results()
SIM = Sim(1, jobs=4, seed=5, auth="negotiate", extra=["--require-encryption"],
          env=REALM.server_env())
URL = "http://localhost:%s/wsman" % SIM.addrs[0].split(":")[1]
NTLM_USER = "%s\\%s" % (krb5realm.NTLM_DOMAIN, krb5realm.NTLM_USER)
CONF = os.path.join(TMP.name, "bitstop.conf")
with open(CONF, "w") as f:
    f.write('version = 1;\naudit_log = "%s/audit.log";\ndefaults: { timeout = 5; };\n' % TMP.name)
os.chmod(CONF, 0o600)
SCHEMES = (("kerberos", krb5realm.USER, krb5realm.PASSWORD),
           ("ntlm", NTLM_USER, krb5realm.NTLM_PASSWORD),
           ("negotiate", NTLM_USER, krb5realm.NTLM_PASSWORD))


def forms(pw):
    return [pw.encode(), base64.b64encode(pw.encode()),
            base64.b64encode(pw.encode("utf-16-le"))]


def assert_no_secret(what, pw, *blobs):
    for f in forms(pw):
        for b in blobs:
            if isinstance(b, str):
                b = b.encode()
            assert f not in b, "%s: the password shows (%r)" % (what, f)


def bitstop(args, pw, ccache, extra=None):
    env = REALM.env(ccache)
    env.update({"HOME": TMP.name, "XDG_STATE_HOME": os.path.join(TMP.name, "state"),
                "BITSTOP_PASSWORD": pw})
    if extra:
        env.update(extra)
    p = subprocess.run([BITSTOP, "-c", CONF] + args, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def test_verbose_messages_and_no_ticket_file():
    for scheme, user, pw in SCHEMES:
        ccache = "cc-" + scheme
        rc, out, err = bitstop(["-v", "--once", "--format", "json", "-a", scheme, "-u", user,
                                URL], pw, ccache)
        assert rc == 0, "%s: exit %d: %s" % (scheme, rc, err.decode()[-400:])
        assert b"authentication complete" in err, err
        assert_no_secret(scheme + " -v", pw, out, err)
        assert not os.path.exists(REALM.path(ccache)), "%s: a ticket cache was written" % scheme
        # a wrong password: the message says so without the password
        bad = "Wrong-" + pw
        rc, out, err = bitstop(["-v", "--once", "--format", "json", "-a", scheme, "-u", user,
                                URL], bad, ccache)
        assert rc == 3, "%s: wrong password: exit %d" % (scheme, rc)
        assert b"password" in out, out
        assert_no_secret(scheme + " wrong password", bad, out, err)
    # an unreachable KDC while the password is being used
    with open(REALM.path("krb5-dead.conf"), "w") as f:
        f.write(open(REALM.path("krb5.conf")).read().replace(
            "kdc = 127.0.0.1:%d" % REALM.port, "kdc = 127.0.0.1:1"))
    rc, out, err = bitstop(["-v", "--once", "-a", "kerberos", "-u", krb5realm.USER, URL],
                           krb5realm.PASSWORD, "cc-dead",
                           {"KRB5_CONFIG": REALM.path("krb5-dead.conf")})
    assert rc == 3 and b"KDC" in out, out
    assert_no_secret("KDC unreachable", krb5realm.PASSWORD, out, err)


def test_audit_log():
    for scheme, user, pw in SCHEMES:
        job = sorted(SIM.jobs(0))[0]
        rc, out, err = bitstop(["-v", "--action", "suspend", "--job", job, "-a", scheme, "-u",
                                user, URL], pw, "cc-audit")
        assert rc in (0, 1), err
        with open(os.path.join(TMP.name, "audit.log"), "rb") as f:
            log = f.read()
        assert job.encode() in log, "the action was not logged"
        assert_no_secret(scheme + " audit log", pw, log, out, err)


def test_argv_of_running_bitstop():
    """The screen runs: its command line (what ps shows) holds no password."""
    env = REALM.env("cc-tui")
    tm = Tmux({"KRB5_CONFIG": env["KRB5_CONFIG"], "KRB5CCNAME": env["KRB5CCNAME"],
               "HOME": TMP.name, "XDG_STATE_HOME": os.path.join(TMP.name, "state"),
               "BITSTOP_PASSWORD": krb5realm.NTLM_PASSWORD})
    try:
        tm.type("exec %s -c %s -a ntlm -u '%s' %s" % (BITSTOP, CONF, NTLM_USER, URL))
        pid = tm.pane_pid()
        deadline = time.monotonic() + 20
        cmd = b""
        while time.monotonic() < deadline:
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    cmd = f.read()
            except OSError:
                cmd = b""
            if BITSTOP.encode() in cmd:
                break
            time.sleep(0.1)
        assert BITSTOP.encode() in cmd, "bitstop is not running: %r" % cmd
        assert b"-a" in cmd
        assert_no_secret("argv", krb5realm.NTLM_PASSWORD, cmd)
    finally:
        tm.keys("q")
        time.sleep(0.3)
        tm.close()


try:
    for t in (test_verbose_messages_and_no_ticket_file, test_audit_log,
              test_argv_of_running_bitstop):
        R.run(t)
finally:
    SIM.close()
    REALM.close()
sys.exit(R.finish())
