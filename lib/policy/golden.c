/*
 * golden.c - approved ("golden") base images: proving that the scanned
 * image is built on one, saying which, and warning or denying when it is
 * not, when a newer approved version of that base exists, or when the base
 * is older than the policy allows ("build business images on golden images
 * and keep upgrading them").
 *
 * An image built FROM a base starts with the base's layers, unchanged: the
 * base's rootfs diff_ids (digests of the uncompressed layer tars, from its
 * config) are a prefix of the image's. Only manifests and configs are
 * read, never a layer, so checking a list of approved images costs a few
 * small reads each (moat_image_inspect). The longest matching prefix wins:
 * an approved python image built on an approved debian image is the more
 * specific answer.
 */
#include "policy/policy.h"
#include "base/err.h"
#include "base/limits.h"
#include "image/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct info_impl {
    struct moat_image_info pub;
    struct arena arena;
};

int
moat_image_inspect(const char *target, const struct moat_options *opt,
                   struct moat_image_info **out, char *err, size_t errlen)
{
    struct moat_options defaults;
    struct image_desc *img = NULL;
    struct info_impl *ii = NULL;
    struct moat_image_info *info;
    const char **ids;
    size_t i;
    int rc;

    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (!opt) {
        moat_options_init(&defaults);
        opt = &defaults;
    }
    rc = image_open(target, opt, &img, err, errlen);
    if (rc) {
        if (err && errlen && !err[0])
            snprintf(err, errlen, "%s: %s", target, moat_strerror(rc));
        return -1;
    }
    if (img->rootfs || img->nlayers == 0) {
        snprintf(err, errlen, "%s: not an image with layers (a root filesystem, or no layers)",
                 target);
        rc = MOAT_EINVAL;
        goto out;
    }
    ii = calloc(1, sizeof(*ii));
    if (!ii) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    arena_init(&ii->arena);
    info = &ii->pub;
    ids = arena_alloc(&ii->arena, img->nlayers * sizeof(*ids));
    if (!ids) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    for (i = 0; i < img->nlayers; i++) {
        if (!img->layers[i].diff_id) {
            snprintf(err, errlen, "%s: the config names no diff_id for layer %zu", target, i);
            rc = MOAT_EINVAL;
            goto out;
        }
        ids[i] = arena_strdup(&ii->arena, img->layers[i].diff_id);
        if (!ids[i]) {
            rc = MOAT_ENOMEM;
            goto out;
        }
    }
    info->diff_ids = ids;
    info->ndiff_ids = img->nlayers;
    info->reference = arena_strdup(&ii->arena, target);
    info->transport = arena_strdup(&ii->arena, img->transport);
    info->name = arena_strdup(&ii->arena, img->name);
    info->digest = arena_strdup(&ii->arena, img->manifest_digest);
    info->config_digest = arena_strdup(&ii->arena, img->config_digest);
    info->created = arena_strdup(&ii->arena, img->created);
    if (!info->reference || (img->transport && !info->transport) ||
        (img->name && !info->name) || (img->manifest_digest && !info->digest) ||
        (img->config_digest && !info->config_digest) || (img->created && !info->created)) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    *out = info;
    ii = NULL;
out:
    if (rc == MOAT_ENOMEM)
        snprintf(err, errlen, "%s: out of memory", target);
    if (ii)
        moat_image_info_free(&ii->pub);
    image_desc_free(img);
    return rc ? -1 : 0;
}

void
moat_image_info_free(struct moat_image_info *info)
{
    struct info_impl *ii = (struct info_impl *)info;

    if (!ii)
        return;
    arena_free(&ii->arena);
    free(ii);
}

/* ---- the base image rule ---- */

/* An approved image as known for this evaluation. */
struct approved {
    const struct pol_golden *g;
    struct moat_image_info *info;  /* read from g->ref, or NULL */
    const char *const *diff_ids;
    size_t n;
    const char *digest;            /* what identifies it in reasons */
    int64_t created;
    int dated;                     /* created is known */
    int usable;
};

/* Reads the approved image (or takes its policy-given layers). A failure
 * is a warning reason; the image is then not used. */
static int
prepare(const struct pol_golden *g, const struct moat_policy_context *ctx, struct approved *a,
        struct pol_reasons *out)
{
    char err[512];
    const char *created;

    memset(a, 0, sizeof(*a));
    a->g = g;
    if (g->ref) {
        if (moat_image_inspect(g->ref, ctx ? ctx->options : NULL, &a->info, err,
                               sizeof(err)) != 0)
            return reasons_add(out, POL_WARN, "image.base: approved image %s (%s) could not be "
                                              "read, so it is not used: %s",
                               g->name, g->where, err);
        if (g->digest && (!a->info->digest || strcmp(a->info->digest, g->digest) != 0))
            return reasons_add(out, POL_WARN, "image.base: approved image %s (%s) is now %s, "
                                              "not the digest the policy pins (%s), so it is "
                                              "not used",
                               g->name, g->where, a->info->digest ? a->info->digest : "unknown",
                               g->digest);
        a->diff_ids = a->info->diff_ids;
        a->n = a->info->ndiff_ids;
        a->digest = a->info->digest ? a->info->digest : a->info->config_digest;
        created = a->info->created;
    } else {
        a->diff_ids = g->diff_ids.v;
        a->n = g->diff_ids.n;
        a->digest = g->diff_ids.v[g->diff_ids.n - 1];
        created = g->created;
    }
    a->dated = created && policy_parse_time(created, 0, &a->created) == 0;
    a->usable = 1;
    return 0;
}

