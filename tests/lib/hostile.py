"""A hostile WinRM server on loopback, for the hardening tests.

Each case listens on its own port of 127.0.0.1 (chosen by the kernel) and
answers every POST with its one hostile reply, built here byte by byte so that
nothing (no HTTP library) cleans it up on the way. Cases that carry jobs answer
an Enumerate with a complete EnumerateResponse (RelatesTo echoes the request's
MessageID), so that the client's parser and screen get to see the jobs.

    with Hostile(["html", "trickle"]) as h:
        url = h.url("html")          # http://127.0.0.1:PORT/wsman
        h.requests("html")           # [(request line, {header: value}), ...]

The "redirect" case sends 302 to a sink on localhost (another name and port) that
records every request it gets; "xxe" points an external entity at a regular
file and at a FIFO, and h.fifo_was_opened() tells whether anything opened the
FIFO for reading (the file must never be read).
"""
import os
import re
import socket
import socketserver
import struct
import tempfile
import threading
import time

from lowport import tcp_server

NS_JOB = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientJob"
NS_FILE = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientFile"
ENUM_RESPONSE = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/EnumerateResponse"
RELEASE_RESPONSE = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/ReleaseResponse"
FAULT_ACTION = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"

# Text a terminal would act on, in the forms XML 1.0 lets through: C1 controls
# (CSI, OSC ... ST, NEL) as UTF-8, DEL, bidi overrides, zero-width and
# non-characters, tab, CR and LF. The OSC would set the window title to "pwned".
EVIL_C1 = ("\u009b2J\u009d0;pwned\u009c\u009b31mRED\u0085\u007f"
           "\u202eRTL\u200b\ufeff\t\r\nEND")
# The raw ESC and BEL forms (not XML 1.0: a strict parser must refuse them).
EVIL_RAW = b"\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x1b[0m"
# A job name the checks can find on a screen once sanitized.
MARK = "HOSTILE"
# What the external entity points at; it must never show anywhere.
SECRET = "xxe-secret-7d1c0b"

U64_UNKNOWN = 18446744073709551615


def esc(s):
    """XML-escape text (keeping every other character as it is)."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def job_xml(i, name=None, owner="NT AUTHORITY\\SYSTEM", remote="https://srv.example/f.bin",
            local="C:\\t\\f.bin", desc="", raw_name=None):
    """One BitsClientJob instance as Windows renders it (bytes)."""
    jid = "{%08X-1111-4222-8333-%012X}" % (0x0BAD0000 + i, i)
    name_b = raw_name if raw_name is not None else esc(name if name is not None
                                                        else "job %d" % i).encode()
    created = 133444736000000000 + i * 10000000
    parts = [
        b'<p:BitsClientJob xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xmlns:p="' + NS_JOB.encode() + b'" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" '
        b'xsi:type="p:BitsClientJob_Type">',
        b"<p:BytesTotal>1048576</p:BytesTotal><p:BytesTransferred>524288</p:BytesTransferred>",
        b"<p:Description>" + esc(desc).encode() + b"</p:Description>",
        b"<p:DisplayName>" + name_b + b"</p:DisplayName>",
        b'<p:Files xsi:type="q:BitsClientFile_Type" xmlns:q="' + NS_FILE.encode() + b'">'
        b"<q:BytesTotal>1048576</q:BytesTotal><q:BytesTransferred>524288</q:BytesTransferred>"
        b"<q:Completed>false</q:Completed><q:LocalFile>" + esc(local).encode() +
        b"</q:LocalFile><q:RemoteUrl>" + esc(remote).encode() + b"</q:RemoteUrl></p:Files>",
        b"<p:FilesTotal>1</p:FilesTotal><p:FilesTransferred>0</p:FilesTransferred>",
        b"<p:JobCompletionTime>0</p:JobCompletionTime>",
        b"<p:JobCreationTime>%d</p:JobCreationTime>" % created,
        b"<p:JobId>" + jid.encode() + b"</p:JobId>",
        b"<p:JobLastModificationTime>%d</p:JobLastModificationTime>" % created,
        b"<p:MinimumRetryDelay>600</p:MinimumRetryDelay>"
        b"<p:NoProgressTimeout>1209600</p:NoProgressTimeout>",
        b"<p:Owner>" + esc(owner).encode() + b"</p:Owner>",
        b"<p:Priority>2</p:Priority><p:State>2</p:State>"
        b"<p:TransientErrorCount>0</p:TransientErrorCount></p:BitsClientJob>",
    ]
    return b"".join(parts)


def envelope(action, relates_to, body, prolog=b"", version=None):
    """A SOAP envelope in Windows' shape around body (bytes)."""
    decl = b'<?xml version="%s" encoding="UTF-8"?>' % version.encode() if version else b""
    return (decl + prolog +
            b'<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            b'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
            b'xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" '
            b'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header>'
            b"<a:Action>" + action.encode() + b"</a:Action>"
            b"<a:MessageID>uuid:0BAD0BAD-0000-4000-8000-000000000001</a:MessageID>"
            b"<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>"
            b"<a:RelatesTo>" + relates_to.encode() + b"</a:RelatesTo></s:Header>"
            b"<s:Body>" + body + b"</s:Body></s:Envelope>")


