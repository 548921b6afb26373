/*
 * registry.c - expands list.h into the analyzer table and checks it once:
 * names must be unique, and every analyzer must have the hook its wants()
 * can ask for (whole for WANT_WHOLE, stream_chunk for WANT_STREAM, pull for
 * WANT_PULL) - a missing one is a programming error caught at start-up.
 */
#include "analyzer.h"

#include <stdio.h>
#include <string.h>

#define ANALYZER(n) extern const struct analyzer analyzer_##n;
#include "list.h"
#undef ANALYZER

const struct analyzer *const analyzer_table[] = {
#define ANALYZER(n) &analyzer_##n,
#include "list.h"
#undef ANALYZER
};

const size_t analyzer_count = sizeof(analyzer_table) / sizeof(analyzer_table[0]);

int
analyzer_table_check(char *err, size_t errlen)
{
    size_t i, j;

    for (i = 0; i < analyzer_count; i++) {
        const struct analyzer *a = analyzer_table[i];
        if (!a->name || !a->wants || !(a->whole || a->stream_chunk || a->pull)) {
            snprintf(err, errlen, "analyzer %zu (%s) lacks a name, wants() or a content hook",
                     i, a->name ? a->name : "?");
            return -1;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(analyzer_table[j]->name, a->name) == 0) {
                snprintf(err, errlen, "two analyzers are named %s", a->name);
                return -1;
            }
        }
    }
    return 0;
}
