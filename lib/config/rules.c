/*
 * rules.c - shared judgements of image and Dockerfile checks (rules.h).
 *
 * The shell reader is not a shell: it splits RUN text into simple commands
 * at ; & | && || newlines and parentheses, and each simple command into
 * words (quotes and backslashes respected, nothing expanded). That is what
 * the checks need - which program a command runs and with which words - and
 * it stays linear in the input whatever the input is.
 */
#include "rules.h"
#include "base/limits.h"
#include "base/str.h"

#include <stdint.h>
#include <string.h>

/* ---- shell ---- */

struct word {
    const char *p; /* raw text of the word, quotes included */
    size_t n;
};

struct simple_cmd {
    const char *start; /* raw text of the command */
    size_t len;
    struct word w[MOAT_LIMIT_SHELL_WORDS];
    size_t nw;
    int piped_from; /* a '|' precedes it */
};

/* Word i with quotes and backslashes removed, into buf (cut to fit). */
static const char *
unquote(const struct word *w, char *buf, size_t cap)
{
    size_t i, o = 0;
    char q = 0;

    for (i = 0; i < w->n && o + 1 < cap; i++) {
        char ch = w->p[i];
        if (q) {
            if (ch == q)
                q = 0;
            else
                buf[o++] = ch;
        } else if (ch == '\'' || ch == '"') {
            q = ch;
        } else if (ch == '\\' && i + 1 < w->n) {
            buf[o++] = w->p[++i];
        } else {
            buf[o++] = ch;
        }
    }
    buf[o] = '\0';
    return buf;
}

static const char *
base_of(const char *s)
{
    const char *b = strrchr(s, '/');

    return b ? b + 1 : s;
}

