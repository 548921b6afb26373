/*
 * test_checks.c - the check table and the audit checkers: the table is
 * sorted, complete and documented; the shared shell/name/port judgements;
 * Dockerfile, compose, Kubernetes, daemon.json and systemd-unit audits
 * (each case lists exactly the findings it must give, with their lines);
 * malformed files that must fail with file and line; the host checks on
 * fixture copies of /proc/net/tcp and a fake socket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "moat/moat.h"
#include "moat/audit.h"
#include "config/rules.h"
#include "base/buf.h"
#include "feed.h"

/* ---- helpers ---- */

struct expect {
    const char *check;
    unsigned long line;
};

static struct moat_audit_result *
audit_text(const char *name, const char *text, int expect_rc)
{
    struct moat_audit_result *r = NULL;
    char err[256];
    int rc = moat_audit_buffer(name, text, strlen(text), NULL, &r, err, sizeof(err));

    if (rc != expect_rc)
        fail_msg("%s: moat_audit_buffer returned %d (%s), expected %d", name, rc,
                 r && r->ntargets && r->targets[0].error ? r->targets[0].error : err,
                 expect_rc);
    assert_non_null(r);
    return r;
}

/* The findings must be exactly `want` (order free), lines included. */
static void
expect_exactly(const struct moat_audit_result *r, const struct expect *want)
{
    size_t nw = 0, i, k;
    int *used;

    while (want[nw].check)
        nw++;
    used = calloc(nw + 1, sizeof(*used));
    assert_non_null(used);
    for (i = 0; i < r->nfindings; i++) {
        const struct moat_audit_finding *f = &r->findings[i];
        for (k = 0; k < nw; k++)
            if (!used[k] && strcmp(want[k].check, f->check) == 0 && want[k].line == f->line)
                break;
        if (k == nw) {
            free(used);
            fail_msg("unexpected finding %s at line %lu: %s", f->check, f->line, f->message);
        }
        used[k] = 1;
    }
    for (k = 0; k < nw; k++)
        if (!used[k]) {
            const char *c = want[k].check;
            unsigned long l = want[k].line;
            free(used);
            fail_msg("missing finding %s at line %lu", c, l);
        }
    free(used);
}

static int
has_check(const struct moat_audit_result *r, const char *check)
{
    size_t i;

    for (i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].check, check) == 0)
            return 1;
    return 0;
}

static const struct moat_audit_finding *
find_check(const struct moat_audit_result *r, const char *check)
{
    size_t i;

    for (i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].check, check) == 0)
            return &r->findings[i];
    return NULL;
}

/* ---- the table ---- */

static void
test_table(void **state)
{
    static const struct {
        const char *prefix, *applies;
    } areas[] = {
        {"MOAT-CMP-", "compose"}, {"MOAT-DF-", "dockerfile"}, {"MOAT-DMN-", "daemon"},
        {"MOAT-HOST-", "host"},   {"MOAT-IMG-", "image"},     {"MOAT-K8S-", "kubernetes"},
    };
    static const char *const sevs[] = {"critical", "high", "medium", "low", "info"};
    const struct moat_check *t;
    size_t n, i, k;

    (void)state;
    t = moat_checks(&n);
    assert_true(n >= 60);
    assert_true(n < 128); /* audit.c and image.c keep per-check counters of 128 */
    for (i = 0; i < n; i++) {
        size_t pl;
        if (i)
            assert_true(strcmp(t[i - 1].id, t[i].id) < 0); /* sorted, unique */
        for (k = 0; k < 6; k++)
            if (strncmp(t[i].id, areas[k].prefix, strlen(areas[k].prefix)) == 0)
                break;
        if (k == 6)
            fail_msg("%s: unknown area", t[i].id);
        assert_string_equal(t[i].applies_to, areas[k].applies);
        pl = strlen(areas[k].prefix);
        assert_int_equal(strlen(t[i].id), pl + 3);
        assert_int_equal(strspn(t[i].id + pl, "0123456789"), 3);
        for (k = 0; k < 5; k++)
            if (strcmp(t[i].severity, sevs[k]) == 0)
                break;
        assert_true(k < 5);
        assert_true(strlen(t[i].title) > 8);
        assert_true(strlen(t[i].rationale) > 40);
        assert_true(strlen(t[i].remediation) > 15);
        assert_ptr_equal(moat_check_find(t[i].id), &t[i]);
        /* a Dockerfile check is its image twin found at a line */
        if (strncmp(t[i].id, "MOAT-DF-", 8) == 0) {
            char twin[32];
            const struct moat_check *img;
            snprintf(twin, sizeof(twin), "MOAT-IMG-%s", t[i].id + 8);
            img = moat_check_find(twin);
            assert_non_null(img);
            assert_string_equal(img->severity, t[i].severity);
            assert_ptr_equal(img->rationale, t[i].rationale);
        }
    }
    assert_null(moat_check_find("MOAT-IMG-999"));
    assert_null(moat_check_find(""));
    assert_null(moat_check_find(NULL));
    assert_null(moat_check_find("moat-img-001"));
}

