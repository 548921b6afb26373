/*
 * cmd_db.c - `moat db`: the advisory database. `import` loads OSV records
 * from zips, directories and JSON files; `update` fetches the OSV bucket's
 * per-ecosystem zips; `info` describes a database (and with --verify checks
 * every page). Each takes --db FILE; the default is moat_db_default_path().
 * The subcommands are a table like moat.c's; `query` joins it with the
 * matching engine.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct db_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

static int db_import(int argc, char **argv);
static int db_update(int argc, char **argv);
static int db_info(int argc, char **argv);
static int db_query(int argc, char **argv);

static const struct db_command db_commands[] = {
    {"import", "load OSV records from FILE.zip, DIR or FILE.json", db_import},
    {"update", "download <mirror>/<Ecosystem>/all.zip and import what changed", db_update},
    {"info", "describe the database: sources, records per ecosystem, age", db_info},
    {"query", "explain why a version is or is not affected", db_query},
};

static void
usage(void)
{
    size_t i;

    fprintf(stderr,
            "usage: moat db import [--db FILE] FILE.zip|DIR|FILE.json...\n"
            "       moat db update [--db FILE] [--mirror URL] [--ecosystem E]... [--ca-file F]\n"
            "       moat db info   [--db FILE] [--verify] [--json]\n"
            "       moat db query  [--db FILE] ECOSYSTEM NAME VERSION\n"
            "       moat db query  [--db FILE] --batch [--ranges-only]\n"
            "                      < lines of ECOSYSTEM<TAB>NAME<TAB>VERSION\n\n");
    for (i = 0; i < sizeof(db_commands) / sizeof(db_commands[0]); i++)
        fprintf(stderr, "  %-7s %s\n", db_commands[i].name, db_commands[i].summary);
    fprintf(stderr,
            "\nThe database defaults to $MOAT_DB, else $XDG_DATA_HOME/moat/osv.db, else\n"
            "~/.local/share/moat/osv.db. It is one file: update it on a connected machine\n"
            "and copy it for air-gapped use. The default mirror is\n" MOAT_DB_DEFAULT_MIRROR ".\n");
}

/* --db, or the default. */
static int
db_path(const char *given, char *out, size_t outlen)
{
    if (given) {
        if ((size_t)snprintf(out, outlen, "%s", given) >= outlen) {
            cli_error("--db: path too long");
            return -1;
        }
        return 0;
    }
    if (moat_db_default_path(out, outlen) != 0) {
        cli_error("no database path: set --db, MOAT_DB or HOME");
        return -1;
    }
    return 0;
}

static double
seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* "imported N records, skipped M: K bad JSON, ..." and the details. */
static void
print_import(const struct moat_db_import_report *r)
{
    unsigned i;
    int first = 1;

    printf("imported %llu records, skipped %llu", (unsigned long long)r->imported,
           (unsigned long long)r->skipped);
    for (i = 0; i < MOAT_DB_SKIP_COUNT; i++) {
        if (!r->skip[i])
            continue;
        printf("%s%llu %s", first ? ": " : ", ", (unsigned long long)r->skip[i],
               moat_db_skip_name((enum moat_db_skip)i));
        first = 0;
    }
    putchar('\n');
    if (r->withdrawn || r->malware)
        printf("  of those imported: %llu withdrawn (kept, never matched), %llu malicious "
               "packages (MAL-)\n",
               (unsigned long long)r->withdrawn, (unsigned long long)r->malware);
    if (r->kept_newer)
        printf("  %llu not imported: the database holds a newer version of them\n",
               (unsigned long long)r->kept_newer);
    if (r->removed)
        printf("  %llu removed: no longer in the source they came from\n",
               (unsigned long long)r->removed);
    if (r->dropped_entries)
        printf("  %llu affected entries of unknown ecosystems left out\n",
               (unsigned long long)r->dropped_entries);
    if (r->truncated)
        printf("  %llu records with their summary or details shortened\n",
               (unsigned long long)r->truncated);
    for (i = 0; i < r->nexamples; i++)
        fprintf(stderr, "moat: skipped %s\n", r->examples[i]);
    if (r->skipped > r->nexamples)
        fprintf(stderr, "moat: ... and %llu more skipped\n",
                (unsigned long long)(r->skipped - r->nexamples));
}

