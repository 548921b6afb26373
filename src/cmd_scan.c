/*
 * cmd_scan.c - `moat scan` and `moat sbom`: one scan, then one report. They
 * share every option but the default format. Reports written with -o go to
 * a temporary file that is renamed into place, so a failed run never leaves
 * a report that looks complete.
 */
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <strings.h>
#include <time.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_FILES 16

struct scan_args {
    const char *format;
    const char *output;
    const char *target;
    int color; /* -1 auto */
    int quiet;
    char *password;
    struct moat_options opt;
    /* vulnerabilities (scan only) */
    const char *db;
    int no_vulns;
    int64_t db_warn_age, db_fail_age; /* seconds, 0 = off */
    const char *ignore[MAX_FILES], *vex[MAX_FILES];
    struct moat_match_options mo;
    const char *rules[MAX_FILES];
    const char *policy; /* --policy FILE|PRESET (scan only) */
    /* reports */
    int sbom;              /* moat sbom: inventory-only formats */
    time_t started;        /* when the scan began (the HTML report says) */
    double seconds;        /* how long it took */
};

static void
usage(const char *cmd, int sbom)
{
    fprintf(stderr,
            "usage: moat %s [OPTIONS] TARGET\n\n"
            "  -f, --format FMT       %s\n"
            "  -o, --output FILE      write the report to FILE (atomically)\n"
            "      --platform OS/ARCH choose from a multi-platform image (default linux/<host>)\n"
            "      --insecure         allow plain-HTTP registries and skip TLS verification\n"
            "      --username NAME    registry user (password from --password-stdin)\n"
            "      --password-stdin   read the registry password from standard input\n"
            "      --threads N        worker threads (default: one per CPU)\n"
            "      --color WHEN       auto, always or never (table format; auto: when\n"
            "                         stdout is a terminal and NO_COLOR is not set)\n"
            "      --limit NAME=VALUE override a safety limit: layer-bytes, image-bytes,\n"
            "                         ratio, entries, layers, file-size, spill (K/M/G\n"
            "                         suffixes)\n"
            "  -q, --quiet            no warnings on stderr\n",
            cmd, sbom ? "cyclonedx (default) or spdx"
                      : "table (default), json, sarif, cyclonedx, spdx or html\n"
                        "                         (docs/REPORT.md)");
    if (!sbom)
        fprintf(stderr,
                "\nvulnerabilities:\n"
                "      --db FILE          advisory database (default $MOAT_DB or\n"
                "                         ~/.local/share/moat/osv.db; see 'moat db')\n"
                "      --no-vulns         do not match advisories\n"
                "      --severity LEVELS  only these severities or higher: LOW, MEDIUM, HIGH,\n"
                "                         CRITICAL (a list: the lowest one listed counts)\n"
                "      --ignore-unfixed   only vulnerabilities with a fixed version\n"
                "      --ignorefile FILE  YAML ignore rules (id, purls, paths, reason,\n"
                "                         expires); repeatable\n"
                "      --vex FILE         OpenVEX document; repeatable\n"
                "      --base-layers N    the bottom N layers are the base image\n"
                "                         (default: from the image history)\n"
                "      --db-max-age AGE   warn when the database is older (default 7d)\n"
                "      --db-fail-age AGE  refuse to scan when it is older (e.g. 30d)\n"
                "\ndetectors:\n"
                "      --scanners LIST    what to look for (default all): vuln, malware,\n"
                "                         secret, integrity, persistence, unmanaged,\n"
                "                         config\n"
                "      --malware-rules P  extra YARA rule file or directory; repeatable\n"
                "      --blocklist FILE   SHA-256 hashes of known-bad files, one per line\n"
                "      --secret-config F  YAML: allow rules (paths, rule ids), extra rules\n"
                "      --secrets-in-packages  also search files owned by distro packages\n"
                "\npolicy:\n"
                "      --policy FILE|PRESET  admission policy (YAML, docs/POLICY.md) or a\n"
                "                         preset (baseline, strict): verdict and reasons in\n"
                "                         the report, exit 1 on deny\n");
}

static int
read_password(struct scan_args *a)
{
    char line[4096];
    size_t n;

    if (!fgets(line, sizeof(line), stdin)) {
        cli_error("--password-stdin: nothing on standard input");
        return -1;
    }
    n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    a->password = strdup(line);
    memset(line, 0, sizeof(line));
    return a->password ? 0 : -1;
}

