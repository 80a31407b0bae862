"""A throw-away MIT Kerberos realm on loopback, and NTLM users for gss-ntlmssp.

Everything lives in a temporary directory: krb5.conf and kdc.conf, the KDC
database, a keytab for HTTP/localhost (what bitsim accepts with), a user with a
password, and an NTLM users file. krb5kdc listens on 127.0.0.1 on a port below
32768 and is stopped (by its PID) when the Realm is closed. Nothing touches /etc.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time

REALM = "BITSTOP.TEST"
USER = "winops"
PASSWORD = "Krb-Pa55word!"
NTLM_DOMAIN = "TESTDOM"
NTLM_USER = "tester"
NTLM_PASSWORD = "Ntlm-Pa55word!"

SBIN = ["/usr/sbin", "/sbin", "/usr/bin"]


def _tool(name):
    for d in SBIN:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    p = shutil.which(name)
    if p is None:
        raise RuntimeError("%s not found (install krb5-kdc krb5-admin-server krb5-user)" % name)
    return p


def _port_free(port):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        finally:
            s.close()
    return True


class Realm:
    """A running KDC. env() gives the variables clients and bitsim need."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="bitstop-krb5-")
        self.dir = self.tmp.name
        self.kdc = None
        try:
            self._create()
        except BaseException:
            self.close()
            raise

    def path(self, name):
        return os.path.join(self.dir, name)

    def env(self, ccache="ccache", extra=None):
        e = dict(os.environ)
        for k in ("KRB5CCNAME", "KRB5_CONFIG", "KRB5_KTNAME", "KRB5_CLIENT_KTNAME",
                  "NTLM_USER_FILE", "BITSTOP_PASSWORD"):
            e.pop(k, None)
        e["KRB5_CONFIG"] = self.path("krb5.conf")
        e["KRB5_KDC_PROFILE"] = self.path("kdc.conf")
        e["KRB5CCNAME"] = "FILE:" + self.path(ccache)
        if extra:
            e.update(extra)
        return e

    def server_env(self):
        """What bitsim --auth negotiate reads: the keytab and the NTLM users."""
        return self.env(ccache="server-ccache", extra={
            "KRB5_KTNAME": "FILE:" + self.path("http.keytab"),
            "NTLM_USER_FILE": self.path("ntlm_users")})

    def _run(self, args, stdin=None):
        r = subprocess.run(args, env=self.env(), input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("%s failed: %s" % (" ".join(args), r.stdout.decode(errors="replace")))
        return r.stdout.decode(errors="replace")

    def _write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)

    def _create(self):
        d = self.dir
        self._write("ntlm_users", "%s:%s:%s\n" % (NTLM_DOMAIN, NTLM_USER, NTLM_PASSWORD))
        self._write("kadm5.acl", "")
        last = None
        created = False
        for attempt in range(20):
            self.port = random.randint(20000, 32000)
            if not _port_free(self.port):
                continue
            self._write("kdc.conf", (
                "[kdcdefaults]\n kdc_listen = 127.0.0.1:{p}\n kdc_tcp_listen = 127.0.0.1:{p}\n"
                "[realms]\n {r} = {{\n  database_name = {d}/principal\n"
                "  key_stash_file = {d}/stash\n  acl_file = {d}/kadm5.acl\n"
                "  max_life = 10h\n  supported_enctypes = aes256-cts-hmac-sha1-96:normal "
                "aes128-cts-hmac-sha1-96:normal rc4-hmac:normal\n }}\n"
                "[logging]\n kdc = FILE:{d}/kdc.log\n").format(p=self.port, r=REALM, d=d))
            self._write("krb5.conf", (
                "[libdefaults]\n default_realm = {r}\n dns_lookup_kdc = false\n"
                " dns_lookup_realm = false\n dns_canonicalize_hostname = false\n rdns = false\n"
                " udp_preference_limit = 1\n kdc_timeout = 3000\n max_retries = 1\n"
                " allow_rc4 = true\n"
                "[realms]\n {r} = {{\n  kdc = 127.0.0.1:{p}\n }}\n"
                "[domain_realm]\n localhost = {r}\n").format(p=self.port, r=REALM))
            if not created:  # once, whichever attempt first finds a free port
                created = True
                self._run([_tool("kdb5_util"), "create", "-s", "-W", "-r", REALM, "-P",
                           "master-" + str(os.getpid())])
                self._run([_tool("kadmin.local"), "-q",
                           "addprinc -pw %s %s" % (PASSWORD, USER)])
                self._run([_tool("kadmin.local"), "-q", "addprinc -randkey HTTP/localhost"])
                self._run([_tool("kadmin.local"), "-q",
                           "ktadd -k %s HTTP/localhost" % self.path("http.keytab")])
            log = open(self.path("krb5kdc.out"), "wb")
            self.kdc = subprocess.Popen([_tool("krb5kdc"), "-n", "-r", REALM],
                                        env=self.env(), stdout=log, stderr=log,
                                        stdin=subprocess.DEVNULL)
            log.close()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                if self.kdc.poll() is not None:
                    break
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return
                except OSError:
                    time.sleep(0.05)
            last = open(self.path("krb5kdc.out"), errors="replace").read()
            self.stop_kdc()
        raise RuntimeError("krb5kdc did not start: %s" % last)

    def rc4_env(self, ccache="ccache-rc4"):
        """A client whose tickets and session keys are RC4-HMAC (Server 2008-era
        domains): its own krb5.conf and ticket cache."""
        conf = open(self.path("krb5.conf")).read().replace(
            "[libdefaults]\n", "[libdefaults]\n default_tkt_enctypes = rc4-hmac\n"
            " default_tgs_enctypes = rc4-hmac\n"
            " permitted_enctypes = rc4-hmac aes256-cts-hmac-sha1-96\n", 1)
        self._write("krb5-rc4.conf", conf)
        return self.env(ccache, extra={"KRB5_CONFIG": self.path("krb5-rc4.conf")})

    def kinit(self, ccache="ccache", lifetime=None, user=USER, password=PASSWORD, env=None):
        args = [_tool("kinit")]
        if lifetime:
            args += ["-l", lifetime]
        args.append(user)
        r = subprocess.run(args, env=env or self.env(ccache), input=(password + "\n").encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        if r.returncode != 0:
            raise RuntimeError("kinit failed: " + r.stdout.decode(errors="replace"))

    def stop_kdc(self):
        if self.kdc is not None and self.kdc.poll() is None:
            self.kdc.send_signal(signal.SIGTERM)
            try:
                self.kdc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kdc.kill()
                self.kdc.wait()
        self.kdc = None

    def close(self):
        self.stop_kdc()
        self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
