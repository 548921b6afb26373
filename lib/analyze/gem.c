/*
 * gem.c - Ruby gems installed by RubyGems: the specification it writes for
 * each installed gem, .../specifications/<name>-<version>[-<platform>].gemspec
 * (e.g. usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec), and
 * .../specifications/default/<name>-<version>.gemspec for the gems bundled
 * with Ruby itself (property gem:default=true).
 *
 * These files are Ruby code (Gem::Specification#to_ruby). They are never
 * evaluated: lines are scanned for plain assignments to the block variable
 * of "Gem::Specification.new do |s|",
 *   s.name = "rake".freeze          s.version = "13.0.6"
 *   s.version = Gem::Version.new("1.0")    s.licenses = ["MIT".freeze]
 *   s.license = %q{MIT}             s.authors = ["A".freeze, "B".freeze]
 *   s.platform = "x86_64-linux".freeze
 * and only literal values are taken: double/single-quoted strings (with
 * Ruby's escapes), %q/%Q/%w literals, arrays of those. A value that needs
 * evaluation (interpolation "#{...}", a variable, a method call) is not
 * used. Missing fields come from RubyGems' "# stub: name version platform"
 * comment, then from the file name (reported as a warning, since a file
 * name is weaker evidence than the specification).
 *
 * Several licenses are joined by OR: gems list alternatives (Ruby's own
 * ["Ruby", "BSD-2-Clause"]). The platform, when not "ruby", is the arch.
 */
#include "analyzer.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <string.h>

/* A component of path ending at end (exclusive) equals name. */
static int
comp_before(const char *path, size_t end, const char *name, size_t *start)
{
    size_t s = end, n = strlen(name);

    while (s > 0 && path[s - 1] != '/')
        s--;
    *start = s;
    return end - s == n && memcmp(path + s, name, n) == 0;
}

static enum want
gem_wants(const struct entry *e)
{
    size_t bl = strlen(e->base), end, s;

    if (bl <= 8 || strcmp(e->base + bl - 8, ".gemspec") != 0 || e->base == e->path)
        return WANT_NO;
    end = (size_t)(e->base - e->path) - 1;
    if (comp_before(e->path, end, "specifications", &s))
        return WANT_WHOLE;
    if (comp_before(e->path, end, "default", &s) && s > 0 &&
        comp_before(e->path, s - 1, "specifications", &s))
        return WANT_WHOLE;
    return WANT_NO;
}

/* ---- Ruby literals ---- */

struct lit {
    const char *p, *end; /* the rest of the line */
};

static void
skip_ws(struct lit *l)
{
    while (l->p < l->end && (*l->p == ' ' || *l->p == '\t'))
        l->p++;
}

static int
accept(struct lit *l, const char *s)
{
    size_t n = strlen(s);

    if ((size_t)(l->end - l->p) < n || memcmp(l->p, s, n) != 0)
        return 0;
    l->p += n;
    return 1;
}

static int
add_utf8(struct buf *b, unsigned long cp)
{
    char u[4];

    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0)
        return -1;
    return buf_add(b, u, str_put_utf8(u, cp));
}

