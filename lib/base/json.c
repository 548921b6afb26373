/*
 * json.c - see json.h. The depth scan is a single pass that only tracks
 * whether it is inside a string; it over-counts nothing jansson would
 * accept, so a document it passes cannot nest deeper than max_depth.
 */
#include "json.h"

#include <stdio.h>
#include <string.h>

/* 1 when no point of [p, p+n) is nested deeper than max (outside strings). */
static int
depth_ok(const char *p, size_t n, int max)
{
    int depth = 0, in_str = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        char c = p[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                return 0;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 1;
}

json_t *
json_parse_untrusted(const char *p, size_t n, size_t max_bytes, int max_depth, int *dup_keys,
                     char *err, size_t errlen)
{
    json_error_t je;
    json_t *j;

    if (dup_keys)
        *dup_keys = 0;
    /* a UTF-8 byte order mark is no JSON, but .NET and npm skip one */
    if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3;
        n -= 3;
    }
    if (n > max_bytes) {
        snprintf(err, errlen, "%zu bytes, more than the %zu-byte limit for this JSON document", n,
                 max_bytes);
        return NULL;
    }
    if (!depth_ok(p, n, max_depth)) {
        snprintf(err, errlen, "JSON nested deeper than %d levels", max_depth);
        return NULL;
    }
    j = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
    if (!j && json_error_code(&je) == json_error_duplicate_key) {
        if (dup_keys)
            *dup_keys = 1;
        j = json_loadb(p, n, 0, &je);
    }
    if (!j) {
        snprintf(err, errlen, "not valid JSON: line %d column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    return j;
}

const char *
json_obj_str(const json_t *o, const char *key)
{
    const json_t *v;

    if (!json_is_object(o))
        return NULL;
    v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
