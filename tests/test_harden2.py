"""Hardening, second round: what a hostile server, filesystem or command line
must not get out of bitstop (each check names the behaviour it protects).

- redirect_*: a 301/307 with a relative Location over HTTP and HTTPS never
  puts the password (nor user:password@) in stdout (json, tsv, table), stderr,
  --action output or the audit log; the message names the Location as sent.
- delay_range: --delay accepts exactly the config's range.
- readonly_any_spelling: no spelling of a read-only host's URL lets an action through.
- warnings_before_credential_error, netrc_fifo: config and ~/.netrc warnings
  are never lost, and a FIFO as ~/.netrc does not block.
- no_password_in_core_or_environ: not dumpable, $BITSTOP_PASSWORD scrubbed.
- insecure_warns_in_batch: -k warns on stderr in --once and --action.
- term_dumb_refused: TERM=dumb is refused like an unknown terminal.
- empty_user_refused: -u "" is a usage error.
- lost_answer_is_unknown: an action sent without an answer is "unknown" in the audit log.
- jobs_without_or_repeating_ids: --once and the screen agree (dropped / first kept, warned).
- password_command_*: a hanging command is stopped (with its process group) at
  the batch deadline or on SIGTERM, and the message names it.
"""
import json
import os
import shutil
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bitsim import PASSWORD, USER, Sim, Results, write_config  # noqa: E402
from hostile import Hostile, run_bitstop_raw  # noqa: E402
from lowport import bind_low, free_port, tcp_server  # noqa: E402

BITSTOP = os.environ.get("BITSTOP") or os.path.join(os.environ.get("top_builddir", "."), "bitstop")
TMP = tempfile.TemporaryDirectory(prefix="bitstop-harden2-")
R = Results()
SIM = Sim(2, jobs=4, seed=14)


def conf(name, extra="", mode=0o600):
    """A private config in its own directory (its own audit log and HOME)."""
    d = os.path.join(TMP.name, name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "bitstop.conf")
    write_config(path, extra)
    os.chmod(path, mode)
    return path


class Canned:
    """A loopback server answering every request with the same raw bytes
    (optionally over TLS); counts the requests."""

    def __init__(self, reply, tls=None):
        self.reply = reply
        self.count = 0
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                sock = self.request
                sock.settimeout(10)
                try:
                    if tls is not None:
                        sock = tls.wrap_socket(sock, server_side=True)
                    if Hostile._read_request(sock) is None:
                        return
                    outer.count += 1
                    sock.sendall(outer.reply)
                    if tls is not None:
                        sock.unwrap()
                except (OSError, ssl.SSLError):
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.srv = tcp_server(Server, Handler)
        threading.Thread(target=self.srv.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()
        self.port = self.srv.server_address[1]

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def redirect_reply(status, loc=b"/wsman/"):
    reason = {301: b"Moved Permanently", 307: b"Temporary Redirect"}[status]
    body = b"<html>moved</html>"
    return (b"HTTP/1.1 %d %s\r\nLocation: %s\r\nContent-Type: text/html\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
            % (status, reason, loc, len(body), body))


def make_cert():
    cert = os.path.join(TMP.name, "cert.pem")
    key = os.path.join(TMP.name, "cert.key")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-keyout", key, "-out", cert, "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, capture_output=True)
    return cert, key


def assert_no_password(what, *blobs):
    for b in blobs:
        assert PASSWORD.encode() not in b, "%s: the password shows: %r" % (what, b[-400:])
        assert b"@127.0.0.1" not in b, "%s: a URL with userinfo shows: %r" % (what, b[-400:])
        assert b"leaked-userinfo" not in b, "%s: the Location's userinfo shows" % what