/* One escape of a double-quoted string, l->p just past the backslash. */
static int
escape(struct lit *l, struct buf *b)
{
    char c;

    if (l->p >= l->end)
        return -1;
    c = *l->p++;
    switch (c) {
    case 'n':
        return buf_addc(b, '\n');
    case 't':
        return buf_addc(b, '\t');
    case 's':
        return buf_addc(b, ' ');
    case 'x': {
        int v = 0, k;
        for (k = 0; k < 2 && l->p < l->end && str_hexval(*l->p) >= 0; k++)
            v = v * 16 + str_hexval(*l->p++);
        return k && v ? buf_addc(b, (char)v) : -1;
    }
    case 'u': {
        unsigned long cp = 0;
        int k;
        if (l->p < l->end && *l->p == '{') {
            l->p++;
            for (k = 0; k < 6 && l->p < l->end && str_hexval(*l->p) >= 0; k++)
                cp = cp * 16 + (unsigned long)str_hexval(*l->p++);
            if (!k || l->p >= l->end || *l->p != '}')
                return -1; /* (several code points in one \u{} are not used) */
            l->p++;
            return add_utf8(b, cp);
        }
        for (k = 0; k < 4 && l->p < l->end && str_hexval(*l->p) >= 0; k++)
            cp = cp * 16 + (unsigned long)str_hexval(*l->p++);
        return k == 4 ? add_utf8(b, cp) : -1;
    }
    default:
        /* \" \\ \# and the rest stand for themselves; control escapes
         * (\a, \e, \0, \C-x) make no sense in a name, so they fail */
        if ((unsigned char)c < ' ' || (c >= '0' && c <= '9') || c == 'a' || c == 'b' || c == 'e' ||
            c == 'f' || c == 'r' || c == 'v' || c == 'C' || c == 'M' || c == 'c')
            return -1;
        return buf_addc(b, c);
    }
}

/* Closing delimiter of a %-literal opened by c (nesting pairs nest). */
static char
closing(char c)
{
    switch (c) {
    case '(':
        return ')';
    case '[':
        return ']';
    case '{':
        return '}';
    case '<':
        return '>';
    default:
        return c;
    }
}

/* Reads one string literal into b. Returns 0, or -1 when the value is not
 * a plain literal (interpolation, unknown syntax, unterminated). */
static int
string_lit(struct lit *l, struct buf *b)
{
    char open, close;
    int interp, depth = 0;

    buf_reset(b);
    if (l->p >= l->end)
        return -1;
    if (*l->p == '"' || *l->p == '\'') {
        open = close = *l->p++;
        interp = open == '"';
    } else if (*l->p == '%') {
        /* %q(...) like '...', %Q(...) and %(...) like "..." */
        l->p++;
        interp = 1;
        if (accept(l, "q"))
            interp = 0;
        else
            accept(l, "Q");
        if (l->p >= l->end)
            return -1;
        open = *l->p++;
        close = closing(open);
        if ((unsigned char)open <= ' ' || (open >= '0' && open <= '9') ||
            (open >= 'a' && open <= 'z') || (open >= 'A' && open <= 'Z'))
            return -1;
    } else {
        return -1;
    }
    while (l->p < l->end) {
        char c = *l->p++;
        if (c == '\\') {
            if (interp) {
                if (escape(l, b) != 0)
                    return -1;
            } else if (l->p < l->end && (*l->p == '\\' || *l->p == close)) {
                if (buf_addc(b, *l->p++) != 0)
                    return -1;
            } else if (buf_addc(b, '\\') != 0) {
                return -1;
            }
            continue;
        }
        if (interp && c == '#' && l->p < l->end && (*l->p == '{' || *l->p == '@' || *l->p == '$'))
            return -1; /* needs evaluation */
        if (c == close && open != close && depth > 0) {
            depth--;
        } else if (c == close) {
            accept(l, ".freeze");
            return 0;
        } else if (c == open && open != close) {
            depth++;
        }
        if (buf_addc(b, c) != 0)
            return -1;
    }
    return -1;
}

/* A string, or Gem::Version.new(string) / Gem::Version.new string. */
static int
version_lit(struct lit *l, struct buf *b)
{
    int paren;

    if (!accept(l, "Gem::Version.new"))
        return string_lit(l, b);
    paren = accept(l, "(");
    skip_ws(l);
    if (string_lit(l, b) != 0)
        return -1;
    skip_ws(l);
    return paren && !accept(l, ")") ? -1 : 0;
}

/* A list of strings: ["a", "b"], %w[a b], or one string. Appends the items
 * to out separated by sep. */
