"""Negotiate, Kerberos and NTLM with WinRM message encryption, against a real MIT
KDC and real GSS-API (no mock of either): a throw-away realm on loopback
(tests/lib/krb5realm.py) and bitsim --auth negotiate --require-encryption.

Protects (issue 10):
- bitstop -a kerberos / ntlm / negotiate over plain HTTP lists exactly bitsim's
  jobs and runs every action, every request sealed (bitsim's /stats: encrypted =
  requests - handshake legs) and one handshake per connection;
- the same over HTTPS, where nothing is sealed (TLS protects the body);
- negotiate picks Kerberos with a ticket, NTLM without one, NTLM for an IP address;
- the failures name their fix: no ticket and no password, expired ticket (with a
  password bitstop gets a new one), KDC unreachable, unknown service principal,
  Kerberos forced on an IP address, wrong NTLM password, a server that wants
  encryption we did not offer, a mutual authentication token that does not verify;
- a tampered ciphertext is that host's protocol error, and bitsim refuses a plain
  body and a tampered request;
- steady state: 0 handshakes and 0 new connections per refresh; a dropped
  connection mid-session: bitstop authenticates again and the host comes back.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import krb5realm  # noqa: E402
from bitsim import Sim, Results  # noqa: E402
from hostile import Tmux  # noqa: E402

for tool in ("kdb5_util", "kadmin.local", "krb5kdc", "kinit"):
    if shutil.which(tool) is None and not any(
            os.access(os.path.join(d, tool), os.X_OK) for d in krb5realm.SBIN):
        print("SKIP: %s is needed (krb5-kdc, krb5-admin-server, krb5-user)" % tool)
        sys.exit(77)
if not os.path.exists("/etc/gss/mech.d/mech.ntlmssp.conf") and \
        not os.path.exists("/etc/gss/mech.d/ntlmssp.conf"):
    print("SKIP: gss-ntlmssp is needed")
    sys.exit(77)

BITSTOP = os.environ.get("BITSTOP") or os.path.join(os.environ.get("top_builddir", "."), "bitstop")
TMP = tempfile.TemporaryDirectory(prefix="bitstop-gss-")
R = Results()
REALM = krb5realm.Realm()
NTLM_USER = "%s\\%s" % (krb5realm.NTLM_DOMAIN, krb5realm.NTLM_USER)
CONF = os.path.join(TMP.name, "bitstop.conf")
with open(CONF, "w") as f:
    f.write('version = 1;\naudit_log = "%s/audit.log";\ndefaults: { timeout = 5; };\n' % TMP.name)
os.chmod(CONF, 0o600)


def make_cert():
    cert = os.path.join(TMP.name, "localhost.pem")
    key = os.path.join(TMP.name, "localhost.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", key, "-out", cert, "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-addext", "basicConstraints=critical,CA:TRUE"],
                   check=True, capture_output=True)
    return cert, key


CERT, KEY = make_cert()
SIM = Sim(1, jobs=12, seed=31, auth="negotiate", extra=["--require-encryption"],
          env=REALM.server_env())
TLS = Sim(1, jobs=5, seed=32, auth="negotiate", extra=["--require-encryption", "--tls-cert",
                                                       CERT, "--tls-key", KEY],
          env=REALM.server_env())
PORT = SIM.addrs[0].split(":")[1]
URL = "http://localhost:%s/wsman" % PORT
IP_URL = "http://127.0.0.1:%s/wsman" % PORT
TLS_URL = "https://localhost:%s/wsman" % TLS.addrs[0].split(":")[1]


def stats(sim):
    out = {}
    for line in sim.ctl("/stats?host=0").splitlines():
        k, v = line.split()
        out[k] = int(v)
    return out


def bitstop(args, ccache="ccache", password=None, extra_env=None, timeout=60):
    env = REALM.env(ccache)
    env["HOME"] = TMP.name
    env["XDG_STATE_HOME"] = os.path.join(TMP.name, "state")
    env.pop("BITSTOP_CONFIG", None)
    if password is not None:
        env["BITSTOP_PASSWORD"] = password
    if extra_env:
        env.update(extra_env)
    p = subprocess.run([BITSTOP, "-c", CONF] + list(args), env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode("utf-8", "replace")


def once(url, *args, **kw):
    rc, out, err = bitstop(["--once", "--format", "json", "-v"] + list(args) + [url], **kw)
    doc = json.loads(out)
    return rc, doc["hosts"][0], err


def check_jobs(sim, host):
    assert host["status"] == "ok", host
    want = sim.jobs(0)
    got = {j["id"]: j for j in host["jobs"]}
    assert set(got) == set(want), "jobs differ: %s vs %s" % (sorted(got), sorted(want))
    for jid, w in want.items():
        assert got[jid]["state_code"] == w["state"], (jid, got[jid], w)
        assert got[jid]["priority_code"] == w["priority"]


def check_sealed(before, after, legs):
    """Every request but the handshake legs arrived encrypted; one handshake per connection."""
    d = {k: after[k] - before[k] for k in after}
    assert d["handshakes"] >= 1, d
    assert d["handshakes"] == d["connections"], "not one handshake per connection: %s" % d
    assert d["encrypted"] == d["requests"] - legs * d["handshakes"], \
        "not every request sealed: %s" % d
    assert d["encrypted"] > 0, d


def pick(jobs, states):
    for jid, j in sorted(jobs.items()):
        if j["state"] in states:
            return jid
    return None


def run_actions(args, password=None, legs=1):
    """Every action through the scheme: the simulator's jobs change as BITS's would."""
    def act(what, job):
        before = stats(SIM)
        rc, out, err = bitstop(["--action", what, "--job", job] + args + [URL], password=password)
        assert rc == 0, "%s: exit %d: %s %s" % (what, rc, out, err)
        check_sealed(before, stats(SIM), legs)

    run = pick(SIM.jobs(0), {0, 1, 2, 5})
    assert run is not None
    act("suspend", run)
    assert SIM.jobs(0)[run]["state"] == 3
    act("resume", run)
    assert SIM.jobs(0)[run]["state"] in (0, 1, 2)
    act("priority=low", run)
    assert SIM.jobs(0)[run]["priority"] == 3
    done = pick(SIM.jobs(0), {6})
    if done is not None:
        act("complete", done)
        assert done not in SIM.jobs(0)
    victim = pick(SIM.jobs(0), {0, 1, 2, 3, 4, 5})
    act("cancel", victim)
    assert victim not in SIM.jobs(0)


def test_kerberos_http_sealed():
    REALM.kinit()
    before = stats(SIM)
    rc, host, err = once(URL, "-a", "kerberos")
    assert rc == 0, err
    check_jobs(SIM, host)
    assert "Kerberos authentication complete after 1 legs" in err, err
    assert "decrypted (GSS-API, 60-byte security header)" in err, err  # AES256
    check_sealed(before, stats(SIM), 1)
    run_actions(["-a", "kerberos"])


def test_kerberos_openssl_path():
    """After the first answer, AES answers are unsealed with OpenSSL (src/cfx.c), and
    what they hold is exactly bitsim's jobs (an Enumerate and many Pulls)."""
    REALM.kinit()
    with Sim(1, jobs=40, seed=33, auth="negotiate", env=REALM.server_env(),
             extra=["--require-encryption", "--batching", "first-one", "--pull-bytes",
                    "4000"]) as sim:
        url = "http://localhost:%s/wsman" % sim.addrs[0].split(":")[1]
        rc, host, err = once(url, "-a", "kerberos")
        assert rc == 0, err
        check_jobs(sim, host)
        paths = re.findall(r"decrypted \(([\w-]+), 60-byte security header\)", err)
        assert len(paths) >= 5 and paths[0] == "GSS-API" and \
            all(p == "OpenSSL" for p in paths[1:]), err


