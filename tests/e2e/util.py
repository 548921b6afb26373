"""Shared helpers for moat's end-to-end tests.

Each test module is a unittest script run by ctest with:
  MOAT             the moat binary under test
  MOAT_SOURCE_DIR  the repository
  MOAT_WORK        a scratch directory for this module (wiped at start)
"""

import json
import os
import shutil
import subprocess
import sys
import unittest

SRC = os.environ.get("MOAT_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
sys.path.insert(0, os.path.join(SRC, "tests", "fixtures"))

MOAT = os.environ.get("MOAT", os.path.join(SRC, "build", "moat"))
WORK = os.environ.get("MOAT_WORK", os.path.join("/tmp", "moat-e2e", os.path.basename(sys.argv[0])))
SHARED = os.path.abspath(os.path.join(SRC, "..", "shared"))


def fresh_work():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    return WORK


def work(*parts):
    p = os.path.join(WORK, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def run(*args, stdin=None, env=None, timeout=600):
    """Runs moat; returns (exit code, stdout, stderr)."""
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run([MOAT] + [str(a) for a in args], input=stdin, capture_output=True,
                       env=e, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def scan_json(target, *extra):
    """moat scan --format json. Without --db in extra, vulnerability matching
    is off (--no-vulns): inventory tests must not depend on a database."""
    if "--db" not in extra:
        extra = ("--no-vulns",) + tuple(extra)
    code, out, err = run("scan", "--format", "json", *extra, target)
    if code not in (0, 1):
        raise AssertionError("moat scan %s exited %d: %s" % (target, code, err))
    return json.loads(out)


def all_packages(report):
    """Top-level packages plus the ones nested under 'contains'."""
    out = []

    def walk(pkgs):
        for p in pkgs:
            out.append(p)
            walk(p.get("contains", []))
    walk(report["packages"])
    return out


def by_name(report, name, type_=None):
    return [p for p in all_packages(report) if p["name"] == name and (type_ is None or p["type"] == type_)]


class MoatTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        fresh_work()

    def assertFatal(self, target, *needles, args=()):
        """moat must exit 2 with one line naming what is wrong and no report."""
        code, out, err = run("scan", "--format", "json", *args, target)
        self.assertEqual(code, 2, "expected exit 2, got %d; stderr: %s" % (code, err))
        self.assertEqual(out, "", "a failed scan must not print a report")
        lines = [l for l in err.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, "expected one error line, got: %r" % err)
        for n in needles:
            self.assertIn(n, lines[0])
        return lines[0]


def main():
    unittest.main(verbosity=2)
