#!/usr/bin/python3
"""python3-winrm 0.3.0, an independent implementation of WinRM's NTLM message
encryption (requests-ntlm's sealing, not gss-ntlmssp), against bitsim --auth negotiate
--require-encryption, whose acceptor is gss-ntlmssp through GSS-API.

Protects: bitsim's framing and sealing are what a client known to work with Windows
expects (so bitsim does not merely agree with bitstop's own bugs): pywinrm with
transport='ntlm' and message_encryption='always' enumerates every job of the host,
every request arrives encrypted (/stats), one handshake on one connection; a wrong
password is refused. pywinrm needs MD4, which OpenSSL 3 keeps in its legacy provider:
the test runs itself again with its own OPENSSL_CONF enabling it.
"""
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean (and read-only in distcheck)
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "fixtures", "sim"))

if os.environ.get("BITSTOP_TEST_OPENSSL") != "1":
    tmp = tempfile.mkdtemp(prefix="bitstop-openssl-")
    conf = os.path.join(tmp, "openssl.cnf")
    with open(conf, "w") as f:
        f.write("openssl_conf = openssl_init\n[openssl_init]\nproviders = provider_sect\n"
                "[provider_sect]\ndefault = default_sect\nlegacy = legacy_sect\n"
                "[default_sect]\nactivate = 1\n[legacy_sect]\nactivate = 1\n")
    env = dict(os.environ, OPENSSL_CONF=conf, BITSTOP_TEST_OPENSSL="1")
    import subprocess
    rc = subprocess.call([sys.executable, os.path.abspath(__file__)], env=env)
    os.unlink(conf)
    os.rmdir(tmp)
    sys.exit(rc)

try:
    import winrm
    from winrm.protocol import Protocol
    from winrm.exceptions import InvalidCredentialsError, WinRMError, WinRMTransportError
except ImportError:
    print("SKIP: python3-winrm is not installed")
    sys.exit(77)
if not os.path.exists("/etc/gss/mech.d/mech.ntlmssp.conf"):
    print("SKIP: gss-ntlmssp is needed")
    sys.exit(77)

import krb5realm  # noqa: E402
import simlib  # noqa: E402
from bitsim import Sim  # noqa: E402
from simlib import ENUM  # noqa: E402

os.environ["NO_PROXY"] = "127.0.0.1,localhost"
for k in ("http_proxy", "HTTP_PROXY"):
    os.environ.pop(k, None)

print("python3-winrm", getattr(winrm, "__version__", "0.3.0"))
t = simlib.Checker()
realm = krb5realm.Realm()
sim = Sim(1, jobs=40, seed=17, auth="negotiate", extra=["--require-encryption"],
          env=realm.server_env())
try:
    endpoint = "http://localhost:%s/wsman" % sim.addrs[0].split(":")[1]
    user = "%s\\%s" % (krb5realm.NTLM_DOMAIN, krb5realm.NTLM_USER)
    p = Protocol(endpoint, transport="ntlm", username=user, password=krb5realm.NTLM_PASSWORD,
                 message_encryption="always")

    def env(action, body=""):
        return simlib.envelope(action, body).replace("http://windows-host:5985/wsman", endpoint)

    r = p.send_message(env(ENUM + "Enumerate", simlib.enumerate_body(max_elements=8)))
    ids = simlib.job_ids(r)
    ctx = simlib.context_of(r)
    while ctx:
        r = p.send_message(env(ENUM + "Pull", simlib.pull_body(ctx, max_elements=8)))
        ids += simlib.job_ids(r)
        ctx = simlib.context_of(r)
    want = sorted(sim.jobs(0))
    t.check(sorted(ids) == want, "pywinrm (NTLM, encrypted) enumerates every job once")
    st = dict(line.split() for line in sim.ctl("/stats?host=0").splitlines())
    st = {k: int(v) for k, v in st.items()}
    # requests: pywinrm's blank message goes out without credentials, then with the
    # two NTLM legs (3 requests, no body); every request with a body arrived sealed
    # (a plain one would have been refused with 500 and pywinrm would have failed)
    t.check(st["handshakes"] == 1 and st["connections"] == 1,
            "one handshake on one connection: %s" % st)
    t.check(st["encrypted"] == st["requests"] - 3 and st["encrypted"] >= 5,
            "every request after the handshake arrived encrypted: %s" % st)

    bad = Protocol(endpoint, transport="ntlm", username=user, password="wrong",
                   message_encryption="always")
    try:
        bad.send_message(env(ENUM + "Enumerate", simlib.enumerate_body()))
        t.check(False, "a wrong password is refused")
    except (InvalidCredentialsError, WinRMError, WinRMTransportError) as e:
        t.check("401" in str(e) or "credentials" in str(e).lower(),
                "a wrong password is refused (%s)" % type(e).__name__)
finally:
    sim.close()
    realm.close()
t.done()
