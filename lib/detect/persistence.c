/*
 * persistence.c - the persistence and backdoor detector: what an attacker
 * leaves in an image so that their code runs again, or so that they can log
 * back in.
 *
 * In the layer pass it reads, whole and capped (MOAT_LIMIT_PERSIST_FILE),
 * the small text files that start programs or grant access: ld.so.preload,
 * crontabs (/etc/crontab, cron.d, the spool, anacrontab, cron.daily & co),
 * systemd units, login and boot scripts, /etc/environment, authorized_keys,
 * passwd, shadow and sshd_config. Shell code (script bodies, cron commands,
 * Exec= lines) goes through a small shell lexer that follows pipes,
 * command substitutions, groups, here-documents and `sh -c` strings. It
 * reports combinations, never a mere curl: fetched data run by an
 * interpreter, decoded data run, a shell wired to a network connection, a
 * download made executable, a program run from /tmp. Findings about a file
 * are attached to its record, so a planted file that a later layer replaced
 * or deleted is still reported (removed: its bytes ship in the image).
 *
 * The finish step judges what needs the merged image: ld.so.preload (does a
 * package own the preloaded library), the effective sshd configuration
 * (Include, Match, first value wins), LD_PRELOAD and LD_LIBRARY_PATH in the
 * image config, and, from the merged filesystem's metadata, setuid/setgid
 * files that no package owns or that hide, and executables in temporary or
 * hidden directories (the ELF magic of files without exec bits there is
 * sniffed in the pass). Rules, severities and the reasons: docs/DETECTORS.md.
 */
#include "analyze/analyzer.h"
#include "analyze/finish.h"
#include "base/b64.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

#include <fnmatch.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "persistence"
#define WORD_MAX 256     /* unquoted text kept per shell word (names, options, paths) */
#define NAME_KEEP 64     /* file names remembered from downloads */
#define EVIDENCE_MAX 120 /* bytes of a line shown as evidence */
#define MAX_DOWNLOADS 8  /* downloads remembered per file (download, chmod, run) */
#define MAX_HEREDOCS 4   /* here-documents pending on one line */
#define LIST_SHOWN 3     /* keys, libraries named in one finding's evidence */

/* ---- rules ---- */

enum rule {
    R_DOWNLOAD_EXEC,
    R_ENCODED_EXEC,
    R_REVERSE_SHELL,
    R_NETWORK_TOOL,
    R_SETUID_CHMOD,
    R_RUNS_FROM_TMP,
    R_LD_PRELOAD_SCRIPT,
    R_LD_SO_PRELOAD,
    R_LD_PRELOAD_ENV,
    R_LD_LIBRARY_PATH_ENV,
    R_AUTHORIZED_KEYS,
    R_UID0,
    R_PASSWD_EMPTY,
    R_SHADOW_EMPTY,
    R_SETUID_UNOWNED,
    R_SETUID_HIDDEN,
    R_EXEC_TMP,
    R_EXEC_HIDDEN,
    R_SSHD_ROOT_LOGIN,
    R_SSHD_EMPTY_PASSWORDS,
    R_SSHD_PASSWORD_AUTH,
    R_COUNT
};

/* id, default severity, title. Line rules (the first seven) are titled
 * "<what the file is> <title>", e.g. "cron job downloads code and runs it". */
static const struct rule_def {
    const char *id, *severity, *title;
} rules[R_COUNT] = {
    [R_DOWNLOAD_EXEC] = {"persistence.download-exec", "critical", "downloads code and runs it"},
    [R_ENCODED_EXEC] = {"persistence.encoded-exec", "critical", "decodes hidden code and runs it"},
    [R_REVERSE_SHELL] = {"persistence.reverse-shell", "critical",
                         "wires a shell to a network connection"},
    [R_NETWORK_TOOL] = {"persistence.network-tool", "medium",
                        "connects to or listens on the network with a raw network tool"},
    [R_SETUID_CHMOD] = {"persistence.setuid-chmod", "high", "sets a setuid or setgid bit"},
    [R_RUNS_FROM_TMP] = {"persistence.runs-from-tmp", "high",
                         "runs a program from a temporary directory"},
    [R_LD_PRELOAD_SCRIPT] = {"persistence.ld-preload-script", "high",
                             "sets LD_PRELOAD for the programs it starts"},
    [R_LD_SO_PRELOAD] = {"persistence.ld-so-preload", "critical",
                         "/etc/ld.so.preload loads a library into every program"},
    [R_LD_PRELOAD_ENV] = {"persistence.ld-preload-env", "critical",
                          "the image config preloads a library into every process"},
    [R_LD_LIBRARY_PATH_ENV] = {"persistence.ld-library-path-env", "medium",
                               "the image config's LD_LIBRARY_PATH searches an unsafe directory"},
    [R_AUTHORIZED_KEYS] = {"persistence.authorized-keys", "high",
                           "SSH keys are authorized to log in"},
    [R_UID0] = {"persistence.uid0-account", "critical", "an account other than root has uid 0"},
    [R_PASSWD_EMPTY] = {"persistence.passwd-empty-password", "high",
                        "an account has no password in /etc/passwd"},
    [R_SHADOW_EMPTY] = {"persistence.shadow-empty-password", "high",
                        "an account has an empty password hash"},
    [R_SETUID_UNOWNED] = {"persistence.setuid-unowned", "high",
                          "setuid/setgid file that no package owns"},
    [R_SETUID_HIDDEN] = {"persistence.setuid-hidden", "critical",
                         "setuid/setgid file in a hidden or temporary directory"},
    [R_EXEC_TMP] = {"persistence.exec-in-tmp", "high", "executable in a temporary directory"},
    [R_EXEC_HIDDEN] = {"persistence.exec-in-hidden", "high", "executable in a hidden directory"},
    [R_SSHD_ROOT_LOGIN] = {"persistence.sshd-permit-root-login", "high",
                           "sshd_config lets root log in (PermitRootLogin yes)"},
    [R_SSHD_EMPTY_PASSWORDS] = {"persistence.sshd-permit-empty-passwords", "high",
                                "sshd_config accepts empty passwords (PermitEmptyPasswords yes)"},
    [R_SSHD_PASSWORD_AUTH] = {"persistence.sshd-password-authentication", "medium",
                              "sshd_config enables password logins while root may log in"},
};

/* ---- which files ---- */

enum file_kind {
    PF_NONE,
    PF_PRELOAD,      /* etc/ld.so.preload */
    PF_CRONTAB_SYS,  /* etc/crontab, etc/cron.d/x: a user field after the schedule */
    PF_CRONTAB_USER, /* spool crontabs, busybox etc/crontabs/x: no user field */
    PF_ANACRONTAB,   /* period delay job-id command */
    PF_CRON_SCRIPT,  /* etc/cron.daily/x, etc/periodic/daily/x, ... */
    PF_SYSTEMD,      /* units and drop-ins: Exec*= and Environment= lines */
    PF_LOGIN_SCRIPT, /* profile, bashrc & co, update-motd.d */
    PF_BOOT_SCRIPT,  /* rc.local, init.d, local.d */
    PF_ENVIRONMENT,  /* etc/environment (pam_env: every login) */
    PF_AUTHKEYS,     /* <home>/.ssh/authorized_keys{,2} */
    PF_PASSWD,
    PF_SHADOW,
    PF_SSHD,         /* etc/ssh/sshd_config, etc/ssh/sshd_config.d/ */
    PF_SNIFF,        /* a file without exec bits where executables hide: ELF? */
};

static const char *
where_name(enum file_kind k)
{
    switch (k) {
    case PF_CRONTAB_SYS:
    case PF_CRONTAB_USER:
    case PF_ANACRONTAB:
    case PF_CRON_SCRIPT:
        return "cron job";
    case PF_SYSTEMD:
        return "systemd unit";
    case PF_LOGIN_SCRIPT:
        return "login script";
    case PF_BOOT_SCRIPT:
        return "boot script";
    case PF_ENVIRONMENT:
        return "/etc/environment";
    case PF_AUTHKEYS:
        return "authorized_keys command";
    default:
        return "file";
    }
}

/* p is a file directly inside dir ("dir/" form): one more component. */
static int
in_dir(const char *p, const char *dir)
{
    size_t n = strlen(dir);

    return strncmp(p, dir, n) == 0 && p[n] && !strchr(p + n, '/');
}

static int
below(const char *p, const char *dir)
{
    size_t n = strlen(dir);

    return strncmp(p, dir, n) == 0 && p[n];
}

static int
one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static const char *const rc_names[] = {
    ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc",
    ".zprofile", ".zshenv", ".zlogin", ".zlogout", ".cshrc", ".tcshrc", ".login", ".kshrc",
    ".mkshrc", NULL,
};

static const char *const etc_login[] = {
    "etc/profile", "etc/bash.bashrc", "etc/bashrc", "etc/bash.bash_logout", "etc/zshrc",
    "etc/zprofile", "etc/zshenv", "etc/zlogin", "etc/zsh/zshrc", "etc/zsh/zprofile",
    "etc/zsh/zshenv", "etc/zsh/zlogin", "etc/csh.cshrc", "etc/csh.login", "etc/ksh.kshrc",
    "etc/mkshrc", NULL,
};

static const char *const systemd_dirs[] = {
    "etc/systemd/system/", "usr/lib/systemd/system/", "lib/systemd/system/",
    "etc/systemd/user/",   "usr/lib/systemd/user/",   "lib/systemd/user/",
    "run/systemd/system/", "usr/local/lib/systemd/system/", NULL,
};

/* A home directory's rc file: root/.bashrc, home/<user>/.profile, etc/skel/... */
static int
home_rc(const char *p, const char *base)
{
    const char *slash;

    if (!one_of(base, rc_names))
        return 0;
    if (in_dir(p, "root/") || in_dir(p, "etc/skel/"))
        return 1;
    if (strncmp(p, "home/", 5) != 0)
        return 0;
    slash = strchr(p + 5, '/');
    return slash && slash > p + 5 && slash + 1 == base;
}

static int
systemd_unit(const char *p, const char *base)
{
    size_t i;
    int dir = 0;

    for (i = 0; systemd_dirs[i]; i++)
        if (below(p, systemd_dirs[i]))
            dir = 1;
    if (!dir && (strncmp(p, "root/", 5) == 0 || strncmp(p, "home/", 5) == 0) &&
        strstr(p, "/.config/systemd/user/"))
        dir = 1;
    if (!dir)
        return 0;
    if (str_ends(base, ".service") || str_ends(base, ".socket"))
        return 1;
    /* drop-in: unit.service.d/override.conf */
    if (str_ends(base, ".conf") && base - p >= 3 && base[-1] == '/' && base[-2] == 'd' &&
        base[-3] == '.')
        return 1;
    return 0;
}

static int
cron_script(const char *p)
{
    static const char *const dirs[] = {
        "etc/cron.hourly/", "etc/cron.daily/", "etc/cron.weekly/", "etc/cron.monthly/",
        "etc/cron.yearly/", NULL,
    };
    const char *rest;
    size_t i;

    for (i = 0; dirs[i]; i++)
        if (in_dir(p, dirs[i]))
            return 1;
    /* Alpine: etc/periodic/<period>/<script> */
    if (strncmp(p, "etc/periodic/", 13) != 0)
        return 0;
    rest = strchr(p + 13, '/');
    return rest && rest > p + 13 && rest[1] && !strchr(rest + 1, '/');
}

enum loc { LOC_NONE, LOC_TMP, LOC_HIDDEN };

/* Hidden directories that tool chains and package managers create by
 * convention and fill with executables (virtualenvs, rustup, nvm, git
 * hooks...). An executable below one of them is not reported; a setuid
 * file is, wherever it hides. ".cache" is only excused for the tools named
 * in cache_tools. */
static const char *const tool_dirs[] = {
    ".git", ".github", ".githooks", ".husky", ".venv", ".virtualenvs", ".local", ".cargo",
    ".rustup", ".npm", ".nvm", ".pnpm", ".pnpm-store", ".yarn", ".bun", ".deno", ".pyenv",
    ".rbenv", ".gem", ".bundle", ".gradle", ".m2", ".mvn", ".sdkman", ".dotnet", ".nuget",
    ".conda", ".vscode-server", ".node-gyp", ".julia", ".ghcup", ".cabal", ".stack", ".opam",
    ".asdf", ".volta", ".jenv", ".pub-cache", ".bin", ".tox", ".nox", ".rye", ".pixi",
    ".krew", ".linuxbrew", ".terraform", ".terraform.d", ".docker", NULL,
};
static const char *const cache_tools[] = {
    "ms-playwright", "puppeteer", "bazel", "pip", "go-build", "node-gyp", "pypoetry", "uv",
    "yarn", "Cypress", "selenium", "prisma", "pre-commit", "deno", "electron", "JetBrains",
    "huggingface", "torch", NULL,
};

static int
tool_dir(const char *comp, size_t n, const char *next, size_t nn)
{
    size_t i;

    if (n >= 5 && memcmp(comp, ".venv", 5) == 0)
        return 1;
    for (i = 0; tool_dirs[i]; i++)
        if (strlen(tool_dirs[i]) == n && memcmp(comp, tool_dirs[i], n) == 0)
            return 1;
    if (n == 6 && memcmp(comp, ".cache", 6) == 0 && next)
        for (i = 0; cache_tools[i]; i++)
            if (strlen(cache_tools[i]) == nn && memcmp(next, cache_tools[i], nn) == 0)
                return 1;
    return 0;
}

/* Where an executable would be hiding: under a temporary directory, or
 * below a component starting with '.' (the file's own name included).
 * tools: excuse the conventional tool directories above. */
static enum loc
location(const char *path, int tools)
{
    const char *c = path;

    if (strncmp(path, "tmp/", 4) == 0 || strncmp(path, "var/tmp/", 8) == 0 ||
        strncmp(path, "dev/shm/", 8) == 0 || strncmp(path, "run/shm/", 8) == 0)
        return LOC_TMP;
    while (*c) {
        const char *e = strchr(c, '/'), *next = NULL;
        size_t n = e ? (size_t)(e - c) : strlen(c), nn = 0;
        if (e) {
            next = e + 1;
            nn = strchr(next, '/') ? (size_t)(strchr(next, '/') - next) : strlen(next);
        }
        if (n > 0 && c[0] == '.') {
            if (tools && e && tool_dir(c, n, next, nn))
                return LOC_NONE;
            return LOC_HIDDEN;
        }
        if (!e)
            break;
        c = e + 1;
    }
    return LOC_NONE;
}

static enum file_kind
classify(const struct entry *e)
{
    const char *p = e->path, *b = e->base;

    if (strncmp(p, "etc/", 4) == 0) {
        if (strcmp(p, "etc/ld.so.preload") == 0)
            return PF_PRELOAD;
        if (strcmp(p, "etc/passwd") == 0)
            return PF_PASSWD;
        if (strcmp(p, "etc/shadow") == 0)
            return PF_SHADOW;
        if (strcmp(p, "etc/environment") == 0)
            return PF_ENVIRONMENT;
        if (strcmp(p, "etc/crontab") == 0 || in_dir(p, "etc/cron.d/"))
            return PF_CRONTAB_SYS;
        if (in_dir(p, "etc/crontabs/"))
            return PF_CRONTAB_USER;
        if (strcmp(p, "etc/anacrontab") == 0)
            return PF_ANACRONTAB;
        if (cron_script(p))
            return PF_CRON_SCRIPT;
        if (strcmp(p, "etc/ssh/sshd_config") == 0 || below(p, "etc/ssh/sshd_config.d/"))
            return PF_SSHD;
        if (one_of(p, etc_login) || in_dir(p, "etc/profile.d/") ||
            in_dir(p, "etc/update-motd.d/"))
            return PF_LOGIN_SCRIPT;
        if (strcmp(p, "etc/rc.local") == 0 || strcmp(p, "etc/rc.d/rc.local") == 0 ||
            in_dir(p, "etc/init.d/") || in_dir(p, "etc/rc.d/init.d/") ||
            in_dir(p, "etc/local.d/"))
            return PF_BOOT_SCRIPT;
    }
    if (in_dir(p, "var/spool/cron/crontabs/") || in_dir(p, "var/spool/cron/") ||
        in_dir(p, "var/spool/cron/tabs/"))
        return PF_CRONTAB_USER;
    if (systemd_unit(p, b))
        return PF_SYSTEMD;
    if (home_rc(p, b))
        return PF_LOGIN_SCRIPT;
    if ((strcmp(b, "authorized_keys") == 0 || strcmp(b, "authorized_keys2") == 0) &&
        b - p >= 5 && memcmp(b - 5, ".ssh/", 5) == 0 && (b - p == 5 || b[-6] == '/'))
        return PF_AUTHKEYS;
    /* the smallest ELF header is 52 bytes: shorter files cannot be programs */
    if (e->le->type == ENTRY_REG && !(e->le->mode & 0111) && e->le->size >= 52 &&
        location(p, 1) != LOC_NONE)
        return PF_SNIFF;
    return PF_NONE;
}