def test_kerberos_rc4():
    """RC4-HMAC session keys: another header length (45-47 bytes) and one byte of
    padding, cut off by the Length; the OpenSSL path stays out of it (GSS-API only)."""
    env = REALM.rc4_env()
    REALM.kinit(env=env)
    klist = subprocess.run(["klist", "-e"], env=env, capture_output=True, text=True).stdout
    before = stats(SIM)
    rc, out, err = bitstop(["--once", "--format", "json", "-v", "-a", "kerberos", URL],
                           ccache="ccache-rc4", extra_env={"KRB5_CONFIG": env["KRB5_CONFIG"]})
    assert rc == 0, err
    check_jobs(SIM, json.loads(out)["hosts"][0])
    check_sealed(before, stats(SIM), 1)
    assert "arcfour" in klist or "rc4" in klist.lower(), klist
    # RC4's token header is 45-47 bytes (AES: 60), never handled by the OpenSSL path
    hdr = [int(x) for x in re.findall(r"decrypted \(GSS-API, (\d+)-byte security header\)", err)]
    assert hdr and all(45 <= h <= 47 for h in hdr), err


def test_ntlm_http_sealed():
    before = stats(SIM)
    rc, host, err = once(URL, "-a", "ntlm", "-u", NTLM_USER, ccache="none",
                         password=krb5realm.NTLM_PASSWORD)
    assert rc == 0, err
    check_jobs(SIM, host)
    assert "NTLM authentication complete after 2 legs" in err, err
    assert "decrypted (GSS-API, 16-byte security header)" in err, err  # the NTLM signature
    check_sealed(before, stats(SIM), 2)
    run_actions(["-a", "ntlm", "-u", NTLM_USER], password=krb5realm.NTLM_PASSWORD, legs=2)