def enum_response(relates_to, items, prolog=b"", version=None):
    """A complete EnumerateResponse (empty context, w:EndOfSequence) with these items."""
    return envelope(ENUM_RESPONSE, relates_to,
                    b"<n:EnumerateResponse><n:EnumerationContext></n:EnumerationContext>"
                    b"<w:Items>" + items + b"</w:Items><w:EndOfSequence/></n:EnumerateResponse>",
                    prolog, version)


def http_head(status, ctype, length, extra=b""):
    """Status line and headers (bytes); length None leaves Content-Length out."""
    reason = {200: b"OK", 302: b"Found", 500: b"Internal Server Error"}.get(status, b"Other")
    h = b"HTTP/1.1 %d %s\r\nServer: Microsoft-HTTPAPI/2.0\r\n" % (status, reason)
    if ctype is not None:
        h += b"Content-Type: " + ctype + b"\r\n"
    if length is not None:
        h += b"Content-Length: %d\r\n" % length
    return h + extra + b"Connection: close\r\n\r\n"


SOAP_CT = b"application/soap+xml;charset=UTF-8"


class Request:
    """One request as the handler read it."""

    def __init__(self, line, headers, body):
        self.line = line
        self.headers = headers
        self.body = body
        m = re.search(rb"MessageID[^>]*>\s*([^<\s]+)", body)
        self.message_id = m.group(1).decode("ascii", "replace") if m else "uuid:none"
        m = re.search(rb"Action[^>]*>\s*([^<\s]+)", body)
        self.action = m.group(1).decode("ascii", "replace") if m else ""