/* docs/CHECKS.md documents every check with its severity */
static void
test_documented(void **state)
{
    const struct moat_check *t;
    size_t n, i, len;
    char *doc;

    (void)state;
    doc = feed_read_path(MOAT_SOURCE_DIR "/docs/CHECKS.md", &len);
    assert_non_null(doc);
    t = moat_checks(&n);
    for (i = 0; i < n; i++) {
        char head[64];
        const char *at;
        snprintf(head, sizeof(head), "### %s", t[i].id);
        at = strstr(doc, head);
        if (!at)
            fail_msg("docs/CHECKS.md has no section for %s", t[i].id);
        /* the section names the severity within its first lines */
        {
            const char *next = strstr(at + 4, "\n### ");
            const char *sev = strstr(at, t[i].severity);
            if (!sev || (next && sev > next))
                fail_msg("docs/CHECKS.md: %s does not give severity %s", t[i].id,
                         t[i].severity);
        }
    }
    free(doc);
}

/* ---- shared judgements ---- */

static void
test_secret_names(void **state)
{
    static const char *const yes[] = {
        "PASSWORD", "DB_PASSWORD", "MYSQL_ROOT_PASSWORD", "PGPASSWORD", "db.passwd",
        "API_KEY", "apiKey", "AWS_SECRET_ACCESS_KEY", "awsSecretAccessKey", "GITHUB_TOKEN",
        "npm-token", "CLIENT_SECRET", "PRIVATE_KEY", "SECRET_KEY_BASE", "credentials",
        "Passphrase", NULL,
    };
    static const char *const no[] = {
        "PATH", "PWD", "HOME", "GPG_KEY", "PASSWORD_FILE", "SECRET_NAME", "TOKEN_URL",
        "TOKENIZERS_PARALLELISM", "JAVA_HOME", "PYTHON_SHA256", "KEY", "NODE_VERSION",
        "ACCESS_LOG", "", "SECRETS_DIR", NULL,
    };
    size_t i;

    (void)state;
    for (i = 0; yes[i]; i++)
        if (!rule_secret_name(yes[i], strlen(yes[i])))
            fail_msg("%s should read as a credential", yes[i]);
    for (i = 0; no[i]; i++)
        if (rule_secret_name(no[i], strlen(no[i])))
            fail_msg("%s should not read as a credential", no[i]);
}

static void
test_ports_volumes_refs(void **state)
{
    (void)state;
    assert_int_equal(rule_port("22", 2), PORT_SSH);
    assert_int_equal(rule_port("22/tcp", 6), PORT_SSH);
    assert_int_equal(rule_port("22/udp", 6), 0);
    assert_int_equal(rule_port("2375/tcp", 8), PORT_DOCKER_API);
    assert_int_equal(rule_port("2376", 4), PORT_DOCKER_API);
    assert_int_equal(rule_port("20-2400", 7), PORT_SSH | PORT_DOCKER_API);
    assert_int_equal(rule_port("2377", 4), 0);
    assert_int_equal(rule_port("220", 3), 0);
    assert_int_equal(rule_port("99999", 5), 0);
    assert_int_equal(rule_port("$PORT", 5), 0);
    assert_int_equal(rule_port("", 0), 0);

    assert_true(rule_kernel_volume("/proc", 5));
    assert_true(rule_kernel_volume("/sys/fs/cgroup", 14));
    assert_true(rule_kernel_volume("//dev/", 6));
    assert_false(rule_kernel_volume("/devices", 8));
    assert_false(rule_kernel_volume("/data", 5));
    assert_false(rule_kernel_volume("proc", 4));

    assert_int_equal(rule_ref_pin("debian", 6), REF_NO_TAG);
    assert_int_equal(rule_ref_pin("debian:latest", 13), REF_LATEST);
    assert_int_equal(rule_ref_pin("debian:12", 9), REF_TAGGED);
    assert_int_equal(rule_ref_pin("localhost:5000/app", 18), REF_NO_TAG);
    assert_int_equal(rule_ref_pin("localhost:5000/app:1.2", 22), REF_TAGGED);
    assert_int_equal(rule_ref_pin("app@sha256:abcd", 15), REF_DIGEST);
}