def test_negotiate_picks_kerberos_or_ntlm():
    REALM.kinit()
    rc, host, err = once(URL, "-a", "negotiate")
    assert rc == 0, err
    check_jobs(SIM, host)
    assert "Kerberos authentication complete" in err, err
    # no ticket: SPNEGO falls back to NTLM with the user's password
    before = stats(SIM)
    rc, host, err = once(URL, "-u", NTLM_USER, ccache="none", password=krb5realm.NTLM_PASSWORD)
    assert rc == 0, err
    check_jobs(SIM, host)
    assert "NTLM authentication complete" in err, err
    check_sealed(before, stats(SIM), 2)
    # an IP address means NTLM even with a ticket (Kerberos cannot target one)
    rc, host, err = once(IP_URL, "-u", NTLM_USER, password=krb5realm.NTLM_PASSWORD)
    assert rc == 0, err
    assert "NTLM authentication complete" in err, err
    # negotiate is the default scheme, and a bare name means http://name:5985/wsman
    rc, host, err = once("localhost", "-u", NTLM_USER, ccache="none", password="x", timeout=30)
    assert host["url"] == "http://localhost:5985/wsman", host["url"]


def test_https_authenticates_without_sealing():
    REALM.kinit()
    for args, pw, mech in ((["-a", "kerberos"], None, "Kerberos"),
                           (["-a", "ntlm", "-u", NTLM_USER], krb5realm.NTLM_PASSWORD, "NTLM"),
                           (["-a", "negotiate"], None, "Kerberos")):
        before = stats(TLS)
        rc, host, err = once(TLS_URL, "--cacert", CERT, *args, password=pw)
        assert rc == 0, "%s: %s" % (args, err)
        check_jobs(TLS, host)
        assert "%s authentication complete" % mech in err, err
        assert "channel binding to the server's certificate" in err, err
        d = {k: v - before[k] for k, v in stats(TLS).items()}
        assert d["encrypted"] == 0 and d["handshakes"] == d["connections"] >= 1, d


def test_https_channel_binding_is_checked():
    """bitsim binds its contexts to its certificate: a wrong binding is refused (so the
    bitstop runs above that passed sent the right one)."""
    REALM.kinit()
    helper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib", "gss_client.py")
    p = subprocess.run([sys.executable, helper, "--tls", "localhost", TLS_URL.split(":")[2]
                        .split("/")[0], CERT], env=REALM.env(), capture_output=True, timeout=60)
    out = p.stdout.decode()
    assert p.returncode == 0, out + p.stderr.decode()
    assert "cb-right 200" in out and "cb-wrong 401" in out, out


def error_of(url, *args, **kw):
    rc, host, err = once(url, *args, **kw)
    assert rc != 0 and host["status"] == "error", host
    return host["error"]["kind"], host["error"]["message"]