class Hostile:
    """One listener per hostile case; see the module comment."""

    # Every case and what a client must make of it: "ok" (the jobs are shown,
    # sanitized) or the error.kind values allowed, and a word of the message.
    CASES = {
        "billion-laughs": (("protocol",), "DOCTYPE"),
        "xxe": (("protocol",), "DOCTYPE"),
        "huge": (("protocol",), "larger than"),
        "trickle": (("timeout",), "no answer in time"),
        "cut": (("protocol", "connect"), ""),
        "invalid-utf8": (("protocol",), "malformed XML"),
        "bad-encoding": (("protocol",), ""),
        "raw-escapes": (("protocol",), "malformed XML"),
        "xml11-escapes": (("ok", "protocol"), ""),
        "controls": (("ok",), ""),
        "fault-text": (("fault", "access-denied"), ""),
        "long-name": (("ok",), ""),
        "many-jobs": (("ok",), ""),
        "deep": (("protocol",), "malformed XML"),
        "html": (("protocol",), "text/html"),
        "wrong-type": (("protocol",), "Content-Type"),
        "reset": (("connect", "protocol"), ""),
        "redirect": (("http",), "redirect"),
        # Malformed HTTP itself (issue 14): a protocol error, not a failed connection.
        "bad-chunk": (("protocol",), "malformed HTTP"),
        "negative-length": (("protocol",), "malformed HTTP"),
        "huge-headers": (("protocol",), "malformed HTTP"),
        "http09": (("protocol",), "malformed HTTP"),
    }

    def __init__(self, cases=None):
        self.cases = list(cases if cases is not None else self.CASES)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.log = {c: [] for c in self.cases}
        self.log["sink"] = []
        self.dir = tempfile.TemporaryDirectory(prefix="hostile-")
        self.secret_file = os.path.join(self.dir.name, "secret.txt")
        with open(self.secret_file, "w") as f:
            f.write(SECRET + "\n")
        self.fifo = os.path.join(self.dir.name, "secret.fifo")
        os.mkfifo(self.fifo, 0o600)
        self.fifo_opened = False
        self.servers = {}
        self.threads = []
        # The sink of the redirect: another host name (localhost; test servers
        # use no address but 127.0.0.1), another port.
        self.sink_name = "localhost"
        self.servers["sink"] = self._serve("sink", "127.0.0.1")
        for c in self.cases:
            self.servers[c] = self._serve(c, "127.0.0.1")
        t = threading.Thread(target=self._watch_fifo, daemon=True)
        t.start()
        self.threads.append(t)

    def _serve(self, case, addr):
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                outer._handle(case, self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        srv = tcp_server(Server, Handler, addr)
        t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        t.start()
        self.threads.append(t)
        return srv

    def url(self, case):
        addr, port = self.servers[case].server_address
        return "http://%s:%d/wsman" % (addr, port)

    def addr(self, case):
        addr, port = self.servers[case].server_address
        return "%s:%d" % (addr, port)

    def requests(self, case):
        with self.lock:
            return list(self.log[case])

    def fifo_was_opened(self):
        return self.fifo_opened

    def _watch_fifo(self):
        """Notice any reader of the FIFO (opening it for writing succeeds only then)."""
        while not self.stop.is_set():
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.02)
                continue
            self.fifo_opened = True
            try:
                os.write(fd, b"fifo-" + SECRET.encode() + b"\n")
            except OSError:
                pass
            os.close(fd)
            time.sleep(0.02)

    @staticmethod
    def _read_request(sock):
        """Read one HTTP request; None when the client went away."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
            if len(data) > 1 << 20:
                return None
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        headers = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(b":")
            headers[k.strip().decode("latin-1").lower()] = v.strip().decode("latin-1")
        n = int(headers.get("content-length", "0") or 0)
        while len(rest) < n:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        return Request(lines[0].decode("latin-1"), headers, rest[:n])

    def _handle(self, case, sock):
        sock.settimeout(30)
        try:
            req = self._read_request(sock)
            if req is None:
                return
            with self.lock:
                self.log[case].append(req)
            getattr(self, "_case_" + case.replace("-", "_"))(sock, req)
        except OSError:
            pass

    # --- the cases -------------------------------------------------------

    def _send(self, sock, body, status=200, ctype=SOAP_CT, extra=b""):
        sock.sendall(http_head(status, ctype, len(body), extra) + body)

    def _case_sink(self, sock, req):
        self._send(sock, enum_response(req.message_id, job_xml(1, "sink job")))

    def _reply_jobs(self, sock, req, items, **kw):
        if "Release" in req.action:
            body = envelope(RELEASE_RESPONSE, req.message_id, b"")
        else:
            body = enum_response(req.message_id, items, **kw)
        self._send(sock, body)

    def _case_billion_laughs(self, sock, req):
        ents = [b'<!ENTITY l0 "lollollollollollollollollollol">']
        for i in range(1, 10):
            ents.append(b'<!ENTITY l%d "%s">' % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10))))
        prolog = b"<!DOCTYPE s:Envelope [" + b"".join(ents) + b"]>"
        self._send(sock, enum_response(req.message_id, job_xml(1, raw_name=b"&l9;"), prolog=prolog))

    def _case_xxe(self, sock, req):
        prolog = (b'<!DOCTYPE s:Envelope [<!ENTITY f SYSTEM "file://' + self.secret_file.encode() +
                  b'"><!ENTITY p SYSTEM "file://' + self.fifo.encode() + b'">]>')
        self._send(sock, enum_response(req.message_id, job_xml(1, raw_name=b"&f;&p;"),
                                       prolog=prolog))

    def _case_huge(self, sock, req):
        total = 100 * 1024 * 1024
        start = enum_response(req.message_id, job_xml(1))
        start = start[:start.index(b"<w:Items>") + len(b"<w:Items>")]
        sock.sendall(http_head(200, SOAP_CT, total) + start)
        sent = len(start)
        chunk = b"<x/>" * (256 * 1024)
        while sent < total and not self.stop.is_set():
            n = min(len(chunk), total - sent)
            sock.sendall(chunk[:n])
            sent += n

    def _case_trickle(self, sock, req):
        body = enum_response(req.message_id, job_xml(1, "trickled"))
        sock.sendall(http_head(200, SOAP_CT, len(body)))
        for i in range(len(body)):
            if self.stop.wait(1.0):
                return
            sock.sendall(body[i:i + 1])

    def _case_cut(self, sock, req):
        body = enum_response(req.message_id, job_xml(1, "cut"))
        sock.sendall(http_head(200, SOAP_CT, len(body)) + body[:len(body) // 2])
        sock.shutdown(socket.SHUT_RDWR)

    def _case_reset(self, sock, req):
        body = enum_response(req.message_id, job_xml(1, "reset"))
        sock.sendall(http_head(200, SOAP_CT, len(body)) + body[:len(body) // 2])
        time.sleep(0.05)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()

    def _case_invalid_utf8(self, sock, req):
        name = b"bad \xff\xfe \xc0\xaf \xed\xa0\x80 \xc3"
        self._reply_jobs(sock, req, job_xml(1, raw_name=name))

    def _case_bad_encoding(self, sock, req):
        # Declared EUC-JP with bytes that do not convert: libxml2 must not print.
        body = enum_response(req.message_id, job_xml(1, raw_name=b"\xff\xfe\x8f bad"))
        body = b'<?xml version="1.0" encoding="EUC-JP"?>' + body
        self._send(sock, body, ctype=b"application/soap+xml;charset=EUC-JP")

    def _case_raw_escapes(self, sock, req):
        self._reply_jobs(sock, req, job_xml(1, raw_name=MARK.encode() + EVIL_RAW))

    def _case_xml11_escapes(self, sock, req):
        # XML 1.1 allows C0 controls as character references.
        name = MARK.encode() + b"&#x1b;]0;pwned&#x7;&#x1b;[2J&#x1b;[31mRED"
        self._reply_jobs(sock, req, job_xml(1, raw_name=name), version="1.1")

    def _case_controls(self, sock, req):
        items = job_xml(1, name=MARK + EVIL_C1, owner="OWN" + EVIL_C1,
                        remote="http://x/" + EVIL_C1, local="C:\\" + EVIL_C1, desc=EVIL_C1)
        self._reply_jobs(sock, req, items)

    def _case_fault_text(self, sock, req):
        text = esc("Access is denied." + EVIL_C1).encode()
        body = envelope(FAULT_ACTION, req.message_id,
                        b"<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode>"
                        b"<s:Value>w:InternalError</s:Value></s:Subcode></s:Code><s:Reason>"
                        b'<s:Text xml:lang="en-US">' + text + b"</s:Text></s:Reason><s:Detail>"
                        b'<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" '
                        b'Code="2147942405" Machine="' + esc("SIM" + EVIL_C1).encode().replace(b'"', b"") +
                        b'"><f:Message>' + text + b"</f:Message></f:WSManFault></s:Detail></s:Fault>")
        self._send(sock, body, status=500)

    def _case_long_name(self, sock, req):
        self._reply_jobs(sock, req, job_xml(1, name=MARK + "L" * 10000))

    def _case_many_jobs(self, sock, req):
        self._reply_jobs(sock, req, b"".join(job_xml(i, "bulk %05d" % i) for i in range(10000)))

    def _case_deep(self, sock, req):
        deep = b"<x>" * 10000 + b"</x>" * 10000
        self._reply_jobs(sock, req, job_xml(1, raw_name=deep))

    def _case_html(self, sock, req):
        body = (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>"
                b"<h1>Welcome \x1b[5m</h1><form method=post></form></body></html>\n")
        self._send(sock, body, ctype=b"text/html; charset=utf-8")

    def _case_wrong_type(self, sock, req):
        body = enum_response(req.message_id, job_xml(1, "wrong type"))
        self._send(sock, body, ctype=b"application/json\x1b]0;pwned\x07\x1b[2J")

    def _case_redirect(self, sock, req):
        loc = ("http://%s:%d/wsman" % (self.sink_name,
                                       self.servers["sink"].server_address[1])).encode()
        self._send(sock, b"<html>moved</html>", status=302, ctype=b"text/html",
                   extra=b"Location: " + loc + b"\r\n")

    def _case_bad_chunk(self, sock, req):
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: " + SOAP_CT + b"\r\n"
                     b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                     b"ZZZZ-not-hex\r\n<s:Envelope/>\r\n0\r\n\r\n")

    def _case_negative_length(self, sock, req):
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: " + SOAP_CT + b"\r\n"
                     b"Content-Length: -5\r\nConnection: close\r\n\r\n<s:Envelope/>")

    def _case_huge_headers(self, sock, req):
        pad = b"X-Pad: " + b"a" * 1000 + b"\r\n"
        body = enum_response(req.message_id, job_xml(1, "behind headers"))
        sock.sendall(b"HTTP/1.1 200 OK\r\n" + pad * 300 + http_head(200, SOAP_CT, len(body))
                     .split(b"\r\n", 1)[1] + body)

    def _case_http09(self, sock, req):
        # No status line at all: HTTP/0.9, which a client must not take for an answer.
        sock.sendall(b"<html>no status line</html>\n")

    def close(self):
        self.stop.set()
        for srv in self.servers.values():
            srv.shutdown()
            srv.server_close()
        self.dir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def bad_bytes(data):
    """Describe the first byte sequence in data that must never reach a terminal
    or a TSV/JSON reader (C0 controls other than tab and newline, DEL, C1 controls
    in UTF-8, invalid UTF-8), or return None."""
    try:
        text = data.decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        return "invalid UTF-8 at byte %d: %r" % (e.start, data[max(0, e.start - 20):e.start + 20])
    for i, ch in enumerate(text):
        o = ord(ch)
        if (o < 0x20 and ch not in "\t\n") or o == 0x7f or 0x80 <= o <= 0x9f:
            return "control U+%04X at %d: %r" % (o, i, text[max(0, i - 30):i + 30])
    return None


def run_bitstop_raw(args, config, password="s3cret-Pa55", timeout=60, env_extra=None):
    """Run bitstop like bitsim.run_bitstop but keep stdout and stderr as bytes:
    (exit code, stdout, stderr, seconds)."""
    import subprocess
    bitstop = os.environ.get("BITSTOP") or os.path.join(os.environ.get("top_builddir", "."),
                                                         "bitstop")
    env = dict(os.environ)
    env["BITSTOP_PASSWORD"] = password
    env["HOME"] = os.path.dirname(config)
    env["XDG_STATE_HOME"] = os.path.join(os.path.dirname(config), "state")
    env.pop("BITSTOP_CONFIG", None)
    if env_extra:
        env.update(env_extra)
    t0 = time.monotonic()
    p = subprocess.run([bitstop, "-c", config] + list(args), env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


SGR = re.compile(rb"\x1b\[[0-9;:]*m")


class Tmux:
    """A private tmux server (its own -L socket) with one 200x50 pane running sh,
    for driving bitstop's screen from the tests."""

    count = 0

    def __init__(self, env, width=200, height=50):
        Tmux.count += 1
        self.sock = "bitstop-hard-%d-%d" % (os.getpid(), Tmux.count)
        envs = " ".join("%s='%s'" % (k, v) for k, v in sorted(env.items()))
        self.tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height),
                  "env -i PATH=/usr/bin:/bin TERM=xterm-256color LANG=C.UTF-8 PS1='$ ' %s sh" % envs)

    def tmux(self, *args):
        import subprocess
        p = subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"] + list(args),
                           capture_output=True, timeout=20)
        return p.stdout

    def type(self, text):
        """Type text and press Enter in the pane."""
        self.tmux("send-keys", "-t", "t", "-l", text)
        self.tmux("send-keys", "-t", "t", "Enter")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "t", *keys)

    def screen(self):
        """The visible text (str)."""
        return self.tmux("capture-pane", "-p", "-t", "t").decode("utf-8", "replace")

    def raw_screen(self):
        """The visible cells with their attributes as escapes, tmux's SGR removed (bytes):
        anything else there came from the program."""
        return SGR.sub(b"", self.tmux("capture-pane", "-p", "-e", "-t", "t"))

    def title(self):
        return self.tmux("display-message", "-p", "-t", "t", "#{pane_title}").decode().strip()

    def pane_pid(self):
        return int(self.tmux("display-message", "-p", "-t", "t", "#{pane_pid}").decode().strip())

    def wait_for(self, pred, timeout=10.0):
        """Wait until pred(screen text) is true; the last screen, or None on timeout."""
        end = time.monotonic() + timeout
        while True:
            s = self.screen()
            if pred(s):
                return s
            if time.monotonic() > end:
                return None
            time.sleep(0.1)

    def wait_text(self, text, timeout=10.0):
        return self.wait_for(lambda s: text in s, timeout)

    def close(self):
        self.tmux("kill-server")