static void
test_shell(void **state)
{
    static const struct {
        const char *cmd;
        unsigned flags;
    } cases[] = {
        {"curl -fsSL https://get.example.sh | sh", SH_PIPE_TO_SHELL},
        {"wget -qO- https://x/install.sh | sudo bash -s -- --yes", SH_PIPE_TO_SHELL},
        {"curl https://x | /bin/bash", SH_PIPE_TO_SHELL},
        {"sh -c \"$(curl -fsSL https://x/install.sh)\"", SH_PIPE_TO_SHELL},
        {"bash <(curl -s https://x)", SH_PIPE_TO_SHELL},
        {"curl -o /tmp/x.tgz https://x && tar xzf /tmp/x.tgz", 0},
        {"curl https://x | tar xz -C /opt", 0},
        {"curl https://x || sh fallback.sh", 0},
        {"echo curl | sh", 0},
        {"apt-get update", SH_UPDATE_ONLY},
        {"apt-get -qq update && echo done", SH_UPDATE_ONLY},
        {"apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*", 0},
        {"apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options=x "
         "install -y nginx",
         0},
        {"apk update", SH_UPDATE_ONLY},
        {"apk update && apk add curl", 0},
        {"apk add --no-cache curl", 0},
        {"apt-get update && apt-get install -y sudo vim", SH_INSTALLS_SUDO},
        {"apk add --no-cache sudo=1.9.15-r0", SH_INSTALLS_SUDO},
        {"dnf install -y sudo", SH_INSTALLS_SUDO},
        {"apt-get install -y pseudo sudoku", 0},
        {"echo sudo apt-get install x", 0},
        {"# apt-get update\napt-get install -y x", 0},
        {"", 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct shell_facts sf;
        rule_shell(cases[i].cmd, strlen(cases[i].cmd), &sf);
        if (sf.flags != cases[i].flags)
            fail_msg("'%s': flags %u, expected %u", cases[i].cmd, sf.flags, cases[i].flags);
    }
}

/* A long RUN is judged in linear time and the snippet is cut cleanly. */
static void
test_shell_pathological(void **state)
{
    size_t n = 4u << 20, i;
    char *s = malloc(n + 1);
    struct shell_facts sf;
    clock_t t0 = clock();

    (void)state;
    assert_non_null(s);
    for (i = 0; i < n; i++)
        s[i] = "|$((`\"'( x"[i % 11];
    s[n] = '\0';
    rule_shell(s, n, &sf);
    memset(s, 'a', n);
    memcpy(s, "curl x | sh ", 12);
    rule_shell(s, n, &sf);
    assert_true(sf.flags & SH_PIPE_TO_SHELL);
    assert_true(strlen(sf.pipe) < sizeof(sf.pipe));
    assert_string_equal(sf.pipe + strlen(sf.pipe) - 3, "...");
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0);
    free(s);
}

/* ---- Dockerfiles ---- */

static void
test_dockerfile_bad(void **state)
{
    static const char df[] =
        "# syntax=docker/dockerfile:1\n"                       /* 1 */
        "ARG BASE=debian\n"                                    /* 2 */
        "FROM ${BASE} AS build\n"                              /* 3 */
        "RUN apt-get update\n"                                 /* 4 */
        "RUN curl -fsSL https://get.example.com/install.sh \\\n" /* 5 */
        "    | bash\n"                                         /* 6 */
        "FROM debian:latest\n"                                 /* 7 */
        "ENV APP_HOME=/app DB_PASSWORD=hunter2\n"              /* 8 */
        "ARG NPM_TOKEN\n"                                      /* 9 */
        "LABEL maintainer=\"x\" api_key=abc\n"                 /* 10 */
        "ADD https://example.com/tool.tgz /opt/\n"             /* 11 */
        "ADD --checksum=sha256:0000 https://example.com/b.tgz /opt/\n" /* 12 */
        "EXPOSE 80 22/tcp 2375\n"                              /* 13 */
        "RUN apt-get update && apt-get install -y --no-install-recommends \\\n" /* 14 */
        "      sudo \\\n"                                      /* 15 */
        "  && rm -rf /var/lib/apt/lists/*\n"                   /* 16 */
        "VOLUME [\"/data\", \"/proc\"]\n"                      /* 17 */
        "USER app\n"                                           /* 18 */
        "USER root\n";                                         /* 19 */
    static const struct expect want[] = {
        {"MOAT-DF-006", 3},  {"MOAT-DF-012", 4},  {"MOAT-DF-013", 5}, {"MOAT-DF-006", 7},
        {"MOAT-DF-004", 8},  {"MOAT-DF-004", 9},  {"MOAT-DF-004", 10}, {"MOAT-DF-005", 11},
        {"MOAT-DF-003", 13}, {"MOAT-DF-002", 13}, {"MOAT-DF-008", 14}, {"MOAT-DF-014", 17},
        {"MOAT-DF-001", 19}, {"MOAT-DF-007", 7},  {NULL, 0},
    };
    struct moat_audit_result *r = audit_text("Dockerfile", df, 0);
    const struct moat_audit_finding *f;

    (void)state;
    assert_int_equal(r->ntargets, 1);
    assert_string_equal(r->targets[0].kind, "dockerfile");
    expect_exactly(r, want);
    /* the credential's value is never quoted */
    for (size_t i = 0; i < r->nfindings; i++) {
        assert_null(strstr(r->findings[i].message, "hunter2"));
        assert_true(!r->findings[i].evidence || !strstr(r->findings[i].evidence, "hunter2"));
    }
    f = find_check(r, "MOAT-DF-013");
    assert_non_null(f->evidence);
    assert_non_null(strstr(f->evidence, "bash"));
    moat_audit_result_free(r);
}