def test_clear_errors():
    # no ticket and no password
    kind, msg = error_of(URL, "-a", "kerberos", ccache="none")
    assert kind == "auth" and "run kinit" in msg, msg
    # Kerberos forced on an IP address
    REALM.kinit()
    kind, msg = error_of(IP_URL, "-a", "kerberos")
    assert kind == "auth" and "IP address" in msg and "--auth ntlm" in msg, msg
    # unknown service principal
    with open(CONF + ".spn", "w") as f:
        f.write('version = 1;\naudit_log = "%s/audit.log";\n'
                'defaults: { timeout = 5; spn = "HTTP/nosuch.example"; };\n' % TMP.name)
    os.chmod(CONF + ".spn", 0o600)
    rc, out, err = bitstop(["-c", CONF + ".spn", "--once", "--format", "json", "-a", "kerberos",
                            URL])
    host = json.loads(out)["hosts"][0]
    assert host["error"]["kind"] == "auth" and "HTTP/nosuch.example" in host["error"]["message"] \
        and "spn" in host["error"]["message"], host
    # wrong Kerberos password (no ticket): the KDC refuses it
    kind, msg = error_of(URL, "-a", "kerberos", "-u", krb5realm.USER, ccache="none",
                         password="wrong-password")
    assert kind == "auth" and "refused the password" in msg, msg
    # wrong NTLM password: the server refuses the credentials
    kind, msg = error_of(URL, "-a", "ntlm", "-u", NTLM_USER, ccache="none", password="wrong")
    assert kind == "auth" and "NTLM" in msg and "password" in msg, msg
    # KDC unreachable
    conf = open(REALM.path("krb5.conf")).read()
    dead = re.sub(r"kdc = 127\.0\.0\.1:\d+", "kdc = 127.0.0.1:1", conf)
    with open(REALM.path("krb5-dead.conf"), "w") as f:
        f.write(dead)
    kind, msg = error_of(URL, "-a", "kerberos", "-u", krb5realm.USER, ccache="none",
                         password=krb5realm.PASSWORD,
                         extra_env={"KRB5_CONFIG": REALM.path("krb5-dead.conf")})
    assert kind == "auth" and "cannot reach a Kerberos KDC" in msg, msg
    # the server wants encryption we did not offer (basic over plain HTTP)
    with Sim(1, jobs=2, auth="negotiate", extra=["--require-encryption", "--user", "basicuser"],
             env=dict(REALM.server_env(), BITSIM_PASSWORD="bpw")) as sim:
        with open(CONF + ".basic", "w") as f:
            f.write('version = 1;\naudit_log = "%s/audit.log";\ndefaults: { timeout = 5; '
                    'auth = "basic"; user = "basicuser"; allow_unencrypted = true; };\n'
                    % TMP.name)
        os.chmod(CONF + ".basic", 0o600)
        rc, out, err = bitstop(["-c", CONF + ".basic", "--once", "--format", "json",
                                sim.url(0)], password="bpw")
        host = json.loads(out)["hosts"][0]
        assert host["error"]["kind"] == "encryption-required", host
        assert "negotiate" in host["error"]["message"], host


FAKETIME = next((p for p in ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                              "/usr/lib/faketime/libfaketime.so.1") if os.path.exists(p)), None)


def test_clock_skew():
    """The host's clock is an hour ahead (bitsim under libfaketime): it refuses the
    ticket with a KRB-ERROR token, which bitstop turns into the clock advice."""
    if FAKETIME is None:
        print("skip test_clock_skew: libfaketime (package faketime) is not installed")
        return
    REALM.kinit()
    # An AddressSanitizer build of bitsim wants its runtime first in the library
    # list; libfaketime is preloaded before it, which is harmless here.
    asan = os.environ.get("ASAN_OPTIONS", "")
    env = dict(REALM.server_env(), LD_PRELOAD=FAKETIME, FAKETIME="+1h", DONT_FAKE_MONOTONIC="1",
               ASAN_OPTIONS=(asan + ":" if asan else "") + "verify_asan_link_order=0")
    with Sim(1, jobs=2, auth="negotiate", extra=["--require-encryption"], env=env) as sim:
        url = "http://localhost:%s/wsman" % sim.addrs[0].split(":")[1]
        kind, msg = error_of(url, "-a", "kerberos")
        assert kind == "auth" and "clock skew" in msg and "NTP" in msg, msg


def test_expired_ticket():
    REALM.kinit(ccache="short", lifetime="3s")
    time.sleep(4.5)
    kind, msg = error_of(URL, "-a", "kerberos", ccache="short")
    assert kind == "auth" and "expired" in msg and "run kinit" in msg, msg
    # with a password bitstop gets a fresh ticket itself
    rc, host, err = once(URL, "-a", "kerberos", "-u", krb5realm.USER, ccache="short",
                         password=krb5realm.PASSWORD)
    assert rc == 0, err
    check_jobs(SIM, host)