SETJOBSTATE_RESPONSE = NS_JOB + "/SetJobStateResponse"


class BitsHosts:
    """Well-behaved BITS hosts that log every SetJobState: when it arrived, and
    when its answer had been sent. Each answer waits `delay` seconds, so that a
    bulk action is still running when a test interrupts the client.

        with BitsHosts(3, jobs=20, delay=0.2) as b:
            b.url(0); b.jobs(0)         # job ids still queued on host 0
            b.log                       # [(host, job, state, t_arrived, t_answered)]
    """

    def __init__(self, hosts, jobs=20, delay=0.2):
        self.delay = delay
        self.lock = threading.Lock()
        self.log = []
        self.stop = threading.Event()
        self.queues = [["{%08X-2222-4333-8444-%012X}" % (0x5E000000 + h, i) for i in range(jobs)]
                       for h in range(hosts)]
        self.servers = []
        for h in range(hosts):
            outer, host = self, h

            class Handler(socketserver.BaseRequestHandler):
                def handle(self):
                    outer._handle(host, self.request)

            class Server(socketserver.ThreadingTCPServer):
                daemon_threads = True
                allow_reuse_address = True

            srv = tcp_server(Server, Handler)
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                             daemon=True).start()
            self.servers.append(srv)

    def url(self, h):
        return "http://127.0.0.1:%d/wsman" % self.servers[h].server_address[1]

    def jobs(self, h):
        with self.lock:
            return list(self.queues[h])

    def entries(self):
        with self.lock:
            return list(self.log)

    def _handle(self, host, sock):
        sock.settimeout(30)
        try:
            req = Hostile._read_request(sock)
            if req is None:
                return
            if "SetJobState" in req.action:
                self._set_state(host, sock, req)
            elif "Release" in req.action:
                body = envelope(RELEASE_RESPONSE, req.message_id, b"")
                sock.sendall(http_head(200, SOAP_CT, len(body)) + body)
            else:
                items = b"".join(job_xml(i, "queued %d" % i).replace(
                    b"{%08X-1111-4222-8333-%012X}" % (0x0BAD0000 + i, i), jid.encode())
                    for i, jid in enumerate(self.jobs(host)))
                body = enum_response(req.message_id, items)
                sock.sendall(http_head(200, SOAP_CT, len(body)) + body)
        except OSError:
            pass

    def _set_state(self, host, sock, req):
        m = re.search(rb'Name="JobId"[^>]*>\s*([^<\s]+)', req.body)
        job = m.group(1).decode() if m else "?"
        m = re.search(rb"JobState[^>]*>\s*(\d+)", req.body)
        state = int(m.group(1)) if m else -1
        arrived = time.monotonic()
        with self.lock:
            entry = [host, job, state, arrived, None]
            self.log.append(entry)
        if self.stop.wait(self.delay):
            return
        with self.lock:
            if state in (0, 1) and job in self.queues[host]:
                self.queues[host].remove(job)
        body = envelope(SETJOBSTATE_RESPONSE, req.message_id,
                        b'<p:SetJobState_OUTPUT xmlns:p="' + NS_JOB.encode() +
                        b'"><p:ReturnValue>0</p:ReturnValue></p:SetJobState_OUTPUT>')
        sock.sendall(http_head(200, SOAP_CT, len(body)) + body)
        with self.lock:
            entry[4] = time.monotonic()

    def close(self):
        self.stop.set()
        for srv in self.servers:
            srv.shutdown()
            srv.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