static void
test_dockerfile_good(void **state)
{
    static const char df[] =
        "# escape=`\n"
        "FROM golang:1.22@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build\n"
        "RUN apt-get update && apt-get install -y git `\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
        "RUN <<EOF\n"
        "set -e\n"
        "go build -o /out/app ./cmd/app\n"
        "EOF\n"
        "FROM gcr.io/distroless/static:nonroot\n"
        "COPY --from=build /out/app /app\n"
        "ENV GPG_KEY=ABCDEF PASSWORD_FILE=/run/secrets/db\n"
        "EXPOSE 8080\n"
        "HEALTHCHECK --interval=30s CMD [\"/app\", \"health\"]\n"
        "USER 65532:65532\n"
        "ENTRYPOINT [\"/app\"]\n";
    struct moat_audit_result *r = audit_text("app.Dockerfile", df, 0);
    static const struct expect none[] = {{NULL, 0}};

    (void)state;
    assert_string_equal(r->targets[0].kind, "dockerfile");
    expect_exactly(r, none);
    moat_audit_result_free(r);
}

/* USER and HEALTHCHECK come from the stage the final one builds on. */
static void
test_dockerfile_stages(void **state)
{
    static const char df[] =
        "FROM alpine:3.20 AS base\n"      /* 1 */
        "USER 1000\n"                     /* 2 */
        "HEALTHCHECK CMD true\n"          /* 3 */
        "FROM base AS final\n"            /* 4 */
        "RUN <<-EOT bash\n"               /* 5 */
        "\tcurl -s https://x | sh\n"      /* 6 */
        "\tEOT\n"                         /* 7 */
        "FROM scratch\n"                  /* 8 */
        "COPY --from=final / /\n";        /* 9 */
    static const struct expect want[] = {
        {"MOAT-DF-013", 5}, {"MOAT-DF-001", 8}, {"MOAT-DF-007", 8}, {NULL, 0}};
    struct moat_audit_result *r = audit_text("Containerfile", df, 0);

    (void)state;
    expect_exactly(r, want);
    moat_audit_result_free(r);
}

