/*
 * dockerfile.c - Dockerfile checks (MOAT-DF-*): the image rules of image.c,
 * found at the line that causes them.
 *
 * The reader follows the Dockerfile reference: parser directives
 * (# escape=`), comments, line continuations with the escape character,
 * BuildKit here-documents (RUN <<EOF ... EOF), JSON (exec) and shell forms,
 * ARG defaults declared before the first FROM substituted into FROM, and
 * stages (FROM x AS name; a later FROM name inherits its USER and
 * HEALTHCHECK). USER and HEALTHCHECK are judged on the final stage only:
 * build stages are not what runs. An unknown instruction, a here-document
 * that never ends or a Dockerfile without FROM is an error with its line.
 */
#include "config.h"
#include "rules.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64    /* global ARGs remembered for FROM substitution */
#define MAX_STAGES 256 /* stages remembered for FROM <stage> */
#define WORD_MAX 4096  /* longest word judged (longer ones are cut) */

struct stage {
    char name[128];
    unsigned long from_line;
    char user[128];
    unsigned long user_line;
    int has_user;
    int health; /* 1 HEALTHCHECK CMD, -1 HEALTHCHECK NONE, 0 none */
    unsigned long health_line;
};

struct df {
    struct audit_file *af;
    char esc;
    struct {
        char name[128];
        char *value; /* malloc'd, or NULL */
    } args[MAX_ARGS];
    size_t nargs;
    struct stage stages[MAX_STAGES];
    size_t nstages;
    size_t froms; /* FROM instructions seen (may exceed MAX_STAGES) */
    struct stage *cur;
};

/* ---- words ---- */

/* Next word of [*p, end): unquoted, escapes removed, cut to cap-1 bytes.
 * Returns 0 at the end. */
static int
next_word(const char **p, const char *end, char esc, char *out, size_t cap)
{
    const char *s = *p;
    size_t o = 0;
    char q = 0;

    while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++;
    if (s >= end)
        return 0;
    while (s < end) {
        char ch = *s;
        if (q) {
            if (ch == q) {
                q = 0;
                s++;
                continue;
            }
            if (ch == esc && q == '"' && s + 1 < end) {
                s++;
                ch = *s;
            }
        } else if (ch == '"' || ch == '\'') {
            q = ch;
            s++;
            continue;
        } else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            break;
        } else if (ch == esc && s + 1 < end) {
            s++;
            ch = *s;
        }
        if (o + 1 < cap)
            out[o++] = ch;
        s++;
    }
    out[o] = '\0';
    *p = s;
    return 1;
}

/* The JSON (exec) form: ["a", "b"] -> words joined by spaces into b.
 * Returns 1 when args were that form. */
static int
exec_form(const char *args, size_t n, struct buf *b)
{
    json_t *j;
    json_error_t je;
    size_t i;
    int ok = 1;

    if (n == 0 || args[0] != '[')
        return 0;
    j = json_loadb(args, n, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &je);
    if (!j || !json_is_array(j)) {
        json_decref(j);
        return 0;
    }
    for (i = 0; i < json_array_size(j); i++) {
        const char *s = json_string_value(json_array_get(j, i));
        if (!s) {
            ok = 0;
            break;
        }
        if ((i && buf_addc(b, ' ')) || buf_adds(b, s)) {
            ok = 0;
            break;
        }
    }
    json_decref(j);
    return ok;
}

/* ---- variables ---- */

static const char *
arg_value(struct df *d, const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < d->nargs; i++)
        if (strlen(d->args[i].name) == n && memcmp(d->args[i].name, name, n) == 0)
            return d->args[i].value ? d->args[i].value : "";
    return NULL;
}

/* Substitutes $X, ${X} and ${X:-default} from the global ARGs into out.
 * Returns 0, or -1 when a variable has no known value (the word cannot be
 * judged). */
