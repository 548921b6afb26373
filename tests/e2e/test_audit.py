"""End-to-end tests of `moat audit` and of the image configuration checks
that every `moat scan` runs (findings of kind "config").

- Files: Dockerfiles, compose files, Kubernetes manifests, daemon.json and a
  dockerd systemd unit, each kind told from its name or content; findings at
  the right lines; exit codes (0, 1 at --fail-on, 2 on malformed input with
  "FILE:LINE:" on stderr and no report); -o writes atomically.
- SARIF: validated by Microsoft's own validator, the npm package
  @microsoft/sarif-multitool-linux (`Sarif.Multitool validate`), installed
  at test time into $MOAT_NODE_CACHE (default ~/.cache/moat/node), outside
  the repository. A broken SARIF file is fed to it first, so a validator
  that accepts everything cannot pass the test.
- Host: a real dockerd is not available on the test machines, so the Engine
  API is played by a small HTTP server of this test listening on a unix
  socket and answering /containers/json and /containers/{id}/json as the
  Engine API documents them; /proc/net/tcp and tcp6 are fixture copies.
  The validator is a self-contained .NET program; it runs in .NET's
  invariant-globalization mode so that it needs no libicu.
- Images: fixture images (tests/fixtures/mkimage.py) with known defects and
  a clean one; the debootstrap image of test_debootstrap.py must give only
  the checks that really apply to a plain Debian root filesystem.
"""

import fcntl
import http.server
import json
import os
import re
import shutil
import socketserver
import stat
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from util import MoatTest, SRC, main, run, scan_json, work  # noqa: E402
from mkimage import Image, Layer, debian_base, dpkg_status  # noqa: E402

NODE_CACHE = os.environ.get("MOAT_NODE_CACHE") or os.path.join(
    os.path.expanduser("~"), ".cache", "moat", "node")
SARIF_PKG = ("@microsoft/sarif-multitool-linux", "5.7.0")
SARIF_TOOL = os.path.join(NODE_CACHE, "node_modules", SARIF_PKG[0], "Sarif.Multitool")


def write(name, text):
    p = work("files", name)
    with open(p, "w") as f:
        f.write(text)
    return p


def audit_json(*args, codes=(0, 1)):
    code, out, err = run("audit", "--format", "json", *args)
    if code not in codes:
        raise AssertionError("moat audit exited %d: %s" % (code, err))
    return code, json.loads(out), err


def pairs(report, path=None):
    return sorted((f["check"], f["line"]) for f in report["findings"]
                  if path is None or f["file"] == path)


# -- files ---------------------------------------------------------------------

DOCKERFILE = """\
FROM node:latest AS build
ARG NPM_TOKEN
RUN npm ci
FROM debian
RUN apt-get update
RUN curl -fsSL https://get.example.com/setup.sh | bash
EXPOSE 2375
USER root
"""
DOCKERFILE_WANT = [("MOAT-DF-001", 8), ("MOAT-DF-002", 7), ("MOAT-DF-004", 2), ("MOAT-DF-006", 1),
                   ("MOAT-DF-006", 4), ("MOAT-DF-007", 4), ("MOAT-DF-012", 5), ("MOAT-DF-013", 6)]

COMPOSE = """\
services:
  agent:
    image: portainer/agent:2.19.4
    user: "1000"
    read_only: true
    cap_drop: [ALL]
    security_opt: [no-new-privileges]
    pids_limit: 50
    mem_limit: 64m
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
"""
COMPOSE_WANT = [("MOAT-CMP-004", 11)]

K8S = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: kube-system
spec:
  template:
    spec:
      hostPID: true
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: agent
        image: example/agent@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        securityContext:
          privileged: true
          readOnlyRootFilesystem: true
          allowPrivilegeEscalation: false
        resources:
          limits: {cpu: 100m, memory: 64Mi}
