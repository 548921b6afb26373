/*
 * purl.h - Package URLs (github.com/package-url/purl-spec) for packages.
 */
#ifndef MOAT_ANALYZE_PURL_H
#define MOAT_ANALYZE_PURL_H

#include "analyzer.h"

/* Builds the PURL of p (arena string, NULL on OOM). d gives the distro
 * qualifier and namespace of OS packages (may have NULL fields). */
char *purl_build(struct arena *a, const struct pkg *p, const struct moat_distro *d);

/* PEP 503 normalised Python project name (lower case, runs of -_. -> -). */
char *pypi_normalize(struct arena *a, const char *name);

#endif