static int
substitute(struct df *d, const char *in, char *out, size_t cap)
{
    size_t o = 0;
    const char *s = in;

    while (*s) {
        const char *name, *def = NULL, *v;
        size_t nn, dn = 0;
        if (*s != '$') {
            if (o + 1 < cap)
                out[o++] = *s;
            s++;
            continue;
        }
        s++;
        if (*s == '{') {
            const char *close = strchr(s, '}');
            if (!close)
                return -1;
            name = s + 1;
            nn = strcspn(name, ":}");
            if (name[nn] == ':' && name[nn + 1] == '-') {
                def = name + nn + 2;
                dn = (size_t)(close - def);
            }
            s = close + 1;
        } else {
            name = s;
            nn = 0;
            while ((s[nn] >= 'a' && s[nn] <= 'z') || (s[nn] >= 'A' && s[nn] <= 'Z') ||
                   (s[nn] >= '0' && s[nn] <= '9') || s[nn] == '_')
                nn++;
            s += nn;
        }
        v = arg_value(d, name, nn);
        if (v && !*v && def)
            v = NULL;
        if (!v) {
            if (!def)
                return -1;
            if (o + dn < cap) {
                memcpy(out + o, def, dn);
                o += dn;
            }
            continue;
        }
        while (*v && o + 1 < cap)
            out[o++] = *v++;
    }
    out[o] = '\0';
    return 0;
}

/* ---- instructions ---- */

static int
is_root_user(const char *u)
{
    size_t n = strcspn(u, ":");

    return (n == 4 && strncmp(u, "root", 4) == 0) || (n == 1 && u[0] == '0');
}

static struct stage *
stage_named(struct df *d, const char *name)
{
    size_t i;

    for (i = 0; i < d->nstages; i++)
        if (d->stages[i].name[0] && str_eq_nocase(d->stages[i].name, name))
            return &d->stages[i];
    return NULL;
}

static int
do_from(struct df *d, const char *a, const char *end, unsigned long line)
{
    char w[WORD_MAX], img[WORD_MAX], as[16], name[128];
    const struct stage *parent;
    struct stage *st;
    const char *p = a;
    int rc = 0;

    d->froms++;
    while (next_word(&p, end, d->esc, w, sizeof(w)) && w[0] == '-' && w[1] == '-')
        ;
    if (!w[0] || w[0] == '-')
        return 0;
    name[0] = '\0';
    if (next_word(&p, end, d->esc, as, sizeof(as)) && str_eq_nocase(as, "as"))
        next_word(&p, end, d->esc, name, sizeof(name));
    if (d->nstages == MAX_STAGES) {
        /* more stages than remembered: judge the last one in the last slot */
        memmove(&d->stages[0], &d->stages[1], (MAX_STAGES - 1) * sizeof(d->stages[0]));
        d->nstages--;
    }
    st = &d->stages[d->nstages++];
    memset(st, 0, sizeof(*st));
    snprintf(st->name, sizeof(st->name), "%.127s", name);
    st->from_line = line;
    d->cur = st;
    parent = stage_named(d, w);
    if (parent && parent != st) {
        /* FROM <earlier stage>: inherits what that stage set */
        snprintf(st->user, sizeof(st->user), "%s", parent->user);
        st->has_user = parent->has_user;
        st->user_line = parent->user_line;
        st->health = parent->health;
        st->health_line = parent->health_line;
        return 0;
    }
    if (str_eq_nocase(w, "scratch"))
        return 0;
    if (substitute(d, w, img, sizeof(img)) != 0 || !img[0])
        return 0;
    switch (rule_ref_pin(img, strlen(img))) {
    case REF_NO_TAG:
        rc = audit_add(d->af, "MOAT-DF-006", NULL, line, NULL, img,
                       "FROM %s has no tag: it means latest, whatever that is at build time", img);
        break;
    case REF_LATEST:
        rc = audit_add(d->af, "MOAT-DF-006", NULL, line, NULL, img,
                       "FROM %s: latest changes under you; pin a version or digest", img);
        break;
    default:
        break;
    }
    return rc;
}

static int
do_arg(struct df *d, const char *a, const char *end, unsigned long line)
{
    char w[WORD_MAX];
    const char *p = a;
    int rc;

    while (next_word(&p, end, d->esc, w, sizeof(w))) {
        size_t nl = strcspn(w, "=");
        if (rule_secret_name(w, nl)) {
            rc = audit_add(d->af, "MOAT-DF-004", NULL, line, NULL, NULL,
                           "build argument %.*s looks like a credential: build arguments are "
                           "recorded in the image history",
                           (int)nl, w);
            if (rc)
                return rc;
        }
        if (d->froms == 0 && d->nargs < MAX_ARGS && nl < sizeof(d->args[0].name)) {
            memcpy(d->args[d->nargs].name, w, nl);
            d->args[d->nargs].name[nl] = '\0';
            d->args[d->nargs].value = w[nl] == '=' ? strdup(w + nl + 1) : NULL;
            if (w[nl] == '=' && !d->args[d->nargs].value)
                return MOAT_ENOMEM;
            d->nargs++;
        }
    }
    return 0;
}