static void
test_dockerfile_errors(void **state)
{
    static const struct {
        const char *name, *text, *needle;
    } cases[] = {
        {"Dockerfile", "FROM debian:12\nRUNN echo\n", "Dockerfile:2: unknown instruction"},
        {"Dockerfile", "FROM debian:12\nRUN <<EOF\necho\n", "Dockerfile:2: here-document"},
        {"Dockerfile", "# only a comment\n", "no FROM"},
        {"Dockerfile", "RUN echo\nFROM x:1\n", "Dockerfile:1: RUN before the first FROM"},
        {"Dockerfile", "FROM a:1\0\n", "binary data"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct moat_audit_result *r = NULL;
        char err[256];
        size_t len = strlen(cases[i].text);
        if (strstr(cases[i].needle, "binary"))
            len += 2;
        assert_int_equal(moat_audit_buffer(cases[i].name, cases[i].text, len, NULL, &r, err,
                                           sizeof(err)),
                         1);
        assert_non_null(r->targets[0].error);
        if (!strstr(r->targets[0].error, cases[i].needle))
            fail_msg("case %zu: error '%s' lacks '%s'", i, r->targets[0].error,
                     cases[i].needle);
        assert_int_equal(r->nfindings, 0);
        moat_audit_result_free(r);
    }
}

/* ---- compose ---- */

static void
test_compose(void **state)
{
    static const char yml[] =
        "x-hardening: &hard\n"                               /* 1 */
        "  read_only: true\n"                                /* 2 */
        "  user: \"10001\"\n"                                /* 3 */
        "  cap_drop: [ALL]\n"                                /* 4 */
        "  security_opt: [\"no-new-privileges:true\"]\n"     /* 5 */
        "  mem_limit: 256m\n"                                /* 6 */
        "  pids_limit: 100\n"                                /* 7 */
        "services:\n"                                        /* 8 */
        "  good:\n"                                          /* 9 */
        "    <<: *hard\n"                                    /* 10 */
        "    image: nginx:1.27\n"                            /* 11 */
        "  bad:\n"                                           /* 12 */
        "    image: docker:dind\n"                           /* 13 */
        "    privileged: true\n"                             /* 14 */
        "    cap_add:\n"                                     /* 15 */
        "      - SYS_ADMIN\n"                                /* 16 */
        "      - CHOWN\n"                                    /* 17 */
        "    volumes:\n"                                     /* 18 */
        "      - /var/run/docker.sock:/var/run/docker.sock\n" /* 19 */
        "      - data:/data\n"                               /* 20 */
        "      - type: bind\n"                               /* 21 */
        "        source: /\n"                                /* 22 */
        "        target: /host\n"                            /* 23 */
        "    network_mode: host\n"                           /* 24 */
        "    pid: host\n"                                    /* 25 */
        "    ipc: host\n"                                    /* 26 */
        "    security_opt:\n"                                /* 27 */
        "      - seccomp:unconfined\n"                       /* 28 */
        "      - apparmor=unconfined\n"                      /* 29 */
        "    user: root\n"                                   /* 30 */
        "    deploy:\n"                                      /* 31 */
        "      resources:\n"                                 /* 32 */
        "        limits: {memory: 1G}\n"                     /* 33 */
        "volumes:\n"                                         /* 34 */
        "  data: {}\n";                                      /* 35 */
    static const struct expect want[] = {
        {"MOAT-CMP-001", 14}, {"MOAT-CMP-002", 16}, {"MOAT-CMP-003", 12},
        {"MOAT-CMP-004", 19}, {"MOAT-CMP-005", 21}, {"MOAT-CMP-006", 24},
        {"MOAT-CMP-007", 25}, {"MOAT-CMP-008", 26}, {"MOAT-CMP-009", 28},
        {"MOAT-CMP-010", 29}, {"MOAT-CMP-011", 12}, {"MOAT-CMP-012", 12},
        {"MOAT-CMP-013", 30}, {"MOAT-CMP-015", 12}, {NULL, 0},
    };
    struct moat_audit_result *r = audit_text("docker-compose.yml", yml, 0);

    (void)state;
    assert_string_equal(r->targets[0].kind, "compose");
    expect_exactly(r, want);
    assert_string_equal(find_check(r, "MOAT-CMP-001")->object, "service bad");
    moat_audit_result_free(r);
}

/* ---- Kubernetes ---- */

static void
test_kubernetes(void **state)
{
    static const char yml[] =
        "apiVersion: v1\n"                                   /* 1 */
        "kind: ServiceAccount\n"                             /* 2 */
        "metadata: {name: quiet}\n"                          /* 3 */
        "automountServiceAccountToken: false\n"              /* 4 */
        "---\n"                                              /* 5 */
        "apiVersion: apps/v1\n"                              /* 6 */
        "kind: Deployment\n"                                 /* 7 */
        "metadata: {name: good, namespace: prod}\n"          /* 8 */
        "spec:\n"                                            /* 9 */
        "  template:\n"                                      /* 10 */
        "    spec:\n"                                        /* 11 */
        "      serviceAccountName: quiet\n"                  /* 12 */
        "      securityContext:\n"                           /* 13 */
        "        runAsNonRoot: true\n"                       /* 14 */
        "        seccompProfile: {type: RuntimeDefault}\n"   /* 15 */
        "      containers:\n"                                /* 16 */
        "      - name: app\n"                                /* 17 */
        "        image: reg.example/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n" /* 18 */
        "        securityContext:\n"                         /* 19 */
        "          allowPrivilegeEscalation: false\n"        /* 20 */
        "          readOnlyRootFilesystem: true\n"           /* 21 */
        "          capabilities: {drop: [ALL]}\n"            /* 22 */
        "        resources: {limits: {cpu: 500m, memory: 128Mi}}\n" /* 23 */
        "---\n"                                              /* 24 */
        "apiVersion: batch/v1\n"                             /* 25 */
        "kind: CronJob\n"                                    /* 26 */
        "metadata: {name: bad}\n"                            /* 27 */
        "spec:\n"                                            /* 28 */
        "  schedule: '* * * * *'\n"                          /* 29 */
        "  jobTemplate:\n"                                   /* 30 */
        "    spec:\n"                                        /* 31 */
        "      template:\n"                                  /* 32 */
        "        spec:\n"                                    /* 33 */
        "          hostNetwork: true\n"                      /* 34 */
        "          hostPID: yes\n"                           /* 35 */
        "          hostIPC: true\n"                          /* 36 */
        "          automountServiceAccountToken: true\n"     /* 37 */
        "          volumes:\n"                               /* 38 */
        "          - name: sock\n"                           /* 39 */
        "            hostPath: {path: /var/run/docker.sock}\n" /* 40 */
        "          - name: root\n"                           /* 41 */
        "            hostPath:\n"                            /* 42 */
        "              path: /\n"                            /* 43 */
        "          initContainers:\n"                        /* 44 */
        "          - name: init\n"                           /* 45 */
        "            image: busybox\n"                       /* 46 */
        "            securityContext:\n"                     /* 47 */
        "              privileged: true\n"                   /* 48 */
        "              runAsUser: 0\n"                       /* 49 */
        "              seccompProfile:\n"                    /* 50 */
        "                type: Unconfined\n"                 /* 51 */
        "              capabilities:\n"                      /* 52 */
        "                add: [SYS_ADMIN, NET_BIND_SERVICE]\n" /* 53 */
        "          containers:\n"                            /* 54 */
        "          - name: job\n"                            /* 55 */
        "            image: busybox:1.36\n"                  /* 56 */
        "            resources: {limits: {memory: 64Mi}}\n"; /* 57 */
    static const struct expect want[] = {
        {"MOAT-K8S-009", 34}, {"MOAT-K8S-010", 35}, {"MOAT-K8S-011", 36},
        {"MOAT-K8S-013", 37}, {"MOAT-K8S-007", 40}, {"MOAT-K8S-008", 42},
        /* init container */
        {"MOAT-K8S-001", 48}, {"MOAT-K8S-002", 45}, {"MOAT-K8S-003", 49},
        {"MOAT-K8S-004", 45}, {"MOAT-K8S-005", 53}, {"MOAT-K8S-012", 51},
        {"MOAT-K8S-014", 46}, {"MOAT-K8S-015", 45},
        /* container */
        {"MOAT-K8S-002", 55}, {"MOAT-K8S-003", 55}, {"MOAT-K8S-004", 55},
        {"MOAT-K8S-006", 55}, {"MOAT-K8S-012", 55}, {"MOAT-K8S-014", 56},
        {"MOAT-K8S-015", 55}, {NULL, 0},
    };
    struct moat_audit_result *r = audit_text("deploy.yaml", yml, 0);
    const struct moat_audit_finding *f;

    (void)state;
    assert_string_equal(r->targets[0].kind, "kubernetes");
    expect_exactly(r, want);
    f = find_check(r, "MOAT-K8S-001");
    assert_string_equal(f->object, "CronJob bad, initContainer init");
    moat_audit_result_free(r);
}

/* A kind: List, JSON syntax, and kinds without pods. */
static void
test_kubernetes_list_json(void **state)
{
    static const char json[] =
        "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
        " {\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}},\n"
        " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"},\n"
        "  \"spec\": {\"containers\": [{\"name\": \"x\", \"image\": \"nginx\",\n"
        "   \"securityContext\": {\"privileged\": true}}]}}]}\n";
    struct moat_audit_result *r = audit_text("list.json", json, 0);
    const struct moat_audit_finding *f;

    (void)state;
    assert_string_equal(r->targets[0].kind, "kubernetes");
    f = find_check(r, "MOAT-K8S-001");
    assert_non_null(f);
    assert_int_equal(f->line, 5);
    assert_string_equal(f->object, "Pod p, container x");
    moat_audit_result_free(r);
}