/* "--scanners vuln,secret": what the scan looks for. */
static int
parse_scanners(const char *arg, struct scan_args *a)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {
        {"malware", MOAT_DETECT_MALWARE},         {"secret", MOAT_DETECT_SECRETS},
        {"integrity", MOAT_DETECT_INTEGRITY},     {"persistence", MOAT_DETECT_PERSISTENCE},
        {"unmanaged", MOAT_DETECT_UNMANAGED},     {"config", MOAT_DETECT_CONFIG},
        {"misconfig", MOAT_DETECT_CONFIG}, /* Trivy's name for it */
    };
    const char *p = arg;
    size_t i;

    a->opt.detect.enabled = 0;
    a->no_vulns = 1;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 4 && strncmp(p, "vuln", 4) == 0) {
            a->no_vulns = 0;
        } else {
            for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strlen(names[i].name) == n && strncmp(p, names[i].name, n) == 0)
                    break;
            if (i == sizeof(names) / sizeof(names[0])) {
                cli_error("--scanners: unknown scanner '%.*s' (vuln, malware, secret, "
                          "integrity, persistence, unmanaged, config)", (int)n, p);
                return -1;
            }
            a->opt.detect.enabled |= names[i].bit;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* "HIGH" or "HIGH,CRITICAL": the lowest severity named (static string). */
static const char *
lowest_severity(const char *arg)
{
    static const char *const order[] = {"low", "medium", "high", "critical"};
    size_t i;
    int best = 4;
    const char *p = arg;

    while (*p) {
        size_t n = strcspn(p, ",");
        for (i = 0; i < 4; i++)
            if (strlen(order[i]) == n && strncasecmp(p, order[i], n) == 0)
                break;
        if (i == 4)
            return NULL;
        if ((int)i < best)
            best = (int)i;
        p += n;
        if (*p == ',')
            p++;
    }
    return best < 4 ? order[best] : NULL;
}

/* "90s", "12h", "7d", "2w" or a number of seconds; "0" turns it off. */
static int
parse_age(const char *arg, int64_t *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(arg, &end, 10);
    if (errno || end == arg || v < 0)
        return -1;
    switch (*end) {
    case '\0':
    case 's':
        break;
    case 'm':
        v *= 60;
        break;
    case 'h':
        v *= 3600;
        break;
    case 'd':
        v *= 86400;
        break;
    case 'w':
        v *= 7 * 86400;
        break;
    default:
        return -1;
    }
    if (*end && end[1])
        return -1;
    *out = v;
    return 0;
}

/* "NAME=VALUE" with an optional K/M/G suffix. */
static int
set_limit(struct moat_limits *l, const char *arg)
{
    const char *eq = strchr(arg, '=');
    unsigned long long v;
    char *end;

    if (!eq || !eq[1]) {
        cli_error("--limit takes NAME=VALUE");
        return -1;
    }
    errno = 0;
    v = strtoull(eq + 1, &end, 10);
    if (errno || end == eq + 1 || eq[1] == '-') {
        cli_error("--limit %s: not a number", arg);
        return -1;
    }
    if (*end == 'K' || *end == 'k')
        v <<= 10, end++;
    else if (*end == 'M' || *end == 'm')
        v <<= 20, end++;
    else if (*end == 'G' || *end == 'g')
        v <<= 30, end++;
    if (*end || v == 0) {
        cli_error("--limit %s: not a positive number", arg);
        return -1;
    }
#define IS(n) ((size_t)(eq - arg) == strlen(n) && strncmp(arg, n, strlen(n)) == 0)
    if (IS("layer-bytes"))
        l->layer_bytes = v;
    else if (IS("image-bytes"))
        l->image_bytes = v;
    else if (IS("ratio") && v <= UINT32_MAX)
        l->ratio = (uint32_t)v;
    else if (IS("entries") && v <= UINT32_MAX)
        l->layer_entries = (uint32_t)v;
    else if (IS("layers") && v <= UINT32_MAX)
        l->layers = (uint32_t)v;
    else if (IS("file-size") && v <= SIZE_MAX)
        l->whole_file = (size_t)v;
    else if (IS("spill"))
        l->spill_bytes = v;
    else {
        cli_error("--limit: unknown limit or value out of range: %s", arg);
        return -1;
    }
#undef IS
    return 0;
}

