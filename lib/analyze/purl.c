/*
 * purl.c - Package URL construction, per type as the purl-spec types
 * document says: deb/apk/rpm carry the distro as namespace and qualifiers
 * (arch, distro, rpm epoch), npm scopes are percent-encoded namespaces,
 * PyPI names are normalised, Go module paths split at the last '/'.
 * Everything outside the unreserved set (and ':', which the spec says must
 * not be encoded) is percent-encoded, so '+' becomes %2B.
 */
#include "purl.h"
#include "base/buf.h"
#include "base/str.h"

#include <string.h>

static int
unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_' || c == '~' || c == ':';
}

static void
enc(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (unreserved(c)) {
            buf_addc(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_add(b, e, 3);
        }
    }
}

/* Encodes each '/'-separated segment, keeping the slashes. */
static void
enc_path(struct buf *b, const char *s)
{
    const char *p = s;

    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        char seg[512];
        if (n >= sizeof(seg))
            n = sizeof(seg) - 1;
        memcpy(seg, p, n);
        seg[n] = '\0';
        enc(b, seg);
        if (!slash)
            break;
        buf_addc(b, '/');
        p = slash + 1;
    }
}

char *
pypi_normalize(struct arena *a, const char *name)
{
    size_t n = strlen(name), i, o = 0;
    char *out = arena_alloc(a, n + 1);
    int run = 0;

    if (!out)
        return NULL;
    for (i = 0; i < n; i++) {
        char c = name[i];
        if (c == '-' || c == '_' || c == '.') {
            if (!run)
                out[o++] = '-';
            run = 1;
            continue;
        }
        run = 0;
        out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[o] = '\0';
    return out;
}

static const char *
distro_ns(const struct moat_distro *d, const char *fallback)
{
    return d && d->id ? d->id : fallback;
}

/* "debian-12" / "ubuntu-22.04" / alpine "3.20.3"; NULL if unknown. */
static void
add_distro(struct buf *b, const struct moat_distro *d, int bare_version, int *first)
{
    if (!d || !d->id)
        return;
    if (bare_version) {
        if (!d->version_id)
            return;
        buf_adds(b, *first ? "?" : "&");
        buf_adds(b, "distro=");
        enc(b, d->version_id);
    } else {
        const char *v = d->version_id ? d->version_id : d->codename;
        if (!v)
            return;
        buf_adds(b, *first ? "?" : "&");
        buf_adds(b, "distro=");
        enc(b, d->id);
        buf_addc(b, '-');
        enc(b, v);
    }
    *first = 0;
}

static void
qual(struct buf *b, const char *k, const char *v, int *first)
{
    if (!v || !*v)
        return;
    buf_adds(b, *first ? "?" : "&");
    buf_adds(b, k);
    buf_addc(b, '=');
    enc(b, v);
    *first = 0;
}

char *
purl_build(struct arena *a, const struct pkg *p, const struct moat_distro *d)
{
    struct buf b;
    int first = 1;
    char *res = NULL;
    const char *name = p->name, *ver = p->version;

    if (p->purl)
        return arena_strdup(a, p->purl);
    buf_init(&b, 16384);
    buf_printf(&b, "pkg:%s/", moat_pkg_type_name(p->type));
    switch (p->type) {
    case MOAT_PKG_DEB:
        enc(&b, distro_ns(d, "debian"));
        buf_addc(&b, '/');
        enc(&b, name);
        if (ver) {
            buf_addc(&b, '@');
            enc(&b, ver);
        }
        /* qualifiers sorted by key: arch, distro */
        qual(&b, "arch", p->arch, &first);
        add_distro(&b, d, 0, &first);
        break;
    case MOAT_PKG_APK:
        enc(&b, distro_ns(d, "alpine"));
        buf_addc(&b, '/');
        enc(&b, name);
        if (ver) {
            buf_addc(&b, '@');
            enc(&b, ver);
        }
        qual(&b, "arch", p->arch, &first);
        add_distro(&b, d, 1, &first);
        break;
    case MOAT_PKG_RPM: {
        /* version without epoch; epoch as a qualifier */
        const char *colon = ver ? strchr(ver, ':') : NULL;
        char epoch[32] = "";
        if (colon && (size_t)(colon - ver) < sizeof(epoch)) {
            memcpy(epoch, ver, (size_t)(colon - ver));
            epoch[colon - ver] = '\0';
            ver = colon + 1;
        }
        enc(&b, distro_ns(d, "redhat"));
        buf_addc(&b, '/');
        enc(&b, name);
        if (ver) {
            buf_addc(&b, '@');
            enc(&b, ver);
        }
        qual(&b, "arch", p->arch, &first);
        add_distro(&b, d, 0, &first);
        if (epoch[0] && strcmp(epoch, "0") != 0)
            qual(&b, "epoch", epoch, &first);
        break;
    }
    case MOAT_PKG_NPM:
        if (p->ns) {
            /* the scope, stored without '@', is the namespace: %40scope */
            buf_adds(&b, "%40");
            enc(&b, p->ns[0] == '@' ? p->ns + 1 : p->ns);
            buf_addc(&b, '/');
        }
        enc(&b, name);
        if (ver) {
            buf_addc(&b, '@');
            enc(&b, ver);
        }
        break;
    case MOAT_PKG_PYPI: {
        char *nn = pypi_normalize(a, name);
        enc(&b, nn ? nn : name);
        if (ver) {
            buf_addc(&b, '@');
            enc(&b, ver);
        }
        break;
    }
    case MOAT_PKG_GOLANG: {
        const char *slash = strrchr(name, '/');
        if (slash) {
            char nsb[1024];
            size_t n = (size_t)(slash - name);
            if (n >= sizeof(nsb))
                n = sizeof(nsb) - 1;
            memcpy(nsb, name, n);
            nsb[n] = '\0';
            enc_path(&b, nsb);
            buf_addc(&b, '/');
            enc(&b, slash + 1);
        } else {
            enc(&b, name);
        }
        if (ver) {
            buf_addc(&b, '@');
            enc(&b, ver);
        }
        break;
    }
    case MOAT_PKG_GENERIC:
        /* software identified from a binary: pkg:generic/<name>@<version>
         * (purl-spec "generic": no namespace, no qualifiers needed) */
        enc(&b, name);
        if (ver) {
            buf_addc(&b, '@');
            enc(&b, ver);
        }
        break;
    default:
        /* maven, composer: ns/name; gem, cargo, nuget: name */
        if (p->ns) {
            enc_path(&b, p->ns);
            buf_addc(&b, '/');
        }
        enc(&b, name);
        if (ver) {
            buf_addc(&b, '@');
            enc(&b, ver);
        }
        break;
    }
    if (b.data)
        res = arena_strdup(a, b.data);
    buf_free(&b);
    return res;
}