static enum want
persist_wants(const struct entry *e)
{
    enum file_kind k = classify(e);

    if (k == PF_NONE)
        return WANT_NO;
    return k == PF_SNIFF ? WANT_STREAM : WANT_WHOLE;
}

/* ---- what a record carries to the finish step ---- */

enum pdata_kind { PD_LINES = 1, PD_ELF, PD_PRELOAD, PD_SSHD };

struct pdata {
    enum pdata_kind kind;
};

static struct pdata elf_tag = {PD_ELF};
static struct pdata lines_tag = {PD_LINES};

struct preload_data {
    struct pdata h;
    const char **lib;
    uint64_t *offset;
    size_t n;
};

enum sshd_kw { KW_ROOT_LOGIN, KW_EMPTY_PASSWORDS, KW_PASSWORD_AUTH, KW_INCLUDE, KW_MATCH, KW_N };

struct sshd_dir {
    enum sshd_kw kw;
    const char *value;         /* first argument, lower-case (all of them for
                                  Include and Match) */
    unsigned line;
    uint64_t offset;
};

struct sshd_data {
    struct pdata h;
    struct sshd_dir *d;
    size_t n;
};

/* ---- per-file analysis state ---- */

struct download {
    char name[NAME_KEEP];      /* basename of the file written */
    const char *line;          /* start of the line that wrote it */
};

struct pfile {
    struct actx *c;
    const struct entry *e;
    enum file_kind kind;
    const char *buf, *end;
    struct rec *rec;           /* made on the first finding */
    size_t nfindings, dropped;
    const char *line;          /* line of the last finding (one per rule) */
    unsigned line_rules;
    struct download dl[MAX_DOWNLOADS];
    size_t ndl;
    const char *cache_ls, *cache_le; /* the line line_start() found last */
    int rc;                    /* MOAT_ENOMEM once an allocation failed */
};

/* Start of the line holding at. Remembers the last line found, so that
 * the many checks on one long line do not each walk back over it. */
static const char *
line_start(struct pfile *pf, const char *at)
{
    const char *ls = at, *nl;

    if (pf->cache_ls && at >= pf->cache_ls && at <= pf->cache_le)
        return pf->cache_ls;
    while (ls > pf->buf && ls[-1] != '\n')
        ls--;
    nl = memchr(at, '\n', (size_t)(pf->end - at));
    pf->cache_ls = ls;
    pf->cache_le = nl ? nl : pf->end;
    return ls;
}

static const char *
line_end(const struct pfile *pf, const char *at)
{
    const char *nl = memchr(at, '\n', (size_t)(pf->end - at));
    const char *e = nl ? nl : pf->end;

    if (e > at && e[-1] == '\r')
        e--;
    return e;
}

static unsigned
line_number(const struct pfile *pf, const char *ls)
{
    const char *p = pf->buf;
    unsigned n = 1;

    while (p < ls) {
        const char *nl = memchr(p, '\n', (size_t)(ls - p));
        if (!nl)
            break;
        n++;
        p = nl + 1;
    }
    return n;
}

/* ---- evidence: printable, bounded, credentials replaced ---- */

struct out {
    char b[EVIDENCE_MAX + 8];
    size_t n;
    int full;
};

static void
out_add(struct out *o, const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n && !o->full; i++) {
        if (o->n >= EVIDENCE_MAX) {
            o->full = 1;
            break;
        }
        o->b[o->n++] = p[i];
    }
}