/* ---- reports: formats, colour, width, progress ----
 * What the report writers are told about the terminal (lib/ never looks):
 * colour only on a terminal without NO_COLOR (https://no-color.org), unless
 * --color says otherwise; the table's width from COLUMNS or the terminal;
 * and a one-line progress display on stderr while layers are read, only
 * when stderr is a terminal and --quiet is not given. */

static int
known_format(const char *f)
{
    const char *const *n;

    for (n = moat_report_formats(); *n; n++)
        if (strcmp(*n, f) == 0)
            return 1;
    return 0;
}

/* COLUMNS, else the terminal's width when fd is one; 0 when unknown. */
static unsigned
term_width(int fd)
{
    const char *c = getenv("COLUMNS");
    struct winsize ws;
    char *end;
    long v;

    if (c && *c) {
        errno = 0;
        v = strtol(c, &end, 10);
        if (!errno && !*end && v >= 20 && v <= 10000)
            return (unsigned)v;
    }
    if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 0;
}

static void
report_look(const struct scan_args *a, struct moat_report_options *ro)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

    if (a->color == -1)
        ro->color = !a->output && isatty(STDOUT_FILENO) && !(nc && *nc) &&
                    !(term && strcmp(term, "dumb") == 0);
    else
        ro->color = a->color;
    /* a file gets every row whole; a terminal or COLUMNS gets rows cut to fit */
    ro->width = a->output ? 0 : term_width(STDOUT_FILENO);
    ro->sbom_only = a->sbom;
    ro->scan_time = (int64_t)a->started;
    ro->scan_seconds = a->seconds;
}

struct progress_line {
    int on;                 /* stderr is a terminal and not --quiet */
    size_t shown;           /* characters on the line now */
    struct timespec t0;
};

static void
progress_show(void *arg, const struct moat_progress *p)
{
    struct progress_line *pl = arg;
    unsigned w = term_width(STDERR_FILENO);
    char line[256];
    double mib = (double)p->bytes_in / (1024.0 * 1024.0);
    size_t n, cur = p->layers_done < p->layers ? p->layers_done + 1 : p->layers;
    int k;

    if (p->done)
        k = snprintf(line, sizeof(line), "moat: %zu/%zu layers read (%.1f MiB in %.1f s), "
                     "analysing", p->layers_done, p->layers, mib, p->elapsed);
    else if (p->bytes_total)
        k = snprintf(line, sizeof(line), "moat: layer %zu/%zu  %.1f/%.1f MiB  %.1f MiB/s", cur,
                     p->layers, mib, (double)p->bytes_total / (1024.0 * 1024.0),
                     p->elapsed > 0 ? mib / p->elapsed : 0.0);
    else
        k = snprintf(line, sizeof(line), "moat: layer %zu/%zu  %.1f MiB  %.1f MiB/s", cur,
                     p->layers, mib, p->elapsed > 0 ? mib / p->elapsed : 0.0);
    if (k < 0)
        return;
    n = (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1;
    /* never as wide as the terminal: a wrapped line cannot be rewritten */
    if (w && n > w - 1)
        n = w - 1;
    /* "\r" and spaces rather than an erase sequence: works on any terminal */
    fprintf(stderr, "\r%.*s%*s", (int)n, line, pl->shown > n ? (int)(pl->shown - n) : 0, "");
    if (pl->shown > n)
        fprintf(stderr, "\r%.*s", (int)n, line);
    pl->shown = n;
    fflush(stderr);
}

static void
progress_start(struct scan_args *a, struct progress_line *pl)
{
    memset(pl, 0, sizeof(*pl));
    a->started = time(NULL);
    clock_gettime(CLOCK_MONOTONIC, &pl->t0);
    pl->on = !a->quiet && isatty(STDERR_FILENO);
    if (pl->on) {
        a->opt.progress = progress_show;
        a->opt.progress_arg = pl;
    }
}

/* Clears the progress line; returns the seconds since progress_start. */
static double
progress_end(struct progress_line *pl)
{
    struct timespec t;

    if (pl->on && pl->shown) {
        fprintf(stderr, "\r%*s\r", (int)pl->shown, "");
        fflush(stderr);
        pl->shown = 0;
    }
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - pl->t0.tv_sec) + (double)(t.tv_nsec - pl->t0.tv_nsec) / 1e9;
}