static void
test_yaml_errors(void **state)
{
    static const struct {
        const char *name, *text, *needle;
    } cases[] = {
        {"k8s.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n", "k8s.yaml:5:"},
        {"k8s.yaml", "apiVersion: v1\nkind: Pod\nkind: Deployment\n",
         "k8s.yaml:3: key 'kind' appears twice"},
        {"compose.yml", "services:\n  a: *nothing\n", "compose.yml:2: alias"},
        {"compose.yml", "version: '3'\nnetworks: {}\n", "no services"},
        {"x.yaml", "just: a map\n", "cannot tell"},
        {"x.yaml", "\t- bad\n", "x.yaml:1:"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct moat_audit_result *r = audit_text(cases[i].name, cases[i].text, 1);
        assert_non_null(r->targets[0].error);
        if (!strstr(r->targets[0].error, cases[i].needle))
            fail_msg("case %zu: error '%s' lacks '%s'", i, r->targets[0].error,
                     cases[i].needle);
        moat_audit_result_free(r);
    }
}

/* Aliases are shared, not copied: a billion-laughs document stays small
 * and fast, and nesting is capped. */
static void
test_yaml_hostile(void **state)
{
    struct buf b;
    struct moat_audit_result *r;
    char err[256];
    clock_t t0 = clock();
    int i, rc;

    (void)state;
    buf_init(&b, 1u << 20);
    assert_int_equal(buf_adds(&b, "apiVersion: v1\nkind: Pod\nx0: &a0 [lol, lol, lol, lol]\n"), 0);
    for (i = 1; i < 40; i++)
        assert_int_equal(buf_printf(&b, "x%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
                                    i - 1, i - 1, i - 1, i - 1, i - 1), 0);
    assert_int_equal(buf_adds(&b, "spec: {containers: [{name: c, image: x, env: *a39}]}\n"), 0);
    rc = moat_audit_buffer("laughs.yaml", b.data, b.len, NULL, &r, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_true(has_check(r, "MOAT-K8S-003"));
    moat_audit_result_free(r);
    buf_reset(&b);
    for (i = 0; i < 1000; i++)
        assert_int_equal(buf_adds(&b, "["), 0);
    rc = moat_audit_buffer("deep.yaml", b.data, b.len, NULL, &r, err, sizeof(err));
    assert_int_equal(rc, 1);
    assert_non_null(strstr(r->targets[0].error, "deeper than"));
    moat_audit_result_free(r);
    buf_free(&b);
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0);
}

/* ---- daemon ---- */

static void
test_daemon_json(void **state)
{
    static const char bad[] =
        "{\n"                                                /* 1 */
        "  \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2375\"],\n" /* 2 */
        "  \"tls\": true,\n"                                 /* 3 */
        "  \"insecure-registries\": [\"reg.internal:5000\"],\n" /* 4 */
        "  \"icc\": true,\n"                                 /* 5 */
        "  \"log-opts\": {\"max-file\": \"3\"}\n"            /* 6 */
        "}\n";
    static const struct expect want_bad[] = {
        {"MOAT-DMN-001", 2}, {"MOAT-DMN-002", 4}, {"MOAT-DMN-003", 0}, {"MOAT-DMN-004", 5},
        {"MOAT-DMN-005", 0}, {"MOAT-DMN-006", 0}, {"MOAT-DMN-007", 6}, {NULL, 0},
    };
    static const char good[] =
        "{\"hosts\": [\"fd://\", \"tcp://127.0.0.1:2376\"], \"tlsverify\": true,\n"
        " \"tlscacert\": \"/etc/docker/ca.pem\", \"userns-remap\": \"default\",\n"
        " \"icc\": false, \"no-new-privileges\": true, \"live-restore\": true,\n"
        " \"log-driver\": \"local\"}\n";
    static const char loop[] = "{\"hosts\": \"tcp://127.0.0.1:2375\", \"icc\": false,"
                               " \"userns-remap\": \"default\", \"no-new-privileges\": true,"
                               " \"live-restore\": true, \"log-opts\": {\"max-size\": \"10m\"}}";
    static const struct expect none[] = {{NULL, 0}};
    struct moat_audit_result *r;

    (void)state;
    r = audit_text("daemon.json", bad, 0);
    assert_string_equal(r->targets[0].kind, "daemon");
    expect_exactly(r, want_bad);
    assert_string_equal(find_check(r, "MOAT-DMN-001")->severity, "critical");
    assert_non_null(strstr(find_check(r, "MOAT-DMN-001")->message, "tls alone"));
    moat_audit_result_free(r);
    r = audit_text("etc/docker/daemon.json", good, 0);
    expect_exactly(r, none);
    moat_audit_result_free(r);
    r = audit_text("daemon.json", loop, 0);
    assert_int_equal(r->nfindings, 1);
    assert_string_equal(r->findings[0].check, "MOAT-DMN-001");
    assert_string_equal(r->findings[0].severity, "high");
    moat_audit_result_free(r);
    r = audit_text("daemon.json", "{\n  \"hosts\": [\n    \"tcp://x\",\n  ]\n}\n", 1);
    if (!strstr(r->targets[0].error, "daemon.json:4:"))
        fail_msg("error without the line: %s", r->targets[0].error);
    moat_audit_result_free(r);
}

static void
test_systemd(void **state)
{
    static const char unit[] =
        "[Unit]\n"                                                         /* 1 */
        "Description=Docker Application Container Engine\n"                /* 2 */
        "[Service]\n"                                                      /* 3 */
        "ExecStart=\n"                                                     /* 4 */
        "ExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375 \\\n"   /* 5 */
        "    --insecure-registry=reg:5000 --containerd=/run/containerd/containerd.sock\n" /* 6 */
        "[Install]\n"                                                      /* 7 */
        "ExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375\n";              /* 8 */
    static const char tls[] = "[Service]\nExecStart=/usr/bin/dockerd --tlsverify "
                              "--tlscacert=/ca.pem -H=tcp://0.0.0.0:2376\n";
    static const struct expect want[] = {{"MOAT-DMN-001", 5}, {"MOAT-DMN-002", 5}, {NULL, 0}};
    static const struct expect none[] = {{NULL, 0}};
    struct moat_audit_result *r;

    (void)state;
    r = audit_text("override.conf", unit, 0);
    assert_string_equal(r->targets[0].kind, "systemd");
    expect_exactly(r, want);
    moat_audit_result_free(r);
    r = audit_text("docker.service", tls, 0);
    expect_exactly(r, none);
    moat_audit_result_free(r);
    r = audit_text("docker.service", "[Service]\nExecStart=/usr/bin/containerd\n", 1);
    assert_non_null(strstr(r->targets[0].error, "docker.service:1: no ExecStart"));
    moat_audit_result_free(r);
}

/* ---- host ---- */

static const char tcp4[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n"
    "   0: 00000000:0947 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
    "0 1001 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:0948 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
    "0 1002 1 0000000000000000 100 0 0 10 0\n"
    "   2: 0100007F:0947 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        "
    "0 1003 1 0000000000000000 100 0 0 10 0\n"
    "   3: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
    "0 1004 1 0000000000000000 100 0 0 10 0\n";
static const char tcp6[] =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000001000000:0947 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 "
    "0\n";

static void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

static void
test_host(void **state)
{
    char dir[] = "/tmp/moat-host-XXXXXX", p[512], sock[512], groups[512];
    struct moat_audit_host_options o;
    struct moat_audit_result *r;
    char err[256];
    size_t i, n3 = 0;
    int rc;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(p, sizeof(p), "%s/proc", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/proc/net", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/proc/net/tcp", dir);
    write_file(p, tcp4);
    snprintf(p, sizeof(p), "%s/proc/net/tcp6", dir);
    write_file(p, tcp6);
    snprintf(groups, sizeof(groups), "%s/group", dir);
    write_file(groups, "root:x:0:\nstaff:x:50:alice\ndocker:x:999:bob\n");
    /* a stand-in for the socket: only its owner and mode are read, and no
     * daemon answers on a regular file (a real dockerd is not available
     * here; the Engine API is tested in e2e_audit against a fake server) */
    snprintf(sock, sizeof(sock), "%s/docker.sock", dir);
    write_file(sock, "");
    assert_int_equal(chmod(sock, 0666), 0);
    if (chown(sock, 0, 50) != 0)
        skip(); /* not root: cannot give the file to group 50 */
    memset(&o, 0, sizeof(o));
    snprintf(p, sizeof(p), "%s/proc", dir);
    o.proc_root = p;
    o.docker_socket = sock;
    o.group_file = groups;
    rc = moat_audit_host(&o, &r, err, sizeof(err));
    assert_true(rc == 0 || rc == 1);
    assert_true(has_check(r, "MOAT-HOST-001"));
    assert_true(has_check(r, "MOAT-HOST-002"));
    assert_non_null(strstr(find_check(r, "MOAT-HOST-002")->message, "group staff"));
    for (i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].check, "MOAT-HOST-003") == 0) {
            n3++;
            if (strstr(r->findings[i].message, "0.0.0.0:2375"))
                assert_string_equal(r->findings[i].severity, "critical");
            else if (strstr(r->findings[i].message, "[::1]:2375"))
                assert_string_equal(r->findings[i].severity, "high");
            else
                fail_msg("unexpected 2375 listener: %s", r->findings[i].message);
        }
    assert_int_equal(n3, 2); /* the established connection on 2375 is no listener */
    assert_true(has_check(r, "MOAT-HOST-004"));
    assert_non_null(strstr(find_check(r, "MOAT-HOST-004")->message, "127.0.0.1:2376"));
    moat_audit_result_free(r);

    /* group docker, mode 660: nothing to say about the socket */
    assert_int_equal(chown(sock, 0, 999), 0);
    assert_int_equal(chmod(sock, 0660), 0);
    rc = moat_audit_host(&o, &r, err, sizeof(err));
    assert_false(has_check(r, "MOAT-HOST-001"));
    assert_false(has_check(r, "MOAT-HOST-002"));
    moat_audit_result_free(r);

    /* no socket, no listeners: no Docker, which is not an error */
    unlink(sock);
    snprintf(p, sizeof(p), "%s/proc/net/tcp", dir);
    write_file(p, "  sl  local_address rem_address   st\n");
    snprintf(p, sizeof(p), "%s/proc/net/tcp6", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/proc", dir);
    rc = moat_audit_host(&o, &r, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_int_equal(r->nfindings, 0);
    assert_int_equal(r->nnotes, 1);
    assert_non_null(strstr(r->notes[0], "no Docker daemon found"));
    assert_null(r->targets[0].error);
    moat_audit_result_free(r);
    snprintf(p, sizeof(p), "rm -rf %s", dir);
    assert_int_equal(system(p), 0);
}

/* ---- reports ---- */

static void
test_reports(void **state)
{
    struct moat_audit_result *r = audit_text(
        "dir with space/Dockerfile", "FROM debian\nENV SECRET_TOKEN=x\xff\n", 0);
    char *text = NULL, err[256];
    size_t len = 0;
    FILE *fp;

    (void)state;
    fp = open_memstream(&text, &len);
    assert_int_equal(moat_audit_write("sarif", r, NULL, fp, err, sizeof(err)), 0);
    fclose(fp);
    assert_non_null(strstr(text, "\"version\": \"2.1.0\""));
    assert_non_null(strstr(text, "\"uri\": \"dir%20with%20space/Dockerfile\""));
    assert_non_null(strstr(text, "\"startLine\": 2"));
    assert_non_null(strstr(text, "\"ruleId\": \"MOAT-DF-004\""));
    free(text);
    text = NULL;
    fp = open_memstream(&text, &len);
    assert_int_equal(moat_audit_write("json", r, NULL, fp, err, sizeof(err)), 0);
    fclose(fp);
    assert_non_null(strstr(text, "\"schema\": \"moat-audit/1\""));
    free(text);
    text = NULL;
    fp = open_memstream(&text, &len);
    assert_int_equal(moat_audit_write("table", r, NULL, fp, err, sizeof(err)), 0);
    fclose(fp);
    assert_non_null(strstr(text, "MOAT-DF-006"));
    free(text);
    text = NULL;
    fp = open_memstream(&text, &len);
    assert_int_equal(moat_audit_write("xml", r, NULL, fp, err, sizeof(err)), -1);
    fclose(fp);
    free(text);
    moat_audit_result_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_documented),
        cmocka_unit_test(test_secret_names),
        cmocka_unit_test(test_ports_volumes_refs),
        cmocka_unit_test(test_shell),
        cmocka_unit_test(test_shell_pathological),
        cmocka_unit_test(test_dockerfile_bad),
        cmocka_unit_test(test_dockerfile_good),
        cmocka_unit_test(test_dockerfile_stages),
        cmocka_unit_test(test_dockerfile_errors),
        cmocka_unit_test(test_compose),
        cmocka_unit_test(test_kubernetes),
        cmocka_unit_test(test_kubernetes_list_json),
        cmocka_unit_test(test_yaml_errors),
        cmocka_unit_test(test_yaml_hostile),
        cmocka_unit_test(test_daemon_json),
        cmocka_unit_test(test_systemd),
        cmocka_unit_test(test_host),
        cmocka_unit_test(test_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
