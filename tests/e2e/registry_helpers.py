"""Servers for the registry end-to-end tests, all on 127.0.0.1 only.

  Registry     Debian's docker-registry (docker/distribution 2.8) on a free
               port with a config written here: anonymous, htpasswd (Basic)
               or token auth; several may share one storage directory.
  TokenServer  a docker token server: checks Basic credentials, issues
               RS256 JWTs signed with openssl, with the signing certificate
               in the "x5c" header, which the registry verifies against the
               rootcertbundle it was configured with.
  Proxy        sits in front of a registry and forwards everything, except
               what a test asks it to change: answer blob GETs with a
               redirect, tamper with a blob, replace a manifest response.
  BlobServer   a stand-in for a CDN / S3 bucket: serves blobs of an OCI
               layout directory and records the headers it was sent.

Every server is started and stopped by the test that uses it, with bounded
waits; none outlives the test process (they are threads or children).
"""

import base64
import hashlib
import http.client
import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse

REGISTRY_BIN = shutil.which("docker-registry")
SKOPEO = shutil.which("skopeo")
OPENSSL = shutil.which("openssl")
HTPASSWD = shutil.which("htpasswd")


def missing_tools():
    """Names of the Debian packages whose tools are missing."""
    out = []
    for tool, pkg in ((REGISTRY_BIN, "docker-registry"), (SKOPEO, "skopeo"),
                      (OPENSSL, "openssl"), (HTPASSWD, "apache2-utils")):
        if not tool:
            out.append(pkg)
    return out


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_http(port, path="/v2/", timeout=30):
    """Waits until something answers HTTP on port (any status)."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            c.close()
            return r.status
        except OSError as e:
            last = e
            time.sleep(0.1)
    raise RuntimeError("nothing answers on 127.0.0.1:%d after %ds (%s)" % (port, timeout, last))


def wait_tls(port, timeout=30):
    """Waits until a TLS server answers on port (certificate not checked)."""
    import ssl
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPSConnection("127.0.0.1", port, timeout=2, context=ctx)
            c.request("GET", "/v2/")
            c.getresponse().read()
            c.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("no TLS server on 127.0.0.1:%d after %ds" % (port, timeout))


def self_signed(workdir, name, san="IP:127.0.0.1"):
    """A self-signed certificate for 127.0.0.1: (cert, key) paths."""
    cert = os.path.join(workdir, name + "-cert.pem")
    key = os.path.join(workdir, name + "-key.pem")
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=" + san], check=True, capture_output=True, timeout=120)
    return cert, key


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


# -- docker-registry -------------------------------------------------------

class Registry:
    """docker-registry serving storage_dir. auth: None, ("htpasswd", file) or
    ("token", realm, service, issuer, cert_bundle); tls: (cert, key) or None."""

    def __init__(self, workdir, storage_dir, auth=None, name="registry", tls=None):
        self.workdir = workdir
        self.storage = storage_dir
        self.auth = auth
        self.tls = tls
        self.name = name
        self.proc = None
        self.port = None
        self.log = None

    def _config(self):
        lines = [
            "version: 0.1",
            "log:",
            "  level: info",
            "  accesslog:",
            "    disabled: true",
            "storage:",
            "  filesystem:",
            "    rootdirectory: %s" % self.storage,
            "  maintenance:",
            "    uploadpurging:",
            "      enabled: false",
            "http:",
            "  addr: 127.0.0.1:%d" % self.port,
            "  secret: moat-e2e-not-a-secret",
        ]
        if self.tls:
            lines += ["  tls:", "    certificate: %s" % self.tls[0], "    key: %s" % self.tls[1]]
        if self.auth and self.auth[0] == "htpasswd":
            lines += ["auth:", "  htpasswd:", "    realm: moat-basic", "    path: %s" % self.auth[1]]
        elif self.auth and self.auth[0] == "token":
            _, realm, service, issuer, bundle = self.auth
            lines += ["auth:", "  token:", "    realm: %s" % realm, "    service: %s" % service,
                      "    issuer: %s" % issuer, "    rootcertbundle: %s" % bundle]
        return "\n".join(lines) + "\n"

    def start(self):
        os.makedirs(self.storage, exist_ok=True)
        for attempt in range(3):
            self.port = free_port()
            cfg = os.path.join(self.workdir, "%s.yml" % self.name)
            with open(cfg, "w") as f:
                f.write(self._config())
            self.log = open(os.path.join(self.workdir, "%s.log" % self.name), "ab")
            self.proc = subprocess.Popen([REGISTRY_BIN, "serve", cfg], stdout=self.log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            try:
                if self.tls:
                    wait_tls(self.port, timeout=20)
                else:
                    wait_http(self.port, timeout=20)
                return self
            except RuntimeError:
                self.stop()
                if attempt == 2:
                    raise
        return self

    def stop(self):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            self.proc = None
        if self.log:
            self.log.close()
            self.log = None

    @property
    def host(self):
        return "127.0.0.1:%d" % self.port


def moat_peak_rss(moat, args, env, timeout=600):
    """Runs moat; returns (exit code, stdout, stderr, peak RSS in KiB).

    The peak is VmHWM of /proc/<pid>/status, read until the process exits:
    getrusage() cannot be used, as Linux carries the parent's peak RSS over
    fork and exec into the child's ru_maxrss."""
    import tempfile
    peak = 0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([moat] + list(args), stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL, env=env)
        deadline = time.time() + timeout
        while p.poll() is None:
            try:
                with open("/proc/%d/status" % p.pid) as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except (OSError, ValueError):
                pass
            if time.time() > deadline:
                p.kill()
            time.sleep(0.01)
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read().decode(), err.read().decode(), peak