static int
parse(int argc, char **argv, struct scan_args *a, int sbom)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"platform", required_argument, NULL, 'P'},
        {"insecure", no_argument, NULL, 'I'},
        {"username", required_argument, NULL, 'U'},
        {"password-stdin", no_argument, NULL, 'S'},
        {"threads", required_argument, NULL, 'T'},
        {"color", required_argument, NULL, 'C'},
        {"quiet", no_argument, NULL, 'q'},
        {"limit", required_argument, NULL, 'L'},
        {"db", required_argument, NULL, 'D'},
        {"no-vulns", no_argument, NULL, 'N'},
        {"severity", required_argument, NULL, 'V'},
        {"ignore-unfixed", no_argument, NULL, 'F'},
        {"ignorefile", required_argument, NULL, 'G'},
        {"vex", required_argument, NULL, 'X'},
        {"base-layers", required_argument, NULL, 'B'},
        {"db-max-age", required_argument, NULL, 'A'},
        {"db-fail-age", required_argument, NULL, 'R'},
        {"scanners", required_argument, NULL, 's'},
        {"malware-rules", required_argument, NULL, 'Y'},
        {"blocklist", required_argument, NULL, 'K'},
        {"secret-config", required_argument, NULL, 'E'},
        {"secrets-in-packages", no_argument, NULL, 'P' + 256},
        {"policy", required_argument, NULL, 'P' + 257},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch, want_pw = 0;

    memset(a, 0, sizeof(*a));
    moat_options_init(&a->opt);
    moat_match_options_init(&a->mo);
    a->opt.detect.malware_rules = a->rules;
    /* an SBOM is the inventory: packages, including software identified in
     * unmanaged binaries; the threat detectors belong to scan */
    if (sbom)
        a->opt.detect.enabled = MOAT_DETECT_UNMANAGED;
    a->mo.ignore_files = a->ignore;
    a->mo.vex_files = a->vex;
    a->db_warn_age = 7 * 86400;
    a->format = sbom ? "cyclonedx" : "table";
    a->color = -1;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "f:o:qh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'f':
            a->format = optarg;
            break;
        case 'o':
            a->output = optarg;
            break;
        case 'P':
            a->opt.platform = optarg;
            break;
        case 'I':
            a->opt.insecure = 1;
            break;
        case 'U':
            a->opt.username = optarg;
            break;
        case 'S':
            want_pw = 1;
            break;
        case 'T': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 64) {
                cli_error("--threads takes a number from 1 to 64");
                return -1;
            }
            a->opt.threads = (unsigned)v;
            break;
        }
        case 'C':
            if (strcmp(optarg, "always") == 0)
                a->color = 1;
            else if (strcmp(optarg, "never") == 0)
                a->color = 0;
            else if (strcmp(optarg, "auto") == 0)
                a->color = -1;
            else {
                cli_error("--color takes auto, always or never");
                return -1;
            }
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'L':
            if (set_limit(&a->opt.limits, optarg) != 0)
                return -1;
            break;
        case 'D':
            a->db = optarg;
            break;
        case 'N':
            a->no_vulns = 1;
            break;
        case 'V':
            a->mo.min_severity = lowest_severity(optarg);
            if (!a->mo.min_severity) {
                cli_error("--severity takes LOW, MEDIUM, HIGH or CRITICAL (or a list)");
                return -1;
            }
            break;
        case 'F':
            a->mo.ignore_unfixed = 1;
            break;
        case 'G':
        case 'X': {
            const char **arr = ch == 'G' ? a->ignore : a->vex;
            size_t *n = ch == 'G' ? &a->mo.nignore_files : &a->mo.nvex_files;
            if (*n >= MAX_FILES) {
                cli_error("at most %d --%s files", MAX_FILES, ch == 'G' ? "ignorefile" : "vex");
                return -1;
            }
            arr[(*n)++] = optarg;
            break;
        }
        case 'B': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 1000) {
                cli_error("--base-layers takes a number of layers");
                return -1;
            }
            a->mo.base_layers = (int)v;
            break;
        }
        case 's':
            if (parse_scanners(optarg, a) != 0)
                return -1;
            break;
        case 'Y':
            if (a->opt.detect.nmalware_rules >= MAX_FILES) {
                cli_error("at most %d --malware-rules", MAX_FILES);
                return -1;
            }
            a->rules[a->opt.detect.nmalware_rules++] = optarg;
            break;
        case 'K':
            a->opt.detect.blocklist = optarg;
            break;
        case 'E':
            a->opt.detect.secret_config = optarg;
            break;
        case 'P' + 256:
            a->opt.detect.secrets_in_packages = 1;
            break;
        case 'P' + 257:
            if (sbom) {
                cli_error("--policy is an option of moat scan");
                return -1;
            }
            a->policy = optarg;
            break;
        case 'A':
        case 'R':
            if (parse_age(optarg, ch == 'A' ? &a->db_warn_age : &a->db_fail_age) != 0) {
                cli_error("--%s takes an age such as 12h, 7d or 0 (off)",
                          ch == 'A' ? "db-max-age" : "db-fail-age");
                return -1;
            }
            break;
        case 'h':
            usage(argv[0], sbom);
            exit(0);
        default:
            usage(argv[0], sbom);
            return -1;
        }
    }
    if (optind != argc - 1) {
        usage(argv[0], sbom);
        return -1;
    }
    a->target = argv[optind];
    if (sbom && strcmp(a->format, "cyclonedx") != 0 && strcmp(a->format, "spdx") != 0) {
        cli_error("sbom formats are cyclonedx and spdx");
        return -1;
    }
    if (!sbom && !known_format(a->format)) {
        cli_error("unknown format '%s' (table, json, sarif, cyclonedx, spdx, html)", a->format);
        return -1;
    }
    a->sbom = sbom;
    if (want_pw) {
        if (read_password(a) != 0)
            return -1;
        a->opt.password = a->password;
    }
    if (a->opt.password && !a->opt.username) {
        cli_error("--password-stdin needs --username");
        return -1;
    }
    return 0;
}