static int
list_lit(struct lit *l, struct buf *out, struct buf *tmp, const char *sep)
{
    buf_reset(out);
    if (accept(l, "%w")) {
        char open, close;
        if (l->p >= l->end)
            return -1;
        open = *l->p++;
        close = closing(open);
        if (open == close && ((unsigned char)open <= ' '))
            return -1;
        for (;;) {
            const char *w;
            skip_ws(l);
            if (l->p >= l->end)
                return -1;
            if (*l->p == close) {
                l->p++;
                return 0;
            }
            w = l->p;
            while (l->p < l->end && *l->p != ' ' && *l->p != '\t' && *l->p != close &&
                   *l->p != '\\')
                l->p++;
            if (l->p < l->end && *l->p == '\\')
                return -1;
            if (buf_printf(out, "%s%.*s", out->len ? sep : "", (int)(l->p - w), w) != 0)
                return -1;
        }
    }
    if (!accept(l, "["))
        return string_lit(l, tmp) == 0 ? buf_add(out, tmp->data ? tmp->data : "", tmp->len) : -1;
    for (;;) {
        skip_ws(l);
        if (accept(l, "]"))
            return 0;
        if (string_lit(l, tmp) != 0)
            return -1;
        if (tmp->len &&
            buf_printf(out, "%s%.*s", out->len ? sep : "", (int)tmp->len, tmp->data) != 0)
            return -1;
        skip_ws(l);
        if (accept(l, ","))
            continue;
        if (accept(l, "]"))
            return 0;
        return -1;
    }
}

/* ---- the specification ---- */

enum { G_NAME, G_VERSION, G_LICENSES, G_AUTHORS, G_PLATFORM, G_N };

struct spec {
    struct buf v[G_N];
    int have[G_N];
    int too_long[G_N]; /* a literal value over the limit was not used */
    struct buf stub_name, stub_version, stub_platform;
    int have_stub;
};

static int
ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* "Gem::Specification.new do |s|" -> the block variable. */
static int
block_var(const char *line, size_t n, char *var, size_t varlen)
{
    const char *g = mem_find(line, n, "Gem::Specification.new", 22), *bar, *e, *end = line + n;
    size_t k = 0;

    if (!g)
        return 0;
    bar = memchr(g, '|', (size_t)(end - g));
    if (!bar)
        return 0;
    for (e = bar + 1; e < end && (*e == ' ' || *e == '\t'); e++)
        ;
    while (e < end && ident_char(*e) && k + 1 < varlen)
        var[k++] = *e++;
    var[k] = '\0';
    return k > 0;
}

/* "# stub: json 2.6.1 ruby lib" */
static void
stub_line(struct spec *sp, const char *line, size_t n)
{
    const char *p = line + 8, *end = line + n, *w;
    struct buf *out[3] = {&sp->stub_name, &sp->stub_version, &sp->stub_platform};
    size_t k;

    if (sp->have_stub)
        return;
    for (k = 0; k < 3; k++) {
        while (p < end && *p == ' ')
            p++;
        w = p;
        while (p < end && *p != ' ')
            p++;
        if (p == w || buf_add(out[k], w, (size_t)(p - w)) != 0)
            return;
    }
    sp->have_stub = 1;
}

