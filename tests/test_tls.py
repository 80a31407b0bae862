"""TLS: bitsim over HTTPS with a self-signed certificate made here with openssl.

Protects (issue 6, TLS): by default bitstop refuses the certificate with a clear
message (error.kind "tls", naming --cacert) and the screen shows the host as a
TLS error; with --cacert the host is trusted and its jobs are listed; a
certificate for another name is refused even with --cacert; with --insecure the
jobs come, a warning is printed, and the screen header carries the
[INSECURE TLS] marker, which a verified run does not show.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bitsim import PASSWORD, USER, Sim, Results  # noqa: E402
from hostile import Tmux, run_bitstop_raw  # noqa: E402

if shutil.which("openssl") is None:
    print("SKIP: openssl is needed")
    sys.exit(77)

BITSTOP = os.environ.get("BITSTOP") or os.path.join(os.environ.get("top_builddir", "."), "bitstop")
TMP = tempfile.TemporaryDirectory(prefix="bitstop-tls-")
R = Results()


def make_cert(name, san):
    """A self-signed certificate and key (PEM files) for the subjectAltName san."""
    cert = os.path.join(TMP.name, name + ".pem")
    key = os.path.join(TMP.name, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", key, "-out", cert, "-subj", "/CN=%s" % name,
                    "-addext", "subjectAltName=%s" % san, "-addext",
                    "basicConstraints=critical,CA:TRUE"],
                   check=True, capture_output=True)
    return cert, key


CERT, KEY = make_cert("localhost", "DNS:localhost,IP:127.0.0.1")
OTHER_CERT, OTHER_KEY = make_cert("other.example", "DNS:other.example")
CONF = os.path.join(TMP.name, "bitstop.conf")
with open(CONF, "w") as f:
    f.write('version = 1;\naudit_log = "%s/audit.log";\n'
            'defaults: { scheme = "https"; auth = "basic"; user = "%s"; timeout = 3; };\n'
            % (TMP.name, USER))
os.chmod(CONF, 0o600)
SIM = Sim(1, jobs=4, seed=8, extra=["--tls-cert", CERT, "--tls-key", KEY])
OTHER = Sim(1, jobs=2, seed=9, extra=["--tls-cert", OTHER_CERT, "--tls-key", OTHER_KEY])
URL = "https://%s/wsman" % SIM.addrs[0]
OTHER_URL = "https://%s/wsman" % OTHER.addrs[0]


def once(*args):
    rc, out, err, _ = run_bitstop_raw(["--once", "--format", "json"] + list(args), CONF, PASSWORD)
    return rc, json.loads(out.decode()), err.decode()


def test_refused_by_default():
    rc, doc, err = once(URL)
    h = doc["hosts"][0]
    assert rc == 1 and h["status"] == "error", h
    assert h["error"]["kind"] == "tls", h["error"]
    msg = h["error"]["message"]
    assert "not trusted" in msg and "--cacert" in msg, "unclear message: %r" % msg
    print("     default: %s" % msg)


def test_accepted_with_cacert():
    rc, doc, err = once("--cacert", CERT, URL)
    h = doc["hosts"][0]
    assert rc == 0 and h["status"] == "ok", h
    assert len(h["jobs"]) == len(SIM.jobs(0))
    assert "not verified" not in err, "a warning without --insecure"


def test_wrong_name_refused_with_cacert():
    rc, doc, err = once("--cacert", OTHER_CERT, OTHER_URL)
    h = doc["hosts"][0]
    assert rc == 1 and h["error"]["kind"] == "tls", h
    # a CA bundle was given: the advice must not be "give the CA with --cacert"
    assert "--cacert" not in h["error"]["message"], h["error"]["message"]
    assert "another name" in h["error"]["message"], h["error"]["message"]
    print("     other name: %s" % h["error"]["message"])


def test_insecure_accepts():
    rc, doc, err = once("--insecure", URL, OTHER_URL)
    assert rc == 0 and all(h["status"] == "ok" for h in doc["hosts"]), doc["hosts"]


def header(tmux):
    return "\n".join(tmux.screen().splitlines()[:2])


def run_tui(args, want):
    """Start bitstop on the screen until `want` shows; returns the Tmux (caller closes)."""
    tmux = Tmux({"HOME": TMP.name, "XDG_STATE_HOME": os.path.join(TMP.name, "state"),
                 "BITSTOP_PASSWORD": PASSWORD})
    tmux.type("%s -c %s -d 1 %s; echo rc=$?" % (BITSTOP, CONF, " ".join(args)))
    if tmux.wait_text(want, 15) is None:
        screen = tmux.screen()
        tmux.close()
        raise AssertionError("%r did not show:\n%s" % (want, screen))
    return tmux


def quit_tui(tmux):
    tmux.keys("q")
    screen = tmux.wait_for(lambda s: re.search(r"rc=\d+", s) is not None, 10)
    assert screen is not None and "rc=0" in screen, "q did not end bitstop with 0"


def test_screen_markers():
    if shutil.which("tmux") is None:
        print("     (skipped: no tmux)")
        return
    tmux = run_tui(["--insecure", URL], "hosts 1 ok")
    try:
        assert "[INSECURE TLS]" in header(tmux), "no insecure marker:\n" + header(tmux)
        quit_tui(tmux)
        assert "not verified" in tmux.screen(), "no warning for --insecure"
    finally:
        tmux.close()
    tmux = run_tui(["--cacert", CERT, URL], "hosts 1 ok")
    try:
        assert "[INSECURE TLS]" not in header(tmux), "insecure marker on a verified run"
        quit_tui(tmux)
    finally:
        tmux.close()
    tmux = run_tui([URL], "failing")
    try:
        tmux.keys("h")
        screen = tmux.wait_text("TLS error", 10)
        assert screen is not None, "the host view does not say TLS error:\n" + tmux.screen()
        assert "not trusted" in screen, "the host view does not say why"
        quit_tui(tmux)
    finally:
        tmux.close()


try:
    for t in [test_refused_by_default, test_accepted_with_cacert, test_wrong_name_refused_with_cacert,
              test_insecure_accepts, test_screen_markers]:
        R.run(t)
finally:
    SIM.close()
    OTHER.close()
    TMP.cleanup()
sys.exit(R.finish())