static int
is_prefix(const struct approved *a, const struct moat_image *img)
{
    size_t i;

    if (a->n == 0 || a->n > img->nlayers)
        return 0;
    for (i = 0; i < a->n; i++)
        if (!img->layers[i].diff_id || strcmp(img->layers[i].diff_id, a->diff_ids[i]) != 0)
            return 0;
    return 1;
}

static int
judge(const struct moat_policy *p, const struct moat_result *res, struct approved *all,
      size_t n, int64_t now, int (*waived)(void *, const char *), void *ud,
      struct pol_reasons *out)
{
    const struct approved *best = NULL, *newest = NULL;
    char names[1024], d1[16], d2[16];
    size_t i, off = 0, shown = 0;
    int64_t max_age;
    int rc;

    for (i = 0; i < n; i++) {
        const struct approved *a = &all[i];
        if (!a->usable || !is_prefix(a, &res->image))
            continue;
        if (!best || a->n > best->n ||
            (a->n == best->n && a->dated && (!best->dated || a->created > best->created)))
            best = a;
    }
    if (!best) {
        if (waived(ud, "image.base"))
            return 0;
        names[0] = '\0';
        for (i = 0; i < n && shown < MOAT_LIMIT_POLICY_LISTED && off < sizeof(names); i++) {
            int w;
            if (!all[i].usable)
                continue;
            w = snprintf(names + off, sizeof(names) - off, "%s%.200s", shown ? ", " : "",
                         all[i].g->name);
            if (w < 0)
                break;
            off += (size_t)w;
            shown++;
        }
        if (!res->image.nlayers)
            return reasons_add(out, p->base.rule.action, "image.base: not evaluated: the "
                                                         "target has no layers");
        return reasons_add(out, p->base.rule.action, "image.base: no approved base image "
                                                     "matches the bottom layers of this image "
                                                     "(approved: %s)",
                           shown ? names : "none could be read");
    }
    rc = reasons_add(out, POL_INFO, "image.base: built on approved base %s (%s), layers 0-%zu "
                                    "of %zu",
                     best->g->name, best->digest ? best->digest : "no digest", best->n - 1,
                     res->image.nlayers);
    if (rc)
        return rc;
    /* the newest approved version of the same repository */
    for (i = 0; i < n; i++) {
        const struct approved *a = &all[i];
        if (a->usable && a->dated && strcmp(a->g->repository, best->g->repository) == 0 &&
            (!newest || a->created > newest->created))
            newest = a;
    }
    if (p->base.outdated != POL_OFF && newest && newest != best &&
        (!best->dated || newest->created > best->created) &&
        !waived(ud, "image.base.outdated")) {
        rc = reasons_add(out, p->base.outdated, "image.base.outdated: base %s (created %s) is "
                                                "not the newest approved version of %s: rebuild "
                                                "on %s (created %s)",
                         best->g->name, best->dated ? policy_day(best->created, d1) : "unknown",
                         best->g->repository, newest->g->name, policy_day(newest->created, d2));
        if (rc)
            return rc;
    }
    max_age = best->g->max_age_days >= 0 ? best->g->max_age_days : p->base.max_age_days;
    if (p->base.too_old == POL_OFF || max_age < 0 || waived(ud, "image.base.too_old"))
        return 0;
    if (!best->dated)
        return reasons_add(out, p->base.too_old, "image.base.too_old: base %s has no creation "
                                                 "time, so it cannot be shown to be at most %lld "
                                                 "days old",
                           best->g->name, (long long)max_age);
    if (now - best->created > max_age * 86400)
        return reasons_add(out, p->base.too_old, "image.base.too_old: base %s was created on %s, "
                                                 "%lld days ago (at most %lld allowed)",
                           best->g->name, policy_day(best->created, d1),
                           (long long)((now - best->created) / 86400), (long long)max_age);
    return 0;
}

int
golden_evaluate(const struct moat_policy *p, const struct moat_result *res,
                const struct moat_policy_context *ctx, int64_t now,
                int (*waived)(void *ud, const char *rule), void *ud, struct pol_reasons *out)
{
    struct approved *all;
    size_t i;
    int rc = 0;

    all = calloc(p->base.n, sizeof(*all));
    if (!all)
        return MOAT_ENOMEM;
    for (i = 0; i < p->base.n && rc == 0; i++)
        rc = prepare(&p->base.v[i], ctx, &all[i], out);
    if (rc == 0)
        rc = judge(p, res, all, p->base.n, now, waived, ud, out);
    for (i = 0; i < p->base.n; i++)
        moat_image_info_free(all[i].info);
    free(all);
    return rc;
}