static void
assignment(struct spec *sp, struct lit *l, struct buf *tmp)
{
    static const char *const attrs[] = {"name",    "version", "license", "licenses",
                                        "authors", "author",  "platform"};
    static const int slot[] = {G_NAME,    G_VERSION, G_LICENSES, G_LICENSES,
                               G_AUTHORS, G_AUTHORS, G_PLATFORM};
    const char *a = l->p, *value;
    size_t an, k;
    int rc;

    while (l->p < l->end && ident_char(*l->p))
        l->p++;
    an = (size_t)(l->p - a);
    skip_ws(l);
    if (!accept(l, "=") || accept(l, "=") || accept(l, "~"))
        return; /* not an assignment (==, =~) */
    skip_ws(l);
    for (k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++)
        if (strlen(attrs[k]) == an && memcmp(attrs[k], a, an) == 0)
            break;
    if (k == sizeof(attrs) / sizeof(attrs[0]) || sp->have[slot[k]])
        return;
    value = l->p;
    switch (slot[k]) {
    case G_VERSION:
        rc = version_lit(l, &sp->v[G_VERSION]);
        break;
    case G_LICENSES:
        rc = list_lit(l, &sp->v[G_LICENSES], tmp, " OR ");
        break;
    case G_AUTHORS:
        rc = list_lit(l, &sp->v[G_AUTHORS], tmp, ", ");
        break;
    default:
        rc = string_lit(l, &sp->v[slot[k]]);
        break;
    }
    if (rc == 0) {
        sp->have[slot[k]] = 1;
    } else {
        buf_reset(&sp->v[slot[k]]);
        /* (an unterminated literal this long is reported the same way) */
        if ((size_t)(l->end - value) > MOAT_LIMIT_PKG_TEXT)
            sp->too_long[slot[k]] = 1;
    }
}

static void
read_spec(struct spec *sp, const char *buf, size_t len)
{
    const char *cur = buf, *end = buf + len, *line;
    char var[64] = "";
    size_t n, vl = 0;
    struct buf tmp;

    buf_init(&tmp, MOAT_LIMIT_PKG_TEXT);
    while (str_next_line(&cur, end, &line, &n)) {
        struct lit l;
        str_trim(&line, &n);
        if (n > 8 && memcmp(line, "# stub: ", 8) == 0) {
            stub_line(sp, line, n);
            continue;
        }
        if (!vl) {
            if (block_var(line, n, var, sizeof(var)))
                vl = strlen(var);
            continue;
        }
        if (n <= vl + 1 || memcmp(line, var, vl) != 0 || line[vl] != '.')
            continue;
        l.p = line + vl + 1;
        l.end = line + n;
        assignment(sp, &l, &tmp);
    }
    buf_free(&tmp);
}

/* "name-1.2.3[-platform].gemspec": the version starts at the first '-'
 * followed by a digit (gem names may contain '-', versions may not). */
static int
from_file_name(const char *base, struct buf *name, struct buf *version)
{
    size_t n = strlen(base) - 8, i, vs = 0, ve;

    for (i = 1; i + 1 < n; i++) {
        if (base[i] == '-' && base[i + 1] >= '0' && base[i + 1] <= '9') {
            vs = i + 1;
            break;
        }
    }
    if (!vs)
        return -1;
    for (ve = vs; ve < n && base[ve] != '-'; ve++)
        ;
    buf_reset(name);
    buf_reset(version);
    if (buf_add(name, base, vs - 1) || buf_add(version, base + vs, ve - vs))
        return -1;
    return 0;
}

static int
token_ok(const struct buf *b)
{
    size_t i;

    if (b->len == 0 || b->len > MOAT_LIMIT_PKG_NAME || !str_valid_utf8(b->data, b->len))
        return 0;
    for (i = 0; i < b->len; i++)
        if ((unsigned char)b->data[i] <= ' ' || b->data[i] == 0x7f)
            return 0;
    return 1;
}

static const char *
text(struct actx *c, const struct buf *b)
{
    size_t i;

    if (b->len == 0 || !str_valid_utf8(b->data, b->len))
        return NULL;
    for (i = 0; i < b->len; i++)
        if ((unsigned char)b->data[i] < ' ' || b->data[i] == 0x7f)
            return NULL;
    return arena_strndup(c->arena, b->data, b->len);
}

