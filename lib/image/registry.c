/* Temporary: the registry client is being written (issue #2). */
#include "source.h"
#include "base/err.h"

#include <stdio.h>

int
registry_open(struct image_desc *img, const char *ref, const struct moat_options *opt, char *err,
              size_t errlen)
{
    (void)img, (void)opt;
    snprintf(err, errlen, "docker://%s: registry access is not available yet", ref);
    return MOAT_EUNSUP;
}
