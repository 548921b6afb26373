/*
 * verify.c - moat_verify(): resolve the target to the digest a signature
 * must name, then find and judge every signature stored for it:
 *
 *   1. cosign's signature manifest, tag <algo>-<hex>.sig (and, in a layout
 *      written by `cosign save`, the entry annotated kind=.../sigs): each
 *      layer is one simplesigning payload and its signature (cosign.c);
 *   2. Sigstore bundles among the image's referrers: the registry's
 *      referrers API when it has one, and always the <algo>-<hex> fallback
 *      tag index; in a layout, also the index.json entries whose manifest
 *      names the image as subject (bundle.c).
 *
 * Each signature found becomes one struct moat_signature with a reason,
 * verified or not; a bad one never stops the others from being judged.
 * What ends the check with an error (-1, "could not check") is only what
 * leaves its outcome unknown: an unreadable key or target, a registry that
 * refuses or fails, memory. A signature blob that is missing, oversized or
 * does not match its digest is a signature that does not verify.
 */
#include "trust.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The public result and the arena its strings live in (one allocation,
 * freed by moat_verification_free). */
struct verification {
    struct moat_verification v;
    struct arena arena;
};

/* One verification run. */
struct walk {
    struct store *st;
    const struct trust_key *keys;
    size_t nkeys;
    const char *digest;   /* the image's */
    const char *manifest; /* its bytes */
    size_t mlen;
    struct verification *res;
    struct vec sigs;      /* struct moat_signature */
    char hexname[DIGEST_MAX]; /* "<algo>-<hex>" */
    char tag_note[200];   /* what the .sig lookup found */
    char ref_note[300];   /* what the referrers lookup found */
    char *err;
    size_t errlen;
};

/* Errors after which nothing can be concluded: the check did not run. */
static int
fatal(int rc)
{
    return rc == MOAT_EIO || rc == MOAT_EAUTH || rc == MOAT_ENOMEM;
}

