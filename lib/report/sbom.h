/*
 * sbom.h - what the two SBOM writers (cyclonedx.c, spdx.c) share: building
 * jansson documents without losing an allocation failure, strings made safe
 * for JSON, the document's date, a content-derived UUID, image naming, the
 * package tree (owners and parents as index lists) and supplier parsing.
 *
 * Both SBOMs are reproducible: the same scan result gives byte-identical
 * output (dates come from the image, ids from the content; see
 * docs/REPORT.md "SBOM identity and dates").
 */
#ifndef MOAT_REPORT_SBOM_H
#define MOAT_REPORT_SBOM_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/map.h"
#include "moat/moat.h"

/* Writer state: a scratch arena and a sticky out-of-memory flag, so that
 * building can go on unchecked and fail once at the end. */
struct sbom {
    struct arena arena;
    int oom;
};

void sbom_init(struct sbom *s);
void sbom_free(struct sbom *s);

/* A JSON string for v (never NULL in, may be NULL out with s->oom set).
 * Bytes that are not well-formed UTF-8 become U+FFFD: jansson refuses
 * them, and image metadata is untrusted. */
json_t *sbom_str(struct sbom *s, const char *v);
/* Sets o[key] = v (stealing v); a NULL v or a failed set marks s->oom. */
void sbom_set(struct sbom *s, json_t *o, const char *key, json_t *v);
/* o[key] = string v, only when v is non-NULL. */
void sbom_set_str(struct sbom *s, json_t *o, const char *key, const char *v);
void sbom_append(struct sbom *s, json_t *a, json_t *v);
/* A new object/array, or NULL with s->oom set. */
json_t *sbom_object(struct sbom *s);
json_t *sbom_array(struct sbom *s);

/* The document date, "YYYY-MM-DDThh:mm:ssZ" (UTC, whole seconds): the
 * image's creation time when it has a valid one, else the current time. */
void sbom_date(const struct moat_result *res, char out[21]);
/* Parses an RFC 3339 date-time (fraction and offset allowed) into the
 * form above. Returns 0, or -1 when s is not one. */
int sbom_parse_date(const char *s, char out[21]);

/* RFC 4122 version-5 UUID (SHA-1) of name in namespace ns, lower case
 * "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx". Returns 0 or -1 (crypto error). */
int sbom_uuid5(const unsigned char ns[16], const void *name, size_t n, char out[37]);
/* Dumps doc as the final output, after setting doc[key] to prefix + the
 * UUID v5 of the document as dumped with doc[key] == "" (so the id follows
 * from the content alone). Returns 0 or -1 (err filled). */
int sbom_dump_identified(struct sbom *s, json_t *doc, const char *key, const char *prefix,
                         FILE *out, char *err, size_t errlen);

/* The image as SBOM subject: repository without tag or digest (NULL if the
 * image has no name), its tag (or NULL), a display name (never NULL) and a
 * version (manifest digest, else config digest, else NULL). */
struct sbom_image {
    const char *repository, *tag, *display, *version;
    const char *purl;       /* pkg:oci/... when a manifest digest is known */
};
int sbom_image(struct sbom *s, const struct moat_result *res, struct sbom_image *out);

/* The package tree. A package is nested when its owner is a valid index of
 * a top-level package other than itself: every package appears once, at
 * most one level deep, whatever the owner indices say. Children lists are
 * built in O(n): first_owned/next_owned, first_child/next_child (parent
 * edges; parent must be a valid index other than the package). -1 ends. */
struct sbom_tree {
    long *first_owned, *next_owned;
    long *first_child, *next_child;
    unsigned char *nested;
};
int sbom_tree(struct sbom *s, const struct moat_result *res, struct sbom_tree *t);

/* "Jane Doe <jane@example.org>" -> name "Jane Doe", email (or NULL when
 * absent or not a plain address); org: 1 when the name reads like an
 * organisation (Team, Maintainers, Project, Inc., ...). */
struct sbom_party {
    const char *name, *email;
    int org;
};
int sbom_party(struct sbom *s, const char *supplier, struct sbom_party *out);

/* The license string without surrounding white space (NULL if empty). */
const char *sbom_license(struct sbom *s, const char *license);

/* Problems of grade FAILED or worse, one line each ("source: path: message"). */
size_t sbom_failed_problems(const struct moat_result *res);
const char *sbom_problem_line(struct sbom *s, const struct moat_problem *p);

#endif