static void
out_adds(struct out *o, const char *s)
{
    out_add(o, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0. */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
    size_t n, i;
    unsigned long cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        n = 2, cp = p[0] & 0x1f;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        n = 3, cp = p[0] & 0x0f;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        n = 4, cp = p[0] & 0x07;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* End of a value starting at p: a quoted string through its closing quote,
 * else up to a blank, a quote or a shell operator. */
static const char *
value_end(const char *p, const char *end)
{
    if (p < end && (*p == '"' || *p == '\'')) {
        const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
        return q ? q + 1 : end;
    }
    while (p < end && !is_blank(*p) && *p != '"' && *p != '\'' && *p != ';' && *p != '|' &&
           *p != '&' && *p != ')' && *p != '`')
        p++;
    return p;
}

static int
nocase_prefix(const char *p, const char *end, const char *s)
{
    size_t n = strlen(s), i;

    if ((size_t)(end - p) < n)
        return 0;
    for (i = 0; i < n; i++) {
        char a = p[i], b = s[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* Does the variable or header name [p, p+n) name a credential? */
static int
secret_name(const char *p, size_t n)
{
    static const char *const parts[] = {"pass", "secret", "token", "key", "pwd", "auth",
                                        "credential", NULL};
    size_t i, j;

    for (i = 0; parts[i]; i++)
        for (j = 0; j + strlen(parts[i]) <= n; j++)
            if (nocase_prefix(p + j, p + n, parts[i]))
                return 1;
    return 0;
}

/* Credentials that may sit on a command line: user:password@ in URLs,
 * curl/wget -u/--user user:password and --password=, Authorization and
 * headers named like a token or key, NAME=value where NAME says it is a secret. Returns
 * the input position after what it wrote (redacted), or NULL when nothing
 * at p is a credential. */
static const char *
redact(struct out *o, const char *p, const char *end, int word_start)
{
    static const char *const user_opts[] = {"--proxy-user", "--user", "-u", "-U", NULL};
    static const char *const pass_opts[] = {"--http-password", "--ftp-password",
                                            "--proxy-password", "--password", "--pass", NULL};
    size_t i;

    if (end - p >= 3 && memcmp(p, "://", 3) == 0) {
        const char *a = p + 3, *k = a, *at = NULL, *colon;
        while (k < end && !is_blank(*k) && !strchr("/?#\"'`);|&<>", *k)) {
            if (*k == '@')
                at = k;
            k++;
        }
        if (!at)
            return NULL;
        out_adds(o, "://");
        colon = memchr(a, ':', (size_t)(at - a));
        if (colon) {
            out_add(o, a, (size_t)(colon - a));
            out_adds(o, ":***@");
        } else {
            out_adds(o, "***@");
        }
        return at + 1;
    }
    if (nocase_prefix(p, end, "authorization:") || nocase_prefix(p, end, "bearer ") ||
        nocase_prefix(p, end, "basic ")) {
        const char *q = p, *v;
        if (nocase_prefix(p, end, "authorization:"))
            q += 14;
        while (q < end && is_blank(*q))
            q++;
        if (nocase_prefix(q, end, "bearer ") || nocase_prefix(q, end, "basic ") ||
            nocase_prefix(q, end, "token ")) {
            q = memchr(q, ' ', (size_t)(end - q));
            while (q && q < end && is_blank(*q))
                q++;
        }
        if (!q || q >= end)
            return NULL;
        out_add(o, p, (size_t)(q - p));
        out_adds(o, "***");
        v = q;
        while (v < end && !is_blank(*v) && *v != '"' && *v != '\'')
            v++;
        return v;
    }
    if (!word_start)
        return NULL;
    for (i = 0; user_opts[i]; i++) {
        size_t n = strlen(user_opts[i]);
        const char *v, *ve, *colon;
        if ((size_t)(end - p) <= n || memcmp(p, user_opts[i], n) != 0)
            continue;
        v = p + n;
        if (*v == '=' || is_blank(*v)) {
            v++;
            while (v < end && is_blank(*v))
                v++;
        } else if (n != 2) {
            continue; /* --username: not this option */
        }
        ve = value_end(v, end);
        colon = memchr(v, ':', (size_t)(ve - v));
        if (!colon)
            return NULL;
        out_add(o, p, (size_t)(colon - p));
        out_adds(o, ":***");
        return ve;
    }
    for (i = 0; pass_opts[i]; i++) {
        size_t n = strlen(pass_opts[i]);
        const char *v;
        if ((size_t)(end - p) <= n || memcmp(p, pass_opts[i], n) != 0 ||
            (p[n] != '=' && !is_blank(p[n])))
            continue;
        v = p + n + 1;
        while (v < end && is_blank(*v))
            v++;
        out_add(o, p, (size_t)(v - p));
        out_adds(o, "***");
        return value_end(v, end);
    }
    /* NAME=value and Header-Name: value */
    {
        const char *q = p;
        while (q < end && (*q == '_' || *q == '-' || (*q >= 'A' && *q <= 'Z') ||
                           (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')))
            q++;
        if (q > p && q < end && (*q == '=' || *q == ':') && secret_name(p, (size_t)(q - p))) {
            const char *v = q + 1;
            if (*q == ':') {
                if (v >= end || !is_blank(*v))
                    return NULL; /* "host:port", not a header */
                while (v < end && is_blank(*v))
                    v++;
            }
            if (v >= end || *v == '$')
                return NULL; /* a variable reference is not a secret */
            out_add(o, p, (size_t)(v - p));
            out_adds(o, "***");
            return value_end(v, end);
        }
    }
    return NULL;
}

/* The evidence text for [p, end): prefix, then the bytes made printable,
 * credentials redacted, cut at EVIDENCE_MAX with "...". In the arena. */
static char *
evidence_text(struct arena *a, const char *prefix, const char *p, const char *end)
{
    struct out o;
    int word_start = 1;

    o.n = 0;
    o.full = 0;
    while (p < end && is_blank(*p))
        p++;
    while (p < end && !o.full) {
        const char *r = redact(&o, p, end, word_start);
        size_t n;
        if (r) {
            p = r;
            word_start = 0;
            continue;
        }
        if (is_blank(*p) || *p == '\r' || *p == '\n') {
            if (o.n && o.b[o.n - 1] != ' ')
                out_adds(&o, " ");
            p++;
            word_start = 1;
            continue;
        }
        word_start = *p == '"' || *p == '\'' || *p == '=' || *p == '(' || *p == ';' ||
                     *p == '|' || *p == '&' || *p == '`';
        n = utf8_len((const unsigned char *)p, (const unsigned char *)end);
        if (n == 0 || (n == 1 && ((unsigned char)*p < 0x20 || *p == 0x7f))) {
            out_adds(&o, "?");
            p++;
            continue;
        }
        if (o.n + n > EVIDENCE_MAX) {
            o.full = 1;
            break;
        }
        out_add(&o, p, n);
        p += n;
    }
    while (o.n && o.b[o.n - 1] == ' ')
        o.n--;
    o.b[o.n] = '\0';
    return arena_printf(a, "%s%s%s", prefix, o.b, o.full || p < end ? "..." : "");
}

/* A short printable copy of [p, p+n) (names, comments), cut at max bytes. */
static char *
clean_text(struct arena *a, const char *p, size_t n, size_t max)
{
    char *s = arena_alloc(a, max * 4 + 8);
    size_t i = 0, o = 0;

    if (!s)
        return NULL;
    while (i < n && o < max) {
        size_t k = utf8_len((const unsigned char *)p + i, (const unsigned char *)p + n);
        if (k == 0 || (k == 1 && ((unsigned char)p[i] < 0x20 || p[i] == 0x7f))) {
            s[o++] = '?';
            i++;
            continue;
        }
        memcpy(s + o, p + i, k);
        o += k;
        i += k;
    }
    if (i < n) {
        memcpy(s + o, "...", 3);
        o += 3;
    }
    s[o] = '\0';
    return s;
}

/* ---- findings of the layer pass ---- */

static struct layer_finding *
new_finding(struct pfile *pf)
{
    struct layer_finding *lf;

    if (!pf->rec) {
        pf->rec = rec_new(pf->c, REC_DATA, pf->e->path);
        if (!pf->rec) {
            pf->rc = MOAT_ENOMEM;
            return NULL;
        }
        pf->rec->data = &lines_tag;
    }
    lf = rec_add_finding(pf->c, pf->rec);
    if (!lf)
        pf->rc = MOAT_ENOMEM;
    return lf;
}

/* Reports rule r for the line holding `at`, once per line and rule, at most
 * MOAT_LIMIT_PERSIST_FINDINGS per file. detail (may be NULL) replaces the
 * line's text in the evidence (passwd lines carry hashes: never shown). */
static void
hit_sev(struct pfile *pf, enum rule r, const char *at, const char *severity, const char *fmt,
        ...) __attribute__((format(printf, 5, 6)));

static void
hit_sev(struct pfile *pf, enum rule r, const char *at, const char *severity, const char *fmt,
        ...)
{
    struct arena *a = pf->c->arena;
    const char *ls = line_start(pf, at);
    struct layer_finding *lf;
    unsigned lineno;

    if (ls == pf->line && (pf->line_rules & (1u << r)))
        return;
    if (ls != pf->line) {
        pf->line = ls;
        pf->line_rules = 0;
    }
    pf->line_rules |= 1u << r;
    if (pf->nfindings >= MOAT_LIMIT_PERSIST_FINDINGS) {
        pf->dropped++;
        return;
    }
    lf = new_finding(pf);
    if (!lf)
        return;
    pf->nfindings++;
    lineno = line_number(pf, ls);
    lf->kind = KIND;
    lf->id = rules[r].id;
    lf->severity = severity ? severity : rules[r].severity;
    lf->offset = (uint64_t)(ls - pf->buf);
    if (r <= R_LD_PRELOAD_SCRIPT)
        lf->title = arena_printf(a, "%s %s", where_name(pf->kind), rules[r].title);
    else
        lf->title = rules[r].title;
    if (fmt) {
        va_list ap;
        char *d;
        va_start(ap, fmt);
        d = arena_vprintf(a, fmt, ap);
        va_end(ap);
        lf->evidence = d ? arena_printf(a, "line %u: %s", lineno, d) : NULL;
    } else {
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "line %u: ", lineno);
        lf->evidence = evidence_text(a, prefix, ls, line_end(pf, ls));
    }
    if (!lf->title || !lf->evidence)
        pf->rc = MOAT_ENOMEM;
}

static void
hit(struct pfile *pf, enum rule r, const char *at)
{
    hit_sev(pf, r, at, NULL, NULL);
}

/* ---- the shell lexer and parser ---- */

/* What flows out of a command, through a pipe or a substitution. */
enum taint {
    T_FETCH = 1,   /* bytes fetched from the network (curl, wget) */
    T_DECODE = 2,  /* bytes decoded (base64 -d) */
    T_NET = 4,     /* bytes received on a raw connection (nc, socat) */
    T_SHELL = 8,   /* the output of a shell reading commands (interactive) */
};

enum tool {
    TL_NONE,
    TL_OTHER,
    TL_SHELL,    /* sh -c CODE, sh FILE, sh (stdin) */
    TL_SCRIPT,   /* python, perl, ruby, php, node, lua: -c/-e CODE, FILE, stdin */
    TL_AWK,
    TL_EVAL,
    TL_SOURCE,   /* source FILE, . FILE */
    TL_SETENV,   /* csh: setenv NAME VALUE */
    TL_CURL,     /* writes to stdout unless told otherwise */
    TL_WGET,     /* writes a file unless -O - */
    TL_FETCH,    /* other downloaders: write a file */
    TL_NC,
    TL_TELNET,
    TL_SOCAT,
    TL_OPENSSL,
    TL_DECODER,  /* base64/base32/basenc -d, uudecode */
    TL_XXD,
    TL_CHMOD,
    TL_SU,       /* su/runuser -c CODE */
    TL_WRAPPER,  /* sudo, nohup, timeout...: run the next words */
    TL_BUSYBOX,  /* the next word is the applet */
    TL_COMMAND,  /* command [-p] NAME runs NAME; -v/-V only look it up */
};

struct tool_def {
    const char *name;
    enum tool tool;
    const char *vopts;   /* short options that take a value */
    const char *code;    /* interpreters: short options whose value is code */
    unsigned operands;   /* wrappers: operands before the command */
};

static const struct tool_def tool_defs[] = {
    {"sh", TL_SHELL, "o", NULL, 0},
    {"bash", TL_SHELL, "o", NULL, 0},
    {"dash", TL_SHELL, "o", NULL, 0},
    {"zsh", TL_SHELL, "o", NULL, 0},
    {"ash", TL_SHELL, "o", NULL, 0},
    {"ksh", TL_SHELL, "o", NULL, 0},
    {"ksh93", TL_SHELL, "o", NULL, 0},
    {"mksh", TL_SHELL, "o", NULL, 0},
    {"yash", TL_SHELL, "o", NULL, 0},
    {"posh", TL_SHELL, "o", NULL, 0},
    {"rbash", TL_SHELL, "o", NULL, 0},
    {"csh", TL_SHELL, "", NULL, 0},
    {"tcsh", TL_SHELL, "", NULL, 0},
    {"fish", TL_SHELL, "", NULL, 0},
    {"python", TL_SCRIPT, "WXQm", "c", 0},
    {"pypy", TL_SCRIPT, "WXQm", "c", 0},
    {"perl", TL_SCRIPT, "", "eE", 0},
    {"ruby", TL_SCRIPT, "rICE", "e", 0},
    {"php", TL_SCRIPT, "cdfzt", "rBRE", 0},
    {"node", TL_SCRIPT, "r", "ep", 0},
    {"nodejs", TL_SCRIPT, "r", "ep", 0},
    {"lua", TL_SCRIPT, "l", "e", 0},
    {"luajit", TL_SCRIPT, "lj", "e", 0},
    {"tclsh", TL_SCRIPT, "", "", 0},
    {"pwsh", TL_SCRIPT, "", "c", 0},
    {"awk", TL_AWK, "fFv", NULL, 0},
    {"gawk", TL_AWK, "fFv", NULL, 0},
    {"mawk", TL_AWK, "fFv", NULL, 0},
    {"nawk", TL_AWK, "fFv", NULL, 0},
    {"eval", TL_EVAL, "", NULL, 0},
    {"source", TL_SOURCE, "", NULL, 0},
    {".", TL_SOURCE, "", NULL, 0},
    {"setenv", TL_SETENV, "", NULL, 0},
    {"curl", TL_CURL, "dHuUXAeErTwxKmCYyzbcDFPQt", NULL, 0},
    {"lwp-request", TL_CURL, "mcCHpP", NULL, 0},
    {"wget", TL_WGET, "oaiBtTwUePQDlARIX", NULL, 0},
    {"wget2", TL_WGET, "oaiBtTwUePQDlARIX", NULL, 0},
    {"fetch", TL_FETCH, "oNST", NULL, 0},
    {"lwp-download", TL_FETCH, "", NULL, 0},
    {"aria2c", TL_FETCH, "odsxjU", NULL, 0},
    {"axel", TL_FETCH, "onsH", NULL, 0},
    {"tftp", TL_FETCH, "rlm", NULL, 0},
    {"nc", TL_NC, "pswiqxXPTIOVMmec", NULL, 0},
    {"ncat", TL_NC, "pswiqxXPTIOVMmec", NULL, 0},
    {"netcat", TL_NC, "pswiqxXPTIOVMmec", NULL, 0},
    {"nc.traditional", TL_NC, "pswiqxXPTIOVMmec", NULL, 0},
    {"nc.openbsd", TL_NC, "pswiqxXPTIOVMmec", NULL, 0},
    {"telnet", TL_TELNET, "lenb", NULL, 0},
    {"socat", TL_SOCAT, "Tbt", NULL, 0},
    {"openssl", TL_OPENSSL, "", NULL, 0},
    {"base64", TL_DECODER, "w", NULL, 0},
    {"base32", TL_DECODER, "w", NULL, 0},
    {"basenc", TL_DECODER, "w", NULL, 0},
    {"uudecode", TL_DECODER, "o", NULL, 0},
    {"xxd", TL_XXD, "cglsno", NULL, 0},
    {"chmod", TL_CHMOD, "", NULL, 0},
    {"su", TL_SU, "sgG", NULL, 0},
    {"runuser", TL_SU, "sgGu", NULL, 0},
    {"sudo", TL_WRAPPER, "uUgpCDhrtT", NULL, 0},
    {"doas", TL_WRAPPER, "uC", NULL, 0},
    {"nohup", TL_WRAPPER, "", NULL, 0},
    {"exec", TL_WRAPPER, "a", NULL, 0},
    {"env", TL_WRAPPER, "uC", NULL, 0},
    {"timeout", TL_WRAPPER, "sk", NULL, 1},
    {"nice", TL_WRAPPER, "n", NULL, 0},
    {"ionice", TL_WRAPPER, "cn", NULL, 0},
    {"setsid", TL_WRAPPER, "", NULL, 0},
    {"stdbuf", TL_WRAPPER, "ioe", NULL, 0},
    {"chroot", TL_WRAPPER, "", NULL, 1},
    {"time", TL_WRAPPER, "fo", NULL, 0},
    {"builtin", TL_WRAPPER, "", NULL, 0},
    {"xargs", TL_WRAPPER, "ILnPsdEa", NULL, 0},
    {"flock", TL_WRAPPER, "wE", NULL, 1},
    {"taskset", TL_WRAPPER, "", NULL, 1},
    {"chrt", TL_WRAPPER, "", NULL, 1},
    {"unbuffer", TL_WRAPPER, "", NULL, 0},
    {"watch", TL_WRAPPER, "nq", NULL, 0},
    {"busybox", TL_BUSYBOX, "", NULL, 0},
    {"command", TL_COMMAND, "", NULL, 0},
};

/* Interpreters are also installed under versioned names: python3.11. */
static const char *const versioned[] = {"python", "pypy", "perl", "php", "ruby", "lua", NULL};

static const struct tool_def *
tool_lookup(const char *name)
{
    size_t i, k;

    for (i = 0; i < sizeof(tool_defs) / sizeof(tool_defs[0]); i++)
        if (strcmp(name, tool_defs[i].name) == 0)
            return &tool_defs[i];
    for (k = 0; versioned[k]; k++) {
        size_t n = strlen(versioned[k]);
        const char *v = name + n;
        if (strncmp(name, versioned[k], n) != 0 || !*v)
            continue;
        while (*v && ((*v >= '0' && *v <= '9') || *v == '.'))
            v++;
        if (*v)
            continue;
        for (i = 0; i < sizeof(tool_defs) / sizeof(tool_defs[0]); i++)
            if (strcmp(versioned[k], tool_defs[i].name) == 0)
                return &tool_defs[i];
    }
    return NULL;
}

struct word {
    char s[WORD_MAX];          /* unquoted text, cut at WORD_MAX - 1 bytes */
    size_t n;
    const char *raw;           /* as written */
    size_t rawn;
    const char *inner;         /* content of a wholly quoted word, or NULL */
    size_t innern;
    unsigned taint;            /* what its substitutions produce */
    int quoted;
};

static void
w_put(struct word *w, char ch)
{
    if (w->n + 1 < WORD_MAX)
        w->s[w->n++] = ch;
}

enum redir { RD_OUT, RD_IN, RD_DUP, RD_HEREDOC, RD_HEREDOC_TABS, RD_HERESTR, RD_OTHER };

enum tok { TK_END, TK_WORD, TK_PIPE, TK_SEP, TK_LPAREN, TK_RPAREN, TK_BQ, TK_REDIR, TK_CLOSE };

enum heredoc_code { HD_DATA, HD_SHELL, HD_SCRIPT };

struct sh {
    struct pfile *pf;
    const char *p, *end;
    int depth;
    int crontab;               /* an unescaped % ends the command (cron) */
    struct {
        char delim[NAME_KEEP];
        int tabs;
        enum heredoc_code code;
    } hd[MAX_HEREDOCS];
    size_t nhd;
};

/* value_kind: what the next word is the value of */
enum vk { V_NONE, V_CODE, V_OUTPUT, V_URL, V_CONNECT, V_SCRIPT };

struct cmd {
    const char *at;            /* where it starts (the evidence line) */
    const struct tool_def *td;
    enum tool tool;
    int started;               /* argv0 seen */
    int fn_name;               /* `function NAME`: the next word is a name */
    int skip;                  /* words that are option values */
    enum vk vk;                /* ... and what they are */
    unsigned wrap_operands;    /* wrapper operands before the wrapped command */
    int opts_done;             /* "--" seen */
    unsigned operands;
    unsigned exec_taint;       /* taints of words that get executed */
    unsigned stdin_taint;      /* here-strings, input redirections */
    unsigned group_out;        /* ( list ) and { list; } */
    int group;
    /* features */
    int has_code, code_seen, stdin_flag, interactive, module, script_seen;
    int to_stdout, to_file, redirected, exec_opt, listen, zero, remote, decode;
    int socat_exec, socat_net, s_client, codec, chmod_mode, chmod_s, chmod_x, lookup_only;
    int setenv_preload;
    char script[WORD_MAX];     /* interpreter's script operand / input file */
    char outname[NAME_KEEP];   /* file a download writes */
    char urlname[NAME_KEEP];   /* last component of the URL fetched */
};

static void analyze_code(struct pfile *pf, const char *p, const char *end, int depth,
                         int crontab);
static unsigned parse_list(struct sh *s, int term, unsigned carry);

static const char *
base_name(const char *s)
{
    const char *b = strrchr(s, '/');

    return b && b[1] ? b + 1 : s;
}

/* Copies src into dst (cap bytes), cut if longer: names and paths kept for
 * comparisons, where a cut one simply does not match. */
static void
copy_cut(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);

    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void
keep_name(char *dst, const char *path)
{
    copy_cut(dst, NAME_KEEP, base_name(path));
}

static int
tmp_path(const char *s)
{
    return strncmp(s, "/tmp/", 5) == 0 || strncmp(s, "/var/tmp/", 9) == 0 ||
           strncmp(s, "/dev/shm/", 9) == 0 || strncmp(s, "/run/shm/", 9) == 0;
}

/* localhost, 127.x.x.x, ::1, 0.0.0.0: not a remote host. */
static int
local_host(const char *h, size_t n)
{
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        h++;
        n -= 2;
    }
    return (n == 9 && memcmp(h, "localhost", 9) == 0) || (n >= 4 && memcmp(h, "127.", 4) == 0) ||
           (n == 3 && memcmp(h, "::1", 3) == 0) || (n == 7 && memcmp(h, "0.0.0.0", 7) == 0) ||
           (n == 13 && memcmp(h, "ip6-localhost", 13) == 0);
}

static void
dl_add(struct pfile *pf, const char *name, const char *at)
{
    struct download *d;

    if (!*name || strcmp(name, "null") == 0)
        return;
    d = &pf->dl[pf->ndl % MAX_DOWNLOADS];
    pf->ndl++;
    copy_cut(d->name, sizeof(d->name), name);
    d->line = line_start(pf, at);
}

static int
dl_match(const struct pfile *pf, const char *path)
{
    const char *b = base_name(path);
    size_t i, n = pf->ndl < MAX_DOWNLOADS ? pf->ndl : MAX_DOWNLOADS;

    if (!*b)
        return 0;
    for (i = 0; i < n; i++)
        if (strcmp(pf->dl[i].name, b) == 0)
            return 1;
    return 0;
}

static int
dl_on_line(struct pfile *pf, const char *at)
{
    const char *ls = line_start(pf, at);
    size_t i, n = pf->ndl < MAX_DOWNLOADS ? pf->ndl : MAX_DOWNLOADS;

    for (i = 0; i < n; i++)
        if (pf->dl[i].line == ls)
            return 1;
    return 0;
}

/* Memory allocators that images legitimately preload (jemalloc for Ruby,
 * tcmalloc, mimalloc). */
static int
allocator(const char *lib, size_t n)
{
    static const char *const names[] = {"libjemalloc", "libtcmalloc", "libmimalloc", NULL};
    const char *b = lib;
    size_t i, k;

    for (k = 0; k < n; k++)
        if (lib[k] == '/')
            b = lib + k + 1;
    for (i = 0; names[i]; i++)
        if ((size_t)(lib + n - b) >= strlen(names[i]) &&
            memcmp(b, names[i], strlen(names[i])) == 0)
            return 1;
    return 0;
}

/* Every entry of an LD_PRELOAD value (':' or blank separated) an allocator? */
static int
allocators_only(const char *v)
{
    int any = 0;

    while (*v) {
        size_t n = strcspn(v, ": \t");
        if (n) {
            if (!allocator(v, n))
                return 0;
            any = 1;
        }
        v += n;
        if (*v)
            v++;
    }
    return any;
}

/* Checks every word gets: bash's /dev/tcp/HOST/PORT, LD_PRELOAD=. */
static void
word_common(struct sh *s, const struct word *w)
{
    const char *p = w->raw, *end = w->raw + w->rawn;
    const char *hit_at;

    while (p < end && (hit_at = mem_find(p, (size_t)(end - p), "/dev/", 5)) != NULL) {
        const char *h = hit_at + 5, *he;
        p = h;
        if ((size_t)(end - h) < 4 || (memcmp(h, "tcp/", 4) != 0 && memcmp(h, "udp/", 4) != 0))
            continue;
        h += 4;
        he = h;
        while (he < end && *he != '/' && !is_blank(*he) && *he != '"' && *he != '\'')
            he++;
        if (he > h && !local_host(h, (size_t)(he - h)))
            hit(s->pf, R_REVERSE_SHELL, w->raw);
    }
    {
        const char *v = NULL;
        size_t i;
        /* a word of its own; in systemd's Environment="A=1 B=2" any of them */
        for (i = 0; i < w->n && !v; i++) {
            if (i > 0 && (w->s[i - 1] != ' ' || s->pf->kind != PF_SYSTEMD))
                continue;
            if (strncmp(w->s + i, "LD_PRELOAD=", 11) == 0)
                v = w->s + i + 11;
            else if (strncmp(w->s + i, "LD_AUDIT=", 9) == 0)
                v = w->s + i + 9;
        }
        /* a variable's value is not known here: less certain */
        if (v && *v && *v != ' ')
            hit_sev(s->pf, R_LD_PRELOAD_SCRIPT, w->raw,
                    allocators_only(v) ? "low" : *v == '$' ? "medium" : NULL, NULL);
    }
}

/* Inline program text given to an interpreter (-c, -e, -r, awk's program,
 * a here-document): words that open connections, fetch, decode and run. */
static void
code_markers(struct sh *s, const char *at, const char *p, size_t n, int whole_file)
{
    static const char *const net[] = {
        "socket", "Socket", "fsockopen", "stream_socket_client", "TCPSocket", "net.connect",
        "require('net')", "require(\"net\")", "/inet/tcp/", "/inet/udp/", NULL,
    };
    static const char *const run[] = {
        "subprocess", "pty.spawn", "dup2", "os.system", "popen", "exec(", "exec ", "system(",
        "shell_exec", "passthru", "proc_open", "spawn", "/bin/sh", "/bin/bash",
        "child_process", "eval(", "os.execute", "execSync", NULL,
    };
    /* for whole script files, where "socket" and "subprocess" may be far
     * apart for good reasons: only what hands a shell to the socket */
    static const char *const shell[] = {"/bin/sh", "/bin/bash", "pty.spawn", "dup2", NULL};
    static const char *const fetch[] = {
        "urlopen", "urlretrieve", "urllib", "requests.get", "http.client", "LWP::",
        "HTTP::Tiny", "open-uri", "Net::HTTP", "URI.open", "file_get_contents(\"http",
        "file_get_contents('http", "http.get(", "https.get(", NULL,
    };
    static const char *const decode[] = {"b64decode", "decode_base64", "decode64",
                                         "base64_decode", "atob(", NULL};
    int has[5] = {0, 0, 0, 0, 0};
    const char *const *lists[5] = {net, run, shell, fetch, decode};
    size_t l, i;

    for (l = 0; l < 5; l++)
        for (i = 0; lists[l][i] && !has[l]; i++)
            has[l] = mem_find(p, n, lists[l][i], strlen(lists[l][i])) != NULL;
    if (mem_find(p, n, "/inet/tcp/", 10) || mem_find(p, n, "/inet/udp/", 10))
        hit(s->pf, R_REVERSE_SHELL, at);
    else if (has[0] && (whole_file ? has[2] : has[1]))
        hit(s->pf, R_REVERSE_SHELL, at);
    if (has[3] && has[1] && !whole_file)
        hit(s->pf, R_DOWNLOAD_EXEC, at);
    if (has[4] && has[1] && !whole_file)
        hit(s->pf, R_ENCODED_EXEC, at);
}

/* Shell code given as a string (sh -c, su -c, eval): analysed in turn. */
static void
code_string(struct sh *s, const struct word *w)
{
    if (w->inner)
        analyze_code(s->pf, w->inner, w->inner + w->innern, s->depth + 1, 0);
    else if (memchr(w->s, ' ', w->n) || memchr(w->s, '|', w->n))
        analyze_code(s->pf, w->raw, w->raw + w->rawn, s->depth + 1, 0);
}

static void
skip_blanks(struct sh *s)
{
    while (s->p < s->end) {
        char c = *s->p;
        if (c == ' ' || c == '\t' || c == '\r') {
            s->p++;
        } else if (c == '\\' && s->end - s->p >= 2 && s->p[1] == '\n') {
            s->p += 2;
        } else if (c == '\\' && s->end - s->p >= 3 && s->p[1] == '\r' && s->p[2] == '\n') {
            s->p += 3;
        } else if (c == '#') {
            const char *nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
            s->p = nl ? nl : s->end;
        } else {
            break;
        }
    }
}

/* Skips to the close of a construct too deep to analyse (or an arithmetic
 * one): quotes and nesting honoured, linear. */
static void
skip_balanced(struct sh *s, char open, char close)
{
    int lvl = 1;

    while (s->p < s->end) {
        char c = *s->p++;
        if (c == '\\' && s->p < s->end) {
            s->p++;
        } else if (c == '\'' || (c == '"' && close != '`')) {
            const char *q = memchr(s->p, c, (size_t)(s->end - s->p));
            s->p = q ? q + 1 : s->end;
        } else if (c == close && (open == close || --lvl == 0)) {
            return;
        } else if (c == open && open != close) {
            lvl++;
        }
    }
}

/* A nested list: $( ), ` `, <( ), ( ), { }. Returns its output taint. */
static unsigned
nested(struct sh *s, int close, unsigned carry)
{
    unsigned t;

    if (s->depth >= MOAT_LIMIT_PERSIST_NEST) {
        skip_balanced(s, close == ')' ? '(' : (char)close, (char)close);
        return 0;
    }
    s->depth++;
    t = parse_list(s, close, carry);
    s->depth--;
    return t;
}

static int
op_char(char c)
{
    return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>' ||
           c == '\n';
}

/* $'...' with C escapes (\x63\x75\x72\x6c is "curl"). */
static void
ansi_c(struct sh *s, struct word *w)
{
    while (s->p < s->end && *s->p != '\'') {
        char c = *s->p++;
        if (c == '\\' && s->p < s->end) {
            char e = *s->p++;
            unsigned v = 0, k;
            switch (e) {
            case 'n':
                w_put(w, '\n');
                break;
            case 't':
                w_put(w, '\t');
                break;
            case 'x':
                for (k = 0; k < 2 && s->p < s->end && str_hexval(*s->p) >= 0; k++)
                    v = v * 16 + (unsigned)str_hexval(*s->p++);
                w_put(w, (char)v);
                break;
            default:
                if (e >= '0' && e <= '7') {
                    v = (unsigned)(e - '0');
                    for (k = 1; k < 3 && s->p < s->end && *s->p >= '0' && *s->p <= '7'; k++)
                        v = v * 8 + (unsigned)(*s->p++ - '0');
                    w_put(w, (char)v);
                } else {
                    w_put(w, e);
                }
            }
        } else {
            w_put(w, c);
        }
    }
    if (s->p < s->end)
        s->p++;
}

/* ${...}: kept as text, not analysed. */
static void
param(struct sh *s, struct word *w)
{
    int lvl = 0;

    while (s->p < s->end) {
        char c = *s->p++;
        w_put(w, c);
        if (c == '{')
            lvl++;
        else if (c == '}' && --lvl == 0)
            return;
    }
}

static void
lex_word(struct sh *s, int term, struct word *w)
{
    const char *first_end = NULL;
    char q0;

    w->n = 0;
    w->taint = 0;
    w->quoted = 0;
    w->inner = NULL;
    w->raw = s->p;
    q0 = s->p < s->end ? *s->p : 0;
    if (s->end - s->p >= 2 && (*s->p == '<' || *s->p == '>') && s->p[1] == '(') {
        s->p += 2;
        w->taint |= nested(s, ')', 0);
        w_put(w, '/');
    }
    while (s->p < s->end) {
        char c = *s->p;
        if (c == ' ' || c == '\t' || c == '\r' || op_char(c))
            break;
        if (c == '`') {
            if (term == '`')
                break;
            s->p++;
            w->taint |= nested(s, '`', 0);
            continue;
        }
        if (c == '%' && s->crontab)
            break;
        if (c == '\\') {
            if (s->end - s->p >= 2) {
                if (s->p[1] != '\n')
                    w_put(w, s->p[1]);
                s->p += 2;
            } else {
                s->p++;
            }
            continue;
        }
        if (c == '\'') {
            const char *q = memchr(s->p + 1, '\'', (size_t)(s->end - s->p - 1));
            const char *e = q ? q : s->end, *k;
            w->quoted = 1;
            for (k = s->p + 1; k < e; k++)
                w_put(w, *k);
            s->p = q ? q + 1 : s->end;
            if (!first_end)
                first_end = s->p;
            continue;
        }
        if (c == '$' && s->end - s->p >= 2 && s->p[1] == '\'') {
            w->quoted = 1;
            s->p += 2;
            ansi_c(s, w);
            continue;
        }
        if (c == '"') {
            w->quoted = 1;
            s->p++;
            while (s->p < s->end && *s->p != '"') {
                char d = *s->p;
                if (d == '\\' && s->end - s->p >= 2) {
                    w_put(w, s->p[1]);
                    s->p += 2;
                } else if (d == '$' && s->end - s->p >= 2 && s->p[1] == '(') {
                    s->p += 2;
                    if (s->p < s->end && *s->p == '(')
                        skip_balanced(s, '(', ')');
                    else
                        w->taint |= nested(s, ')', 0);
                } else if (d == '$' && s->end - s->p >= 2 && s->p[1] == '{') {
                    s->p++;
                    w_put(w, '$');
                    param(s, w);
                } else if (d == '`') {
                    if (term == '`')
                        goto done;
                    s->p++;
                    w->taint |= nested(s, '`', 0);
                } else {
                    w_put(w, d);
                    s->p++;
                }
            }
            if (s->p < s->end)
                s->p++;
            if (!first_end)
                first_end = s->p;
            continue;
        }
        if (c == '$' && s->end - s->p >= 2 && s->p[1] == '(') {
            s->p += 2;
            if (s->p < s->end && *s->p == '(')
                skip_balanced(s, '(', ')');
            else
                w->taint |= nested(s, ')', 0);
            continue;
        }
        if (c == '$' && s->end - s->p >= 2 && s->p[1] == '{') {
            s->p++;
            w_put(w, '$');
            param(s, w);
            continue;
        }
        if (!first_end)
            first_end = s->p; /* unquoted text first: not wholly quoted */
        w_put(w, c);
        s->p++;
    }
done:
    w->s[w->n] = '\0';
    w->rawn = (size_t)(s->p - w->raw);
    if ((q0 == '\'' || q0 == '"') && first_end == s->p && w->rawn >= 2) {
        w->inner = w->raw + 1;
        w->innern = w->rawn - 2;
    }
    if (w->rawn == 0 && s->p < s->end)
        s->p++; /* defensive: always make progress */
}

/* The here-documents announced on the line just ended: their bodies are
 * skipped, or analysed when an interpreter reads them. */
static void
heredocs(struct sh *s)
{
    size_t i;

    for (i = 0; i < s->nhd; i++) {
        const char *body = s->p, *bend = s->end;
        size_t dn = strlen(s->hd[i].delim);
        while (s->p < s->end) {
            const char *ls = s->p, *nl = memchr(ls, '\n', (size_t)(s->end - ls));
            const char *le = nl ? nl : s->end;
            s->p = nl ? nl + 1 : s->end;
            if (le > ls && le[-1] == '\r')
                le--;
            if (s->hd[i].tabs)
                while (ls < le && *ls == '\t')
                    ls++;
            if ((size_t)(le - ls) == dn && memcmp(ls, s->hd[i].delim, dn) == 0) {
                bend = ls;
                break;
            }
        }
        if (s->hd[i].code == HD_SHELL)
            analyze_code(s->pf, body, bend, s->depth + 1, 0);
        else if (s->hd[i].code == HD_SCRIPT)
            code_markers(s, body, body, (size_t)(bend - body), 0);
    }
    s->nhd = 0;
}

static enum tok
next_token(struct sh *s, int term, struct word *w, enum redir *rd, int *fd)
{
    const char *p;
    char c;

    skip_blanks(s);
    if (s->p >= s->end)
        return TK_END;
    p = s->p;
    c = *p;
    *fd = -1;
    if (c == '\n') {
        s->p++;
        if (s->nhd)
            heredocs(s);
        return TK_SEP;
    }
    if (c == '%' && s->crontab) {
        s->p++;
        return TK_SEP;
    }
    if (c == ';') {
        s->p++;
        if (s->p < s->end && (*s->p == ';' || *s->p == '&'))
            s->p++;
        return TK_SEP;
    }
    if (c == '&') {
        if (s->end - p >= 2 && p[1] == '&') {
            s->p += 2;
            return TK_SEP;
        }
        if (s->end - p >= 2 && p[1] == '>') {
            s->p += 2;
            if (s->p < s->end && *s->p == '>')
                s->p++;
            *rd = RD_OUT;
            return TK_REDIR;
        }
        s->p++;
        return TK_SEP;
    }
    if (c == '|') {
        if (s->end - p >= 2 && p[1] == '|') {
            s->p += 2;
            return TK_SEP;
        }
        s->p += (s->end - p >= 2 && p[1] == '&') ? 2 : 1;
        return TK_PIPE;
    }
    if (c == '(') {
        s->p++;
        return TK_LPAREN;
    }
    if (c == ')') {
        s->p++;
        return TK_RPAREN;
    }
    if (c == '`' && term == '`') {
        s->p++;
        return TK_BQ;
    }
    if (c >= '0' && c <= '9') {
        const char *d = p;
        int v = 0;
        while (d < s->end && *d >= '0' && *d <= '9' && v < 10000)
            v = v * 10 + (*d++ - '0');
        if (d < s->end && (*d == '<' || *d == '>') && !(s->end - d >= 2 && d[1] == '(')) {
            *fd = v;
            p = d;
            s->p = d;
            c = *d;
        }
    }
    if ((c == '<' || c == '>') && !(s->end - p >= 2 && p[1] == '(')) {
        int out = c == '>';
        s->p++;
        if (!out && s->end - s->p >= 2 && s->p[0] == '<' && s->p[1] == '<') {
            s->p += 2;
            *rd = RD_HERESTR;
        } else if (!out && s->p < s->end && *s->p == '<') {
            s->p++;
            *rd = RD_HEREDOC;
            if (s->p < s->end && *s->p == '-') {
                s->p++;
                *rd = RD_HEREDOC_TABS;
            }
        } else if (s->p < s->end && *s->p == '&') {
            s->p++;
            *rd = out ? RD_DUP : RD_OTHER;
        } else {
            if (s->p < s->end && (*s->p == '>' || *s->p == '|' || (!out && *s->p == '>')))
                s->p++;
            *rd = out ? RD_OUT : RD_IN;
        }
        if ((*rd == RD_OUT || *rd == RD_DUP) && *fd > 1)
            *rd = RD_OTHER;
        if (*rd == RD_IN && *fd > 0)
            *rd = RD_OTHER;
        return TK_REDIR;
    }
    lex_word(s, term, w);
    return TK_WORD;
}

static int
is_assignment(const struct word *w)
{
    size_t i;

    if (w->n == 0 || !(w->s[0] == '_' || (w->s[0] >= 'A' && w->s[0] <= 'Z') ||
                       (w->s[0] >= 'a' && w->s[0] <= 'z')))
        return 0;
    for (i = 1; i < w->n; i++) {
        char c = w->s[i];
        if (c == '=' || (c == '+' && i + 1 < w->n && w->s[i + 1] == '='))
            return 1;
        if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9')))
            return 0;
    }
    return 0;
}

static int
reserved_prefix(const char *s)
{
    static const char *const words[] = {"if", "then", "else", "elif", "do", "while",
                                        "until", "!", "in", NULL};
    return one_of(s, words);
}

static void cmd_word(struct sh *s, struct cmd *m, const struct word *w);

/* The executed path of a command: argv0, a script operand, an input file. */
static void
exec_path(struct sh *s, struct cmd *m, const char *path)
{
    if (tmp_path(path))
        hit(s->pf, R_RUNS_FROM_TMP, m->at);
    if (strchr(path, '/') && dl_match(s->pf, path))
        hit(s->pf, R_DOWNLOAD_EXEC, m->at);
}

static void
start_command(struct sh *s, struct cmd *m, const struct word *w)
{
    const struct tool_def *td = tool_lookup(base_name(w->s));

    m->started = 1;
    m->exec_taint |= w->taint;
    m->td = td;
    m->tool = td ? td->tool : TL_OTHER;
    m->opts_done = 0;
    m->wrap_operands = td ? td->operands : 0;
    if (!td) {
        if (w->inner && memchr(w->s, ' ', w->n))
            code_string(s, w); /* watch "curl ... | sh", "$CMD" strings */
        exec_path(s, m, w->s);
    }
    if (m->tool == TL_BUSYBOX)
        m->started = 0; /* the applet is the command */
}

static void
value_word(struct sh *s, struct cmd *m, const struct word *w)
{
    enum vk vk = m->vk;

    m->vk = V_NONE;
    switch (vk) {
    case V_CODE:
        m->exec_taint |= w->taint;
        if (m->tool == TL_SU)
            code_string(s, w);
        else
            code_markers(s, m->at, w->raw, w->rawn, 0);
        break;
    case V_OUTPUT:
        if (strcmp(w->s, "-") == 0 || strcmp(w->s, "/dev/stdout") == 0) {
            m->to_stdout = 1;
        } else {
            m->to_file = 1;
            keep_name(m->outname, w->s);
        }
        break;
    case V_URL:
        keep_name(m->urlname, w->s);
        break;
    case V_CONNECT: {
        const char *colon = strrchr(w->s, ':');
        size_t n = colon ? (size_t)(colon - w->s) : w->n;
        if (n && !local_host(w->s, n))
            m->remote = 1;
        break;
    }
    case V_SCRIPT:
        m->script_seen = 1;
        copy_cut(m->script, sizeof(m->script), w->s);
        break;
    case V_NONE:
        break;
    }
}

/* A short option cluster: for each letter, is it one that takes a value
 * (then the rest of the word, or the next word, is the value)? Returns the
 * letter that took a value and sets *attached to its attached value. */
static char
cluster(const char *s, const char *vopts, const char *code, const char **attached)
{
    size_t i;

    *attached = NULL;
    for (i = 1; s[i]; i++) {
        if ((vopts && strchr(vopts, s[i])) || (code && strchr(code, s[i]))) {
            if (s[i + 1])
                *attached = s + i + 1;
            return s[i];
        }
    }
    return 0;
}

static void
wrapper_word(struct sh *s, struct cmd *m, const struct word *w)
{
    const char *att;

    if (!m->opts_done && w->n > 1 && w->s[0] == '-') {
        if (strcmp(w->s, "--") == 0) {
            m->opts_done = 1;
        } else if (w->s[1] == '-') {
            static const char *const with_value[] = {
                "--user", "--group", "--prompt", "--chdir", "--host", "--role", "--type",
                "--other-user", "--close-from", "--command-timeout", "--signal",
                "--kill-after", "--adjustment", "--unset", "--interval", NULL,
            };
            if (!strchr(w->s, '=') && one_of(w->s, with_value))
                m->skip = 1;
        } else if (cluster(w->s, m->td->vopts, NULL, &att) && !att) {
            m->skip = 1;
        }
        if (m->td->tool == TL_COMMAND && (strchr(w->s, 'v') || strchr(w->s, 'V')))
            m->lookup_only = 1;
        return;
    }
    if (m->wrap_operands) {
        m->wrap_operands--;
        return;
    }
    if (strcmp(m->td->name, "env") == 0 && is_assignment(w))
        return;
    if (m->lookup_only) {
        m->tool = TL_NONE;
        return;
    }
    /* the wrapped command */
    m->started = 0;
    m->td = NULL;
    m->tool = TL_NONE;
    m->opts_done = 0;
    cmd_word(s, m, w);
}

static void
socat_address(struct cmd *m, const char *a)
{
    static const char *const nets[] = {"tcp", "udp", "openssl", "ssl", "sctp", NULL};
    char type[32];
    size_t n = strcspn(a, ":,"), i;
    const char *host, *he;

    if (n == 0 || n >= sizeof(type))
        return;
    for (i = 0; i < n; i++)
        type[i] = (char)((a[i] >= 'A' && a[i] <= 'Z') ? a[i] - 'A' + 'a' : a[i]);
    type[n] = '\0';
    if (strcmp(type, "exec") == 0 || strcmp(type, "system") == 0) {
        m->socat_exec = 1;
        return;
    }
    for (i = 0; nets[i]; i++)
        if (strncmp(type, nets[i], strlen(nets[i])) == 0)
            break;
    if (!nets[i])
        return;
    m->socat_net = 1;
    if (strstr(type, "listen")) {
        m->listen = 1;
        return;
    }
    if (a[n] != ':')
        return;
    host = a + n + 1;
    he = host + strcspn(host, ":,");
    if (he > host && !local_host(host, (size_t)(he - host)))
        m->remote = 1;
}

/* chmod MODE: the setuid bit (u+s, +s, 4755) and exec bits (+x, 755).
 * setgid alone (g+s, 2775) is left out: scripts set it on shared
 * directories all the time. */
static void
chmod_mode(struct cmd *m, const char *s)
{
    size_t n = strlen(s), i, who = 0;

    if (n >= 3 && n <= 5 && strspn(s, "01234567") == n) {
        unsigned v = 0;
        for (i = 0; i < n; i++)
            v = v * 8 + (unsigned)(s[i] - '0');
        m->chmod_s = (v & 04000) != 0;
        m->chmod_x = (v & 0111) != 0;
        return;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == ',') {
            who = i + 1;
        } else if (s[i] == '+' || s[i] == '=') {
            size_t k = i + 1;
            /* "u+s", "a+s", "+s", "ug+s": the clause names the user */
            int user = who == i || memchr(s + who, 'u', i - who) || memchr(s + who, 'a', i - who);
            for (; k < n && s[k] != ',' && s[k] != '+' && s[k] != '-' && s[k] != '='; k++) {
                if (s[k] == 's' && user)
                    m->chmod_s = 1;
                if (s[k] == 'x')
                    m->chmod_x = 1;
            }
        }
    }
}

static void
arg_word(struct sh *s, struct cmd *m, const struct word *w)
{
    int opt = !m->opts_done && w->n > 1 && w->s[0] == '-';
    const char *att = NULL;
    char ch;

    if (opt && strcmp(w->s, "--") == 0) {
        m->opts_done = 1;
        return;
    }
    switch (m->tool) {
    case TL_SHELL:
        if (opt || (!m->opts_done && w->n > 1 && w->s[0] == '+')) {
            if (w->s[1] == '-') {
                if (strcmp(w->s, "--rcfile") == 0 || strcmp(w->s, "--init-file") == 0)
                    m->skip = 1;
                return;
            }
            if (strchr(w->s, 'c'))
                m->has_code = 1;
            if (strchr(w->s, 's'))
                m->stdin_flag = 1;
            if (strchr(w->s, 'i'))
                m->interactive = 1;
            if (strchr(w->s, 'o'))
                m->skip = 1;
            return;
        }
        m->operands++;
        if (m->has_code && !m->code_seen) {
            m->code_seen = 1;
            m->exec_taint |= w->taint;
            code_string(s, w);
        } else if (!m->has_code && !m->script_seen && strcmp(w->s, "-") == 0) {
            m->stdin_flag = 1; /* bash - : commands from stdin */
        } else if (!m->has_code && !m->script_seen) {
            m->script_seen = 1;
            m->exec_taint |= w->taint;
            copy_cut(m->script, sizeof(m->script), w->s);
            exec_path(s, m, w->s);
        }
        return;
    case TL_SCRIPT:
        if (opt) {
            if (w->s[1] == '-') {
                if (strcmp(w->s, "--eval") == 0 || strcmp(w->s, "--print") == 0) {
                    m->has_code = 1;
                    m->skip = 1;
                    m->vk = V_CODE;
                }
                return;
            }
            ch = cluster(w->s, m->td->vopts, m->td->code, &att);
            if (ch && m->td->code && strchr(m->td->code, ch)) {
                m->has_code = 1;
                if (att)
                    code_markers(s, m->at, w->raw, w->rawn, 0);
                else {
                    m->skip = 1;
                    m->vk = V_CODE;
                }
            } else if (ch) {
                if (ch == 'm')
                    m->module = 1;
                if (!att)
                    m->skip = 1;
            }
            return;
        }
        m->operands++;
        if (!m->has_code && !m->module && !m->script_seen) {
            m->script_seen = 1;
            m->exec_taint |= w->taint;
            copy_cut(m->script, sizeof(m->script), w->s);
            if (strcmp(w->s, "-") == 0)
                m->stdin_flag = 1;
            else
                exec_path(s, m, w->s);
        }
        return;
    case TL_AWK:
        if (opt) {
            ch = cluster(w->s, m->td->vopts, "e", &att);
            if (ch == 'f') {
                m->has_code = 1;
                if (!att) {
                    m->skip = 1;
                    m->vk = V_SCRIPT;
                }
            } else if (ch == 'e') {
                m->has_code = 1;
                if (att)
                    code_markers(s, m->at, w->raw, w->rawn, 0);
                else {
                    m->skip = 1;
                    m->vk = V_CODE;
                }
            } else if (ch && !att) {
                m->skip = 1;
            }
            return;
        }
        if (!m->has_code) {
            m->has_code = 1;
            code_markers(s, m->at, w->raw, w->rawn, 0);
        }
        return;
    case TL_EVAL:
        m->exec_taint |= w->taint;
        code_string(s, w);
        return;
    case TL_SOURCE:
        if (!m->script_seen) {
            m->script_seen = 1;
            m->exec_taint |= w->taint;
            exec_path(s, m, w->s);
        }
        return;
    case TL_SETENV:
        m->operands++;
        if (m->operands == 1)
            m->setenv_preload = strcmp(w->s, "LD_PRELOAD") == 0 || strcmp(w->s, "LD_AUDIT") == 0;
        else if (m->operands == 2 && m->setenv_preload && w->n)
            hit_sev(s->pf, R_LD_PRELOAD_SCRIPT, m->at, allocators_only(w->s) ? "low" : NULL,
                    NULL);
        return;
    case TL_CURL:
    case TL_WGET:
    case TL_FETCH:
        if (opt) {
            if (w->s[1] == '-') {
                static const char *const with_value[] = {
                    "--header", "--data", "--data-raw", "--data-binary", "--data-urlencode",
                    "--user", "--user-agent", "--request", "--referer", "--proxy", "--cookie",
                    "--cookie-jar", "--config", "--max-time", "--connect-timeout", "--retry",
                    "--form", "--upload-file", "--write-out", "--cacert", "--cert", "--key",
                    "--resolve", "--tries", "--timeout", "--directory-prefix", "--post-data",
                    "--output-file", "--append-output", "--input-file", NULL,
                };
                const char *eq = strchr(w->s, '=');
                if (strncmp(w->s, "--output-document", 17) == 0 ||
                    strncmp(w->s, "--output", 8) == 0) {
                    if (strncmp(w->s, "--output-file", 13) == 0) {
                        if (!eq)
                            m->skip = 1; /* wget's log file */
                    } else if (eq) {
                        struct word v = *w;
                        copy_cut(v.s, sizeof(v.s), eq + 1);
                        v.n = strlen(v.s);
                        m->vk = V_OUTPUT;
                        value_word(s, m, &v);
                    } else {
                        m->skip = 1;
                        m->vk = V_OUTPUT;
                    }
                } else if (strcmp(w->s, "--remote-name") == 0 ||
                           strcmp(w->s, "--remote-name-all") == 0) {
                    m->to_file = 1;
                } else if (strcmp(w->s, "--url") == 0) {
                    m->skip = 1;
                    m->vk = V_URL;
                } else if (!eq && one_of(w->s, with_value)) {
                    m->skip = 1;
                }
                return;
            }
            /* -o FILE (curl, fetch, aria2c, axel), -O FILE (wget), -O (curl) */
            for (att = w->s + 1; *att; att++) {
                if (m->tool == TL_CURL && *att == 'O') {
                    m->to_file = 1;
                } else if (*att == (m->tool == TL_WGET ? 'O' : 'o')) {
                    if (att[1]) {
                        struct word v = *w;
                        copy_cut(v.s, sizeof(v.s), att + 1);
                        v.n = strlen(v.s);
                        m->vk = V_OUTPUT;
                        value_word(s, m, &v);
                    } else {
                        m->skip = 1;
                        m->vk = V_OUTPUT;
                    }
                    break;
                } else if (strchr(m->td->vopts, *att)) {
                    if (!att[1])
                        m->skip = 1;
                    break;
                }
            }
            return;
        }
        m->operands++;
        if (m->tool == TL_FETCH && m->operands == 2 && strcmp(m->td->name, "lwp-download") == 0)
            keep_name(m->outname, w->s);
        else if (!m->urlname[0] || strstr(w->s, "://"))
            keep_name(m->urlname, w->s);
        return;
    case TL_NC:
    case TL_TELNET:
        if (opt) {
            if (w->s[1] == '-') {
                if (strncmp(w->s, "--exec", 6) == 0 || strncmp(w->s, "--sh-exec", 9) == 0 ||
                    strncmp(w->s, "--lua-exec", 10) == 0) {
                    m->exec_opt = 1;
                    if (!strchr(w->s, '='))
                        m->skip = 1;
                } else if (strcmp(w->s, "--listen") == 0) {
                    m->listen = 1;
                }
                return;
            }
            for (att = w->s + 1; *att; att++) {
                if (*att == 'l')
                    m->listen = 1;
                else if (*att == 'z')
                    m->zero = 1;
                if (strchr(m->td->vopts, *att)) {
                    if (m->tool == TL_NC && (*att == 'e' || *att == 'c'))
                        m->exec_opt = 1;
                    if (!att[1])
                        m->skip = 1;
                    break;
                }
            }
            if (m->tool == TL_TELNET)
                m->listen = 0; /* telnet -l is the user name */
            return;
        }
        m->operands++;
        if (m->operands == 1 && !(w->n && strspn(w->s, "0123456789") == w->n) &&
            !local_host(w->s, w->n))
            m->remote = 1;
        return;
    case TL_SOCAT:
        if (opt) {
            ch = cluster(w->s, m->td->vopts, NULL, &att);
            if (ch && !att)
                m->skip = 1;
            return;
        }
        socat_address(m, w->s);
        return;
    case TL_OPENSSL:
        m->operands++;
        if (m->operands == 1) {
            m->s_client = strcmp(w->s, "s_client") == 0;
            m->codec = strcmp(w->s, "base64") == 0 || strcmp(w->s, "enc") == 0;
        } else if (strcmp(w->s, "-d") == 0 && m->codec) {
            m->decode = 1;
        } else if (strcmp(w->s, "-connect") == 0 && m->s_client) {
            m->skip = 1;
            m->vk = V_CONNECT;
        }
        return;
    case TL_DECODER:
        if (strcmp(m->td->name, "uudecode") == 0)
            m->decode = 1;
        if (opt) {
            if (strcmp(w->s, "--decode") == 0 ||
                (w->s[1] != '-' && (strchr(w->s, 'd') || strchr(w->s, 'D'))))
                m->decode = 1;
            else if (w->s[1] != '-' && cluster(w->s, m->td->vopts, NULL, &att) && !att)
                m->skip = 1;
        }
        return;
    case TL_XXD:
        if (opt && w->s[1] != '-' && strchr(w->s, 'r'))
            m->decode = 1;
        else if (opt && cluster(w->s, m->td->vopts, NULL, &att) && !att)
            m->skip = 1;
        return;
    case TL_CHMOD:
        if (!m->chmod_mode) {
            if (opt && strspn(w->s + 1, "rwxXst") != w->n - 1)
                return; /* -R, -v, --reference=... */
            m->chmod_mode = 1;
            chmod_mode(m, w->s);
            if (m->chmod_s)
                hit(s->pf, R_SETUID_CHMOD, m->at);
            return;
        }
        if (m->chmod_x && (dl_match(s->pf, w->s) || dl_on_line(s->pf, m->at)))
            hit(s->pf, R_DOWNLOAD_EXEC, m->at);
        return;
    case TL_SU:
        if (opt) {
            if (strcmp(w->s, "-c") == 0 || strcmp(w->s, "--command") == 0 ||
                strcmp(w->s, "--session-command") == 0) {
                m->skip = 1;
                m->vk = V_CODE;
            } else if (strncmp(w->s, "--command=", 10) == 0) {
                analyze_code(s->pf, w->raw + 10, w->raw + w->rawn, s->depth + 1, 0);
            } else if (w->s[1] != '-' && cluster(w->s, m->td->vopts, NULL, &att) && !att) {
                m->skip = 1;
            }
        }
        return;
    default:
        return;
    }
}

static void
cmd_word(struct sh *s, struct cmd *m, const struct word *w)
{
    if (m->skip) {
        m->skip--;
        value_word(s, m, w);
        return;
    }
    if (!m->started) {
        if (m->fn_name) {
            m->fn_name = 0;
            return;
        }
        if (!w->quoted && strcmp(w->s, "function") == 0) {
            m->fn_name = 1;
            return;
        }
        if (is_assignment(w) || (!w->quoted && reserved_prefix(w->s)))
            return;
        start_command(s, m, w);
        return;
    }
    if (m->tool == TL_WRAPPER || m->tool == TL_COMMAND) {
        wrapper_word(s, m, w);
        return;
    }
    arg_word(s, m, w);
}

static void
cmd_redir(struct sh *s, struct cmd *m, enum redir rd, const struct word *w)
{
    switch (rd) {
    case RD_OUT:
        m->redirected = 1;
        if (strcmp(w->s, "/dev/null") != 0)
            keep_name(m->outname, w->s);
        break;
    case RD_DUP:
        if (w->n && strspn(w->s, "0123456789-") != w->n) {
            m->redirected = 1;
            keep_name(m->outname, w->s);
        }
        break;
    case RD_IN:
        m->stdin_taint |= w->taint;
        if (!m->script_seen) {
            m->script_seen = 2; /* the input file, not an operand */
            copy_cut(m->script, sizeof(m->script), w->s);
        }
        break;
    case RD_HERESTR:
        m->stdin_taint |= w->taint;
        break;
    case RD_HEREDOC:
    case RD_HEREDOC_TABS:
        if (s->nhd < MAX_HEREDOCS) {
            copy_cut(s->hd[s->nhd].delim, sizeof(s->hd[s->nhd].delim), w->s);
            s->hd[s->nhd].tabs = rd == RD_HEREDOC_TABS;
            s->hd[s->nhd].code = m->tool == TL_SHELL    ? HD_SHELL
                                 : m->tool == TL_SCRIPT ? HD_SCRIPT
                                                        : HD_DATA;
            s->nhd++;
        }
        break;
    default:
        break;
    }
}

/* A command is complete: judge it on what it is and what flows into it.
 * Returns what flows out of it. */
static unsigned
cmd_finish(struct sh *s, struct cmd *m, unsigned carry)
{
    struct pfile *pf = s->pf;
    unsigned in = carry | m->stdin_taint, out = in;
    int netish;

    if (m->group)
        return m->group_out;
    if (m->exec_taint & T_FETCH)
        hit(pf, R_DOWNLOAD_EXEC, m->at);
    if (m->exec_taint & T_DECODE)
        hit(pf, R_ENCODED_EXEC, m->at);
    switch (m->tool) {
    case TL_SHELL:
    case TL_SCRIPT: {
        int reads_stdin = m->stdin_flag || (!m->has_code && !m->module && m->script_seen != 1) ||
                          strcmp(m->script, "/dev/stdin") == 0;
        if (reads_stdin) {
            if (in & T_FETCH)
                hit(pf, R_DOWNLOAD_EXEC, m->at);
            if (in & T_DECODE)
                hit(pf, R_ENCODED_EXEC, m->at);
            if (in & T_NET)
                hit(pf, R_REVERSE_SHELL, m->at);
            if (m->script_seen == 2)
                exec_path(s, m, m->script); /* sh < /tmp/x */
        }
        return reads_stdin || m->interactive ? T_SHELL : 0;
    }
    case TL_AWK:
    case TL_EVAL:
    case TL_SOURCE:
        return 0;
    case TL_CURL:
    case TL_WGET:
    case TL_FETCH:
        if (!m->redirected &&
            (m->tool == TL_CURL ? !m->to_file || m->to_stdout : m->to_stdout))
            return T_FETCH;
        dl_add(pf, m->outname[0] ? m->outname : m->urlname, m->at);
        return 0;
    case TL_NC:
    case TL_TELNET:
    case TL_SOCAT:
    case TL_OPENSSL:
        if (m->tool == TL_OPENSSL && !m->s_client)
            return m->decode ? in | T_DECODE : in;
        netish = m->remote || m->listen || (m->tool == TL_SOCAT && m->socat_net) ||
                 (m->tool == TL_OPENSSL && m->s_client);
        if (m->exec_opt || (m->socat_exec && m->socat_net) || (netish && (in & T_SHELL)))
            hit(pf, R_REVERSE_SHELL, m->at);
        else if (netish && !m->zero && (m->remote || m->listen) && m->tool != TL_OPENSSL)
            hit(pf, R_NETWORK_TOOL, m->at); /* s_client alone: a certificate check */
        return netish ? T_NET : 0;
    case TL_DECODER:
    case TL_XXD:
        return m->decode ? in | T_DECODE : in;
    default:
        return out;
    }
}

static void
cmd_init(struct cmd *m, const char *at)
{
    memset(m, 0, sizeof(*m));
    m->at = at;
}

/* One command (simple, or a group with its redirections) up to the
 * operator that ends it, which is returned. */
static enum tok
parse_simple(struct sh *s, int term, struct cmd *m, unsigned carry)
{
    struct word w;
    enum redir rd = RD_OTHER;
    int fd;

    skip_blanks(s);
    cmd_init(m, s->p);
    for (;;) {
        enum tok t = next_token(s, term, &w, &rd, &fd);
        switch (t) {
        case TK_END:
            return TK_END;
        case TK_SEP:
            if (!m->started && !m->group && !m->fn_name) {
                skip_blanks(s);
                m->at = s->p;
                continue; /* empty command: blank line, `;;`, a newline after | */
            }
            return TK_SEP;
        case TK_PIPE:
            return TK_PIPE;
        case TK_BQ:
            return TK_CLOSE;
        case TK_RPAREN:
            return term == ')' ? TK_CLOSE : TK_SEP;
        case TK_LPAREN:
            if (m->started) {
                /* name () { ...; }: a function definition */
                skip_blanks(s);
                if (s->p < s->end && *s->p == ')')
                    s->p++;
                cmd_init(m, s->p);
            } else if (s->p < s->end && *s->p == '(') {
                skip_balanced(s, '(', ')'); /* (( arithmetic )) */
            } else {
                m->group = 1;
                m->group_out |= nested(s, ')', carry);
            }
            continue;
        case TK_REDIR:
            skip_blanks(s);
            if (s->p < s->end &&
                (!op_char(*s->p) || ((*s->p == '<' || *s->p == '>') && s->end - s->p >= 2 &&
                                     s->p[1] == '('))) {
                lex_word(s, term, &w);
                word_common(s, &w);
                cmd_redir(s, m, rd, &w);
            }
            continue;
        case TK_WORD:
            if (!m->started && !m->skip && !m->fn_name && !w.quoted && strcmp(w.s, "{") == 0) {
                if (s->depth < MOAT_LIMIT_PERSIST_NEST) {
                    m->group = 1;
                    m->group_out |= nested(s, '}', carry);
                }
                continue;
            }
            if (!m->started && !w.quoted && strcmp(w.s, "}") == 0 && term == '}')
                return TK_CLOSE;
            word_common(s, &w);
            cmd_word(s, m, &w);
            continue;
        default:
            continue;
        }
    }
}

static unsigned
parse_list(struct sh *s, int term, unsigned carry)
{
    unsigned out = 0, cur = carry;

    for (;;) {
        struct cmd m;
        enum tok t = parse_simple(s, term, &m, cur);
        unsigned o = cmd_finish(s, &m, cur);
        if (t == TK_PIPE) {
            cur = o;
            continue;
        }
        out |= o;
        cur = 0;
        if (t == TK_CLOSE || t == TK_END || s->pf->rc)
            return out;
    }
}

/* Shell code in [p, end) (a script, a cron command, an Exec= value),
 * nested depth levels deep. Its findings go to pf. */
static void
analyze_code(struct pfile *pf, const char *p, const char *end, int depth, int crontab)
{
    struct sh s;

    if (depth > MOAT_LIMIT_PERSIST_NEST || pf->rc)
        return;
    memset(&s, 0, sizeof(s));
    s.pf = pf;
    s.p = p;
    s.end = end;
    s.depth = depth;
    s.crontab = crontab;
    parse_list(&s, 0, 0);
}

/* ---- the files ---- */

struct line_it {
    const char *cur, *end;
};

static int
next_line(struct line_it *it, const char **ls, const char **le)
{
    const char *nl;

    if (it->cur >= it->end)
        return 0;
    *ls = it->cur;
    nl = memchr(it->cur, '\n', (size_t)(it->end - it->cur));
    *le = nl ? nl : it->end;
    it->cur = nl ? nl + 1 : it->end;
    if (*le > *ls && (*le)[-1] == '\r')
        (*le)--;
    return 1;
}

/* Next logical line: physical lines joined by a trailing backslash. */
static int
next_logical(struct line_it *it, const char **ls, const char **le)
{
    const char *s0, *e0;

    if (!next_line(it, &s0, &e0))
        return 0;
    *ls = s0;
    while (e0 > s0 && e0[-1] == '\\' && it->cur < it->end) {
        const char *s1;
        if (!next_line(it, &s1, &e0))
            break;
        s0 = s1;
    }
    *le = e0;
    return 1;
}

static const char *
skip_ws(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

static const char *
skip_field(const char *p, const char *end)
{
    while (p < end && !is_blank(*p))
        p++;
    return skip_ws(p, end);
}

/* NAME=value (cron and anacron environment lines). */
static int
env_line(const char *p, const char *end)
{
    if (p >= end || !(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
        return 0;
    while (p < end && (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                       (*p >= '0' && *p <= '9')))
        p++;
    p = skip_ws(p, end);
    return p < end && *p == '=';
}

static void
crontab(struct pfile *pf)
{
    struct line_it it = {pf->buf, pf->end};
    const char *ls, *le;

    while (next_line(&it, &ls, &le) && !pf->rc) {
        const char *p = skip_ws(ls, le);
        int fields, i;
        if (p >= le || *p == '#')
            continue;
        if (env_line(p, le)) {
            analyze_code(pf, p, le, 0, 0);
            continue;
        }
        if (pf->kind == PF_ANACRONTAB)
            fields = 3;
        else
            fields = (*p == '@' ? 1 : 5) + (pf->kind == PF_CRONTAB_SYS);
        for (i = 0; i < fields && p < le; i++)
            p = skip_field(p, le);
        if (p < le)
            analyze_code(pf, p, le, 0, pf->kind != PF_ANACRONTAB);
    }
}

static void
systemd(struct pfile *pf)
{
    struct line_it it = {pf->buf, pf->end};
    const char *ls, *le;

    while (next_logical(&it, &ls, &le) && !pf->rc) {
        const char *p = skip_ws(ls, le), *eq;
        if (p >= le || *p == '#' || *p == ';' || *p == '[')
            continue;
        eq = memchr(p, '=', (size_t)(le - p));
        if (!eq)
            continue;
        if (str_nstarts(p, (size_t)(eq - p), "Exec")) {
            const char *v = skip_ws(eq + 1, le);
            while (v < le && strchr("@-:+!|", *v))
                v++;
            analyze_code(pf, v, le, 0, 0);
        } else if ((size_t)(eq - p) >= 11 && memcmp(p, "Environment", 11) == 0 &&
                   skip_ws(p + 11, eq) == eq) {
            analyze_code(pf, eq + 1, le, 0, 0);
        }
    }
}

/* The interpreter of a "#!" line: shell (or none), or another language. */
static int
shell_script(const char *buf, const char *end)
{
    const char *le, *b, *p;
    char name[32];
    size_t n;

    if (end - buf < 2 || buf[0] != '#' || buf[1] != '!')
        return 1;
    le = memchr(buf, '\n', (size_t)(end - buf));
    if (!le)
        le = end;
    p = skip_ws(buf + 2, le);
    b = p;
    while (p < le && !is_blank(*p) && *p != '\r') {
        if (*p == '/')
            b = p + 1;
        p++;
    }
    n = (size_t)(p - b);
    if (n == 3 && memcmp(b, "env", 3) == 0) { /* #!/usr/bin/env bash */
        b = skip_ws(p, le);
        if (b < le && *b == '-')
            b = skip_field(b, le); /* env -S */
        for (p = b; p < le && !is_blank(*p) && *p != '\r'; p++)
            ;
        n = (size_t)(p - b);
    }
    if (n == 0 || n >= sizeof(name))
        return 1;
    memcpy(name, b, n);
    name[n] = '\0';
    return tool_lookup(name) == NULL || tool_lookup(name)->tool == TL_SHELL;
}

static void
script(struct pfile *pf)
{
    if (pf->end - pf->buf >= 4 && memcmp(pf->buf, "\x7f" "ELF", 4) == 0)
        return; /* a compiled program: the malware scanner's business */
    if (shell_script(pf->buf, pf->end)) {
        analyze_code(pf, pf->buf, pf->end, 0, 0);
    } else {
        struct sh s;
        memset(&s, 0, sizeof(s));
        s.pf = pf;
        code_markers(&s, pf->buf, pf->buf, (size_t)(pf->end - pf->buf), 1);
    }
}

struct span_ {
    const char *p;
    size_t n;
};

/* Splits a ':'-separated line into at most max fields. */
static size_t
split_colon(const char *p, const char *end, struct span_ *f, size_t max)
{
    size_t k = 0;

    while (k < max) {
        const char *c = memchr(p, ':', (size_t)(end - p));
        f[k].p = p;
        f[k].n = c ? (size_t)(c - p) : (size_t)(end - p);
        k++;
        if (!c)
            break;
        p = c + 1;
    }
    return k;
}

static void
bad_line(struct pfile *pf, size_t *bad, unsigned lineno, const char *what)
{
    if (++*bad <= MOAT_LIMIT_FILE_PROBLEMS)
        actx_problem(pf->c, MOAT_WARN, pf->e->path, "line %u is not a valid %s entry; skipped",
                     lineno, what);
}

static void
account_file(struct pfile *pf)
{
    struct line_it it = {pf->buf, pf->end};
    const char *ls, *le;
    size_t bad = 0, good = 0;
    unsigned lineno = 0;
    int passwd = pf->kind == PF_PASSWD;

    while (next_line(&it, &ls, &le) && !pf->rc) {
        struct span_ f[8];
        size_t n;
        uint64_t uid;
        char *name;
        lineno++;
        if (ls == le || *ls == '#' || *ls == '+' || *ls == '-')
            continue; /* blank, comment, NIS compat entries */
        n = split_colon(ls, le, f, 8);
        if (n < (passwd ? 7u : 2u) || f[0].n == 0 ||
            (passwd && str_to_u64(f[2].p, f[2].n, &uid) != 0)) {
            bad_line(pf, &bad, lineno, passwd ? "passwd" : "shadow");
            continue;
        }
        good++;
        name = clean_text(pf->c->arena, f[0].p, f[0].n, 32);
        if (!name) {
            pf->rc = MOAT_ENOMEM;
            return;
        }
        if (passwd && uid == 0 && !(f[0].n == 4 && memcmp(f[0].p, "root", 4) == 0)) {
            char *shell = clean_text(pf->c->arena, f[6].p, f[6].n, 40);
            hit_sev(pf, R_UID0, ls, NULL, "account '%s' has uid 0 (shell %s)", name,
                    shell && *shell ? shell : "none");
        }
        if (f[1].n == 0)
            hit_sev(pf, passwd ? R_PASSWD_EMPTY : R_SHADOW_EMPTY, ls, NULL,
                    passwd ? "account '%s' has an empty password field: no password is asked"
                           : "account '%s' has an empty password hash: no password is asked",
                    name);
    }
    if (bad > MOAT_LIMIT_FILE_PROBLEMS)
        actx_problem(pf->c, MOAT_WARN, pf->e->path, "%zu invalid lines in all", bad);
    if (bad && !good)
        actx_problem(pf->c, MOAT_FAILED, pf->e->path, "no valid %s entry; not checked",
                     passwd ? "passwd" : "shadow");
}

/* The account an authorized_keys file lets in: root, the home's user. */
static char *
key_account(struct arena *a, const char *path)
{
    const char *ssh = strstr(path, "/.ssh/");

    if (strncmp(path, "root/.ssh/", 10) == 0)
        return arena_strdup(a, "root");
    if (strncmp(path, "home/", 5) == 0 && ssh && ssh > path + 5 &&
        !memchr(path + 5, '/', (size_t)(ssh - path - 5)))
        return clean_text(a, path + 5, (size_t)(ssh - path - 5), 32);
    if (!ssh)
        return arena_printf(a, "the owner of /");
    return arena_printf(a, "the account whose home is /%.*s", (int)(ssh - path), path);
}

static int
key_type(const char *p, size_t n)
{
    return (n > 4 && memcmp(p, "ssh-", 4) == 0) || (n > 11 && memcmp(p, "ecdsa-sha2-", 11) == 0) ||
           (n > 3 && memcmp(p, "sk-", 3) == 0);
}

static void
authorized_keys(struct pfile *pf)
{
    struct line_it it = {pf->buf, pf->end};
    struct arena *a = pf->c->arena;
    const char *ls, *le, *first = NULL;
    size_t keys = 0, bad = 0, opts = 0;
    unsigned lineno = 0;
    char *list = arena_strdup(a, "");
    unsigned char *dec = malloc(MOAT_LIMIT_PERSIST_KEY_BLOB);
    if (!dec || !list) {
        free(dec);
        pf->rc = MOAT_ENOMEM;
        return;
    }
    while (next_line(&it, &ls, &le) && !pf->rc) {
        const char *p = skip_ws(ls, le), *t, *te, *k, *ke, *cm;
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned mdlen = 0;
        char fp[64];
        long n;
        lineno++;
        if (p >= le || *p == '#')
            continue;
        t = p;
        te = t;
        while (te < le && !is_blank(*te))
            te++;
        if (!key_type(t, (size_t)(te - t))) {
            /* options first: command="...",from="..." (quoted blanks) */
            const char *o = p, *cmd;
            int q = 0;
            while (o < le && (q || !is_blank(*o))) {
                if (*o == '\\' && q && o + 1 < le)
                    o++;
                else if (*o == '"')
                    q = !q;
                o++;
            }
            cmd = mem_find(p, (size_t)(o - p), "command=\"", 9);
            if (cmd) {
                const char *cs = cmd + 9, *ce = cs;
                while (ce < o && *ce != '"') {
                    if (*ce == '\\' && ce + 1 < o)
                        ce++;
                    ce++;
                }
                analyze_code(pf, cs, ce, 0, 0);
            }
            opts++;
            t = skip_ws(o, le);
            te = t;
            while (te < le && !is_blank(*te))
                te++;
        }
        k = skip_ws(te, le);
        ke = k;
        while (ke < le && !is_blank(*ke))
            ke++;
        if (!key_type(t, (size_t)(te - t)) || ke == k ||
            (n = b64_decode(k, (size_t)(ke - k), B64_LOOSE_PAD, dec,
                            MOAT_LIMIT_PERSIST_KEY_BLOB)) < 4) {
            bad_line(pf, &bad, lineno, "authorized_keys");
            continue;
        }
        if (!EVP_Digest(dec, (size_t)n, md, &mdlen, EVP_sha256(), NULL)) {
            pf->rc = MOAT_ENOMEM;
            break;
        }
        EVP_EncodeBlock((unsigned char *)fp, md, (int)mdlen);
        fp[strcspn(fp, "=")] = '\0';
        cm = skip_ws(ke, le);
        if (!first)
            first = ls;
        keys++;
        if (keys <= LIST_SHOWN) {
            char *type = clean_text(a, t, (size_t)(te - t), 40);
            char *comment = cm < le ? clean_text(a, cm, (size_t)(le - cm), 40) : NULL;
            list = arena_printf(a, "%s%s%s SHA256:%s%s%s%s", list, keys > 1 ? "; " : "",
                                type ? type : "?", fp, comment ? " '" : " (no comment)",
                                comment ? comment : "", comment ? "'" : "");
            if (!list) {
                pf->rc = MOAT_ENOMEM;
                break;
            }
        }
    }
    free(dec);
    if (bad > MOAT_LIMIT_FILE_PROBLEMS)
        actx_problem(pf->c, MOAT_WARN, pf->e->path, "%zu invalid lines in all", bad);
    if (keys && !pf->rc) {
        char *account = key_account(a, pf->e->path);
        struct layer_finding *lf = new_finding(pf);
        if (!lf)
            return;
        pf->nfindings++;
        lf->kind = KIND;
        lf->id = rules[R_AUTHORIZED_KEYS].id;
        lf->severity = rules[R_AUTHORIZED_KEYS].severity;
        lf->title = arena_printf(a, "SSH keys are authorized to log in as %s",
                                 account ? account : "?");
        lf->offset = (uint64_t)(first - pf->buf);
        lf->evidence = arena_printf(a, "%zu key%s%s: %s%s", keys, keys > 1 ? "s" : "",
                                    opts ? " (with options)" : "", list,
                                    keys > LIST_SHOWN ? "; ..." : "");
        if (!lf->title || !lf->evidence)
            pf->rc = MOAT_ENOMEM;
    }
}

static int
preload_file(struct pfile *pf)
{
    struct preload_data *d;
    const char *p = pf->buf;
    size_t cap = 0;
    struct rec *r;

    d = arena_alloc(pf->c->arena, sizeof(*d));
    if (!d)
        return MOAT_ENOMEM;
    d->h.kind = PD_PRELOAD;
    /* entries are separated by blanks, newlines or ':'; # starts a comment */
    while (p < pf->end) {
        const char *s;
        if (*p == '#') {
            const char *nl = memchr(p, '\n', (size_t)(pf->end - p));
            p = nl ? nl : pf->end;
            continue;
        }
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ':') {
            p++;
            continue;
        }
        s = p;
        while (p < pf->end && !strchr(" \t\r\n:#", *p))
            p++;
        if (d->n == MOAT_LIMIT_PERSIST_ITEMS) {
            actx_problem(pf->c, MOAT_WARN, pf->e->path,
                         "more than %d entries; the rest are not listed",
                         MOAT_LIMIT_PERSIST_ITEMS);
            break;
        }
        if (d->n == cap) {
            size_t nc = cap ? cap * 2 : 4;
            const char **nl = arena_alloc(pf->c->arena, nc * sizeof(*nl));
            uint64_t *no = arena_alloc(pf->c->arena, nc * sizeof(*no));
            if (!nl || !no)
                return MOAT_ENOMEM;
            if (d->n) {
                memcpy(nl, d->lib, d->n * sizeof(*nl));
                memcpy(no, d->offset, d->n * sizeof(*no));
            }
            d->lib = nl;
            d->offset = no;
            cap = nc;
        }
        d->lib[d->n] = arena_strndup(pf->c->arena, s, (size_t)(p - s));
        d->offset[d->n] = (uint64_t)(s - pf->buf);
        if (!d->lib[d->n])
            return MOAT_ENOMEM;
        d->n++;
    }
    if (!d->n)
        return 0;
    r = rec_new(pf->c, REC_DATA, pf->e->path);
    if (!r)
        return MOAT_ENOMEM;
    r->data = d;
    return 0;
}

static const char *const sshd_words[KW_N] = {
    [KW_ROOT_LOGIN] = "permitrootlogin",
    [KW_EMPTY_PASSWORDS] = "permitemptypasswords",
    [KW_PASSWORD_AUTH] = "passwordauthentication",
    [KW_INCLUDE] = "include",
    [KW_MATCH] = "match",
};

static int
sshd_file(struct pfile *pf)
{
    struct line_it it = {pf->buf, pf->end};
    struct arena *a = pf->c->arena;
    struct sshd_data *d = arena_alloc(a, sizeof(*d));
    const char *ls, *le;
    unsigned lineno = 0;
    size_t cap = 0;
    struct rec *r;

    if (!d)
        return MOAT_ENOMEM;
    d->h.kind = PD_SSHD;
    while (next_line(&it, &ls, &le)) {
        const char *p = skip_ws(ls, le), *k = p, *v;
        size_t kn, i;
        int kw = -1;
        lineno++;
        if (p >= le || *p == '#')
            continue;
        while (p < le && !is_blank(*p) && *p != '=')
            p++;
        kn = (size_t)(p - k);
        for (i = 0; i < KW_N; i++)
            if (strlen(sshd_words[i]) == kn && nocase_prefix(k, p, sshd_words[i]))
                kw = (int)i;
        if (kw < 0)
            continue;
        v = skip_ws(p, le);
        if (v < le && *v == '=')
            v = skip_ws(v + 1, le);
        if (d->n == MOAT_LIMIT_PERSIST_ITEMS) {
            actx_problem(pf->c, MOAT_WARN, pf->e->path,
                         "more than %d relevant directives; the rest were not read",
                         MOAT_LIMIT_PERSIST_ITEMS);
            break;
        }
        if (d->n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            struct sshd_dir *nd = arena_alloc(a, nc * sizeof(*nd));
            if (!nd)
                return MOAT_ENOMEM;
            if (d->n)
                memcpy(nd, d->d, d->n * sizeof(*nd));
            d->d = nd;
            cap = nc;
        }
        {
            struct sshd_dir *sd = &d->d[d->n++];
            const char *ve = le;
            char *val;
            if (kw != KW_INCLUDE && kw != KW_MATCH) {
                ve = v;
                while (ve < le && !is_blank(*ve))
                    ve++;
                if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
                    v++;
                    ve--;
                }
            }
            while (ve > v && is_blank(ve[-1]))
                ve--;
            val = arena_strndup(a, v, (size_t)(ve - v));
            if (!val)
                return MOAT_ENOMEM;
            if (kw != KW_INCLUDE && kw != KW_MATCH)
                str_lower(val);
            sd->kw = (enum sshd_kw)kw;
            sd->value = val;
            sd->line = lineno;
            sd->offset = (uint64_t)(ls - pf->buf);
        }
    }
    r = rec_new(pf->c, REC_DATA, pf->e->path);
    if (!r)
        return MOAT_ENOMEM;
    r->data = d;
    return 0;
}

static int
persist_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    struct pfile pf;
    int binary = memchr(buf, '\0', len) != NULL;

    memset(&pf, 0, sizeof(pf));
    pf.c = c;
    pf.e = e;
    pf.kind = classify(e);
    pf.buf = buf;
    pf.end = buf + len;
    switch (pf.kind) {
    case PF_PRELOAD:
    case PF_PASSWD:
    case PF_SHADOW:
    case PF_SSHD:
    case PF_AUTHKEYS:
        if (binary) {
            actx_problem(c, MOAT_FAILED, e->path, "binary data in a text file; not checked");
            return 0;
        }
        break;
    default:
        break;
    }
    switch (pf.kind) {
    case PF_PRELOAD:
        return preload_file(&pf);
    case PF_SSHD:
        return sshd_file(&pf);
    case PF_PASSWD:
    case PF_SHADOW:
        account_file(&pf);
        break;
    case PF_AUTHKEYS:
        authorized_keys(&pf);
        break;
    case PF_CRONTAB_SYS:
    case PF_CRONTAB_USER:
    case PF_ANACRONTAB:
        crontab(&pf);
        break;
    case PF_SYSTEMD:
        systemd(&pf);
        break;
    case PF_CRON_SCRIPT:
    case PF_LOGIN_SCRIPT:
    case PF_BOOT_SCRIPT:
    case PF_ENVIRONMENT:
        script(&pf);
        break;
    default:
        break;
    }
    if (pf.dropped && !pf.rc)
        actx_problem(c, MOAT_WARN, e->path,
                     "%zu more suspicious lines beyond the first %d were not listed", pf.dropped,
                     MOAT_LIMIT_PERSIST_FINDINGS);
    return pf.rc;
}

/* ---- ELF sniffing (WANT_STREAM: 4 bytes, then done) ---- */

struct sniff {
    unsigned char magic[4];
    size_t n;
};

static int
sniff_chunk(struct actx *c, void *state, const unsigned char *p, size_t n)
{
    struct sniff *s = state;
    size_t k = 4 - s->n < n ? 4 - s->n : n;

    (void)c;
    memcpy(s->magic + s->n, p, k);
    s->n += k;
    return s->n == 4 ? 1 : 0;
}

static int
sniff_end(struct actx *c, const struct entry *e, void *state)
{
    struct sniff *s = state;
    struct rec *r;

    if (s->n < 4 || memcmp(s->magic, "\x7f" "ELF", 4) != 0)
        return 0;
    r = rec_new(c, REC_DATA, e->path);
    if (!r)
        return MOAT_ENOMEM;
    r->data = &elf_tag;
    return 0;
}

/* ---- finish: what needs the merged image ---- */

static int
add(struct finish_ctx *f, enum rule r, const char *severity, const char *title, const char *path,
    const char *evidence, uint64_t offset, int layer, int removed)
{
    struct layer_finding lf;

    memset(&lf, 0, sizeof(lf));
    lf.kind = KIND;
    lf.id = rules[r].id;
    lf.severity = severity ? severity : rules[r].severity;
    lf.title = title ? title : rules[r].title;
    lf.path = path;
    lf.evidence = evidence;
    lf.offset = offset;
    if (!lf.evidence || !lf.title || (path == NULL && layer >= 0))
        return MOAT_ENOMEM;
    return finish_add_finding(f, &lf, layer, removed);
}

static const char *
after_line(const char *ev)
{
    const char *c;

    if (!ev || strncmp(ev, "line ", 5) != 0)
        return ev;
    c = strstr(ev, ": ");
    return c ? c + 2 : ev;
}

/* A file replaced in a later layer by one carrying the same finding is
 * reported once, at the visible copy: drop the removed copy's finding. */
static int
dedupe(struct finish_ctx *f, const struct analyzer *self)
{
    struct rec_iter it = {0, 0};
    struct map vis;
    struct rec *r;

    map_init(&vis);
    while ((r = finish_next(f, self, &it)) != NULL)
        if (r->nfindings && map_put(&vis, r->path, r, NULL) != 0) {
            map_free(&vis);
            return MOAT_ENOMEM;
        }
    if (vis.len == 0) {
        map_free(&vis);
        return 0;
    }
    it.layer = it.i = 0;
    while ((r = finish_next_any(f, self, &it)) != NULL) {
        const struct rec *v;
        size_t i, j, keep = 0;
        if (r->visible || !r->nfindings)
            continue;
        v = map_get(&vis, r->path);
        if (!v)
            continue;
        for (i = 0; i < r->nfindings; i++) {
            int same = 0;
            for (j = 0; j < v->nfindings && !same && r->findings[i].evidence; j++)
                same = v->findings[j].evidence &&
                       strcmp(r->findings[i].id, v->findings[j].id) == 0 &&
                       strcmp(after_line(r->findings[i].evidence),
                              after_line(v->findings[j].evidence)) == 0;
            if (!same)
                r->findings[keep++] = r->findings[i];
        }
        r->nfindings = keep;
    }
    map_free(&vis);
    return 0;
}

/* Every entry a package-owned allocator (a name without '/' is searched in
 * the system directories: accepted by its name). */
static int
owned_allocators(struct finish_ctx *f, const char *const *lib, size_t n, int check_owner)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!allocator(lib[i], strlen(lib[i])))
            return 0;
        if (check_owner && strchr(lib[i], '/') && !finish_owner(f, lib[i]))
            return 0;
    }
    return n > 0;
}

static char *
lib_list(struct arena *a, const char *const *lib, size_t n)
{
    char *s = arena_strdup(a, "");
    size_t i;

    for (i = 0; i < n && i < LIST_SHOWN && s; i++) {
        char *c = clean_text(a, lib[i], strlen(lib[i]), 80);
        s = c ? arena_printf(a, "%s%s%s", s, i ? ", " : "", c) : NULL;
    }
    if (s && n > LIST_SHOWN)
        s = arena_printf(a, "%s and %zu more", s, n - LIST_SHOWN);
    return s;
}

static int
judge_preload(struct finish_ctx *f, const struct analyzer *self)
{
    struct rec_iter it = {0, 0};
    struct rec *r;

    while ((r = finish_next_any(f, self, &it)) != NULL) {
        const struct preload_data *d = r->data;
        int alloc;
        char *list;
        int rc;
        if (!d || d->h.kind != PD_PRELOAD)
            continue;
        alloc = owned_allocators(f, d->lib, d->n, r->visible);
        list = lib_list(f->arena, d->lib, d->n);
        rc = add(f, R_LD_SO_PRELOAD, alloc && r->visible ? "low" : NULL,
                 alloc && r->visible ? "/etc/ld.so.preload loads a memory allocator into "
                                       "every program"
                                     : NULL,
                 r->path, list ? arena_printf(f->arena, "preloads %s", list) : NULL,
                 d->offset[0], r->layer, !r->visible);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- sshd: the effective configuration ---- */

struct sshd_found {
    const struct sshd_dir *d;
    const struct rec *r;
};

struct sshd_eval {
    struct finish_ctx *f;
    const struct analyzer *self;
    struct sshd_found global[KW_N];
    int rc;
};

static int
path_cmp(const void *a, const void *b)
{
    const struct rec *const *x = a, *const *y = b;

    return strcmp((*x)->path, (*y)->path);
}

static void sshd_walk(struct sshd_eval *ev, const struct rec *r, int depth, const char *match,
                      unsigned *seen);

static void
sshd_report(struct sshd_eval *ev, enum rule rl, const struct rec *r, const struct sshd_dir *d,
            const char *match)
{
    char *e = arena_printf(ev->f->arena, "line %u: %s %s%s%s%s", d->line,
                           rl == R_SSHD_ROOT_LOGIN        ? "PermitRootLogin"
                           : rl == R_SSHD_EMPTY_PASSWORDS ? "PermitEmptyPasswords"
                                                          : "PasswordAuthentication",
                           d->value, match ? " (in Match " : "", match ? match : "",
                           match ? ")" : "");
    int rc = add(ev->f, rl, NULL, NULL, r->path, e, d->offset, r->layer, 0);

    if (rc)
        ev->rc = rc;
}

static void
sshd_include(struct sshd_eval *ev, const struct rec *r, const struct sshd_dir *d, int depth,
             const char *match, unsigned *seen)
{
    const char *v = d->value;

    while (*v && !ev->rc) {
        char pat[MOAT_LIMIT_PATH + 1];
        struct rec_iter it = {0, 0};
        struct rec *x, **hits = NULL;
        size_t n = strcspn(v, " \t"), nh = 0, cap = 0, i;
        const char *w = v;
        v += n;
        v += strspn(v, " \t");
        if (!n)
            continue;
        if (*w == '/')
            snprintf(pat, sizeof(pat), "%.*s", (int)(n - 1), w + 1);
        else
            snprintf(pat, sizeof(pat), "etc/ssh/%.*s", (int)n, w);
        if (strncmp(pat, "etc/ssh/sshd_config", 19) != 0) {
            finish_problem(ev->f, MOAT_WARN, r->layer, r->path, ev->self->name,
                           "Include %s: moat reads sshd configuration only from "
                           "/etc/ssh/sshd_config and /etc/ssh/sshd_config.d/; not checked",
                           pat);
            continue;
        }
        while ((x = finish_next(ev->f, ev->self, &it)) != NULL) {
            const struct pdata *pd = x->data;
            if (!pd || pd->kind != PD_SSHD || fnmatch(pat, x->path, FNM_PATHNAME) != 0)
                continue;
            if (nh == cap) {
                size_t nc = cap ? cap * 2 : 8;
                struct rec **nhp = realloc(hits, nc * sizeof(*nhp));
                if (!nhp) {
                    ev->rc = MOAT_ENOMEM;
                    break;
                }
                hits = nhp;
                cap = nc;
            }
            hits[nh++] = x;
        }
        if (nh > 1)
            qsort(hits, nh, sizeof(*hits), path_cmp);
        for (i = 0; i < nh && !ev->rc; i++)
            sshd_walk(ev, hits[i], depth + 1, match, seen);
        free(hits);
    }
}

/* sshd takes the first value of each keyword; in a Match block, the
 * block's first value overrides the global one for matching clients.
 * Included files are read in place; a Match inside one ends with it. */
static void
sshd_walk(struct sshd_eval *ev, const struct rec *r, int depth, const char *match,
          unsigned *seen)
{
    const struct sshd_data *sd = r->data;
    unsigned local_seen = 0, *cur = seen;
    size_t i;

    if (depth > MOAT_LIMIT_PERSIST_NEST) {
        finish_problem(ev->f, MOAT_WARN, r->layer, r->path, ev->self->name,
                       "Include nested deeper than %d levels; not followed",
                       MOAT_LIMIT_PERSIST_NEST);
        return;
    }
    for (i = 0; i < sd->n && !ev->rc; i++) {
        const struct sshd_dir *d = &sd->d[i];
        if (d->kw == KW_MATCH) {
            match = d->value;
            local_seen = 0;
            cur = &local_seen;
            continue;
        }
        if (d->kw == KW_INCLUDE) {
            sshd_include(ev, r, d, depth, match, cur);
            continue;
        }
        if (!match) {
            if (!ev->global[d->kw].d) {
                ev->global[d->kw].d = d;
                ev->global[d->kw].r = r;
            }
            continue;
        }
        if (*cur & (1u << d->kw))
            continue;
        *cur |= 1u << d->kw;
        if (d->kw == KW_ROOT_LOGIN && strcmp(d->value, "yes") == 0)
            sshd_report(ev, R_SSHD_ROOT_LOGIN, r, d, match);
        else if (d->kw == KW_EMPTY_PASSWORDS && strcmp(d->value, "yes") == 0)
            sshd_report(ev, R_SSHD_EMPTY_PASSWORDS, r, d, match);
    }
}

static int
judge_sshd(struct finish_ctx *f, const struct analyzer *self)
{
    struct rec_iter it = {0, 0};
    struct sshd_eval ev;
    struct rec *r, *top = NULL;
    const struct sshd_found *g;
    unsigned seen = 0;

    while ((r = finish_next(f, self, &it)) != NULL) {
        const struct pdata *pd = r->data;
        if (pd && pd->kind == PD_SSHD && strcmp(r->path, "etc/ssh/sshd_config") == 0)
            top = r;
    }
    if (!top)
        return 0;
    memset(&ev, 0, sizeof(ev));
    ev.f = f;
    ev.self = self;
    sshd_walk(&ev, top, 0, NULL, &seen);
    g = ev.global;
    if (!ev.rc && g[KW_ROOT_LOGIN].d && strcmp(g[KW_ROOT_LOGIN].d->value, "yes") == 0) {
        sshd_report(&ev, R_SSHD_ROOT_LOGIN, g[KW_ROOT_LOGIN].r, g[KW_ROOT_LOGIN].d, NULL);
        if (g[KW_PASSWORD_AUTH].d && strcmp(g[KW_PASSWORD_AUTH].d->value, "yes") == 0)
            sshd_report(&ev, R_SSHD_PASSWORD_AUTH, g[KW_PASSWORD_AUTH].r,
                        g[KW_PASSWORD_AUTH].d, NULL);
    }
    if (!ev.rc && g[KW_EMPTY_PASSWORDS].d && strcmp(g[KW_EMPTY_PASSWORDS].d->value, "yes") == 0)
        sshd_report(&ev, R_SSHD_EMPTY_PASSWORDS, g[KW_EMPTY_PASSWORDS].r,
                    g[KW_EMPTY_PASSWORDS].d, NULL);
    return ev.rc;
}

/* ---- the image config's environment ---- */

/* An LD_LIBRARY_PATH entry that lets whoever can write there, or the
 * working directory, supply libraries: empty or relative entries, temporary
 * or hidden directories. */
static int
odd_lib_dir(const char *p, size_t n)
{
    char tmp[MOAT_LIMIT_PATH + 1];

    if (n == 0 || p[0] != '/')
        return 1;
    if (n > MOAT_LIMIT_PATH)
        return 1;
    memcpy(tmp, p + 1, n - 1);
    tmp[n - 1] = '/';
    tmp[n] = '\0';
    return location(tmp, 0) != LOC_NONE;
}

static int
judge_config(struct finish_ctx *f)
{
    json_t *root, *env;
    char err[256];
    size_t i;
    int rc = 0;

    if (!f->img || !f->img->config_json)
        return 0;
    root = json_parse_untrusted(f->img->config_json, f->img->config_len, MOAT_LIMIT_JSON_DOC,
                                MOAT_LIMIT_JSON_DEPTH, NULL, err, sizeof(err));
    if (!root) {
        finish_problem(f, MOAT_FAILED, -1, NULL, "persistence",
                       "image config not readable: %s; its environment was not checked", err);
        return 0;
    }
    env = json_object_get(json_object_get(root, "config"), "Env");
    for (i = 0; json_is_array(env) && i < json_array_size(env) && !rc; i++) {
        const char *kv = json_string_value(json_array_get(env, i)), *v;
        if (!kv || !(v = strchr(kv, '=')))
            continue;
        v++;
        if ((str_starts(kv, "LD_PRELOAD=") || str_starts(kv, "LD_AUDIT=")) && *v) {
            size_t n = 0, cap = 1;
            char *copy = arena_strdup(f->arena, v), *c = copy;
            const char **libs;
            int alloc;
            for (c = copy; c && *c; c++)
                cap += *c == ':' || *c == ' ' || *c == '\t';
            if (cap > MOAT_LIMIT_PERSIST_ITEMS)
                cap = MOAT_LIMIT_PERSIST_ITEMS;
            libs = arena_alloc(f->arena, cap * sizeof(*libs));
            if (!copy || !libs)
                return MOAT_ENOMEM;
            c = copy;
            while (*c && n < cap) {
                size_t k = strcspn(c, ": \t");
                if (k) {
                    libs[n++] = c;
                }
                if (!c[k])
                    break;
                c[k] = '\0';
                c += k + 1;
            }
            alloc = owned_allocators(f, libs, n, 1);
            rc = add(f, R_LD_PRELOAD_ENV, alloc ? "low" : NULL,
                     alloc ? "the image config preloads a memory allocator into every process"
                           : NULL,
                     NULL, evidence_text(f->arena, "ENV ", kv, kv + strlen(kv)), UINT64_MAX,
                     -1, 0);
        } else if (str_starts(kv, "LD_LIBRARY_PATH=")) {
            const char *p = v;
            int odd = 0;
            for (;;) {
                size_t k = strcspn(p, ":");
                odd |= odd_lib_dir(p, k);
                if (!p[k])
                    break;
                p += k + 1;
            }
            if (odd)
                rc = add(f, R_LD_LIBRARY_PATH_ENV, NULL, NULL, NULL,
                         evidence_text(f->arena, "ENV ", kv, kv + strlen(kv)), UINT64_MAX, -1,
                         0);
        }
    }
    json_decref(root);
    return rc;
}

/* ---- the merged filesystem: setuid files, hidden executables ---- */

/* The rule a merged-filesystem entry falls under before ownership is
 * known (R_COUNT: none). own_matters: is it reported only when no package
 * owns it. */
static enum rule
fs_rule(const struct layer_entry *e, const struct map *elf, int *own_matters, int *is_elf)
{
    enum loc loc;

    *own_matters = 0;
    *is_elf = 0;
    if (e->type != ENTRY_REG && e->type != ENTRY_HARDLINK)
        return R_COUNT;
    if (e->mode & 06000) {
        if (location(e->path, 0) != LOC_NONE)
            return R_SETUID_HIDDEN;
        *own_matters = 1;
        return R_SETUID_UNOWNED;
    }
    if (!(e->mode & 0111)) {
        if (!elf->len || !map_get(elf, e->path))
            return R_COUNT;
        *is_elf = 1;
    }
    loc = location(e->path, 1);
    if (loc == LOC_NONE)
        return R_COUNT;
    *own_matters = 1;
    return loc == LOC_TMP ? R_EXEC_TMP : R_EXEC_HIDDEN;
}

static int
judge_fs(struct finish_ctx *f, const struct analyzer *self)
{
    struct rec_iter it = {0, 0};
    struct map elf;
    struct rec *r;
    size_t i, count[R_COUNT];
    int rc = 0;

    memset(count, 0, sizeof(count));
    map_init(&elf);
    while ((r = finish_next(f, self, &it)) != NULL)
        if (r->data == &elf_tag && map_put(&elf, r->path, r, NULL) != 0) {
            rc = MOAT_ENOMEM;
            goto out;
        }
    for (i = 0; i < f->fs->npool && !rc; i++) {
        const struct fs_node *n = &f->fs->pool[i];
        const struct layer_entry *e = n->e;
        int own_matters, is_elf, pkg = 0;
        enum rule rl = fs_rule(e, &elf, &own_matters, &is_elf);
        char *ev;
        if (rl == R_COUNT)
            continue;
        if (own_matters || count[rl] < MOAT_LIMIT_PERSIST_FS_FINDINGS)
            pkg = finish_owner(f, e->path) != NULL;
        if (own_matters && pkg)
            continue; /* a distro's setuid program: a configuration matter */
        if (count[rl]++ >= MOAT_LIMIT_PERSIST_FS_FINDINGS)
            continue;
        ev = arena_printf(f->arena, "%s%s%smode %04o, uid %u, gid %u, %llu bytes%s%s",
                          (e->mode & 04000) ? "setuid " : "", (e->mode & 02000) ? "setgid " : "",
                          (e->mode & 06000) ? "file, " : "", (unsigned)(e->mode & 07777),
                          (unsigned)e->uid, (unsigned)e->gid, (unsigned long long)e->size,
                          is_elf ? ", an ELF program without exec bits" : "",
                          pkg ? "" : ", no package owns it");
        /* entry paths are freed before findings are copied: keep a copy */
        rc = add(f, rl, NULL, NULL, arena_strdup(f->arena, e->path), ev, UINT64_MAX, n->e->layer,
                 0);
    }
    for (i = 0; i < R_COUNT && !rc; i++)
        if (count[i] > MOAT_LIMIT_PERSIST_FS_FINDINGS)
            finish_problem(f, MOAT_WARN, -1, NULL, self->name,
                           "%zu more %s findings beyond the first %d were not listed",
                           count[i] - MOAT_LIMIT_PERSIST_FS_FINDINGS, rules[i].id,
                           MOAT_LIMIT_PERSIST_FS_FINDINGS);
out:
    map_free(&elf);
    return rc;
}

static int
persist_finish(struct finish_ctx *f, const struct analyzer *self)
{
    int rc;

    rc = dedupe(f, self);
    if (rc)
        return rc;
    rc = judge_preload(f, self);
    if (rc)
        return rc;
    rc = judge_sshd(f, self);
    if (rc)
        return rc;
    rc = judge_config(f);
    if (rc)
        return rc;
    if (f->fs)
        rc = judge_fs(f, self);
    return rc;
}

/* ---- switching on ---- */

static int on_marker; /* the shared state: nothing to share, only "on" */

static int
persist_init(const struct moat_options *opt, const struct image_desc *img, void **state,
             char *err, size_t errlen)
{
    (void)img;
    (void)err;
    (void)errlen;
    *state = (!opt || (opt->detect.enabled & MOAT_DETECT_PERSISTENCE)) ? &on_marker : NULL;
    return 0;
}

const struct analyzer analyzer_persistence = {
    .name = "persistence",
    .version = 1,
    .wants = persist_wants,
    .max_size = MOAT_LIMIT_PERSIST_FILE,
    .whole = persist_whole,
    .state_size = sizeof(struct sniff),
    .stream_chunk = sniff_chunk,
    .stream_end = sniff_end,
    .finish = persist_finish,
    .init = persist_init,
};