/* Writes the report to stdout or atomically to a file. */
static int
write_report(struct scan_args *a, const struct moat_result *res)
{
    struct moat_report_options ro = {0};
    struct cli_out out;
    char err[256] = "";
    int rc;

    report_look(a, &ro);
    if (cli_out_open(&out, a->output) != 0)
        return -1;
    rc = moat_report_write(a->format, res, &ro, out.f, err, sizeof(err));
    /* on a failed write err says why; the close only adds its own error */
    if (cli_out_close(&out, rc == 0, err, sizeof(err)) != 0)
        rc = -1;
    if (rc != 0)
        cli_error("%s: %s", a->output ? a->output : "report", err);
    return rc;
}

/* Opens the advisory database for a scan. A database named with --db must
 * be usable; the default one may be missing (then the scan says that
 * vulnerabilities were not checked, loudly). Returns 0 (with *out possibly
 * NULL) or -1 after printing why. */
static int
open_db(struct scan_args *a, struct moat_advisories **out, char *missing, size_t mlen)
{
    char err[1024];
    int64_t age;

    *out = NULL;
    missing[0] = '\0';
    if (moat_advisories_open(a->db, out, err, sizeof(err)) != 0) {
        if (a->db || (getenv("MOAT_DB") && getenv("MOAT_DB")[0])) {
            cli_error("%s", err);
            return -1;
        }
        /* said after the scan, and in the report: nobody may read the
         * report as "no vulnerabilities" */
        snprintf(missing, mlen, "vulnerabilities were not checked: %s", err);
        return 0;
    }
    age = moat_advisories_age(*out, (int64_t)time(NULL));
    if (a->db_fail_age && age > a->db_fail_age) {
        cli_error("the advisory database is %lld days old, more than --db-fail-age allows; "
                  "run 'moat db update'", (long long)(age / 86400));
        moat_advisories_close(*out);
        *out = NULL;
        return -1;
    }
    if (a->db_warn_age && age > a->db_warn_age)
        snprintf(missing, mlen, "the advisory database is %lld days old; run 'moat db update'",
                 (long long)(age / 86400));
    return 0;
}

/* ---- --policy ----
 * The policy is loaded before anything else (a broken one is exit 2
 * before any work) and evaluated once the findings are complete. When it
 * requires a signature, the signature check runs here with the policy's
 * keys and the scan's registry settings. */