static int
db_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct moat_db_import_report rep;
    const char *given = NULL;
    char path[4096], err[1024];
    struct timespec t0;
    int ch;

    optind = 1;
    for (;;) {
        ch = getopt_long(argc, argv, "h", longopts, NULL);
        if (ch == -1)
            break;
        if (ch == 'd') {
            given = optarg;
        } else {
            usage();
            return ch == 'h' ? 0 : EXIT_ERROR;
        }
    }
    if (optind >= argc) {
        usage();
        return EXIT_ERROR;
    }
    if (db_path(given, path, sizeof(path)))
        return EXIT_ERROR;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (moat_db_import(path, (const char *const *)argv + optind, (size_t)(argc - optind), &rep, err,
                       sizeof(err)) != 0) {
        cli_error("db import: %s (the database was not changed)", err);
        return EXIT_ERROR;
    }
    print_import(&rep);
    printf("database %s written in %.2f s\n", path, seconds_since(&t0));
    return fflush(stdout) == 0 ? 0 : EXIT_ERROR;
}

static int
db_update(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"mirror", required_argument, NULL, 'm'},
        {"ecosystem", required_argument, NULL, 'e'},
        {"ca-file", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct moat_db_update_options o = {0};
    struct moat_db_update_report *rep;
    const char *given = NULL, *ecos[MOAT_DB_MAX_FETCHES];
    char path[4096], err[1024];
    struct timespec t0;
    size_t i;
    int ch, rc;

    optind = 1;
    for (;;) {
        ch = getopt_long(argc, argv, "h", longopts, NULL);
        if (ch == -1)
            break;
        switch (ch) {
        case 'd':
            given = optarg;
            break;
        case 'm':
            o.mirror = optarg;
            break;
        case 'c':
            o.ca_file = optarg;
            break;
        case 'e':
            if (o.necosystems == MOAT_DB_MAX_FETCHES) {
                cli_error("at most %d --ecosystem options", MOAT_DB_MAX_FETCHES);
                return EXIT_ERROR;
            }
            ecos[o.necosystems++] = optarg;
            break;
        default:
            usage();
            return ch == 'h' ? 0 : EXIT_ERROR;
        }
    }
    if (optind != argc) {
        usage();
        return EXIT_ERROR;
    }
    o.ecosystems = ecos;
    if (db_path(given, path, sizeof(path)))
        return EXIT_ERROR;
    rep = malloc(sizeof(*rep));
    if (!rep) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = moat_db_update(path, &o, rep, err, sizeof(err));
    for (i = 0; i < rep->nfetch; i++) {
        const struct moat_db_fetch *f = &rep->fetch[i];
        if (f->http_status == 304)
            printf("%s: not modified since the last update\n", f->ecosystem);
        else if (f->http_status == 200)
            printf("%s: downloaded %.1f MiB from %s\n", f->ecosystem,
                   (double)f->bytes / (1024.0 * 1024.0), f->url);
    }
    if (rc != 0) {
        cli_error("db update: %s", err);
        free(rep);
        return EXIT_ERROR;
    }
    if (rep->changed) {
        print_import(&rep->import);
        printf("database %s written in %.2f s\n", path, seconds_since(&t0));
    } else {
        printf("database %s is up to date (not rewritten)\n", path);
    }
    free(rep);
    return fflush(stdout) == 0 ? 0 : EXIT_ERROR;
}