def check_redirects(scheme):
    tls = None
    extra_args = []
    if scheme == "https":
        cert, key = make_cert()
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        extra_args = ["--cacert", cert]
    for status in (301, 307):
        with Canned(redirect_reply(status), tls) as srv:
            url = "%s://127.0.0.1:%d/wsman" % (scheme, srv.port)
            c = conf("redir-%s-%d" % (scheme, status))
            audit = os.path.join(os.path.dirname(c), "audit.log")
            for fmt in ("json", "tsv", "table"):
                rc, out, err, _ = run_bitstop_raw(extra_args + ["--once", "--format", fmt, url],
                                                  c, PASSWORD)
                what = "%s %d --once %s" % (scheme, status, fmt)
                assert rc == 1, "%s: exit %d: %r" % (what, rc, err)
                assert_no_password(what, out, err)
                if fmt == "json":
                    msg = json.loads(out)["hosts"][0]["error"]["message"]
                    assert "/wsman/" in msg and "redirect" in msg, "%s: %r" % (what, msg)
            rc, out, err, _ = run_bitstop_raw(extra_args + [
                "--action", "suspend", "--job", "{0BAD0001-1111-4222-8333-000000000001}", url],
                c, PASSWORD)
            assert_no_password("%s %d --action" % (scheme, status), out, err)
            if os.path.exists(audit):
                with open(audit, "rb") as f:
                    assert_no_password("%s %d audit log" % (scheme, status), f.read())
            assert srv.count > 0, "the redirect server was never asked"
        # An absolute Location carrying userinfo of its own: shown without it.
        loc = b"http://someone:leaked-userinfo@127.0.0.9:1/wsman/\x1b[2J"
        with Canned(redirect_reply(status, loc), tls) as srv:
            url = "%s://127.0.0.1:%d/wsman" % (scheme, srv.port)
            rc, out, err, _ = run_bitstop_raw(extra_args + ["--once", "--format", "json", url],
                                              c, PASSWORD)
            assert_no_password("%s %d absolute Location" % (scheme, status), out, err)
            msg = json.loads(out)["hosts"][0]["error"]["message"]
            assert "127.0.0.9:1/wsman/" in msg and "\x1b" not in msg, msg


def test_redirect_http():
    check_redirects("http")


def test_redirect_https():
    if shutil.which("openssl") is None:
        print("     (no openssl: HTTPS part skipped)")
        return
    check_redirects("https")