def skopeo_copy(src, dest, all_images=False, creds=None, timeout=300):
    args = [SKOPEO, "--insecure-policy", "copy", "--dest-tls-verify=false", "--quiet"]
    if all_images:
        args.append("--all")
    if creds:
        args += ["--dest-creds", creds]
    args += [src, dest]
    p = subprocess.run(args, capture_output=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("skopeo copy %s %s failed: %s" % (src, dest, p.stderr.decode()))


def htpasswd_file(path, user, password):
    out = subprocess.run([HTPASSWD, "-Bbn", user, password], capture_output=True, check=True,
                         timeout=60).stdout
    with open(path, "wb") as f:
        f.write(out)
    return path


# -- a small threaded HTTP server base ---------------------------------------

class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # moat hanging up on an oversize answer is expected


class _Base:
    handler = None

    def start(self):
        self.httpd = _Server(("127.0.0.1", 0), self.handler)
        self.httpd.owner = self
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def host(self):
        return "127.0.0.1:%d" % self.port


class _Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send_body(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


# -- token server -------------------------------------------------------------

class TokenServer(_Base):
    """Issues registry tokens for users (dict name -> password).

    field: which JSON field carries the token ("token" or "access_token").
    requests: (account, scope, had_credentials) per token request."""

    def __init__(self, workdir, users, service="moat-registry", issuer="moat-token-issuer"):
        self.workdir = workdir
        self.users = users
        self.service = service
        self.issuer = issuer
        self.field = "token"
        self.requests = []
        self.lock = threading.Lock()
        self.key = os.path.join(workdir, "token-key.pem")
        self.cert = os.path.join(workdir, "token-cert.pem")
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        self.key, "-out", self.cert, "-days", "2", "-subj",
                        "/CN=moat-e2e-token-signer"], check=True, capture_output=True, timeout=120)
        der = subprocess.run([OPENSSL, "x509", "-in", self.cert, "-outform", "DER"], check=True,
                             capture_output=True, timeout=60).stdout
        self.x5c = base64.b64encode(der).decode()

    def sign(self, claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        sig = subprocess.run([OPENSSL, "dgst", "-sha256", "-sign", self.key], input=signing_input,
                             check=True, capture_output=True, timeout=60).stdout
        return signing_input.decode() + "." + b64url(sig)

    def token_for(self, account, scopes):
        access = []
        for s in scopes:
            parts = s.split(":")
            if len(parts) >= 3 and parts[0] == "repository":
                access.append({"type": "repository", "name": ":".join(parts[1:-1]),
                               "actions": parts[-1].split(",")})
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": account, "aud": self.service, "exp": now + 600,
                  "nbf": now - 30, "iat": now, "jti": hashlib.sha256(os.urandom(16)).hexdigest(),
                  "access": access}
        return self.sign(claims)

    class handler(_Quiet):
        def do_GET(self):
            ts = self.server.owner
            u = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(u.query)
            user = None
            ok = False
            h = self.headers.get("Authorization", "")
            if h.startswith("Basic "):
                try:
                    user, _, pw = base64.b64decode(h[6:]).decode().partition(":")
                    ok = ts.users.get(user) == pw
                except ValueError:
                    ok = False
            with ts.lock:
                ts.requests.append((q.get("account", [None])[0], q.get("scope", []), bool(user)))
            if u.path != "/token" or q.get("service", [None])[0] != ts.service:
                self.send_body(400, b'{"details":"bad token request"}')
                return
            if not ok:
                self.send_body(401, b'{"details":"invalid credentials"}',
                               [("Content-Type", "application/json")])
                return
            tok = ts.token_for(user, q.get("scope", []))
            body = json.dumps({ts.field: tok, "expires_in": 600}).encode()
            self.send_body(200, body, [("Content-Type", "application/json")])