---
apiVersion: v1
kind: Service
metadata: {name: ignored}
"""
K8S_WANT = [("MOAT-K8S-001", 19), ("MOAT-K8S-010", 9)]

DAEMON = """\
{
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"],
  "userns-remap": "default",
  "icc": false,
  "no-new-privileges": true,
  "live-restore": true,
  "log-opts": {"max-size": "10m"}
}
"""
DAEMON_WANT = [("MOAT-DMN-001", 2)]

UNIT = """\
[Service]
ExecStart=
ExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375 --containerd=/run/containerd/containerd.sock
"""
UNIT_WANT = [("MOAT-DMN-001", 3)]


class AuditFiles(MoatTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = {
            "dockerfile": write("Dockerfile", DOCKERFILE),
            "compose": write("docker-compose.yml", COMPOSE),
            "kubernetes": write("agent.yaml", K8S),
            "daemon": write("daemon.json", DAEMON),
            "systemd": write("override.conf", UNIT),
        }

    def test_kinds_and_lines(self):
        order = ["dockerfile", "compose", "kubernetes", "daemon", "systemd"]
        code, r, err = audit_json(*[self.files[k] for k in order])
        self.assertEqual(code, 1, err)  # critical findings
        self.assertEqual(r["schema"], "moat-audit/1")
        self.assertEqual([(t["path"], t["kind"], t["error"]) for t in r["targets"]],
                         [(self.files[k], k, None) for k in order])
        for kind, want in (("dockerfile", DOCKERFILE_WANT), ("compose", COMPOSE_WANT),
                           ("kubernetes", K8S_WANT), ("daemon", DAEMON_WANT),
                           ("systemd", UNIT_WANT)):
            self.assertEqual(pairs(r, self.files[kind]), sorted(want), kind)
        self.assertEqual(r["summary"]["total"], len(r["findings"]))
        self.assertEqual(r["summary"]["critical"],
                         sum(1 for f in r["findings"] if f["severity"] == "critical"))
        # the table names every file and check too
        code, out, err = run("audit", "--color", "never", *[self.files[k] for k in order])
        self.assertEqual(code, 1, err)
        for k in order:
            self.assertIn(self.files[k], out)
        for check, _ in DOCKERFILE_WANT + COMPOSE_WANT + K8S_WANT + DAEMON_WANT:
            self.assertIn(check, out)
        self.assertNotIn("\033[", out)

    def test_kind_by_content_and_forced(self):
        df = write("build.txt", DOCKERFILE)
        code, r, _ = audit_json(df)
        self.assertEqual(r["targets"][0]["kind"], "dockerfile")
        comp = write("stack.yml", COMPOSE)
        code, r, _ = audit_json(comp)
        self.assertEqual(r["targets"][0]["kind"], "compose")
        # --kind wins over the name
        code, r, _ = audit_json("--kind", "compose", write("x.conf", COMPOSE))
        self.assertEqual(r["targets"][0]["kind"], "compose")
        self.assertEqual(pairs(r), COMPOSE_WANT)

    def test_exit_codes(self):
        low = write("low/Dockerfile", "FROM debian:12\nUSER 1000\n")
        code, r, err = audit_json(low)
        self.assertEqual(code, 0, err)
        self.assertEqual(pairs(r), [("MOAT-DF-007", 1)])
        self.assertEqual(run("audit", "--fail-on", "low", low)[0], 1)
        self.assertEqual(run("audit", "--fail-on", "none", self.files["compose"])[0], 0)
        self.assertEqual(run("audit", "--fail-on", "critical", self.files["compose"])[0], 1)
        self.assertEqual(run("audit", "--fail-on", "bogus", low)[0], 2)
        self.assertEqual(run("audit", "--format", "xml", low)[0], 2)
        self.assertEqual(run("audit")[0], 2)
        self.assertEqual(run("audit", "--host", low)[0], 2)

    def test_malformed_inputs(self):
        cases = [
            ("bad/compose.yml", "services:\n  web:\n    image: [unclosed\n", ":4:"),
            ("bad/k8s.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nkind: Pod\n",
             ":4: key 'kind' appears twice"),
            ("bad/daemon.json", '{\n  "hosts": ["tcp://0.0.0.0:2375"]\n  "icc": false\n}\n', ":3:"),
            ("bad/Dockerfile", "FROM debian:12\nRUNX echo\n", ":2: unknown instruction"),
            ("bad/notes.txt", "hello: world\n", "cannot tell"),
        ]
        for name, text, needle in cases:
            p = write(name, text)
            code, out, err = run("audit", "--format", "json", p)
            self.assertEqual(code, 2, "%s: %s" % (name, err))
            self.assertEqual(out, "", name)
            self.assertIn(p + ":" if needle.startswith(":") else p, err)
            self.assertIn(needle, err, name)
        code, out, err = run("audit", work("files", "does-not-exist.yml"))
        self.assertEqual((code, out), (2, ""))
        self.assertIn("does-not-exist.yml", err)
        # one bad file among good ones: still exit 2, and it is named
        code, out, err = run("audit", self.files["compose"], work("files", "bad/k8s.yaml"))
        self.assertEqual(code, 2)
        self.assertIn("k8s.yaml:4:", err)

    def test_output_file(self):
        dest = work("out", "audit.json")
        code, out, err = run("audit", "--format", "json", "-o", dest, self.files["compose"])
        self.assertEqual(code, 1, err)
        self.assertEqual(out, "")
        with open(dest) as f:
            self.assertEqual(pairs(json.load(f)), COMPOSE_WANT)
        self.assertEqual([n for n in os.listdir(os.path.dirname(dest)) if ".tmp." in n], [])
        bad = work("out", "bad.json")
        run("audit", "-o", bad, work("files", "bad/k8s.yaml"))
        self.assertFalse(os.path.exists(bad))

    def test_sarif(self):
        names = [self.files[k] for k in ("dockerfile", "compose", "kubernetes", "daemon",
                                         "systemd")]
        spaced = write("with space/Dockerfile", DOCKERFILE)
        dest = work("out", "audit.sarif")
        code, _, err = run("audit", "--format", "sarif", "-o", dest, *(names + [spaced]))
        self.assertEqual(code, 1, err)
        with open(dest) as f:
            doc = json.load(f)
        code, r, _ = audit_json(*(names + [spaced]))
        self.assertEqual(doc["version"], "2.1.0")
        run0 = doc["runs"][0]
        rules = run0["tool"]["driver"]["rules"]
        ids = [x["id"] for x in rules]
        self.assertEqual(ids, sorted(ids))
        self.assertGreaterEqual(len(ids), 60)
        for x in rules:
            self.assertTrue(x["shortDescription"]["text"] and x["fullDescription"]["text"]
                            and x["help"]["text"])
            self.assertIn(x["defaultConfiguration"]["level"], ("error", "warning", "note"))
        res = run0["results"]
        self.assertEqual(len(res), len(r["findings"]))
        levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note",
                  "info": "note"}
        got = sorted((x["ruleId"], x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                      x["locations"][0]["physicalLocation"].get("region", {}).get("startLine"),
                      x["level"]) for x in res)
        want = sorted((f["check"], "file://" + f["file"].replace(" ", "%20"), f["line"],
                       levels[f["severity"]]) for f in r["findings"])
        self.assertEqual(got, want)
        for x in res:
            self.assertEqual(ids[x["ruleIndex"]], x["ruleId"])
        why = sarif_tool_ready()
        if why:
            self.skipTest("SARIF validator unavailable: " + why)
        # the validator must be able to say no
        broken = work("out", "broken.sarif")
        with open(broken, "w") as f:
            json.dump({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                      "results": [{"ruleId": "A", "message": {"text": "m"}, "locations": [
                          {"physicalLocation": {"artifactLocation": {"uri": "a"},
                                                "region": {"startLine": 0}}}]}]}]}, f)
        self.assertNotEqual(sarif_errors(broken), [])
        self.assertEqual(sarif_errors(dest), [])
        # host findings (logical locations, no file) validate too
        host = work("out", "host.sarif")
        proc = work("proc-empty", "net", "tcp")
        with open(proc, "w") as f:
            f.write("  sl  local_address rem_address   st\n"
                    "   0: 00000000:0947 00000000:0000 0A 0 0 0 0 0 0 1 1\n")
        code, _, err = run("audit", "--host", "--format", "sarif", "-o", host,
                           "--docker-socket", work("nosock"), "--proc-root",
                           os.path.dirname(os.path.dirname(proc)))
        self.assertEqual(code, 1, err)
        self.assertEqual(sarif_errors(host), [])


def sarif_tool_ready():
    """Installs the validator into the node cache unless it is there.
    Returns None, or why it cannot be had."""
    if not shutil.which("npm"):
        return "npm not installed (scripts/install-deps.sh installs it)"
    os.makedirs(NODE_CACHE, exist_ok=True)
    with open(os.path.join(NODE_CACHE, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        pj = os.path.join(NODE_CACHE, "node_modules", SARIF_PKG[0], "package.json")
        try:
            with open(pj) as f:
                ok = json.load(f).get("version") == SARIF_PKG[1]
        except (OSError, ValueError):
            ok = False
        if not ok:
            p = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix",
                                NODE_CACHE, "%s@%s" % SARIF_PKG], capture_output=True,
                               text=True, timeout=900)
            if p.returncode != 0:
                raise AssertionError("npm install %s@%s failed:\n%s" % (SARIF_PKG + (
                    p.stderr[-3000:],)))
        # the package's postinstall only sets the execute bit; npm may skip it
        st = os.stat(SARIF_TOOL)
        if not st.st_mode & stat.S_IXUSR:
            os.chmod(SARIF_TOOL, st.st_mode | stat.S_IXUSR)
    return None


def sarif_errors(path):
    """The errors Sarif.Multitool finds in path (its warnings are advice)."""
    out = path + ".validation.sarif"
    p = subprocess.run([SARIF_TOOL, "validate", path, "-o", out, "--log", "ForceOverwrite"],
                       capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1",
                                DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1"))
    if p.returncode != 0 or not os.path.exists(out):
        raise AssertionError("Sarif.Multitool failed (%d): %s %s" % (
            p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
    with open(out) as f:
        v = json.load(f)
    return ["%s: %s" % (x["ruleId"], x.get("message", {}).get("text", "")[:200])
            for x in v["runs"][0].get("results", []) if x.get("level") == "error"]


# -- the host -----------------------------------------------------------------

CONTAINERS = {
    "a" * 64: {"Name": "/dind", "HostConfig": {"Privileged": True, "Binds": None},
               "Mounts": []},
    "b" * 64: {"Name": "/portainer", "HostConfig": {"Privileged": False,
                                                     "Binds": ["/var/run/docker.sock:/var/run/docker.sock"]},
               "Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock",
                           "Destination": "/var/run/docker.sock", "RW": True}]},
    "c" * 64: {"Name": "/web", "HostConfig": {"Privileged": False, "Binds": []},
               "Mounts": [{"Type": "volume", "Source": "/var/lib/docker/volumes/d/_data",
                           "Destination": "/data"}]},
}


class EngineAPI(http.server.BaseHTTPRequestHandler):
    """Answers like the Docker Engine API (the fields moat reads)."""
    protocol_version = "HTTP/1.1"
    requests = []
    garbage = False

    def address_string(self):
        return "unix"

    def log_message(self, *args):
        pass

    def reply(self, code, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = re.sub(r"^/v[0-9.]+", "", self.path.split("?")[0])
        EngineAPI.requests.append(path)
        if EngineAPI.garbage:
            return self.reply(200, b"this is not json")
        if path == "/containers/json":
            return self.reply(200, [{"Id": cid, "Names": [c["Name"]], "State": "running"}
                                    for cid, c in CONTAINERS.items()])
        m = re.match(r"^/containers/([0-9a-f]+)/json$", path)
        if m and m.group(1) in CONTAINERS:
            c = dict(CONTAINERS[m.group(1)])
            c["Id"] = m.group(1)
            return self.reply(200, c)
        return self.reply(404, {"message": "No such container"})


class UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0947 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11 1 0 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12 1 0 100 0 0 10 0
"""


