"""A second WinRM Kerberos client, written on python-gssapi (the layout of pyspnego's
wrap_winrm: gss_wrap_iov with HEADER, DATA, PADDING), for tests/test_gss.py.

Usage: gss_client.py HOST PORT (with KRB5_CONFIG and KRB5CCNAME set). On one
connection: the Negotiate handshake (mutual authentication checked), an encrypted
Enumerate (its answer decrypted, Length checked), then a plain body; on a second
connection a sealed request with one ciphertext byte flipped. Prints one line per
step: "sealed STATUS", "plain STATUS BODYLEN", "tampered STATUS".
gss_client.py --tls HOST PORT CERT: over HTTPS, a handshake with the right channel
binding and one with a wrong one: "cb-right STATUS", "cb-wrong STATUS".
"""
import base64
import http.client
import os
import struct
import sys

import gssapi
import gssapi.raw as graw
from gssapi.raw import ext_dce as dce

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures",
                                "sim"))
from simlib import ENUM, envelope  # noqa: E402

BOUNDARY = b"--Encrypted Boundary"
CTYPE = ('multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";'
         'boundary="Encrypted Boundary"')
KRB5 = gssapi.OID.from_int_seq("1.2.840.113554.1.2.2")


def handshake(conn):
    name = gssapi.Name("HTTP@" + HOST, gssapi.NameType.hostbased_service)
    ctx = gssapi.SecurityContext(name=name, mech=KRB5, usage="initiate",
                                 flags=[gssapi.RequirementFlag.mutual_authentication,
                                        gssapi.RequirementFlag.confidentiality,
                                        gssapi.RequirementFlag.integrity])
    tok = ctx.step()
    conn.request("POST", "/wsman", body=b"", headers={
        "Authorization": "Negotiate " + base64.b64encode(tok).decode(),
        "Content-Length": "0"})
    r = conn.getresponse()
    r.read()
    assert r.status == 200, r.status
    final = r.getheader("WWW-Authenticate", "")
    assert final.startswith("Negotiate "), "no mutual authentication token"
    ctx.step(base64.b64decode(final.split(" ", 1)[1]))
    assert ctx.complete
    return ctx


def seal(ctx, plain, flip=False):
    iov = dce.IOV(dce.IOVBufferType.header, plain, dce.IOVBufferType.padding, std_layout=False)
    dce.wrap_iov(ctx, iov, confidential=True)
    header, data, pad = iov[0].value, iov[1].value, iov[2].value or b""
    sealed = bytearray(data + pad)
    if flip:
        sealed[len(sealed) // 2] ^= 0x5A
    return (BOUNDARY + b"\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n"
            b"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=%d\r\n"
            % len(plain) + BOUNDARY + b"\r\n\tContent-Type: application/octet-stream\r\n"
            + struct.pack("<I", len(header)) + header + bytes(sealed) + BOUNDARY + b"--\r\n")


def unseal(ctx, body):
    parts = body.split(BOUNDARY + b"\r\n")
    meta, blob = parts[1], parts[2]
    length = int(meta.split(b"Length=")[1].split(b"\r\n")[0])
    blob = blob.split(b"\r\n", 1)[1][:-len(BOUNDARY + b"--\r\n")]
    hlen = struct.unpack("<I", blob[:4])[0]
    plain = graw.unwrap(ctx, blob[4:4 + hlen] + blob[4 + hlen:]).message
    assert len(plain) >= length
    return plain[:length]


if len(sys.argv) > 3 and sys.argv[1] == "--tls":
    # HTTPS: a handshake bound to the certificate is accepted, one bound to another
    # certificate (what a TLS-intercepting proxy would cause) is refused
    import hashlib
    import ssl
    HOST, PORT, CAFILE = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    der = ssl.PEM_cert_to_DER_cert(open(CAFILE).read())
    sslctx = ssl.create_default_context(cafile=CAFILE)
    for label, digest in (("right", hashlib.sha256(der).digest()),
                          ("wrong", hashlib.sha256(der + b"x").digest())):
        cb = gssapi.raw.ChannelBindings(application_data=b"tls-server-end-point:" + digest)
        name = gssapi.Name("HTTP@" + HOST, gssapi.NameType.hostbased_service)
        ctx = gssapi.SecurityContext(name=name, mech=KRB5, usage="initiate", channel_bindings=cb,
                                     flags=[gssapi.RequirementFlag.mutual_authentication])
        conn = http.client.HTTPSConnection(HOST, PORT, context=sslctx, timeout=20)
        conn.request("POST", "/wsman", body=b"", headers={
            "Authorization": "Negotiate " + base64.b64encode(ctx.step()).decode(),
            "Content-Length": "0"})
        r = conn.getresponse()
        r.read()
        print("cb-%s %d" % (label, r.status))
        conn.close()
    sys.exit(0)
HOST, PORT = sys.argv[1], int(sys.argv[2])
req = envelope(ENUM + "Enumerate", body='<n:Enumerate><w:OptimizeEnumeration/>'
               '<w:MaxElements>20</w:MaxElements></n:Enumerate>').encode()
c = http.client.HTTPConnection(HOST, PORT, timeout=20)
ctx = handshake(c)
c.request("POST", "/wsman", body=seal(ctx, req), headers={"Content-Type": CTYPE})
r = c.getresponse()
body = r.read()
assert r.getheader("Content-Type") == CTYPE, r.getheader("Content-Type")
answer = unseal(ctx, body)
assert answer.startswith(b"<s:Envelope"), answer[:80]
print("sealed %d" % r.status)
c.request("POST", "/wsman", body=req, headers={"Content-Type":
                                               "application/soap+xml;charset=UTF-8"})
r = c.getresponse()
print("plain %d %d" % (r.status, len(r.read())))
c.close()
c = http.client.HTTPConnection(HOST, PORT, timeout=20)
ctx = handshake(c)
c.request("POST", "/wsman", body=seal(ctx, req, flip=True), headers={"Content-Type": CTYPE})
r = c.getresponse()
r.read()
print("tampered %d" % r.status)
c.close()
