/*
 * fuzz_audit.c - the `moat audit` loaders: the input is read as a
 * Dockerfile, a docker-compose file, a Kubernetes manifest, a daemon.json
 * and a dockerd systemd unit (each kind forced, so every parser sees every
 * input), and once with the kind told from the content. One result is
 * written (JSON, SARIF or table, chosen by the first byte) to exercise the
 * writers on hostile strings; writing every result would spend most of the
 * time in the SARIF rule table.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "moat/moat.h"
#include "moat/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const char *name, const char *kind, const uint8_t *data, size_t size, const char *write)
{
    struct moat_audit_options o = {0};
    struct moat_audit_result *r = NULL;
    char err[256];

    o.kind = kind;
    if (moat_audit_buffer(name, (const char *)data, size, &o, &r, err, sizeof(err)) < 0)
        return;
    if (write) {
        char *text = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&text, &len);
        if (fp) {
            moat_audit_write(write, r, NULL, fp, err, sizeof(err));
            fclose(fp);
        }
        free(text);
    }
    moat_audit_result_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"json", "sarif", "table"};

    if (size > FUZZ_MAX_INPUT)
        return 0;
    one("Dockerfile", "dockerfile", data, size, NULL);
    one("compose.yml", "compose", data, size, NULL);
    one("k8s.yaml", "kubernetes", data, size, NULL);
    one("daemon.json", "daemon", data, size, NULL);
    one("docker.service", "systemd", data, size, NULL);
    one("input", NULL, data, size, formats[size ? data[0] % 3 : 0]);
    return 0;
}