class AuditHost(MoatTest):
    def setUp(self):
        self.proc = work("host", "proc", "net", "tcp")
        with open(self.proc, "w") as f:
            f.write(TCP)
        self.proc = os.path.dirname(os.path.dirname(self.proc))
        self.groups = work("host", "group")
        with open(self.groups, "w") as f:
            f.write("root:x:0:\ndocker:x:%d:\n" % os.getgid())

    def serve(self):
        sock = work("host", "docker.sock")
        if os.path.exists(sock):
            os.unlink(sock)
        srv = UnixHTTPServer(sock, EngineAPI)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        self.addCleanup(srv.server_close)
        self.addCleanup(srv.shutdown)
        return sock

    def test_engine_api(self):
        print("\nnote: no real dockerd here; the Engine API is this test's own server")
        sock = self.serve()
        os.chmod(sock, 0o666)
        EngineAPI.requests = []
        EngineAPI.garbage = False
        code, r, err = audit_json("--host", "--docker-socket", sock, "--proc-root", self.proc,
                                  "--group-file", self.groups)
        self.assertEqual(code, 1, err)
        got = sorted((f["check"], f["object"]) for f in r["findings"])
        self.assertEqual(got, sorted([
            ("MOAT-HOST-001", sock),
            ("MOAT-HOST-003", None),
            ("MOAT-HOST-005", "container dind (aaaaaaaaaaaa)"),
            ("MOAT-HOST-006", "container portainer (bbbbbbbbbbbb)"),
        ]))
        self.assertTrue(all(f["file"] is None and f["line"] is None for f in r["findings"]))
        self.assertIn("0.0.0.0:2375", [f for f in r["findings"]
                                       if f["check"] == "MOAT-HOST-003"][0]["message"])
        self.assertIn("3 running containers", " ".join(r["notes"]))
        self.assertEqual(sorted(EngineAPI.requests), sorted(
            ["/containers/json"] + ["/containers/%s/json" % c for c in CONTAINERS]))
        # mode 660 with the docker group: the socket itself is fine
        os.chmod(sock, 0o660)
        code, r, err = audit_json("--host", "--docker-socket", sock, "--proc-root", self.proc,
                                  "--group-file", self.groups)
        self.assertNotIn("MOAT-HOST-001", [f["check"] for f in r["findings"]])
        self.assertNotIn("MOAT-HOST-002", [f["check"] for f in r["findings"]])

    def test_broken_daemon_is_an_error(self):
        sock = self.serve()
        EngineAPI.garbage = True
        try:
            code, out, err = run("audit", "--host", "--format", "json", "--docker-socket",
                                 sock, "--proc-root", self.proc, "--group-file", self.groups)
        finally:
            EngineAPI.garbage = False
        self.assertEqual(code, 2, err)
        self.assertIn("/containers/json", err)
        r = json.loads(out)  # what could be checked is still reported
        self.assertIsNotNone(r["targets"][0]["error"])

    def test_no_docker(self):
        empty = work("host", "empty-proc", "net", "tcp")
        with open(empty, "w") as f:
            f.write(TCP.splitlines()[0] + "\n")
        code, r, err = audit_json("--host", "--docker-socket", work("host", "missing.sock"),
                                  "--proc-root", os.path.dirname(os.path.dirname(empty)),
                                  codes=(0,))
        self.assertEqual(r["findings"], [])
        self.assertIsNone(r["targets"][0]["error"])
        self.assertTrue(any("no Docker daemon found" in n for n in r["notes"]), r["notes"])
        # a socket file nobody listens on is no daemon either
        dead = work("host", "dead.sock")
        with open(dead, "w"):
            pass
        os.chmod(dead, 0o660)
        code, r, err = audit_json("--host", "--docker-socket", dead, "--proc-root",
                                  os.path.dirname(os.path.dirname(empty)), "--group-file",
                                  self.groups, codes=(0,))
        self.assertTrue(any("no Docker daemon answers" in n for n in r["notes"]), r["notes"])