static int
gem_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    struct spec sp;
    struct buf *name, *version;
    const char *platform = NULL;
    struct rec *r;
    struct pkg *p;
    size_t k;
    int rc = 0, from_name = 0;

    memset(&sp, 0, sizeof(sp));
    for (k = 0; k < G_N; k++)
        buf_init(&sp.v[k], MOAT_LIMIT_PKG_TEXT);
    buf_init(&sp.stub_name, MOAT_LIMIT_PKG_NAME);
    buf_init(&sp.stub_version, MOAT_LIMIT_PKG_NAME);
    buf_init(&sp.stub_platform, MOAT_LIMIT_PKG_NAME);
    /* no check for NUL bytes: RubyGems itself separates the extensions of
     * its second "# stub:" line with them; values never keep one */
    read_spec(&sp, buf, len);
    name = &sp.v[G_NAME];
    version = &sp.v[G_VERSION];
    if (!token_ok(name) && sp.have_stub) {
        buf_reset(name);
        buf_add(name, sp.stub_name.data, sp.stub_name.len);
    }
    if (!token_ok(version) && sp.have_stub) {
        buf_reset(version);
        buf_add(version, sp.stub_version.data, sp.stub_version.len);
    }
    if (!token_ok(name) || !token_ok(version)) {
        struct buf fn, fv;
        buf_init(&fn, MOAT_LIMIT_PKG_NAME);
        buf_init(&fv, MOAT_LIMIT_PKG_NAME);
        if (from_file_name(e->base, &fn, &fv) == 0 && token_ok(&fn) && token_ok(&fv)) {
            if (!token_ok(name)) {
                buf_reset(name);
                buf_add(name, fn.data, fn.len);
            }
            if (!token_ok(version)) {
                buf_reset(version);
                buf_add(version, fv.data, fv.len);
            }
            from_name = 1;
        }
        buf_free(&fn);
        buf_free(&fv);
    }
    if (!token_ok(name) || !token_ok(version)) {
        actx_problem(c, MOAT_FAILED, e->path,
                     "gem specification without a literal name and version, and a file name "
                     "that does not give them; not reported");
        goto out;
    }
    for (k = 0; k < G_N; k++) {
        static const char *const what[G_N] = {"name", "version", "licenses", "authors", "platform"};
        if (sp.too_long[k] && !sp.have[k])
            actx_problem(c, MOAT_WARN, e->path,
                         "the %s in the gem specification is longer than %u bytes; not used",
                         what[k], (unsigned)MOAT_LIMIT_PKG_TEXT);
    }
    if (from_name)
        actx_problem(c, MOAT_WARN, e->path,
                     "no literal name or version in the gem specification; taken from the "
                     "file name");
    if (sp.have[G_PLATFORM])
        platform = text(c, &sp.v[G_PLATFORM]);
    else if (sp.have_stub)
        platform = text(c, &sp.stub_platform);
    r = rec_new(c, REC_PKGS, e->path);
    p = r ? rec_add_pkgs(c, r, 1) : NULL;
    if (!p) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    p->type = MOAT_PKG_GEM;
    p->name = arena_strndup(c->arena, name->data, name->len);
    p->version = arena_strndup(c->arena, version->data, version->len);
    if (platform && strcmp(platform, "ruby") != 0)
        p->arch = platform;
    p->license = text(c, &sp.v[G_LICENSES]);
    p->supplier = text(c, &sp.v[G_AUTHORS]);
    if (!p->name || !p->version) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    /* default gems ship with Ruby itself */
    if (e->base - e->path > 8 && memcmp(e->base - 9, "/default/", 9) == 0)
        rc = pkg_prop(c, p, "gem:default", "true");
out:
    for (k = 0; k < G_N; k++)
        buf_free(&sp.v[k]);
    buf_free(&sp.stub_name);
    buf_free(&sp.stub_version);
    buf_free(&sp.stub_platform);
    return rc;
}

const struct analyzer analyzer_gem = {
    .name = "gem",
    .version = 1,
    .wants = gem_wants,
    .max_size = MOAT_LIMIT_LANG_FILE,
    .whole = gem_whole,
};
