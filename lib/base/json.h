/*
 * json.h - loading untrusted JSON with jansson under moat's limits, and the
 * few accessors every JSON-reading analyzer needs.
 *
 * jansson itself stops at 2048 levels of nesting and has no size limit; a
 * hostile document can still make it recurse deeply and allocate ten times
 * its size. json_parse_untrusted() checks size and nesting depth with a
 * cheap scan before handing the bytes to jansson.
 */
#ifndef MOAT_BASE_JSON_H
#define MOAT_BASE_JSON_H

#include <stddef.h>

#include <jansson.h>

/* Parses [p, p+n) as one JSON document of at most max_bytes bytes and
 * max_depth levels of arrays/objects. Strings are valid UTF-8 without NUL
 * (jansson rejects the rest). Duplicate object keys are accepted with the
 * last one winning, as JavaScript's JSON.parse and PHP's json_decode do (the
 * tools that wrote and read these files); *dup_keys (may be NULL) is set to
 * 1 when there were any, so the caller can report the anomaly. A leading
 * UTF-8 byte order mark is skipped (.NET and npm accept one).
 * Returns a new reference (OUT: release with json_decref), or NULL with a
 * one-line reason in err. */
json_t *json_parse_untrusted(const char *p, size_t n, size_t max_bytes, int max_depth,
                             int *dup_keys, char *err, size_t errlen);

/* The string value of o[key], or NULL when o is not an object, the key is
 * absent or its value is not a string. Borrowed from o. */
const char *json_obj_str(const json_t *o, const char *key);

#endif