def test_tampered_and_mutual():
    REALM.kinit()
    # the handshake's answer corrupted: its mutual authentication token does not verify
    SIM.ctl("/fault?host=0&kind=malformed&count=1")
    try:
        kind, msg = error_of(URL, "-a", "kerberos")
        assert kind == "auth" and "mutual authentication token does not verify" in msg, msg
        # NTLM: two handshake legs (no final token), then the sealed answer of the poll
        # with one byte flipped: that host's protocol error, never parsed
        SIM.ctl("/fault?host=0&kind=malformed&count=3")
        kind, msg = error_of(URL, "-a", "ntlm", "-u", NTLM_USER, ccache="none",
                             password=krb5realm.NTLM_PASSWORD)
        assert kind == "protocol" and "does not decrypt" in msg, msg
    finally:
        SIM.ctl("/clear?host=0")
    rc, host, err = once(URL, "-a", "kerberos")
    assert rc == 0, err


def test_bitsim_refuses_plain_and_tampered():
    """bitsim as WinRM: a plain body on an authenticated connection is refused with 500
    and no body; a sealed request with a flipped byte is refused (python-gssapi client)."""
    REALM.kinit()
    helper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib", "gss_client.py")
    p = subprocess.run([sys.executable, helper, "localhost", PORT], env=REALM.env(),
                       capture_output=True, timeout=60)
    out = p.stdout.decode()
    assert p.returncode == 0, out + p.stderr.decode()
    assert "sealed 200" in out and "plain 500 0" in out and "tampered 400" in out, out


def test_steady_state_and_dropped_connection():
    """The screen refreshes every 0.5 s: no handshake and no connection per refresh;
    the server drops the connection: bitstop authenticates again and the host is back."""
    REALM.kinit()
    env = REALM.env()
    tm = Tmux({k: env[k] for k in ("KRB5_CONFIG", "KRB5CCNAME")} |
              {"HOME": TMP.name, "XDG_STATE_HOME": os.path.join(TMP.name, "state")})
    try:
        before = stats(SIM)
        tm.type("%s -c %s -a kerberos -d 0.5 %s" % (BITSTOP, CONF, URL))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            d = {k: v - before[k] for k, v in stats(SIM).items()}
            if d["encrypted"] >= 8:
                break
            time.sleep(0.2)
        assert d["encrypted"] >= 8, "not refreshing: %s\n%s" % (d, tm.screen())
        assert d["handshakes"] == 1 and d["connections"] == 1, \
            "handshakes or connections per refresh: %s" % d
        # one answer with a flipped sealed byte (unsealed by the OpenSSL path): refused,
        # the context dropped, a new handshake, and the host polled again
        before = stats(SIM)
        SIM.ctl("/fault?host=0&kind=malformed&count=1")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            d = {k: v - before[k] for k, v in stats(SIM).items()}
            if d["handshakes"] >= 1 and d["encrypted"] >= 3:
                break
            time.sleep(0.2)
        assert d["handshakes"] == 1 and d["encrypted"] >= 3, \
            "a tampered answer was not refused (no new handshake): %s" % d
        # the host drops every connection and refuses new ones, then comes back
        SIM.ctl("/fault?host=0&kind=refused")
        time.sleep(1.5)
        SIM.ctl("/clear?host=0")
        mid = stats(SIM)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            d = {k: v - mid[k] for k, v in stats(SIM).items()}
            if d["encrypted"] >= 3:
                break
            time.sleep(0.2)
        assert d["handshakes"] == 1 and d["encrypted"] >= 3, \
            "no recovery after the dropped connection: %s\n%s" % (d, tm.screen())
        screen = tm.screen()
        assert "auth failed" not in screen, screen
    finally:
        tm.keys("q")
        time.sleep(0.5)
        tm.close()


try:
    for t in (test_kerberos_http_sealed, test_kerberos_openssl_path, test_kerberos_rc4,
              test_ntlm_http_sealed,
              test_negotiate_picks_kerberos_or_ntlm, test_https_authenticates_without_sealing,
              test_https_channel_binding_is_checked,
              test_clear_errors, test_clock_skew, test_expired_ticket, test_tampered_and_mutual,
              test_bitsim_refuses_plain_and_tampered, test_steady_state_and_dropped_connection):
        R.run(t)
finally:
    SIM.close()
    TLS.close()
    REALM.close()
sys.exit(R.finish())