# -- images --------------------------------------------------------------------

def config_findings(report):
    return [f for f in report["findings"] if f["kind"] == "config"]


def layer_index(f):
    return f["layer"]["index"] if f["layer"] else None


class ImageChecks(MoatTest):
    def test_defects_found(self):
        pkgs = [{"Package": "base-files", "Version": "12.4+deb12u5"},
                {"Package": "sudo", "Version": "1.9.13p3-1+deb12u1"}]
        base = debian_base(pkgs)
        base.dir("var/lib/dpkg/info").file("var/lib/dpkg/info/sudo.list", "/usr/bin/sudo\n")
        base.dir("usr/bin").file("usr/bin/sudo", b"\x7fELF", mode=0o4755)
        base.dir("tmp", mode=0o1777)
        l1 = (Layer().dir("var/lib/apt/lists")
              .file("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", "x" * 100)
              .file("var/lib/apt/lists/lock"))
        l2 = (Layer().dir("opt/tool").file("opt/tool/helper", b"\x7fELF", mode=0o6755)
              .dir("srv/upload", mode=0o777)
              .file("var/cache/apt/archives/curl_7.88.1-10_amd64.deb", "d" * 10)
              .file("root/.cache/pip/http/a/b", "p"))
        l3 = Layer().file("opt/tool.tgz", "t")
        history = [
            {"created_by": "/bin/sh -c #(nop) ADD file:0123abcd in / "},
            {"created_by": "/bin/sh -c apt-get update"},
            {"created_by": "RUN |1 NPM_TOKEN=s3cr3t-value /bin/sh -c curl -fsSL "
                           "https://get.example.com | sh # buildkit"},
            {"created_by": "/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2", "empty_layer": True},
            {"created_by": "ADD https://example.com/tool.tgz /opt/ # buildkit"},
            {"created_by": "USER root", "empty_layer": True},
        ]
        config = {"User": "root", "Env": ["PATH=/usr/bin", "DB_PASSWORD=hunter2"],
                  "ExposedPorts": {"22/tcp": {}, "2375/tcp": {}, "8080/tcp": {}},
                  "Labels": {"org.opencontainers.image.title": "x", "api_token": "abc"},
                  "Volumes": {"/proc": {}, "/data": {}}}
        path = work("img", "bad.tar")
        Image([base, l1, l2, l3], config=config, history=history).docker_archive(
            path, tags=("example/app:latest",))
        r = scan_json("docker-archive:" + path)
        key = lambda t: tuple("" if v is None else str(v) for v in t)  # noqa: E731
        got = sorted(((f["id"], f["path"], layer_index(f), f["severity"])
                      for f in config_findings(r)), key=key)
        self.assertEqual(got, sorted([
            ("MOAT-IMG-001", None, None, "medium"),
            ("MOAT-IMG-002", None, None, "high"),
            ("MOAT-IMG-003", None, None, "medium"),
            ("MOAT-IMG-004", None, None, "high"),      # ENV DB_PASSWORD
            ("MOAT-IMG-004", None, None, "high"),      # LABEL api_token
            ("MOAT-IMG-004", None, 2, "high"),         # build argument NPM_TOKEN
            ("MOAT-IMG-005", None, 3, "medium"),
            ("MOAT-IMG-006", None, None, "low"),
            ("MOAT-IMG-007", None, None, "low"),
            ("MOAT-IMG-008", "/var/lib/dpkg/status", 0, "medium"),
            ("MOAT-IMG-009", "/opt/tool/helper", 2, "high"),   # no package installed it
            ("MOAT-IMG-009", "/usr/bin/sudo", 0, "low"),       # sudo's own
            ("MOAT-IMG-010", "/srv/upload", 2, "medium"),
            ("MOAT-IMG-011", "/var/cache/apt/archives", 2, "low"),
            ("MOAT-IMG-011", "/var/lib/apt/lists", 1, "low"),
            ("MOAT-IMG-011", "/root/.cache/pip", 2, "low"),
            ("MOAT-IMG-012", None, 1, "low"),
            ("MOAT-IMG-013", None, 2, "high"),
            ("MOAT-IMG-014", None, None, "high"),
        ], key=key))
        # values are never quoted (the layer's own created_by is the image's text)
        text = json.dumps([(f["title"], f["evidence"], f["path"]) for f in config_findings(r)])
        for secret in ("hunter2", "s3cr3t-value", "abc"):
            self.assertNotIn(secret, text)
        # the table lists them among the file findings
        code, out, err = run("scan", "--no-vulns", "--color", "never", "docker-archive:" + path)
        self.assertIn("MOAT-IMG-013", out)

    def test_clean_image(self):
        base = debian_base()
        base.dir("tmp", mode=0o1777).file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"
                                                         "app:x:10001:10001::/app:/bin/false\n")
        config = {"User": "app", "Healthcheck": {"Test": ["CMD", "/app", "health"]},
                  "ExposedPorts": {"8080/tcp": {}}, "Env": ["PASSWORD_FILE=/run/secrets/pw"]}
        path = work("img", "clean.tar")
        Image([base], config=config, history=[
            {"created_by": "/bin/sh -c apt-get update && apt-get install -y curl && "
                           "rm -rf /var/lib/apt/lists/*"}]).docker_archive(path, tags=("app:1.4.2",))
        r = scan_json("docker-archive:" + path)
        self.assertEqual(config_findings(r), [])
        # an OCI layout tagged latest, and a user whose UID is 0
        base2 = debian_base()
        base2.file("etc/passwd", "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n")
        d = work("img", "oci-latest")
        Image([base2], config={"User": "toor", "Healthcheck": {"Test": ["CMD", "true"]}}
              ).oci_layout(d, tag="latest")
        r = scan_json("oci:" + d)
        self.assertEqual(sorted(f["id"] for f in config_findings(r)),
                         ["MOAT-IMG-001", "MOAT-IMG-006"])
        self.assertIn("UID 0", [f for f in config_findings(r) if f["id"] == "MOAT-IMG-001"][0]
                      ["title"])

    def test_debootstrap_no_surprises(self):
        try:
            import test_debootstrap
            test_debootstrap.build()
        except Exception as e:  # no Debian mirror, no debootstrap
            self.skipTest("debootstrap image unavailable: %s" % e)
        tar = os.path.join(test_debootstrap.DIR, "image.tar")
        r = scan_json("docker-archive:" + tar)
        cf = config_findings(r)
        ids = sorted(set(f["id"] for f in cf))
        # a plain Debian root filesystem: it runs as root, has no health check,
        # the setuid tools Debian ships, and debootstrap's apt caches. Nothing else.
        self.assertEqual(ids, ["MOAT-IMG-001", "MOAT-IMG-007", "MOAT-IMG-009", "MOAT-IMG-011"])
        suid = [f for f in cf if f["id"] == "MOAT-IMG-009"]
        self.assertTrue(all(f["severity"] == "low" and "of package" in f["title"] for f in suid),
                        [f["title"] for f in suid])
        self.assertIn("/usr/bin/su", [f["path"] for f in suid])
        rootfs = os.path.join(test_debootstrap.DIR, "rootfs")
        oracle = set()
        for dirpath, dirs, files in os.walk(rootfs):
            for n in files:
                p = os.path.join(dirpath, n)
                st = os.lstat(p)
                if stat.S_ISREG(st.st_mode) and st.st_mode & 0o6000:
                    oracle.add("/" + os.path.relpath(p, rootfs))
        self.assertEqual(set(f["path"] for f in suid), oracle)
        print("\ndebootstrap image: %d config findings: %s" % (len(cf), ", ".join(ids)))


if __name__ == "__main__":
    main()