static void
json_str(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void
print_json(const struct moat_db_info *in)
{
    size_t i;

    fputs("{\"path\":", stdout);
    json_str(in->path);
    printf(",\"schema\":%d,\"writer\":", in->schema);
    json_str(in->writer);
    printf(",\"file_bytes\":%llu,\"created\":%lld,\"updated\":%lld,\"age_seconds\":%lld,"
           "\"records\":%llu,\"withdrawn\":%llu,\"malware\":%llu,\"affected\":%llu,"
           "\"verified\":%s,\"pages\":%llu,\"ecosystems\":[",
           (unsigned long long)in->file_bytes, (long long)in->created, (long long)in->updated,
           (long long)in->age, (unsigned long long)in->records, (unsigned long long)in->withdrawn,
           (unsigned long long)in->malware, (unsigned long long)in->affected,
           in->verified ? "true" : "false", (unsigned long long)in->pages);
    for (i = 0; i < in->necosystems; i++) {
        const struct moat_db_ecosystem *e = &in->ecosystems[i];
        printf("%s{\"name\":", i ? "," : "");
        json_str(e->name);
        printf(",\"records\":%llu,\"withdrawn\":%llu,\"malware\":%llu}",
               (unsigned long long)e->records, (unsigned long long)e->withdrawn,
               (unsigned long long)e->malware);
    }
    fputs("],\"sources\":[", stdout);
    for (i = 0; i < in->nsources; i++) {
        const struct moat_db_source *s = &in->sources[i];
        printf("%s{\"name\":", i ? "," : "");
        json_str(s->name);
        fputs(",\"kind\":", stdout);
        json_str(s->kind);
        fputs(",\"location\":", stdout);
        json_str(s->location);
        fputs(",\"etag\":", stdout);
        json_str(s->etag);
        fputs(",\"last_modified\":", stdout);
        json_str(s->last_modified);
        printf(",\"fetched\":%lld,\"records\":%llu}", (long long)s->fetched,
               (unsigned long long)s->records);
    }
    fputs("]}\n", stdout);
}

static void
utc(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(out, n, "%lld", (long long)t);
}

static void
age_text(int64_t s, char *out, size_t n)
{
    if (s < 120)
        snprintf(out, n, "%lld s", (long long)s);
    else if (s < 7200)
        snprintf(out, n, "%lld min", (long long)(s / 60));
    else if (s < 172800)
        snprintf(out, n, "%lld h", (long long)(s / 3600));
    else
        snprintf(out, n, "%lld days", (long long)(s / 86400));
}

static void
print_text(const struct moat_db_info *in)
{
    char t[64], age[32];
    size_t i;

    printf("database:   %s (%.1f MiB, schema %d, written by moat %s)\n", in->path,
           (double)in->file_bytes / (1024.0 * 1024.0), in->schema, in->writer ? in->writer : "?");
    if (in->verified)
        printf("integrity:  ok (%llu pages and SQLite's quick_check)\n",
               (unsigned long long)in->pages);
    else
        printf("integrity:  header and pages read so far ok (--verify checks every page)\n");
    utc(in->updated, t, sizeof(t));
    age_text(in->age, age, sizeof(age));
    printf("updated:    %s (%s ago)\n", t, age);
    printf("records:    %llu (%llu withdrawn, %llu malware), %llu affected entries\n",
           (unsigned long long)in->records, (unsigned long long)in->withdrawn,
           (unsigned long long)in->malware, (unsigned long long)in->affected);
    printf("ecosystems:\n");
    for (i = 0; i < in->necosystems; i++)
        printf("  %-14s %8llu records (%llu withdrawn, %llu malware)\n", in->ecosystems[i].name,
               (unsigned long long)in->ecosystems[i].records,
               (unsigned long long)in->ecosystems[i].withdrawn,
               (unsigned long long)in->ecosystems[i].malware);
    printf("sources:\n");
    for (i = 0; i < in->nsources; i++) {
        const struct moat_db_source *s = &in->sources[i];
        utc(s->fetched, t, sizeof(t));
        printf("  %s (%s)\n    %s\n    imported %s, %llu records", s->name, s->kind, s->location, t,
               (unsigned long long)s->records);
        if (s->etag)
            printf(", ETag %s", s->etag);
        if (s->last_modified)
            printf(", Last-Modified %s", s->last_modified);
        putchar('\n');
    }
}

static int
db_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"verify", no_argument, NULL, 'v'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct moat_db_info *info = NULL;
    const char *given = NULL;
    char path[4096], err[1024];
    int ch, verify = 0, json = 0;

    optind = 1;
    for (;;) {
        ch = getopt_long(argc, argv, "h", longopts, NULL);
        if (ch == -1)
            break;
        if (ch == 'd')
            given = optarg;
        else if (ch == 'v')
            verify = 1;
        else if (ch == 'j')
            json = 1;
        else {
            usage();
            return ch == 'h' ? 0 : EXIT_ERROR;
        }
    }
    if (optind != argc) {
        usage();
        return EXIT_ERROR;
    }
    if (db_path(given, path, sizeof(path)))
        return EXIT_ERROR;
    if (moat_db_info(path, verify, &info, err, sizeof(err)) != 0) {
        cli_error("%s", err);
        return EXIT_ERROR;
    }
    if (json)
        print_json(info);
    else
        print_text(info);
    moat_db_info_free(info);
    return fflush(stdout) == 0 ? 0 : EXIT_ERROR;
}