/* ENV and LABEL: KEY=VALUE pairs, or the legacy "KEY VALUE..." form. */
static int
do_pairs(struct df *d, const char *kw, const char *a, const char *end, unsigned long line)
{
    char w[WORD_MAX];
    const char *p = a;
    int rc;

    if (!next_word(&p, end, d->esc, w, sizeof(w)))
        return 0;
    if (!strchr(w, '=')) {
        /* ENV KEY VALUE: everything after the key is the value */
        char v[8];
        if (rule_secret_name(w, strlen(w)) && next_word(&p, end, d->esc, v, sizeof(v)))
            return audit_add(d->af, "MOAT-DF-004", NULL, line, NULL, NULL,
                             "%s %s sets a credential-like name; its value is stored in the "
                             "image config",
                             kw, w);
        return 0;
    }
    do {
        size_t nl = strcspn(w, "=");
        if (nl && w[nl] == '=' && w[nl + 1] && rule_secret_name(w, nl)) {
            rc = audit_add(d->af, "MOAT-DF-004", NULL, line, NULL, NULL,
                           "%s %.*s sets a credential-like name; its value is stored in the "
                           "image config",
                           kw, (int)nl, w);
            if (rc)
                return rc;
        }
    } while (next_word(&p, end, d->esc, w, sizeof(w)));
    return 0;
}

