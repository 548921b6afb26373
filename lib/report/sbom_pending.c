/* Temporary: CycloneDX and SPDX writers are being written (see issue #2). */
#include "report.h"

int
report_cyclonedx(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
                 char *err, size_t errlen)
{
    (void)out, (void)res, (void)o;
    snprintf(err, errlen, "cyclonedx output is not available yet");
    return -1;
}

int
report_spdx(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
            char *err, size_t errlen)
{
    (void)out, (void)res, (void)o;
    snprintf(err, errlen, "spdx output is not available yet");
    return -1;
}
