#!/usr/bin/python3
"""SMTP sink for the mail tests: a real SMTP server on 127.0.0.1 (aiosmtpd,
Debian's python3-aiosmtpd) that stores every accepted message in a folder.

    smtp_sink.py --dir DIR --port-file FILE [--fail N:CODE ...]
                 [--user USER --password-env VAR]
                 [--tls-cert PEM --tls-key PEM [--require-starttls]]

- Each accepted message becomes DIR/NNNN.eml (the bytes as received) and
  DIR/NNNN.json ({"mail_from": ..., "rcpt_tos": [...], "tls": true|false,
  "tls_version": "TLSv1.3"|null}: the envelope, and whether the session had
  been upgraded with STARTTLS), both written under a temporary name and
  renamed, so a reader never sees half.
- --fail N:CODE answers the Nth DATA (counting every attempt, 1-based) with
  CODE (e.g. 451 or 554) instead of accepting it; repeatable.
- --user/--password-env: AUTH PLAIN/LOGIN is required (over plain text,
  which is fine on 127.0.0.1) and must match USER and the password read from
  environment variable VAR.
- --tls-cert/--tls-key: offer STARTTLS with that certificate and key (the
  tests make a throw-away self-signed one with the openssl CLI);
  --require-starttls also refuses every command but EHLO/NOOP/QUIT/STARTTLS
  before the upgrade (530). Without them no STARTTLS is offered.
- The chosen free port is written to --port-file once the server listens.
  SIGTERM / SIGINT stop it.
"""
import argparse
import json
import os
import signal
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder, fail):
        self.folder = folder
        self.fail = fail
        self.attempts = 0
        self.stored = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.attempts += 1
            n = self.attempts
            if n in self.fail:
                code = self.fail[n]
                return "%d %s.0.0 sink told to fail message %d" % (
                    code, str(code)[0], n)
            self.stored += 1
            base = os.path.join(self.folder, "%04d" % self.stored)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        tls = getattr(server, "_tls_protocol", None) is not None
        version = None
        if session.ssl:
            obj = session.ssl.get("ssl_object")
            version = obj.version() if obj is not None else None
            tls = True
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                "tls": tls, "tls_version": version}
        for ext, payload in ((".eml", data),
                             (".json", json.dumps(meta).encode("utf-8"))):
            with open(base + ext + ".tmp", "wb") as f:
                f.write(payload)
            os.rename(base + ext + ".tmp", base + ext)
        return "250 2.0.0 stored as %04d" % self.stored


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--fail", action="append", default=[])
    ap.add_argument("--user")
    ap.add_argument("--password-env")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--require-starttls", action="store_true")
    a = ap.parse_args()

    fail = {}
    for spec in a.fail:
        n, code = spec.split(":")
        fail[int(n)] = int(code)
    os.makedirs(a.dir, exist_ok=True)
    kw = {}
    if a.user:
        want = (a.user.encode(), os.environ[a.password_env].encode())

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and (auth_data.login, auth_data.password) == want)
            return AuthResult(success=ok, handled=False)

        kw = dict(authenticator=authenticator, auth_required=True,
                  auth_require_tls=False)
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        kw["tls_context"] = ctx
        kw["require_starttls"] = a.require_starttls
    ctl = Controller(Sink(a.dir, fail), hostname="127.0.0.1",
                     port=free_port(), **kw)
    ctl.start()
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % ctl.port)
    os.rename(a.port_file + ".tmp", a.port_file)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    ctl.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