static int
do_expose(struct df *d, const char *a, const char *end, unsigned long line)
{
    char w[WORD_MAX];
    const char *p = a;
    int rc;

    while (next_word(&p, end, d->esc, w, sizeof(w))) {
        unsigned what = rule_port(w, strlen(w));
        if (what & PORT_DOCKER_API) {
            rc = audit_add(d->af, "MOAT-DF-002", NULL, line, NULL, w,
                           "EXPOSE %s offers the Docker Engine API port", w);
            if (rc)
                return rc;
        }
        if (what & PORT_SSH) {
            rc = audit_add(d->af, "MOAT-DF-003", NULL, line, NULL, w, "EXPOSE %s offers SSH", w);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int
is_remote(const char *s)
{
    return str_starts(s, "http://") || str_starts(s, "https://") || str_starts(s, "git@") ||
           str_starts(s, "git://") || str_starts(s, "ssh://");
}

static int
do_add(struct df *d, const char *a, const char *end, unsigned long line)
{
    char w[WORD_MAX];
    struct buf b;
    const char *p = a;
    int rc = 0, checksum = 0, nwords = 0;
    char first_remote[WORD_MAX] = "";

    buf_init(&b, (size_t)(end - a) + 1);
    if (exec_form(a, (size_t)(end - a), &b)) {
        p = b.data ? b.data : "";
        end = p + b.len;
    }
    while (next_word(&p, end, d->esc, w, sizeof(w))) {
        if (nwords == 0 && str_starts(w, "--")) {
            if (str_starts(w, "--checksum="))
                checksum = 1;
            continue;
        }
        nwords++;
        if (!first_remote[0] && is_remote(w))
            snprintf(first_remote, sizeof(first_remote), "%s", w);
    }
    /* the last word is the destination; a remote source is before it */
    if (first_remote[0] && nwords >= 2 && !checksum)
        rc = audit_add(d->af, "MOAT-DF-005", NULL, line, NULL, first_remote,
                       "ADD fetches %s without verifying it", first_remote);
    buf_free(&b);
    return rc;
}

static int
do_run(struct df *d, const char *a, const char *end, unsigned long line)
{
    struct shell_facts sf;
    struct buf b;
    const char *p = a;
    int rc = 0;

    /* RUN --mount=... --network=...: options before the command */
    while (p < end) {
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (end - q < 2 || q[0] != '-' || q[1] != '-')
            break;
        while (q < end && *q != ' ' && *q != '\t')
            q++;
        p = q;
    }
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    buf_init(&b, (size_t)(end - p) + 1);
    if (exec_form(p, (size_t)(end - p), &b))
        rule_shell(b.data ? b.data : "", b.len, &sf);
    else
        rule_shell(p, (size_t)(end - p), &sf);
    buf_free(&b);
    if (sf.flags & SH_PIPE_TO_SHELL)
        rc = audit_add(d->af, "MOAT-DF-013", NULL, line, NULL, sf.pipe,
                       "RUN pipes a download into a shell");
    if (!rc && (sf.flags & SH_UPDATE_ONLY))
        rc = audit_add(d->af, "MOAT-DF-012", NULL, line, NULL, sf.update,
                       "RUN updates the package index but installs nothing in the same step");
    if (!rc && (sf.flags & SH_INSTALLS_SUDO))
        rc = audit_add(d->af, "MOAT-DF-008", NULL, line, NULL, sf.sudo, "RUN installs sudo");
    return rc;
}

static int
do_volume(struct df *d, const char *a, const char *end, unsigned long line)
{
    char w[WORD_MAX];
    struct buf b;
    const char *p = a;
    int rc = 0;

    buf_init(&b, (size_t)(end - a) + 1);
    if (exec_form(a, (size_t)(end - a), &b)) {
        p = b.data ? b.data : "";
        end = p + b.len;
    }
    while (!rc && next_word(&p, end, d->esc, w, sizeof(w)))
        if (rule_kernel_volume(w, strlen(w)))
            rc = audit_add(d->af, "MOAT-DF-014", NULL, line, NULL, w,
                           "VOLUME %s covers a kernel filesystem", w);
    buf_free(&b);
    return rc;
}

static int
do_user(struct df *d, const char *a, const char *end, unsigned long line)
{
    char w[WORD_MAX];
    const char *p = a;

    if (!d->cur || !next_word(&p, end, d->esc, w, sizeof(w)))
        return 0;
    snprintf(d->cur->user, sizeof(d->cur->user), "%.127s", w);
    d->cur->has_user = 1;
    d->cur->user_line = line;
    return 0;
}

static int
do_healthcheck(struct df *d, const char *a, const char *end, unsigned long line)
{
    char w[WORD_MAX];
    const char *p = a;

    if (!d->cur)
        return 0;
    while (next_word(&p, end, d->esc, w, sizeof(w)) && str_starts(w, "--"))
        ;
    d->cur->health = str_eq_nocase(w, "NONE") ? -1 : 1;
    d->cur->health_line = line;
    return 0;
}

static const char *const known[] = {
    "FROM",    "RUN",        "CMD",         "LABEL",  "MAINTAINER", "EXPOSE",  "ENV",
    "ADD",     "COPY",       "ENTRYPOINT",  "VOLUME", "USER",       "WORKDIR", "ARG",
    "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",  NULL,
};

static int
instruction(struct df *d, const char *kw, const char *a, const char *end, unsigned long line,
            char *err, size_t errlen)
{
    size_t i;

    for (i = 0; known[i]; i++)
        if (str_eq_nocase(kw, known[i]))
            break;
    if (!known[i]) {
        snprintf(err, errlen, "%s:%lu: unknown instruction '%.40s'", d->af->name, line, kw);
        return MOAT_EINVAL;
    }
    if (d->froms == 0 && !str_eq_nocase(kw, "ARG") && !str_eq_nocase(kw, "FROM")) {
        snprintf(err, errlen, "%s:%lu: %s before the first FROM (only ARG may come first)",
                 d->af->name, line, known[i]);
        return MOAT_EINVAL;
    }
    if (str_eq_nocase(kw, "FROM"))
        return do_from(d, a, end, line);
    if (str_eq_nocase(kw, "ARG"))
        return do_arg(d, a, end, line);
    if (str_eq_nocase(kw, "ENV") || str_eq_nocase(kw, "LABEL"))
        return do_pairs(d, known[i], a, end, line);
    if (str_eq_nocase(kw, "EXPOSE"))
        return do_expose(d, a, end, line);
    if (str_eq_nocase(kw, "ADD"))
        return do_add(d, a, end, line);
    if (str_eq_nocase(kw, "RUN"))
        return do_run(d, a, end, line);
    if (str_eq_nocase(kw, "VOLUME"))
        return do_volume(d, a, end, line);
    if (str_eq_nocase(kw, "USER"))
        return do_user(d, a, end, line);
    if (str_eq_nocase(kw, "HEALTHCHECK"))
        return do_healthcheck(d, a, end, line);
    return 0;
}

/* ---- the reader ---- */

/* Here-document markers of one instruction line: "<<EOF", "<<-EOF",
 * "<<'EOF'", "<<\"EOF\"". Stores up to 8 (word, strip-tabs) pairs. */
struct heredoc {
    char word[64];
    int strip;
};

static size_t
heredocs(const char *s, size_t n, struct heredoc *h, size_t cap)
{
    size_t i, k = 0;

    for (i = 0; i + 2 < n && k < cap; i++) {
        size_t j, wl = 0;
        char q = 0;
        if (s[i] != '<' || s[i + 1] != '<' || (i && s[i - 1] == '<'))
            continue;
        j = i + 2;
        h[k].strip = 0;
        if (j < n && s[j] == '-') {
            h[k].strip = 1;
            j++;
        }
        if (j < n && (s[j] == '"' || s[j] == '\'')) {
            q = s[j];
            j++;
        }
        while (j < n && wl + 1 < sizeof(h[k].word) &&
               ((s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= 'a' && s[j] <= 'z') ||
                (s[j] >= '0' && s[j] <= '9') || s[j] == '_' || s[j] == '-' || s[j] == '.'))
            h[k].word[wl++] = s[j++];
        if (wl == 0 || (q && (j >= n || s[j] != q)))
            continue;
        h[k].word[wl] = '\0';
        k++;
        i = j;
    }
    return k;
}

/* Leading directives: "# escape=`". They stop at the first line that is
 * not a directive. */
static void
directives(struct df *d, const char *buf, size_t len)
{
    const char *cur = buf, *end = buf + len, *line;
    size_t n;

    while (str_next_line(&cur, end, &line, &n)) {
        const char *eq;
        str_trim(&line, &n);
        if (n == 0 || line[0] != '#')
            return;
        line++;
        n--;
        str_trim(&line, &n);
        eq = memchr(line, '=', n);
        if (!eq)
            return;
        if ((size_t)(eq - line) == 6 && strncasecmp(line, "escape", 6) == 0) {
            const char *v = eq + 1;
            size_t vn = n - (size_t)(eq - line) - 1;
            str_trim(&v, &vn);
            if (vn == 1 && (v[0] == '`' || v[0] == '\\'))
                d->esc = v[0];
        }
    }
}

int
dockerfile_sniff(const char *buf, size_t len)
{
    const char *cur = buf, *end = buf + len, *line;
    size_t n;
    int first = 1, arg_first = 0;

    while (str_next_line(&cur, end, &line, &n)) {
        str_trim(&line, &n);
        if (n == 0 || line[0] == '#')
            continue;
        if (first) {
            first = 0;
            if (n > 5 && strncasecmp(line, "FROM", 4) == 0 && (line[4] == ' ' || line[4] == '\t'))
                return 1;
            if (n > 4 && strncasecmp(line, "ARG", 3) == 0 && (line[3] == ' ' || line[3] == '\t')) {
                arg_first = 1;
                continue;
            }
            return 0;
        }
        if (arg_first && n > 5 && strncasecmp(line, "FROM", 4) == 0 &&
            (line[4] == ' ' || line[4] == '\t'))
            return 1;
    }
    return 0;
}

int
audit_dockerfile(struct audit_file *af, const char *buf, size_t len, char *err, size_t errlen)
{
    struct df *d;
    struct buf logical;
    const char *cur = buf, *end = buf + len, *line;
    unsigned long lineno = 0, start = 0;
    size_t n, i;
    int rc = 0, cont = 0;

    d = calloc(1, sizeof(*d));
    if (!d)
        return MOAT_ENOMEM;
    d->af = af;
    d->esc = '\\';
    directives(d, buf, len);
    buf_init(&logical, len + 1);
    while (rc == 0 && str_next_line(&cur, end, &line, &n)) {
        const char *t = line;
        size_t tn = n;
        lineno++;
        str_trim(&t, &tn);
        if (!cont) {
            if (tn == 0 || t[0] == '#')
                continue;
            buf_reset(&logical);
            start = lineno;
        } else if (tn && t[0] == '#') {
            continue; /* comments inside a continuation are dropped */
        } else if (tn == 0) {
            continue; /* so are empty lines (BuildKit warns) */
        }
        cont = tn && t[tn - 1] == d->esc;
        if (cont)
            tn--;
        rc = buf_add(&logical, t, tn);
        if (!rc && cont)
            rc = buf_addc(&logical, ' ');
        if (rc || cont)
            continue;
        {
            char kw[32];
            const char *a, *ae, *s = logical.data ? logical.data : "";
            size_t kn = strcspn(s, " \t");
            struct heredoc hd[8];
            size_t nh;
            if (kn >= sizeof(kw)) {
                snprintf(err, errlen, "%s:%lu: unknown instruction '%.40s'", af->name, start, s);
                rc = MOAT_EINVAL;
                break;
            }
            memcpy(kw, s, kn);
            kw[kn] = '\0';
            a = s + kn;
            ae = s + logical.len;
            while (a < ae && (*a == ' ' || *a == '\t'))
                a++;
            /* here-documents: the following lines up to the marker belong to
             * this instruction (RUN judges them as shell text) */
            nh = (str_eq_nocase(kw, "RUN") || str_eq_nocase(kw, "COPY") || str_eq_nocase(kw, "ADD"))
                     ? heredocs(a, (size_t)(ae - a), hd, 8)
                     : 0;
            if (nh) {
                size_t off = (size_t)(a - s);
                for (i = 0; i < nh && rc == 0; i++) {
                    int found = 0;
                    while (str_next_line(&cur, end, &line, &n)) {
                        const char *h = line;
                        size_t hn = n;
                        lineno++;
                        if (hd[i].strip)
                            while (hn && *h == '\t')
                                h++, hn--;
                        if (hn == strlen(hd[i].word) && memcmp(h, hd[i].word, hn) == 0) {
                            found = 1;
                            break;
                        }
                        rc = buf_addc(&logical, '\n');
                        if (!rc)
                            rc = buf_add(&logical, line, n);
                        if (rc)
                            break;
                    }
                    if (!rc && !found) {
                        snprintf(err, errlen, "%s:%lu: here-document <<%s never ends", af->name,
                                 start, hd[i].word);
                        rc = MOAT_EINVAL;
                    }
                }
                if (rc)
                    break;
                s = logical.data;
                a = s + off;
                ae = s + logical.len;
            }
            rc = instruction(d, kw, a, ae, start, err, errlen);
        }
    }
    if (rc == 0 && d->froms == 0) {
        snprintf(err, errlen, "%s:%lu: no FROM instruction; not a Dockerfile", af->name,
                 lineno ? lineno : 1);
        rc = MOAT_EINVAL;
    }
    if (rc == 0 && d->nstages) {
        const struct stage *fin = &d->stages[d->nstages - 1];
        if (!fin->has_user)
            rc = audit_add(af, "MOAT-DF-001", NULL, fin->from_line, NULL, NULL,
                           "the final stage sets no USER: the container runs as the base "
                           "image's user, root unless the base image says otherwise");
        else if (is_root_user(fin->user))
            rc = audit_add(af, "MOAT-DF-001", NULL, fin->user_line, NULL, fin->user,
                           "USER %s: the container runs as root", fin->user);
        if (rc == 0 && fin->health == 0)
            rc = audit_add(af, "MOAT-DF-007", NULL, fin->from_line, NULL, NULL,
                           "the final stage has no HEALTHCHECK");
        else if (rc == 0 && fin->health < 0)
            rc = audit_add(af, "MOAT-DF-007", NULL, fin->health_line, NULL, NULL,
                           "HEALTHCHECK NONE turns the health check off");
    }
    if (rc == MOAT_ETOOBIG) {
        snprintf(err, errlen, "%s:%lu: instruction too long", af->name, start);
        rc = MOAT_EINVAL;
    }
    buf_free(&logical);
    for (i = 0; i < d->nargs; i++)
        free(d->args[i].value);
    free(d);
    return rc;
}