static int
load_policy(const struct scan_args *a, struct moat_policy **out)
{
    char err[1024];

    *out = NULL;
    if (!a->policy)
        return 0;
    if (moat_policy_load(a->policy, out, err, sizeof(err)) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}

/* Runs moat_verify when the policy wants a signature (OUT: *out, or NULL
 * when it does not). -1 after printing why it could not run. */
static int
verify_for_policy(const struct scan_args *a, const struct moat_policy *p,
                  struct moat_verification **out)
{
    struct moat_verify_options vo;
    char err[1024];

    *out = NULL;
    memset(&vo, 0, sizeof(vo));
    vo.keys = moat_policy_signature_keys(p, &vo.nkeys);
    if (!vo.keys)
        return 0;
    vo.insecure = a->opt.insecure;
    vo.username = a->opt.username;
    vo.password = a->opt.password;
    vo.docker_config = a->opt.docker_config;
    vo.ca_file = a->opt.ca_file;
    if (moat_verify(a->target, &vo, out, err, sizeof(err)) != 0) {
        cli_error("policy signature check: %s", err);
        return -1;
    }
    return 0;
}

static int
evaluate_policy(const struct scan_args *a, const struct moat_policy *p,
                const struct moat_verification *v, int used_db, struct moat_result *res)
{
    struct moat_policy_context ctx;
    char err[1024];

    memset(&ctx, 0, sizeof(ctx));
    ctx.target = a->target;
    ctx.verification = v;
    ctx.now = (int64_t)time(NULL);
    ctx.options = &a->opt;
    ctx.unchecked = (~a->opt.detect.enabled & MOAT_DETECT_ALL) |
                    (used_db ? 0 : MOAT_POLICY_NO_VULNS);
    if (moat_policy_evaluate(p, res, &ctx, err, sizeof(err)) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}

static int
run(int argc, char **argv, int sbom)
{
    struct scan_args a;
    struct moat_advisories *db = NULL;
    struct moat_result *res = NULL;
    struct moat_policy *policy = NULL;
    struct moat_verification *verification = NULL;
    struct progress_line progress;
    char err[1024], dbnote[1200] = "";
    enum moat_grade g;
    size_t i;
    int code, used_db;

    if (parse(argc, argv, &a, sbom) != 0 || load_policy(&a, &policy) != 0) {
        free(a.password);
        return EXIT_ERROR;
    }
    if (!sbom && !a.no_vulns && open_db(&a, &db, dbnote, sizeof(dbnote)) != 0) {
        free(a.password);
        moat_policy_free(policy);
        return EXIT_ERROR;
    }
    progress_start(&a, &progress);
    g = moat_scan(a.target, &a.opt, &res, err, sizeof(err));
    a.seconds = progress_end(&progress);
    if (g != MOAT_FATAL && policy && verify_for_policy(&a, policy, &verification) != 0) {
        g = MOAT_FATAL;
        err[0] = '\0'; /* said already */
    }
    if (a.password) {
        memset(a.password, 0, strlen(a.password));
        free(a.password);
    }
    if (g == MOAT_FATAL) {
        if (err[0])
            cli_error("%s", err);
        moat_advisories_close(db);
        moat_result_free(res);
        moat_policy_free(policy);
        return EXIT_ERROR;
    }
    if (db && moat_match(res, db, &a.mo, err, sizeof(err)) != 0) {
        /* an unreadable database must not look like "no vulnerabilities" */
        cli_error("%s", err);
        moat_advisories_close(db);
        moat_result_free(res);
        moat_policy_free(policy);
        moat_verification_free(verification);
        return EXIT_ERROR;
    }
    used_db = db != NULL;
    moat_advisories_close(db);
    if (dbnote[0]) {
        moat_result_add_problem(res, MOAT_WARN, "advisories", dbnote);
        if (!a.quiet)
            fprintf(stderr, "moat: warning: %s\n", dbnote);
    }
    if (!a.quiet && (sbom || a.output)) {
        /* the report may not show problems (SBOMs cannot): say them here */
        for (i = 0; i < res->nproblems; i++) {
            const struct moat_problem *p = &res->problems[i];
            if (p->grade < MOAT_FAILED)
                continue;
            fprintf(stderr, "moat: could not analyse %s%s(%s): %s\n", p->path ? p->path : "",
                    p->path ? " " : "", p->source, p->message);
        }
    }
    if (policy) {
        int prc = evaluate_policy(&a, policy, verification, used_db, res);
        moat_policy_free(policy);
        moat_verification_free(verification);
        if (prc != 0) {
            moat_result_free(res);
            return EXIT_ERROR;
        }
    }
    if (write_report(&a, res) != 0) {
        moat_result_free(res);
        return EXIT_ERROR;
    }
    code = res->verdict && strcmp(res->verdict, "deny") == 0 ? EXIT_DENY : EXIT_ALLOW;
    moat_result_free(res);
    return code;
}

int
cmd_scan(int argc, char **argv)
{
    return run(argc, argv, 0);
}

int
cmd_sbom(int argc, char **argv)
{
    return run(argc, argv, 1);
}