static int
add_sig(struct walk *w, const char *kind, const struct sig_outcome *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
add_sig(struct walk *w, const char *kind, const struct sig_outcome *o, const char *fmt, ...)
{
    struct moat_signature *s;
    va_list ap;

    s = vec_push(&w->sigs);
    if (!s) {
        snprintf(w->err, w->errlen, "out of memory recording signatures");
        return MOAT_ENOMEM;
    }
    s->kind = kind;
    s->verified = o->verified;
    s->key = o->verified && o->key ? arena_strdup(&w->res->arena, o->key->path) : NULL;
    s->reason = arena_strdup(&w->res->arena, o->reason);
    va_start(ap, fmt);
    s->source = arena_vprintf(&w->res->arena, fmt, ap);
    va_end(ap);
    if (!s->reason || !s->source) {
        snprintf(w->err, w->errlen, "out of memory recording signatures");
        return MOAT_ENOMEM;
    }
    return 0;
}

/* An outcome that is only a reason (nothing was signed-checked). */
static int
add_failure(struct walk *w, const char *kind, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
add_failure(struct walk *w, const char *kind, const char *source, const char *fmt, ...)
{
    struct sig_outcome o;
    va_list ap;

    memset(&o, 0, sizeof(o));
    va_start(ap, fmt);
    vsnprintf(o.reason, sizeof(o.reason), fmt, ap);
    va_end(ap);
    return add_sig(w, kind, &o, "%s", source);
}

/* Reading a blob or manifest failed: -1 when that ends the check (err
 * filled), else the failure is recorded against the signature. */
static int
read_failed(struct walk *w, int rc, const char *why, const char *kind, const char *source,
            const char *what)
{
    if (fatal(rc)) {
        snprintf(w->err, w->errlen, "%s", why);
        return rc;
    }
    return add_failure(w, kind, source, "%s unreadable: %s", what, why);
}

/* ---- cosign signature manifests ---- */

static int
judge_layer(struct walk *w, const struct sig_layer *l, const char *src)
{
    struct sig_outcome o;
    char *payload = NULL, why[600];
    size_t n = 0;
    int rc;

    if (l->problem[0])
        return add_failure(w, "cosign", src, "malformed signature manifest: %s", l->problem);
    if (!l->media_type || strcmp(l->media_type, MT_SIMPLESIGNING) != 0)
        return add_failure(w, "cosign", src,
                           "malformed signature manifest: layer media type %.100s is not a "
                           "simplesigning payload (%s)",
                           l->media_type ? l->media_type : "(none)", MT_SIMPLESIGNING);
    if (!l->signature) {
        cosign_evaluate(NULL, 0, NULL, w->digest, w->keys, w->nkeys, &o);
        return add_sig(w, "cosign", &o, "%s", src);
    }
    if (l->size > (int64_t)MOAT_LIMIT_SIG_BLOB)
        return add_failure(w, "cosign", src,
                           "malformed signature manifest: a %lld-byte payload, more than the "
                           "%u-byte limit",
                           (long long)l->size, (unsigned)MOAT_LIMIT_SIG_BLOB);
    rc = store_blob(w->st, l->digest, MOAT_LIMIT_SIG_BLOB, &payload, &n, why, sizeof(why));
    if (rc)
        return read_failed(w, rc, why, "cosign", src, "payload");
    if (l->size >= 0 && (uint64_t)l->size != n) {
        rc = add_failure(w, "cosign", src,
                         "malformed signature manifest: the payload is %zu bytes, the manifest "
                         "says %lld",
                         n, (long long)l->size);
    } else {
        cosign_evaluate(payload, n, l->signature, w->digest, w->keys, w->nkeys, &o);
        rc = add_sig(w, "cosign", &o, "%s", src);
    }
    free(payload);
    return rc;
}

static int
judge_sig_manifest(struct walk *w, const char *body, size_t n, const char *where)
{
    struct sig_manifest m;
    char why[400], src[300];
    size_t i;
    int rc;

    rc = sig_manifest_parse(body, n, &m, why, sizeof(why));
    if (rc == MOAT_ENOMEM) {
        snprintf(w->err, w->errlen, "out of memory");
        return rc;
    }
    if (rc)
        return add_failure(w, "cosign", where, "malformed signature manifest: %s", why);
    if (m.nlayers == 0)
        rc = add_failure(w, "cosign", where, "malformed signature manifest: it lists no layers");
    for (i = 0; !rc && i < m.nlayers; i++) {
        snprintf(src, sizeof(src), "%s layer %zu", where, i + 1);
        rc = judge_layer(w, &m.layers[i], src);
    }
    if (!rc && m.listed > m.nlayers)
        rc = add_failure(w, "cosign", where,
                         "%zu more signatures not examined (limit of %d per image)",
                         m.listed - m.nlayers, MOAT_LIMIT_SIGNATURES);
    sig_manifest_free(&m);
    return rc;
}

static int
check_cosign(struct walk *w)
{
    char tag[DIGEST_MAX + 8], why[600], dg[DIGEST_MAX], *body = NULL;
    const char *sigs;
    size_t n;
    int rc;

    snprintf(tag, sizeof(tag), "%s.sig", w->hexname);
    rc = store_tag(w->st, tag, &body, &n, dg, why, sizeof(why));
    if (rc == MOAT_ENOENT) {
        snprintf(w->tag_note, sizeof(w->tag_note), "no signature manifest %s", tag);
        dg[0] = '\0';
    } else if (rc) {
        rc = read_failed(w, rc, why, "cosign", tag, "signature manifest");
        if (rc)
            return rc;
        dg[0] = '\0';
    } else {
        rc = judge_sig_manifest(w, body, n, tag);
        free(body);
        body = NULL;
        if (rc)
            return rc;
    }
    /* `cosign save` layouts name the signature manifest by annotation */
    sigs = store_cosign_sigs(w->st);
    if (!sigs || strcmp(sigs, dg) == 0)
        return 0;
    rc = store_manifest(w->st, sigs, &body, &n, why, sizeof(why));
    if (rc)
        return read_failed(w, rc, why, "cosign", "cosign save signatures", "signature manifest");
    rc = judge_sig_manifest(w, body, n, "cosign save signatures");
    free(body);
    return rc;
}

/* ---- Sigstore bundle referrers ---- */

struct candidate {
    char *digest;
    int listed; /* named by a referrers list: its subject must be the image */
};

static int
add_candidates(struct vec *c, char **list, size_t count, int listed)
{
    size_t i, j;
    int rc = 0;

    for (i = 0; i < count; i++) {
        struct candidate *x;
        int dup = 0;
        for (j = 0; j < c->len && !dup; j++) {
            x = VEC_AT(c, struct candidate, j);
            if (strcmp(x->digest, list[i]) == 0) {
                x->listed |= listed;
                dup = 1;
            }
        }
        if (dup || rc || c->len >= MOAT_LIMIT_SIGNATURES) {
            free(list[i]);
            continue;
        }
        x = vec_push(c);
        if (!x) {
            free(list[i]);
            rc = MOAT_ENOMEM;
            continue;
        }
        x->digest = list[i];
        x->listed = listed;
    }
    free(list);
    return rc;
}

static int
judge_referrer(struct walk *w, const struct candidate *c)
{
    struct referrer r;
    struct sig_outcome o;
    char *body = NULL, *bundle = NULL, why[600], src[DIGEST_MAX + 16];
    size_t n, bn;
    int rc, kind;

    snprintf(src, sizeof(src), "referrer %s", c->digest);
    rc = store_manifest(w->st, c->digest, &body, &n, why, sizeof(why));
    if (rc) {
        if (!c->listed && !fatal(rc))
            return 0; /* a layout entry that is not ours to judge */
        return read_failed(w, rc, why, "sigstore-bundle", src, "referrer manifest");
    }
    kind = referrer_parse(body, n, &r, why, sizeof(why));
    if (kind < 0) {
        /* only worth a line when it claims to be a bundle */
        if (mem_find(body, n, "vnd.dev.sigstore.bundle", 23))
            rc = add_failure(w, "sigstore-bundle", src, "malformed referrer manifest: %s", why);
        goto out;
    }
    if (kind == 0)
        goto out; /* an SBOM, another tool's signature: not a bundle */
    if (!r.subject || strcmp(r.subject, w->digest) != 0) {
        /* a layout holds other images' referrers too; a list must not */
        if (c->listed)
            rc = add_failure(w, "sigstore-bundle", src,
                             "the referrer's subject is %.140s, not this image (%s)",
                             r.subject ? r.subject : "missing", w->digest);
        goto out;
    }
    if (r.bundle_size > (int64_t)MOAT_LIMIT_SIG_BLOB) {
        rc = add_failure(w, "sigstore-bundle", src, "a %lld-byte bundle, more than the %u-byte "
                                                    "limit",
                         (long long)r.bundle_size, (unsigned)MOAT_LIMIT_SIG_BLOB);
        goto out;
    }
    rc = store_blob(w->st, r.bundle, MOAT_LIMIT_SIG_BLOB, &bundle, &bn, why, sizeof(why));
    if (rc) {
        rc = read_failed(w, rc, why, "sigstore-bundle", src, "bundle");
        goto out;
    }
    if (r.bundle_size >= 0 && (uint64_t)r.bundle_size != bn) {
        rc = add_failure(w, "sigstore-bundle", src, "the bundle is %zu bytes, the manifest says "
                                                    "%lld",
                         bn, (long long)r.bundle_size);
        goto out;
    }
    bundle_evaluate(bundle, bn, w->digest, w->manifest, w->mlen, w->keys, w->nkeys, &o);
    rc = add_sig(w, "sigstore-bundle", &o, "%s", src);
out:
    if (kind >= 0)
        referrer_free(&r);
    free(body);
    free(bundle);
    return rc;
}

static int
check_bundles(struct walk *w)
{
    struct vec cands;
    char **list = NULL, why[600], dg[DIGEST_MAX], *body = NULL;
    size_t count = 0, n, i;
    int rc, layout;

    vec_init(&cands, sizeof(struct candidate), MOAT_LIMIT_SIGNATURES);
    layout = store_is_layout(w->st);
    rc = store_referrers(w->st, w->digest, &list, &count, why, sizeof(why));
    if (rc == MOAT_ENOMEM)
        goto out;
    if (rc == MOAT_ENOENT) {
        snprintf(w->ref_note, sizeof(w->ref_note), "the registry has no referrers API");
    } else if (rc) {
        /* a registry may answer an unknown endpoint with anything: fall
         * back to the tag, as the distribution spec says */
        snprintf(w->ref_note, sizeof(w->ref_note), "referrers API unusable (%.200s)", why);
    } else {
        if (!layout)
            snprintf(w->ref_note, sizeof(w->ref_note), "%zu referrer%s listed", count,
                     count == 1 ? "" : "s");
        rc = add_candidates(&cands, list, count, !layout);
        list = NULL;
        if (rc)
            goto out;
    }
    free(list); /* only on an error above */
    list = NULL;
    count = 0;
    rc = store_tag(w->st, w->hexname, &body, &n, dg, why, sizeof(why));
    if (rc == MOAT_ENOENT) {
        size_t l = strlen(w->ref_note);
        snprintf(w->ref_note + l, sizeof(w->ref_note) - l, "%sno fallback tag %s",
                 l ? ", " : "", w->hexname);
        rc = 0;
    } else if (rc) {
        rc = read_failed(w, rc, why, "sigstore-bundle", w->hexname, "referrers fallback index");
        if (rc)
            goto out;
    } else {
        rc = index_candidates(body, n, w->digest, &list, &count, why, sizeof(why));
        if (rc == MOAT_ENOMEM)
            goto out;
        if (rc) {
            rc = add_failure(w, "sigstore-bundle", w->hexname, "malformed referrers index: %s",
                             why);
            if (rc)
                goto out;
        } else {
            rc = add_candidates(&cands, list, count, 1);
            list = NULL;
            if (rc)
                goto out;
        }
    }
    for (i = 0; !rc && i < cands.len; i++)
        rc = judge_referrer(w, VEC_AT(&cands, struct candidate, i));
out:
    if (rc == MOAT_ENOMEM)
        snprintf(w->err, w->errlen, "out of memory");
    free(body);
    for (i = 0; list && i < count; i++)
        free(list[i]);
    free(list);
    for (i = 0; i < cands.len; i++)
        free(VEC_AT(&cands, struct candidate, i)->digest);
    vec_free(&cands);
    return rc;
}

/* ---- the entry point ---- */

/* When the target's manifest is an image index, records the digests it
 * lists (it was read and checked against image_digest already). */
static int
note_index(struct walk *w)
{
    json_t *j, *ms, *d;
    const char **list;
    char why[200], algo[8];
    size_t i, n = 0;
    int dup = 0;

    j = json_parse_untrusted(w->manifest, w->mlen, MOAT_LIMIT_JSON_DOC, MOAT_LIMIT_JSON_DEPTH,
                             &dup, why, sizeof(why));
    ms = json_object_get(j, "manifests");
    if (!j || dup || !json_is_array(ms) || json_array_size(ms) == 0) {
        json_decref(j); /* not an index (or not one to rely on): nothing to note */
        return 0;
    }
    list = arena_alloc(&w->res->arena, json_array_size(ms) * sizeof(*list));
    if (!list) {
        json_decref(j);
        return MOAT_ENOMEM;
    }
    json_array_foreach(ms, i, d)
    {
        const char *dg = json_obj_str(d, "digest");
        if (!dg || digest_parse(dg, algo) != 0)
            continue;
        list[n] = arena_strdup(&w->res->arena, dg);
        if (!list[n]) {
            json_decref(j);
            return MOAT_ENOMEM;
        }
        n++;
    }
    json_decref(j);
    w->res->v.index_manifests = list;
    w->res->v.nindex_manifests = n;
    return 0;
}

static int
load_keys(const struct moat_verify_options *o, struct trust_key **out, char *err, size_t errlen)
{
    struct trust_key *keys;
    size_t i;
    int rc;

    *out = NULL;
    if (o->nkeys == 0 || !o->keys) {
        snprintf(err, errlen, "no key given: moat verifies signatures made with a key (--key "
                              "FILE); keyless (certificate) signatures are not supported");
        return MOAT_EINVAL;
    }
    if (o->nkeys > MOAT_LIMIT_VERIFY_KEYS) {
        snprintf(err, errlen, "%zu keys given; at most %d", o->nkeys, MOAT_LIMIT_VERIFY_KEYS);
        return MOAT_ETOOBIG;
    }
    keys = calloc(o->nkeys, sizeof(*keys));
    if (!keys)
        return MOAT_ENOMEM;
    for (i = 0; i < o->nkeys; i++) {
        rc = trust_key_load(o->keys[i], &keys[i], err, errlen);
        if (rc) {
            while (i > 0)
                trust_key_free(&keys[--i]);
            free(keys);
            return rc;
        }
    }
    *out = keys;
    return 0;
}

int
moat_verify(const char *target, const struct moat_verify_options *o,
            struct moat_verification **out, char *err, size_t errlen)
{
    struct trust_key *keys = NULL;
    struct store *st = NULL;
    struct walk w;
    char *manifest = NULL, digest[DIGEST_MAX], algo[8];
    size_t mlen = 0, i;
    int rc;

    *out = NULL;
    memset(&w, 0, sizeof(w));
    vec_init(&w.sigs, sizeof(struct moat_signature), 4 * MOAT_LIMIT_SIGNATURES);
    if (!target || !o) {
        snprintf(err, errlen, "moat_verify: no target or options");
        return -1;
    }
    rc = load_keys(o, &keys, err, errlen);
    if (rc)
        goto out;
    rc = store_open(target, o, &st, err, errlen);
    if (rc)
        goto out;
    rc = store_resolve(st, &manifest, &mlen, digest, err, errlen);
    if (rc)
        goto out;
    rc = digest_parse(digest, algo);
    if (rc) {
        snprintf(err, errlen, "%s: the target's digest %.100s is malformed", target, digest);
        goto out;
    }
    w.res = calloc(1, sizeof(*w.res));
    if (!w.res) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    arena_init(&w.res->arena);
    w.st = st;
    w.keys = keys;
    w.nkeys = o->nkeys;
    w.manifest = manifest;
    w.mlen = mlen;
    w.err = err;
    w.errlen = errlen;
    w.digest = arena_strdup(&w.res->arena, digest);
    w.res->v.target = arena_strdup(&w.res->arena, target);
    if (!w.digest || !w.res->v.target) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    w.res->v.image_digest = w.digest;
    snprintf(w.hexname, sizeof(w.hexname), "%s-%s", algo, digest + strlen(algo) + 1);
    rc = note_index(&w);
    if (rc)
        goto out;
    rc = check_cosign(&w);
    if (rc)
        goto out;
    rc = check_bundles(&w);
    if (rc)
        goto out;
    w.res->v.sigs = vec_steal(&w.sigs, &w.res->v.nsigs);
    for (i = 0; i < w.res->v.nsigs; i++)
        if (w.res->v.sigs[i].verified)
            w.res->v.verified = 1;
    if (w.res->v.nsigs == 0)
        w.res->v.reason = arena_printf(&w.res->arena,
                                       "no signature found in %s for %s: %s; %s", store_label(st),
                                       digest, w.tag_note, w.ref_note);
    else if (!w.res->v.verified)
        w.res->v.reason = arena_printf(&w.res->arena, "none of the %zu signature%s found "
                                                      "verifies (see each reason)",
                                       w.res->v.nsigs, w.res->v.nsigs == 1 ? "" : "s");
    if (!w.res->v.verified && !w.res->v.reason) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    *out = &w.res->v;
    w.res = NULL;
out:
    if (rc == MOAT_ENOMEM)
        snprintf(err, errlen, "out of memory");
    if (w.res)
        moat_verification_free(&w.res->v);
    vec_free(&w.sigs);
    store_free(st);
    free(manifest);
    for (i = 0; keys && i < o->nkeys; i++)
        trust_key_free(&keys[i]);
    free(keys);
    return rc ? -1 : 0;
}

void
moat_verification_free(struct moat_verification *v)
{
    struct verification *r = (struct verification *)v;

    if (!r)
        return;
    free(r->v.sigs);
    arena_free(&r->arena);
    free(r);
}