int
cmd_db(int argc, char **argv)
{
    size_t i;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage();
        return argc < 2 ? EXIT_ERROR : 0;
    }
    for (i = 0; i < sizeof(db_commands) / sizeof(db_commands[0]); i++)
        if (strcmp(argv[1], db_commands[i].name) == 0)
            return db_commands[i].run(argc - 1, argv + 1);
    cli_error("unknown db command '%s' (see 'moat db --help')", argv[1]);
    return EXIT_ERROR;
}

/* `moat db query ECOSYSTEM NAME VERSION`: the explanation. With --batch,
 * tab-separated "ECOSYSTEM NAME VERSION" lines on stdin, and for each a
 * line "ECOSYSTEM NAME VERSION IDS" (IDS: the affecting entries' ids,
 * comma-separated, "-" when none). Exit 0 when not affected, 1 when
 * affected (single query), 2 on errors. */
static int
db_query(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"batch", no_argument, NULL, 'b'},
        {"ranges-only", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct moat_advisories *db = NULL;
    const char *given = NULL;
    char path[4096], err[1024], *text = NULL, *line = NULL;
    size_t naff = 0, cap = 0;
    int ch, batch = 0, rc = EXIT_ERROR;
    unsigned flags = 0;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            given = optarg;
            break;
        case 'b':
            batch = 1;
            break;
        case 'r':
            flags |= MOAT_RANGES_ONLY;
            break;
        default:
            usage();
            return ch == 'h' ? 0 : EXIT_ERROR;
        }
    }
    if ((batch && optind != argc) || (!batch && optind + 3 != argc)) {
        usage();
        return EXIT_ERROR;
    }
    if (db_path(given, path, sizeof(path)) != 0)
        return EXIT_ERROR;
    if (moat_advisories_open(path, &db, err, sizeof(err)) != 0) {
        cli_error("%s", err);
        return EXIT_ERROR;
    }
    if (!batch) {
        if (moat_advisories_explain(db, argv[optind], argv[optind + 1], argv[optind + 2], &text,
                                    &naff, err, sizeof(err)) != 0) {
            cli_error("%s", err);
            goto out;
        }
        fputs(text, stdout);
        rc = naff ? 1 : 0;
        goto out;
    }
    while (getline(&line, &cap, stdin) != -1) {
        char *f[3], *p = line, *ids = NULL;
        int k;
        line[strcspn(line, "\r\n")] = '\0';
        for (k = 0; k < 3; k++) {
            f[k] = p;
            p = strchr(p, '\t');
            if (k < 2) {
                if (!p)
                    break;
                *p++ = '\0';
            }
        }
        if (k < 3 || !f[0][0] || !f[1][0] || !f[2][0]) {
            printf("%s\tinvalid line\n", line);
            continue;
        }
        if (moat_advisories_affecting(db, f[0], f[1], f[2], flags, &ids, err, sizeof(err)) !=
            0) {
            cli_error("%s", err);
            goto out;
        }
        printf("%s\t%s\t%s\t%s\n", f[0], f[1], f[2], ids[0] ? ids : "-");
        free(ids);
    }
    rc = fflush(stdout) == 0 ? 0 : EXIT_ERROR;
out:
    free(line);
    free(text);
    moat_advisories_close(db);
    return rc;
}