def test_delay_range():
    """--delay takes the config's and the d prompt's range (0.5 to 86400), with
    the same words; inf, 1e9 and 4294967.3 (past the millisecond counter) are
    usage errors instead of a screen polling every 100 ms."""
    c = conf("delay")
    for bad in ("inf", "-inf", "nan", "1e9", "4294967.3", "86400.5", "0.4", "0x1p-2"):
        rc, out, err, _ = run_bitstop_raw(["--once", "--delay", bad, SIM.url(0)], c)
        assert rc == 2, "--delay %s: exit %d, expected a usage error: %r" % (bad, rc, err)
        assert b"from 0.5 to 86400" in err and bad.encode() in err, err
    for good in ("0.5", "86400", "5"):
        rc, out, err, _ = run_bitstop_raw(["--once", "--delay", good, SIM.url(0)], c)
        assert rc == 0, "--delay %s: exit %d: %r" % (good, rc, err)
    c = conf("refresh", "refresh = 0.1;\n")
    rc, out, err, _ = run_bitstop_raw(["--once", SIM.url(0)], c)
    assert rc == 2 and b"from 0.5 to 86400" in err, (rc, err)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purpose
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def wait_file(path, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return True
        time.sleep(0.05)
    return False


def hanging_command_conf(name):
    """A config whose host's password_command starts a background sleep (its pid
    in a file) and then waits for ever; per-request timeout 1 s."""
    d = os.path.join(TMP.name, name)
    os.makedirs(d, exist_ok=True)
    pidfile = os.path.join(d, "child.pid")
    cmd = "sleep 1000 & echo $! > %s; wait" % pidfile
    c = conf(name, 'groups = ( { name = "g"; hosts = [ "%s" ]; timeout = 1; '
             'password_command = "%s"; } );\n' % (SIM.url(0), cmd))
    return c, pidfile


def kill_leftover(pidfile):
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
        if pid_alive(pid):
            os.kill(pid, 9)
    except (OSError, ValueError):
        pass


def test_password_command_deadline():
    """A password_command that never ends is stopped at --once's and --action's
    deadline (1 s requests: 3 * 1 + 5 = 8 s), its whole process group killed,
    and the message names the command."""
    for mode in (["--once"], ["--action", "suspend", "--job",
                              "{0BAD0001-1111-4222-8333-000000000001}", SIM.url(0)]):
        c, pidfile = hanging_command_conf("hang-" + mode[0].strip("-"))
        try:
            rc, out, err, secs = run_bitstop_raw(mode, c, timeout=40)
            assert rc == 2, "%s: exit %d: %r" % (mode[0], rc, err)
            assert b"timed out" in err and b"sleep 1000" in err, err
            assert secs < 8 + 5, "%s: %.1f s for an 8 s deadline" % (mode[0], secs)
            assert wait_file(pidfile, 1)
            with open(pidfile) as f:
                child = int(f.read())
            end = time.monotonic() + 5
            while pid_alive(child) and time.monotonic() < end:
                time.sleep(0.05)
            assert not pid_alive(child), "%s: the command's child outlived bitstop" % mode[0]
        finally:
            kill_leftover(pidfile)


def test_password_command_sigterm():
    """SIGTERM while a password_command runs ends bitstop at once and takes the
    command's process group with it."""
    c, pidfile = hanging_command_conf("hang-term")
    env = dict(os.environ, HOME=os.path.dirname(c), BITSTOP_PASSWORD="unused")
    p = subprocess.Popen([BITSTOP, "-c", c, "--once"], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_file(pidfile), "the password_command did not start"
        with open(pidfile) as f:
            child = int(f.read())
        p.send_signal(15)
        out, err = p.communicate(timeout=10)
        assert p.returncode == -15 or p.returncode == 143, (p.returncode, err)
        end = time.monotonic() + 5
        while pid_alive(child) and time.monotonic() < end:
            time.sleep(0.05)
        assert not pid_alive(child), "SIGTERM left the password_command's child running"
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        kill_leftover(pidfile)


def test_readonly_any_spelling():
    """A host read-only in the config stays read-only when --action names it in
    another spelling (final slash, upper case, bare name:port, 127.1): no action
    is sent, and the job keeps its state."""
    addr, port = SIM.addrs[1].rsplit(":", 1)
    c = conf("readonly", 'groups = ( { name = "ro"; hosts = [ "%s" ]; readonly = true; } );\n'
             % SIM.addrs[1])
    job = sorted(SIM.jobs(1))[0]
    before = SIM.jobs(1)[job]["state"]
    for spelling in ("http://%s:%s/wsman/" % (addr, port), "HTTP://%s:%s/WSMAN" % (addr, port),
                     "%s:%s" % (addr, port), "http://127.1:%s/wsman" % port,
                     "http://%s:%s/wsman" % (addr, port)):
        rc, out, err, _ = run_bitstop_raw(["--action", "suspend", "--job", job, spelling], c)
        assert rc == 2 and b"read-only" in err, "%s: exit %d: %r" % (spelling, rc, err)
    assert SIM.jobs(1)[job]["state"] == before, "an action reached the read-only host"
    # --once lists the host once, however often it is named
    rc, out, err, _ = run_bitstop_raw(["--once", "--format", "json",
                                       "http://%s:%s/wsman/" % (addr, port)], c)
    assert rc == 0 and len(json.loads(out)["hosts"]) == 1, (rc, out[:300], err)


def no_password_run(name, netrc=None, fifo=False, extra=""):
    """--once on a basic-auth host with no password source (no $BITSTOP_PASSWORD,
    no terminal); ~/.netrc as given."""
    c = conf(name, extra)
    home = os.path.dirname(c)
    if fifo:
        os.mkfifo(os.path.join(home, ".netrc"), 0o600)
    elif netrc is not None:
        with open(os.path.join(home, ".netrc"), "w") as f:
            f.write(netrc)
        os.chmod(os.path.join(home, ".netrc"), 0o644)
    env = dict(os.environ, HOME=home, XDG_STATE_HOME=os.path.join(home, "state"))
    env.pop("BITSTOP_PASSWORD", None)
    env.pop("BITSTOP_CONFIG", None)
    t0 = time.monotonic()
    p = subprocess.run([BITSTOP, "-c", c, "--once", SIM.url(0)], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    return p.returncode, p.stderr.decode("utf-8", "replace"), time.monotonic() - t0


def test_warnings_before_credential_error():
    """Config warnings (an unknown key 'pasword', a 0644 ~/.netrc) are printed
    even when the credential lookup then fails."""
    rc, err, _ = no_password_run("warn", "machine 127.0.0.1 login tester password x\n",
                                 extra='pasword = "x";\n')
    assert rc == 2 and "no password" in err, (rc, err)
    assert "unknown key 'pasword'" in err, "the unknown key's warning was lost: %r" % err
    assert ".netrc: permissions 0644" in err, "the .netrc warning was lost: %r" % err
    assert err.index("warning") < err.index("no password"), err


def test_netrc_fifo():
    """A FIFO as ~/.netrc does not block --once: it is skipped with a warning."""
    rc, err, secs = no_password_run("netrc-fifo", fifo=True)
    assert rc == 2 and "no password" in err, (rc, err)
    assert ".netrc: not a regular file" in err, err
    assert secs < 10, secs


def silent_server():
    """A listener that reads a request and never answers (closed on exit)."""
    srv = socket.socket()
    bind_low(srv)
    srv.listen(8)
    conns = []
    stop = threading.Event()

    def loop():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                c, _ = srv.accept()
                conns.append(c)
            except OSError:
                pass

    threading.Thread(target=loop, daemon=True).start()

    def close():
        stop.set()
        for c in conns:
            c.close()
        srv.close()
    return srv.getsockname()[1], conns, close


def test_no_password_in_core_or_environ():
    """Once passwords are read, bitstop is not dumpable (its /proc files turn
    root-owned, so no core and no ptrace by the user), and $BITSTOP_PASSWORD is
    gone from /proc/PID/environ; BITSTOP_ALLOW_CORE=1 keeps it dumpable."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        print("     (needs root and setpriv to run bitstop as another user: skipped)")
        return
    port, conns, close = silent_server()
    d = tempfile.mkdtemp(prefix="dump-", dir=TMP.name)
    os.chmod(TMP.name, 0o755)
    os.chmod(d, 0o755)
    c = os.path.join(d, "bitstop.conf")
    write_config(c)
    os.chown(c, 65534, 65534)
    try:
        for allow, want_uid in ((None, 0), ("1", 65534)):
            env = {"PATH": "/usr/bin:/bin", "HOME": d, "BITSTOP_PASSWORD": PASSWORD}
            if allow:
                env["BITSTOP_ALLOW_CORE"] = allow
            n = len(conns)
            p = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                  BITSTOP, "-c", c, "--once", "http://127.0.0.1:%d/wsman" % port],
                                 env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
            try:
                end = time.monotonic() + 15
                while len(conns) == n and time.monotonic() < end and p.poll() is None:
                    time.sleep(0.05)
                assert len(conns) > n, "bitstop never connected: %r" % (p.communicate()[1],)
                with open("/proc/%d/environ" % p.pid, "rb") as f:
                    environ = f.read()
                uid = os.stat("/proc/%d/environ" % p.pid).st_uid
            finally:
                p.kill()
                p.wait()
            assert PASSWORD.encode() not in environ, "the password is still in /proc/PID/environ"
            assert uid == want_uid, "BITSTOP_ALLOW_CORE=%s: /proc/PID owned by %d, expected %d " \
                "(dumpable flag)" % (allow, uid, want_uid)
    finally:
        close()


def test_insecure_warns_in_batch():
    """-k prints its warning on stderr in --once (every format) and --action too,
    once, and JSON on stdout stays clean."""
    if shutil.which("openssl") is None:
        print("     (no openssl: skipped)")
        return
    cert, key = make_cert()
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    c = conf("insecure")
    with Canned(redirect_reply(307), tls) as srv:
        url = "https://127.0.0.1:%d/wsman" % srv.port
        for args in (["--once", "--format", "json"], ["--once", "--format", "tsv"],
                     ["--action", "resume", "--job", "{0BAD0001-1111-4222-8333-000000000001}"]):
            rc, out, err, _ = run_bitstop_raw(["-k"] + args + [url], c)
            assert err.count(b"not verified") == 1, "%s: %r" % (args[0], err)
            if "json" in args:
                json.loads(out)
        rc, out, err, _ = run_bitstop_raw(["--cacert", cert, "--once", url], c)
        assert b"not verified" not in err, err


def run_on_pty(args, term, c, seconds=10):
    """bitstop on a new pseudo-terminal with TERM=term: (exit code or None if it
    was still running after seconds, everything it wrote)."""
    import pty
    master, slave = pty.openpty()
    env = dict(os.environ, TERM=term, HOME=os.path.dirname(c), BITSTOP_PASSWORD=PASSWORD)
    env.pop("BITSTOP_CONFIG", None)
    p = subprocess.Popen([BITSTOP, "-c", c] + args, env=env, stdin=slave, stdout=slave,
                         stderr=slave, start_new_session=True)
    os.close(slave)
    out = b""
    end = time.monotonic() + seconds
    rc = None
    try:
        while time.monotonic() < end:
            import select
            r, _, _ = select.select([master], [], [], 0.1)
            if r:
                try:
                    out += os.read(master, 65536)
                except OSError:
                    pass
            if p.poll() is not None:
                rc = p.returncode
                break
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        os.close(master)
    return rc, out


def test_term_dumb_refused():
    """TERM=dumb (a terminal that cannot move the cursor) is refused with a
    message, as an unknown terminal type is, instead of drawing garbage."""
    c = conf("dumb")
    for term in ("dumb", "no-such-terminal-x"):
        rc, out = run_on_pty([SIM.url(0)], term, c)
        assert rc is not None, "TERM=%s: the screen started (%r)" % (term, out[-200:])
        assert rc != 0 and b"terminal type '%s'" % term.encode() in out, (term, rc, out)


def test_empty_user_refused():
    """-u "" is a usage error, not an empty user name sent to the hosts."""
    c = conf("empty-user")
    for args in (["-u", ""], ["--user="]):
        rc, out, err, _ = run_bitstop_raw(args + ["--once", SIM.url(0)], c)
        assert rc == 2 and b"user name is empty" in err, (args, rc, err)


class Swallow:
    """A BITS host that lists one job and reads each SetJobState without ever
    answering it (the answer is lost); closes the connection after `hold` s."""

    JOB = "{0BAD0001-1111-4222-8333-000000000001}"

    def __init__(self, hold):
        from hostile import envelope, enum_response, http_head, job_xml, SOAP_CT
        outer = self
        self.count = 0

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                sock = self.request
                sock.settimeout(10)
                try:
                    req = Hostile._read_request(sock)
                    if req is None:
                        return
                    if "SetJobState" in req.action:
                        outer.count += 1
                        time.sleep(hold)
                        return
                    body = enum_response(req.message_id, job_xml(1))
                    sock.sendall(http_head(200, SOAP_CT, len(body)) + body)
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.srv = tcp_server(Server, Handler)
        threading.Thread(target=self.srv.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()
        self.url = "http://127.0.0.1:%d/wsman" % self.srv.server_address[1]

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


def outcomes(audit):
    with open(audit) as f:
        return [json.loads(ln) for ln in f if '"outcome"' in ln]


def test_lost_answer_is_unknown():
    """An action whose request left but whose answer was lost (the connection
    closed, or no answer in time) is logged as result "unknown", and shown so;
    one that never left (connection refused) stays "error"."""
    for hold in (0.0, 5.0):
        c = conf("lost-%d" % hold)
        audit = os.path.join(os.path.dirname(c), "audit.log")
        s = Swallow(hold)
        try:
            rc, out, err, _ = run_bitstop_raw(["--action", "suspend", "--job", Swallow.JOB,
                                               s.url], c)
        finally:
            s.close()
        assert s.count == 1, "the request did not arrive (%d)" % s.count
        assert rc == 1, (rc, err)
        res = outcomes(audit)
        assert len(res) == 1 and res[0]["result"] == "unknown", res
        assert b"\tunknown\t" in out, out
    port = free_port()   # nothing listens there: refused
    c = conf("lost-refused")
    rc, out, err, _ = run_bitstop_raw(["--action", "suspend", "--job", Swallow.JOB,
                                       "http://127.0.0.1:%d/wsman" % port], c)
    res = outcomes(os.path.join(os.path.dirname(c), "audit.log"))
    assert len(res) == 1 and res[0]["result"] == "error", res


class Listing:
    """A BITS host whose every Enumerate lists: job 1 "first-of-two", a job
    without a JobId "no-id-job", job 1 again "second-of-two", job 3 "third-job"."""

    def __init__(self):
        from hostile import enum_response, http_head, job_xml, envelope, \
            RELEASE_RESPONSE, SOAP_CT
        import re as _re
        noid = _re.sub(rb"<p:JobId>[^<]*</p:JobId>", b"", job_xml(2, "no-id-job"))
        items = job_xml(1, "first-of-two") + noid + job_xml(1, "second-of-two") + \
            job_xml(3, "third-job")

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                sock = self.request
                sock.settimeout(10)
                try:
                    req = Hostile._read_request(sock)
                    if req is None:
                        return
                    if "Release" in req.action:
                        body = envelope(RELEASE_RESPONSE, req.message_id, b"")
                    else:
                        body = enum_response(req.message_id, items)
                    sock.sendall(http_head(200, SOAP_CT, len(body)) + body)
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.srv = tcp_server(Server, Handler)
        threading.Thread(target=self.srv.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()
        self.addr = "127.0.0.1:%d" % self.srv.server_address[1]
        self.url = "http://%s/wsman" % self.addr

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


def test_jobs_without_or_repeating_ids():
    """--once and the screen show the same jobs when a host lists one without a
    JobId (dropped) or a JobId twice (the first kept), each with a host warning."""
    from hostile import Tmux
    srv = Listing()
    c = conf("ids")
    try:
        for fmt in ("json", "tsv", "table"):
            rc, out, err, _ = run_bitstop_raw(["--once", "--format", fmt, srv.url], c)
            assert rc == 0, (fmt, rc, err)
            text = out.decode()
            assert "first-of-two" in text and "third-job" in text, (fmt, text)
            assert "second-of-two" not in text and "no-id-job" not in text, (fmt, text)
            assert b"1 job without a JobId and 1 repeated JobId ignored" in err, (fmt, err)
        doc = json.loads(run_bitstop_raw(["--once", "--format", "json", srv.url], c)[1])
        assert [j["name"] for j in doc["hosts"][0]["jobs"]] == ["first-of-two", "third-job"]
        if shutil.which("tmux") is None:
            print("     (no tmux: the screen half skipped)")
            return
        tmux = Tmux({"HOME": os.path.dirname(c), "BITSTOP_PASSWORD": PASSWORD})
        try:
            tmux.type("%s -c %s %s; echo rc=$?" % (BITSTOP, c, srv.url))
            screen = tmux.wait_for(lambda s: "first-of-two" in s and "third-job" in s, 20)
            assert screen is not None, "the jobs did not show:\n" + tmux.screen()
            assert "second-of-two" not in screen and "no-id-job" not in screen, screen
            tmux.keys("h")
            screen = tmux.wait_text("repeated JobId", 10)
            assert screen is not None, "no host warning in the host view:\n" + tmux.screen()
            tmux.keys("q")
            assert tmux.wait_text("rc=0", 10) is not None, tmux.screen()
        finally:
            tmux.close()
    finally:
        srv.close()


TESTS = [test_redirect_http, test_redirect_https, test_delay_range,
         test_password_command_deadline, test_password_command_sigterm,
         test_readonly_any_spelling, test_warnings_before_credential_error, test_netrc_fifo,
         test_no_password_in_core_or_environ, test_insecure_warns_in_batch,
         test_term_dumb_refused, test_empty_user_refused,
         test_lost_answer_is_unknown, test_jobs_without_or_repeating_ids]

if __name__ == "__main__":
    try:
        only = sys.argv[1:]
        for t in TESTS:
            if not only or t.__name__ in only:
                R.run(t)
    finally:
        SIM.close()
        TMP.cleanup()
    sys.exit(R.finish())