# -- blob server (CDN stand-in) ----------------------------------------------

class BlobServer(_Base):
    """Serves <layout>/blobs/sha256/<hex> at /blobs/sha256/<hex>; /loop/<n>
    redirects to itself forever. seen: (path, Authorization or None)."""

    def __init__(self, layout_dirs):
        self.dirs = layout_dirs
        self.seen = []
        self.lock = threading.Lock()

    class handler(_Quiet):
        def do_GET(self):
            bs = self.server.owner
            with bs.lock:
                bs.seen.append((self.path, self.headers.get("Authorization")))
            if self.path.startswith("/loop/"):
                n = int(self.path[6:] or "0")
                self.send_body(302, b"", [("Location", "/loop/%d" % (n + 1))])
                return
            if self.path.startswith("/blobs/sha256/"):
                hexd = self.path[len("/blobs/sha256/"):]
                for d in bs.dirs:
                    p = os.path.join(d, "blobs", "sha256", hexd)
                    if len(hexd) == 64 and os.path.isfile(p):
                        with open(p, "rb") as f:
                            self.send_body(200, f.read(),
                                           [("Content-Type", "application/octet-stream")])
                        return
            self.send_body(404, b"no such blob")


# -- proxy ------------------------------------------------------------------

class Proxy(_Base):
    """Forwards to the registry at upstream_port. Knobs (set by tests):
      redirect_blobs: base URL; blob GETs the registry would answer with 200
                      are answered with 307 to <base>/blobs/sha256/<hex>
      tamper:         {blob digest: offset or None}: that byte of the body
                      (None: the middle one) gets flipped
      truncate:       set of blob digests whose body loses its last byte (and
                      Content-Length says so)
      override:       {path: (status, headers, body)} answered verbatim
      drop_auth_once: paths forwarded once without their Authorization, so
                      that the registry answers 401 as for an expired token
    seen: (method, path, Authorization or None) of every request."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.redirect_blobs = None
        self.tamper = {}
        self.truncate = set()
        self.override = {}
        self.drop_auth_once = set()
        self.seen = []
        self.lock = threading.Lock()

    def reset(self):
        self.redirect_blobs = None
        self.tamper = {}
        self.truncate = set()
        self.override = {}
        self.drop_auth_once = set()
        with self.lock:
            self.seen = []

    def forward(self, method, path, headers):
        c = http.client.HTTPConnection("127.0.0.1", self.upstream, timeout=60)
        c.request(method, path, headers=headers)
        r = c.getresponse()
        body = r.read()
        hdrs = [(k, v) for k, v in r.getheaders()
                if k.lower() not in ("content-length", "connection", "transfer-encoding")]
        c.close()
        return r.status, hdrs, body

    class handler(_Quiet):
        def do_GET(self):
            px = self.server.owner
            with px.lock:
                px.seen.append((self.command, self.path, self.headers.get("Authorization")))
            if self.path in px.override:
                st, hdrs, body = px.override[self.path]
                self.send_body(st, body, hdrs)
                return
            fwd = {k: v for k, v in self.headers.items()
                   if k.lower() in ("accept", "authorization", "user-agent")}
            with px.lock:
                if self.path in px.drop_auth_once:
                    px.drop_auth_once.discard(self.path)
                    fwd.pop("Authorization", None)
                    fwd.pop("authorization", None)
            is_blob = "/blobs/sha256:" in self.path
            digest = self.path.rsplit("/", 1)[-1] if is_blob else None
            if is_blob and px.redirect_blobs:
                # ask the registry (auth included) whether the blob may be
                # read, as a registry with a redirecting storage does
                st, hdrs, body = px.forward("HEAD", self.path, fwd)
                if st == 200:
                    self.send_body(307, b"", [("Location", "%s/blobs/sha256/%s" %
                                                (px.redirect_blobs, digest[7:]))])
                    return
                self.send_body(st, body, hdrs)
                return
            st, hdrs, body = px.forward(self.command, self.path, fwd)
            if st == 200 and digest in px.tamper and body:
                i = px.tamper[digest]
                i = len(body) // 2 if i is None else i
                body = body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1:]
            if st == 200 and digest in px.truncate and body:
                body = body[:-1]
            self.send_body(st, body, hdrs)

        do_HEAD = do_GET