static int
is_any(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static const char *const shells[] = {"sh",   "bash", "dash",    "ash",    "zsh",
                                     "ksh",  "mksh", "busybox", "python", "python3",
                                     "perl", "ruby", "node",    "php",    NULL};
static const char *const fetchers[] = {"curl", "wget", "fetch", NULL};

/* Index of the first word that is the program: leading VAR=value
 * assignments and the wrappers sudo/env/exec/command/nohup/time are skipped
 * (with their dash options). */
static size_t
program_index(const struct simple_cmd *c)
{
    static const char *const wrappers[] = {"sudo",  "env",  "exec",  "command",
                                           "nohup", "time", "xargs", NULL};
    char buf[64];
    size_t i = 0;

    while (i < c->nw) {
        const char *w = unquote(&c->w[i], buf, sizeof(buf));
        if (strchr(w, '=') && w[0] != '-' && w[0] != '=') {
            i++;
            continue;
        }
        if (is_any(base_of(w), wrappers)) {
            i++;
            while (i < c->nw && c->w[i].n && c->w[i].p[0] == '-')
                i++;
            continue;
        }
        break;
    }
    return i;
}

/* The subcommand of a package manager: the first word after the program
 * that is not an option (nor the argument of -o/-c/-t, nor NAME=VALUE). */
static const char *
subcommand(const struct simple_cmd *c, size_t prog, char *buf, size_t cap, size_t *at)
{
    size_t i;

    for (i = prog + 1; i < c->nw; i++) {
        const char *w = unquote(&c->w[i], buf, cap);
        if (w[0] == '-') {
            if ((strcmp(w, "-o") == 0 || strcmp(w, "-c") == 0 || strcmp(w, "-t") == 0 ||
                 strcmp(w, "--option") == 0 || strcmp(w, "--repository") == 0 ||
                 strcmp(w, "-X") == 0 || strcmp(w, "--root") == 0 || strcmp(w, "-p") == 0))
                i++;
            continue;
        }
        if (strchr(w, '='))
            continue;
        *at = i;
        return w;
    }
    return NULL;
}

/* Does any package word after index from name sudo? */
static int
names_sudo(const struct simple_cmd *c, size_t from)
{
    char buf[64];
    size_t i;

    for (i = from + 1; i < c->nw; i++) {
        const char *w = unquote(&c->w[i], buf, sizeof(buf));
        if (strcmp(w, "sudo") == 0 || str_starts(w, "sudo=") || str_starts(w, "sudo-ldap"))
            return 1;
    }
    return 0;
}

struct shell_state {
    struct shell_facts *out;
    int updated, installed;
    char update_ev[160];
    int prev_fetch;          /* the previous pipeline member ran a fetcher */
    const char *fetch_start; /* ... starting here */
};

static void
judge(struct shell_state *st, const struct simple_cmd *c)
{
    char prog_buf[256], sub_buf[64];
    const char *prog, *sub;
    size_t pi, at = 0;
    int fetch;

    pi = program_index(c);
    if (pi >= c->nw) {
        st->prev_fetch = 0;
        return;
    }
    prog = base_of(unquote(&c->w[pi], prog_buf, sizeof(prog_buf)));
    fetch = is_any(prog, fetchers);
    if (c->piped_from && st->prev_fetch && is_any(prog, shells) &&
        !(st->out->flags & SH_PIPE_TO_SHELL)) {
        /* the evidence is the whole pipe: fetcher | shell */
        st->out->flags |= SH_PIPE_TO_SHELL;
        rule_snippet(st->fetch_start, (size_t)(c->start + c->len - st->fetch_start), st->out->pipe,
                     sizeof(st->out->pipe));
    }
    /* sh -c "$(curl ...)", bash <(wget -O- ...), eval "$(curl ...)" */
    if ((is_any(prog, shells) || strcmp(prog, "eval") == 0 || strcmp(prog, ".") == 0 ||
         strcmp(prog, "source") == 0) &&
        !(st->out->flags & SH_PIPE_TO_SHELL)) {
        static const char *const subst[] = {"$(curl", "$(wget", "`curl",
                                            "`wget",  "<(curl", "<(wget"};
        size_t k;
        for (k = 0; k < sizeof(subst) / sizeof(subst[0]); k++) {
            if (mem_find(c->start, c->len, subst[k], strlen(subst[k]))) {
                st->out->flags |= SH_PIPE_TO_SHELL;
                rule_snippet(c->start, c->len, st->out->pipe, sizeof(st->out->pipe));
                break;
            }
        }
    }
    st->prev_fetch = fetch;
    if (fetch)
        st->fetch_start = c->start;
    if (strcmp(prog, "apt-get") == 0 || strcmp(prog, "apt") == 0 || strcmp(prog, "aptitude") == 0) {
        sub = subcommand(c, pi, sub_buf, sizeof(sub_buf), &at);
        if (!sub)
            return;
        if (strcmp(sub, "update") == 0) {
            if (!st->updated)
                rule_snippet(c->start, c->len, st->update_ev, sizeof(st->update_ev));
            st->updated = 1;
        } else if (strcmp(sub, "install") == 0 || strcmp(sub, "upgrade") == 0 ||
                   strcmp(sub, "dist-upgrade") == 0 || strcmp(sub, "full-upgrade") == 0 ||
                   strcmp(sub, "build-dep") == 0 || strcmp(sub, "satisfy") == 0 ||
                   strcmp(sub, "source") == 0 || strcmp(sub, "download") == 0) {
            st->installed = 1;
            if (strcmp(sub, "install") == 0 && names_sudo(c, at) &&
                !(st->out->flags & SH_INSTALLS_SUDO)) {
                st->out->flags |= SH_INSTALLS_SUDO;
                rule_snippet(c->start, c->len, st->out->sudo, sizeof(st->out->sudo));
            }
        }
    } else if (strcmp(prog, "apk") == 0) {
        sub = subcommand(c, pi, sub_buf, sizeof(sub_buf), &at);
        if (!sub)
            return;
        if (strcmp(sub, "update") == 0) {
            if (!st->updated)
                rule_snippet(c->start, c->len, st->update_ev, sizeof(st->update_ev));
            st->updated = 1;
        } else if (strcmp(sub, "add") == 0 || strcmp(sub, "upgrade") == 0 ||
                   strcmp(sub, "fix") == 0) {
            st->installed = 1;
            if (strcmp(sub, "add") == 0 && names_sudo(c, at) &&
                !(st->out->flags & SH_INSTALLS_SUDO)) {
                st->out->flags |= SH_INSTALLS_SUDO;
                rule_snippet(c->start, c->len, st->out->sudo, sizeof(st->out->sudo));
            }
        }
    } else if (strcmp(prog, "yum") == 0 || strcmp(prog, "dnf") == 0 ||
               strcmp(prog, "microdnf") == 0 || strcmp(prog, "tdnf") == 0 ||
               strcmp(prog, "zypper") == 0) {
        sub = subcommand(c, pi, sub_buf, sizeof(sub_buf), &at);
        if (sub && (strcmp(sub, "install") == 0 || strcmp(sub, "in") == 0) && names_sudo(c, at) &&
            !(st->out->flags & SH_INSTALLS_SUDO)) {
            st->out->flags |= SH_INSTALLS_SUDO;
            rule_snippet(c->start, c->len, st->out->sudo, sizeof(st->out->sudo));
        }
    }
}

void
rule_shell(const char *s, size_t n, struct shell_facts *out)
{
    struct shell_state st;
    struct simple_cmd c;
    size_t i = 0;
    int piped = 0;

    memset(out, 0, sizeof(*out));
    memset(&st, 0, sizeof(st));
    st.out = out;
    while (i < n) {
        /* one simple command */
        memset(&c, 0, sizeof(c));
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            i++;
        c.start = s + i;
        c.piped_from = piped;
        piped = 0;
        while (i < n) {
            char ch = s[i];
            size_t ws;
            if (ch == ' ' || ch == '\t' || ch == '\r') {
                i++;
                continue;
            }
            if (ch == ';' || ch == '&' || ch == '|' || ch == '\n' || ch == '(' || ch == ')' ||
                ch == '{' || ch == '}') {
                /* "|" alone pipes; "||" and "|&" do not count as a pipe into
                 * the next command for our purpose only when doubled */
                if (ch == '|' && !(i + 1 < n && s[i + 1] == '|'))
                    piped = 1;
                if (ch == '|' && i + 1 < n && s[i + 1] == '|')
                    i++;
                else if (ch == '&' && i + 1 < n && s[i + 1] == '&')
                    i++;
                i++;
                break;
            }
            if (ch == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\n')) {
                /* a comment runs to the end of the line */
                while (i < n && s[i] != '\n')
                    i++;
                continue;
            }
            /* a word: up to unquoted blank or operator; $( ... ) and
             * backquotes stay inside the word */
            ws = i;
            {
                char q = 0;
                int paren = 0;
                while (i < n) {
                    ch = s[i];
                    if (q) {
                        if (ch == '\\' && q == '"' && i + 1 < n)
                            i++;
                        else if (ch == q)
                            q = 0;
                    } else if (ch == '\'' || ch == '"' || ch == '`') {
                        q = ch;
                    } else if (ch == '\\' && i + 1 < n) {
                        i++;
                    } else if (ch == '$' && i + 1 < n && s[i + 1] == '(') {
                        paren++;
                        i++;
                    } else if (ch == '<' && i + 1 < n && s[i + 1] == '(') {
                        paren++;
                        i++;
                    } else if (ch == ')' && paren) {
                        paren--;
                    } else if (!paren &&
                               (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == ';' ||
                                ch == '&' || ch == '|' || ch == '(' || ch == ')')) {
                        break;
                    }
                    i++;
                }
            }
            if (c.nw < MOAT_LIMIT_SHELL_WORDS) {
                c.w[c.nw].p = s + ws;
                c.w[c.nw].n = i - ws;
                c.nw++;
            }
        }
        c.len = (size_t)(s + i - c.start);
        if (c.nw)
            judge(&st, &c);
        else if (!piped)
            st.prev_fetch = 0;
    }
    if (st.updated && !st.installed) {
        out->flags |= SH_UPDATE_ONLY;
        memcpy(out->update, st.update_ev, sizeof(out->update));
    }
}

/* ---- names ---- */

int
rule_secret_name(const char *name, size_t n)
{
    static const char *const whole[] = {"password",   "passwd",      "passphrase", "secret",
                                        "secrets",    "token",       "tokens",     "apikey",
                                        "credential", "credentials", "privatekey", "secretkey",
                                        "accesskey",  "pwd",         NULL};
    static const char *const glued[] = {"password", "passwd", "passphrase", "secret", NULL};
    static const char *const pointers[] = {
        "file",   "path",    "dir",      "directory", "url",    "uri",     "name",
        "length", "len",     "min",      "max",       "policy", "type",    "hint",
        "prompt", "enabled", "required", "endpoint",  "host",   "version", NULL};
    char lower[2 * MOAT_LIMIT_NAME + 2]; /* words with a NUL after each */
    const char *words[64];
    size_t nwords = 0, i, j;
    int hit = 0;

    if (n == 0 || n > MOAT_LIMIT_NAME)
        return 0;
    /* split on non-alphanumerics and on lower->Upper steps (camelCase) */
    for (i = 0, j = 0; i < n; i++) {
        char ch = name[i];
        int alnum =
            (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        int upper = ch >= 'A' && ch <= 'Z';
        if (!alnum) {
            if (j && lower[j - 1] != '\0')
                lower[j++] = '\0';
            continue;
        }
        if (upper && i && name[i - 1] >= 'a' && name[i - 1] <= 'z' && j && lower[j - 1])
            lower[j++] = '\0';
        if (j == 0 || lower[j - 1] == '\0') {
            if (nwords == sizeof(words) / sizeof(words[0]))
                break;
            words[nwords++] = lower + j;
        }
        lower[j++] = upper ? (char)(ch - 'A' + 'a') : ch;
    }
    if (j >= sizeof(lower))
        j = sizeof(lower) - 1;
    lower[j] = '\0';
    if (nwords == 0)
        return 0;
    /* PWD is the shell's working directory, not a password */
    if (nwords == 1 && strcmp(words[0], "pwd") == 0)
        return 0;
    if (is_any(words[nwords - 1], pointers))
        return 0;
    for (i = 0; i < nwords && !hit; i++) {
        if (is_any(words[i], whole))
            hit = 1;
        for (j = 0; glued[j] && !hit; j++)
            if (strstr(words[i], glued[j]))
                hit = 1;
        if (i + 1 < nwords && strcmp(words[i + 1], "key") == 0 &&
            (strcmp(words[i], "api") == 0 || strcmp(words[i], "access") == 0 ||
             strcmp(words[i], "private") == 0 || strcmp(words[i], "secret") == 0 ||
             strcmp(words[i], "encryption") == 0 || strcmp(words[i], "signing") == 0 ||
             strcmp(words[i], "master") == 0))
            hit = 1;
        if (i + 1 < nwords && strcmp(words[i], "client") == 0 &&
            strcmp(words[i + 1], "secret") == 0)
            hit = 1;
    }
    return hit;
}

/* ---- ports, paths, references ---- */

static int
port_num(const char *s, size_t n, unsigned long *out)
{
    uint64_t v;

    if (n == 0 || n > 5 || str_to_u64(s, n, &v) != 0 || v > 65535)
        return -1;
    *out = (unsigned long)v;
    return 0;
}

unsigned
rule_port(const char *spec, size_t n)
{
    const char *slash = memchr(spec, '/', n), *dash;
    unsigned long lo, hi;
    unsigned out = 0;
    size_t pn = slash ? (size_t)(slash - spec) : n;

    if (slash && !(n - pn - 1 == 3 && memcmp(slash + 1, "tcp", 3) == 0))
        return 0; /* udp/sctp: neither SSH nor the Docker API */
    dash = memchr(spec, '-', pn);
    if (dash) {
        if (port_num(spec, (size_t)(dash - spec), &lo) ||
            port_num(dash + 1, pn - (size_t)(dash - spec) - 1, &hi))
            return 0;
    } else {
        if (port_num(spec, pn, &lo))
            return 0;
        hi = lo;
    }
    if (lo <= 22 && 22 <= hi)
        out |= PORT_SSH;
    if (lo <= 2376 && 2375 <= hi)
        out |= PORT_DOCKER_API;
    return out;
}

int
rule_kernel_volume(const char *path, size_t n)
{
    static const char *const roots[] = {"dev", "proc", "sys"};
    size_t i, k;

    /* "/proc", "//proc/", "/sys/fs/cgroup", "/dev" - not "/devices" */
    i = 0;
    while (i < n && path[i] == '/')
        i++;
    if (i == 0)
        return 0;
    for (k = 0; k < 3; k++) {
        size_t rl = strlen(roots[k]);
        if (n - i >= rl && memcmp(path + i, roots[k], rl) == 0 &&
            (n - i == rl || path[i + rl] == '/'))
            return 1;
    }
    return 0;
}

enum ref_pin
rule_ref_pin(const char *ref, size_t n)
{
    const char *last, *colon;
    size_t i, start = 0;

    if (memchr(ref, '@', n))
        return REF_DIGEST;
    for (i = 0; i < n; i++)
        if (ref[i] == '/')
            start = i + 1;
    last = ref + start;
    colon = memchr(last, ':', n - start);
    if (!colon)
        return REF_NO_TAG;
    if ((size_t)(ref + n - colon - 1) == 6 && memcmp(colon + 1, "latest", 6) == 0)
        return REF_LATEST;
    return REF_TAGGED;
}

void
rule_snippet(const char *s, size_t n, char *out, size_t outlen)
{
    size_t i, o = 0;
    int blank = 1;

    if (outlen == 0)
        return;
    for (i = 0; i < n && o + 1 < outlen; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f || ch == ' ') {
            if (!blank)
                out[o++] = ' ';
            blank = 1;
            continue;
        }
        blank = 0;
        out[o++] = (char)ch;
    }
    while (o && out[o - 1] == ' ')
        o--;
    if (i < n && outlen > 4) {
        if (o > outlen - 4)
            o = outlen - 4;
        /* do not cut a UTF-8 sequence in half */
        while (o && ((unsigned char)out[o] & 0xc0) == 0x80)
            o--;
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}
