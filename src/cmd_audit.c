/*
 * cmd_audit.c - `moat audit FILE...` and `moat audit --host`: configuration
 * checks of Dockerfiles, compose files, Kubernetes manifests and Docker
 * daemon configuration, or of this machine's Docker installation (the
 * checks are documented in docs/CHECKS.md).
 *
 * Exit status: 0 audited, 1 a finding at or above --fail-on (default high),
 * 2 could not audit (unreadable or malformed file: "FILE:LINE: why" on
 * stderr and no report, as a failed scan prints none; for --host the report
 * of what could be checked is still written).
 */
#include "cli.h"
#include "moat/audit.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct audit_args {
    const char *format, *output, *kind, *fail_on;
    int color, host;
    struct moat_audit_host_options ho;
};

static void
usage(void)
{
    fprintf(stderr,
            "usage: moat audit [OPTIONS] FILE...\n"
            "       moat audit --host [OPTIONS]\n\n"
            "Checks Dockerfiles, docker-compose files, Kubernetes manifests, daemon.json and\n"
            "dockerd systemd units (the kind is told from each file's name and content), or\n"
            "with --host the Docker installation of this machine.\n\n"
            "  -f, --format FMT       table (default), json or sarif\n"
            "  -o, --output FILE      write the report to FILE (atomically)\n"
            "      --kind KIND        treat every file as dockerfile, compose, kubernetes,\n"
            "                         daemon or systemd\n"
            "      --fail-on SEV      exit 1 when a finding is at least this severe:\n"
            "                         critical, high (default), medium, low, info or none\n"
            "      --color WHEN       auto, always or never (table format)\n"
            "      --host             check this machine: docker.sock, TCP 2375/2376,\n"
            "                         running containers (through the Engine API)\n"
            "      --docker-socket P  the Engine API socket (default: DOCKER_HOST when it is\n"
            "                         unix://, else /var/run/docker.sock)\n"
            "      --proc-root DIR    read net/tcp and net/tcp6 under DIR (default /proc)\n"
            "      --group-file FILE  group names of the socket's group (default /etc/group)\n");
}

static int
rank(const char *s)
{
    static const char *const order[] = {"critical", "high", "medium", "low", "info"};
    int i;

    for (i = 0; i < 5; i++)
        if (strcmp(s, order[i]) == 0)
            return i;
    return 5;
}

static int
write_report(const struct audit_args *a, const struct moat_audit_result *r)
{
    struct moat_report_options ro = {0};
    struct cli_out out;
    char err[256] = "";
    int rc;

    ro.color = a->color == -1 ? (!a->output && isatty(STDOUT_FILENO)) : a->color;
    if (cli_out_open(&out, a->output) != 0)
        return -1;
    rc = moat_audit_write(a->format, r, &ro, out.f, err, sizeof(err));
    if (cli_out_close(&out, rc == 0, err, sizeof(err)) != 0)
        rc = -1;
    if (rc != 0)
        cli_error("%s: %s", a->output ? a->output : "report", err);
    return rc;
}

int
cmd_audit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"kind", required_argument, NULL, 'k'},
        {"fail-on", required_argument, NULL, 'F'},
        {"color", required_argument, NULL, 'C'},
        {"host", no_argument, NULL, 'H'},
        {"docker-socket", required_argument, NULL, 'S'},
        {"proc-root", required_argument, NULL, 'P'},
        {"group-file", required_argument, NULL, 'G'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct moat_audit_options ao = {0};
    struct moat_audit_result *r = NULL;
    struct audit_args a;
    char err[512];
    size_t i;
    int ch, rc, code = EXIT_ALLOW, threshold;

    memset(&a, 0, sizeof(a));
    a.format = "table";
    a.fail_on = "high";
    a.color = -1;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'f':
            a.format = optarg;
            break;
        case 'o':
            a.output = optarg;
            break;
        case 'k':
            a.kind = optarg;
            break;
        case 'F':
            a.fail_on = optarg;
            break;
        case 'C':
            if (strcmp(optarg, "always") == 0)
                a.color = 1;
            else if (strcmp(optarg, "never") == 0)
                a.color = 0;
            else if (strcmp(optarg, "auto") == 0)
                a.color = -1;
            else {
                cli_error("--color takes auto, always or never");
                return EXIT_ERROR;
            }
            break;
        case 'H':
            a.host = 1;
            break;
        case 'S':
            a.ho.docker_socket = optarg;
            break;
        case 'P':
            a.ho.proc_root = optarg;
            break;
        case 'G':
            a.ho.group_file = optarg;
            break;
        case 'h':
            usage();
            return EXIT_ALLOW;
        default:
            usage();
            return EXIT_ERROR;
        }
    }
    if (strcmp(a.format, "table") != 0 && strcmp(a.format, "json") != 0 &&
        strcmp(a.format, "sarif") != 0) {
        cli_error("unknown format '%s' (table, json, sarif)", a.format);
        return EXIT_ERROR;
    }
    threshold = strcmp(a.fail_on, "none") == 0 ? -1 : rank(a.fail_on);
    if (threshold == 5) {
        cli_error("--fail-on takes critical, high, medium, low, info or none");
        return EXIT_ERROR;
    }
    if (a.host == (optind < argc)) {
        cli_error(a.host ? "--host takes no files" : "audit needs files to check (or --host)");
        usage();
        return EXIT_ERROR;
    }
    if (a.host) {
        const char *dh = getenv("DOCKER_HOST");
        if (!a.ho.docker_socket && dh && strncmp(dh, "unix://", 7) == 0 && dh[7])
            a.ho.docker_socket = dh + 7;
        rc = moat_audit_host(&a.ho, &r, err, sizeof(err));
    } else {
        ao.kind = a.kind;
        rc = moat_audit_files((const char *const *)argv + optind, (size_t)(argc - optind), &ao, &r,
                              err, sizeof(err));
    }
    if (rc < 0) {
        cli_error("%s", err);
        return EXIT_ERROR;
    }
    for (i = 0; i < r->ntargets; i++)
        if (r->targets[i].error)
            cli_error("%s", r->targets[i].error);
    if (rc > 0 && !a.host) {
        moat_audit_result_free(r);
        return EXIT_ERROR;
    }
    if (write_report(&a, r) != 0) {
        moat_audit_result_free(r);
        return EXIT_ERROR;
    }
    for (i = 0; threshold >= 0 && i < r->nfindings; i++)
        if (rank(r->findings[i].severity) <= threshold)
            code = EXIT_DENY;
    if (rc > 0)
        code = EXIT_ERROR;
    moat_audit_result_free(r);
    return code;
}
