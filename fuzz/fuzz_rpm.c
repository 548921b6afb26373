/* fuzz_rpm.c - the rpm header parser and the three rpm database readers
 * (SQLite, Berkeley DB Hash, ndb; the analyzer picks one by content, so the
 * input is offered at each database path), plus the header parser alone. */
#include "fuzz_common.h"
#include "analyze/rpm_header.h"
#include "base/arena.h"
#include "base/limits.h"

extern const struct analyzer analyzer_rpm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    struct rpm_pkg_info info;
    size_t budget = MOAT_LIMIT_RPM_FILE_BYTES;
    char err[200];

    arena_init(&a);
    rpm_header_parse(&a, data, size, &budget, &info, err, sizeof(err));
    arena_free(&a);
    fuzz_analyzer(&analyzer_rpm, "var/lib/rpm/rpmdb.sqlite", data, size);
    fuzz_analyzer(&analyzer_rpm, "var/lib/rpm/Packages", data, size);
    fuzz_analyzer(&analyzer_rpm, "usr/lib/sysimage/rpm/Packages.db", data, size);
    return 0;
}
