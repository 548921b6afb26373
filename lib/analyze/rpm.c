/*
 * rpm.c - RPM packages (Red Hat, Fedora, CentOS, Rocky, Alma, Amazon,
 * Oracle, SUSE): the package database in whichever of rpm's three
 * on-disk formats the image has, read from memory, never from this host:
 *   rpmdb.sqlite  rpm >= 4.16 (RHEL 9, Fedora 33+): SQLite, table
 *                 Packages(hnum, blob), read with libsqlite3 on a private
 *                 copy of the file (sqlite3_deserialize, read-only);
 *   Packages      rpm < 4.16 (RHEL/CentOS 7-8, Amazon Linux 2): Berkeley
 *                 DB Hash, walked by rpm_bdb.c;
 *   Packages.db   SUSE's ndb, walked by rpm_ndb.c.
 * The format is told by the file's content, not its name. Each value is an
 * rpm header blob (rpm_header.c) giving one package: name, version string
 * "[EPOCH:]VERSION-RELEASE" (the epoch whenever the header has one, even
 * 0, as rpm -q --qf '%{EPOCH}' shows it), arch, license as declared, vendor
 * as supplier, the source rpm split into name and "[EPOCH:]VERSION-RELEASE"
 * (rpm does not record the source epoch; binary and source share the spec
 * file's, so the binary's is used), the file list, the modularity label and
 * the file digests, modes, sizes and flags (struct rpm_db_files in
 * rec->data, for integrity checks).
 *
 * gpg-pubkey "packages" are not reported: they are the OpenPGP keys rpm
 * trusts (rpm -qa lists them), not software, own no files and have no
 * advisories. Records that are not valid headers are reported as problems
 * one by one (capped) and the rest of the database is still used.
 *
 * rpm uses one database per system. When an image holds several (a stale
 * BerkeleyDB beside a converted rpmdb.sqlite, or both /var/lib/rpm and
 * /usr/lib/sysimage/rpm as real directories) the finish step keeps one -
 * SQLite before ndb before BerkeleyDB, /usr/lib/sysimage before /var/lib -
 * and says so. A non-empty rpmdb.sqlite-wal beside the database means
 * transactions not yet checkpointed into it; that is reported too.
 */
#include "analyzer.h"
#include "finish.h"
#include "rpm_bdb.h"
#include "rpm_header.h"
#include "rpm_ndb.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/vec.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define MAX_DB_PROBLEMS 10 /* listed one by one per database; then counted */
#define SQLITE_PROGRESS_OPS 10000
#define MAX_DATABASES 16 /* visible rpm databases weighed in finish */

static const char *const db_paths[] = {
    "var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "var/lib/rpm/Packages",     "usr/lib/sysimage/rpm/Packages",
    "var/lib/rpm/Packages.db",  "usr/lib/sysimage/rpm/Packages.db",
};

/* What one database produced while it is read. */
struct collect {
    struct actx *c;
    const struct entry *e;
    struct vec infos;          /* struct rpm_pkg_info, up to MOAT_LIMIT_DB_PACKAGES */
    size_t budget;             /* file-path bytes still allowed */
    size_t problems, unlisted; /* problems listed, and those over the cap */
    size_t records, bad, pubkeys;
    uint64_t sqlite_steps;
};

static enum want
rpm_wants(const struct entry *e)
{
    size_t i;

    if (e->base[0] != 'r' && e->base[0] != 'P')
        return WANT_NO;
    for (i = 0; i < sizeof(db_paths) / sizeof(db_paths[0]); i++)
        if (strcmp(e->path, db_paths[i]) == 0)
            return WANT_WHOLE;
    return WANT_NO;
}

static void
db_problem(void *ud, enum moat_grade g, const char *msg)
{
    struct collect *k = ud;

    if (k->problems >= MAX_DB_PROBLEMS) {
        k->unlisted++;
        return;
    }
    k->problems++;
    actx_problem(k->c, g, k->e->path, "%s", msg);
}

static int
on_blob(void *ud, uint32_t key, const unsigned char *p, size_t n)
{
    struct collect *k = ud;
    struct rpm_pkg_info info, *slot;
    char err[200], msg[320];
    int rc;

    k->records++;
    rc = rpm_header_parse(k->c->arena, p, n, &k->budget, &info, err, sizeof(err));
    if (rc == MOAT_ENOMEM)
        return rc;
    if (rc) {
        k->bad++;
        snprintf(msg, sizeof(msg), "record %u is not a valid rpm header (%s); skipped", key, err);
        db_problem(k, MOAT_FAILED, msg);
        return 0;
    }
    if (strcmp(info.name, "gpg-pubkey") == 0) {
        k->pubkeys++;
        return 0;
    }
    if (info.warning) {
        snprintf(msg, sizeof(msg), "package %s-%s-%s: %s", info.name, info.version, info.release,
                 info.warning);
        db_problem(k, MOAT_FAILED, msg);
    }
    slot = vec_push(&k->infos);
    if (!slot) {
        if (k->infos.len < k->infos.max)
            return MOAT_ENOMEM;
        actx_problem(k->c, MOAT_FAILED, k->e->path,
                     "more than %d packages; the rest of the database was not read",
                     MOAT_LIMIT_DB_PACKAGES);
        return MOAT_ETOOBIG;
    }
    *slot = info;
    return 0;
}

static int
sqlite_progress(void *ud)
{
    struct collect *k = ud;

    k->sqlite_steps += SQLITE_PROGRESS_OPS;
    return k->sqlite_steps > MOAT_LIMIT_SQLITE_STEPS;
}

/* rpmdb.sqlite. SQLite reads a database in memory through its memdb VFS;
 * nothing touches the local filesystem. The copy lets the WAL flag bytes
 * be patched: a database in WAL mode (bytes 18 and 19 = 2) cannot be
 * opened without its -wal and -shm files, but is a plain rollback-journal
 * database as far as its main file goes once they say 1. */
static int
read_sqlite(struct collect *k, const char *buf, size_t len)
{
    static const char sql_kind[] = "SELECT type FROM sqlite_master WHERE name = 'Packages'";
    static const char sql_rows[] = "SELECT hnum, blob FROM Packages";
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    unsigned char *copy;
    const unsigned char *kind;
    int rc = 0, r;

    copy = sqlite3_malloc64(len);
    if (!copy)
        return MOAT_ENOMEM;
    memcpy(copy, buf, len);
    if (len > 19) {
        if (copy[18] == 2)
            copy[18] = 1;
        if (copy[19] == 2)
            copy[19] = 1;
    }
    r = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (r != SQLITE_OK) {
        sqlite3_free(copy);
        rc = r == SQLITE_NOMEM ? MOAT_ENOMEM : MOAT_EIO;
        goto out;
    }
    /* a hostile schema gets no code to run: no triggers, no views, no
     * functions from the schema, no writes to the shadow tables */
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
    sqlite3_progress_handler(db, SQLITE_PROGRESS_OPS, sqlite_progress, k);
    r = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                            SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE);
    if (r != SQLITE_OK) {
        rc = r == SQLITE_NOMEM ? MOAT_ENOMEM : MOAT_EIO;
        goto out;
    }
    r = sqlite3_prepare_v2(db, sql_kind, -1, &st, NULL);
    if (r == SQLITE_OK)
        r = sqlite3_step(st);
    kind = r == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    if (!kind || strcmp((const char *)kind, "table") != 0) {
        if (r == SQLITE_ROW || r == SQLITE_DONE)
            db_problem(k, MOAT_FAILED,
                       "SQLite database without a Packages table: not an rpm "
                       "database");
        else
            actx_problem(k->c, MOAT_FAILED, k->e->path, "unreadable SQLite database: %.200s",
                         sqlite3_errmsg(db));
        rc = MOAT_EINVAL;
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    r = sqlite3_prepare_v2(db, sql_rows, -1, &st, NULL);
    while (r == SQLITE_OK || r == SQLITE_ROW) {
        const void *blob;
        sqlite3_int64 hnum;
        int n;
        r = sqlite3_step(st);
        if (r != SQLITE_ROW)
            break;
        hnum = sqlite3_column_int64(st, 0);
        blob = sqlite3_column_blob(st, 1);
        n = sqlite3_column_bytes(st, 1);
        if (!blob || n <= 0) {
            char msg[96];
            snprintf(msg, sizeof(msg), "record %lld has no header blob; skipped", (long long)hnum);
            db_problem(k, MOAT_FAILED, msg);
            continue;
        }
        rc = on_blob(k, (uint32_t)hnum, blob, (size_t)n);
        if (rc)
            goto out;
    }
    if (r != SQLITE_DONE) {
        if (r == SQLITE_NOMEM) {
            rc = MOAT_ENOMEM;
        } else if (r == SQLITE_INTERRUPT) {
            actx_problem(k->c, MOAT_FAILED, k->e->path,
                         "reading took more than %llu SQLite steps; the rest was not read",
                         (unsigned long long)MOAT_LIMIT_SQLITE_STEPS);
        } else {
            actx_problem(k->c, MOAT_FAILED, k->e->path,
                         "SQLite stopped after %zu records: %.200s; the rest was not read",
                         k->records, sqlite3_errmsg(db));
        }
    }
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

/* "name-version-release.src.rpm" -> name and version-release. */
static void
source_rpm(struct actx *c, struct pkg *p, const struct rpm_pkg_info *info)
{
    const char *s = info->sourcerpm, *rel, *ver;
    size_t n;

    if (!s)
        return;
    n = strlen(s);
    if (str_ends(s, ".src.rpm"))
        n -= 8;
    else if (str_ends(s, ".nosrc.rpm"))
        n -= 10;
    else
        goto odd;
    for (rel = s + n; rel > s && rel[-1] != '-'; rel--)
        ;
    if (rel <= s + 1)
        goto odd;
    for (ver = rel - 1; ver > s && ver[-1] != '-'; ver--)
        ;
    if (ver <= s + 1 || ver == rel - 1 || rel == s + n)
        goto odd;
    p->source_name = arena_strndup(c->arena, s, (size_t)(ver - 1 - s));
    if (info->has_epoch)
        p->source_version = arena_printf(c->arena, "%u:%.*s", info->epoch, (int)(s + n - ver), ver);
    else
        p->source_version = arena_strndup(c->arena, ver, (size_t)(s + n - ver));
    return;
odd:
    /* not rpmbuild's naming: keep it where a reader can see it */
    pkg_prop(c, p, "rpm:sourcerpm", s);
}

/* Turns the collected headers into one REC_PKGS record with the file
 * attributes in rec->data. */
static int
make_record(struct collect *k, const char *backend)
{
    struct actx *c = k->c;
    size_t n = k->infos.len, i;
    struct rpm_file_attrs *attrs = NULL;
    struct rpm_db_files *dbf;
    struct pkg *pkgs = NULL;
    struct rec *r;

    r = rec_new(c, REC_PKGS, k->e->path);
    dbf = arena_alloc(c->arena, sizeof(*dbf));
    if (!r || !dbf)
        return MOAT_ENOMEM;
    dbf->backend = backend;
    r->data = dbf;
    if (n == 0)
        return 0;
    pkgs = rec_add_pkgs(c, r, n);
    attrs = arena_alloc(c->arena, n * sizeof(*attrs));
    if (!pkgs || !attrs)
        return MOAT_ENOMEM;
    dbf->npkgs = n;
    dbf->attrs = attrs;
    for (i = 0; i < n; i++) {
        const struct rpm_pkg_info *info = VEC_AT(&k->infos, struct rpm_pkg_info, i);
        struct pkg *p = &pkgs[i];
        p->type = MOAT_PKG_RPM;
        p->db = 1;
        p->name = info->name;
        if (info->has_epoch)
            p->version =
                arena_printf(c->arena, "%u:%s-%s", info->epoch, info->version, info->release);
        else
            p->version = arena_printf(c->arena, "%s-%s", info->version, info->release);
        p->arch = info->arch;
        p->license = info->license;
        p->supplier = info->vendor;
        p->files = info->files;
        p->nfiles = info->nfiles;
        attrs[i] = info->attrs;
        source_rpm(c, p, info);
        if (!p->version || (info->sourcerpm && !p->source_name && !p->nprops))
            return MOAT_ENOMEM;
        if (pkg_prop(c, p, "rpm:modularitylabel", info->modularitylabel))
            return MOAT_ENOMEM;
        if (info->attrs.digests && pkg_prop(c, p, "rpm:filedigestalgo", info->attrs.digest_name))
            return MOAT_ENOMEM;
    }
    return 0;
}

static int
rpm_whole(struct actx *c, const struct entry *e, const char *buf, size_t len)
{
    const unsigned char *u = (const unsigned char *)buf;
    struct collect k;
    const char *backend;
    int rc;

    memset(&k, 0, sizeof(k));
    k.c = c;
    k.e = e;
    k.budget = MOAT_LIMIT_RPM_FILE_BYTES;
    vec_init(&k.infos, sizeof(struct rpm_pkg_info), MOAT_LIMIT_DB_PACKAGES);
    {
        const struct rpm_db_sink sink = {on_blob, db_problem, &k};
        if (len == 0) {
            actx_problem(c, MOAT_WARN, e->path, "empty rpm database: no packages");
            rc = 0;
            goto out;
        }
        if (len >= 16 && memcmp(buf, "SQLite format 3", 16) == 0) {
            backend = "sqlite";
            rc = read_sqlite(&k, buf, len);
        } else if (rpm_ndb_detect(u, len)) {
            backend = "ndb";
            rc = rpm_ndb_read(u, len, &sink);
        } else if (rpm_bdb_detect(u, len)) {
            backend = "bdb";
            rc = rpm_bdb_read(u, len, &sink);
        } else {
            actx_problem(c, MOAT_FAILED, e->path,
                         "not an rpm database: no SQLite, Berkeley DB "
                         "or ndb signature");
            rc = 0;
            goto out;
        }
    }
    if (rc == MOAT_ENOMEM)
        goto out;
    if (k.unlisted)
        actx_problem(c, MOAT_FAILED, e->path, "%zu further problems with this database",
                     k.unlisted);
    if (rc != 0 && rc != MOAT_ETOOBIG) {
        rc = 0; /* unreadable as a whole: reported by the reader, no record */
        goto out;
    }
    if (k.bad && k.bad == k.records)
        actx_problem(c, MOAT_FAILED, e->path, "none of the %zu records is a valid rpm header",
                     k.records);
    rc = make_record(&k, backend);
out:
    vec_free(&k.infos);
    return rc;
}

static int
backend_rank(const struct rec *r)
{
    const struct rpm_db_files *d = r->data;
    int rank = 0;

    if (d && strcmp(d->backend, "sqlite") == 0)
        rank = 4;
    else if (d && strcmp(d->backend, "ndb") == 0)
        rank = 2;
    if (str_starts(r->path, "usr/lib/sysimage/"))
        rank++;
    return rank;
}

/* One database per system (see the top of the file), and a warning for
 * write-ahead logs that were never checkpointed. */
static int
rpm_finish(struct finish_ctx *f, const struct analyzer *self)
{
    struct rec *dbs[MAX_DATABASES], *r, *best = NULL;
    struct rec_iter it = {0, 0};
    size_t n = 0, i;

    while ((r = finish_next(f, self, &it)) != NULL) {
        if (r->kind != REC_PKGS || n == MAX_DATABASES)
            continue;
        dbs[n++] = r;
        if (!best || backend_rank(r) > backend_rank(best))
            best = r;
    }
    for (i = 0; i < n; i++) {
        const struct rpm_db_files *d = dbs[i]->data;
        if (d && strcmp(d->backend, "sqlite") == 0) {
            char wal[MOAT_LIMIT_PATH + 8];
            const struct fs_node *node;
            snprintf(wal, sizeof(wal), "%s-wal", dbs[i]->path);
            node = fs_lookup(f->fs, wal);
            if (node && node->e->type == ENTRY_REG && node->e->size > 0)
                finish_problem(f, MOAT_WARN, node->e->layer, wal, self->name,
                               "%llu bytes of write-ahead log were never checkpointed into "
                               "/%s; packages installed or removed by those transactions may "
                               "be missing or still listed",
                               (unsigned long long)node->e->size, dbs[i]->path);
        }
        if (dbs[i] == best)
            continue;
        finish_problem(f, MOAT_WARN, dbs[i]->layer, dbs[i]->path, self->name,
                       "rpm uses one package database; /%s is the one reported, the %zu "
                       "packages of this one are not",
                       best->path, dbs[i]->npkgs);
        dbs[i]->npkgs = 0;
        if (dbs[i]->data)
            ((struct rpm_db_files *)dbs[i]->data)->npkgs = 0;
    }
    return 0;
}

const struct analyzer analyzer_rpm = {
    .name = "rpm",
    .version = 1,
    .wants = rpm_wants,
    .max_size = MOAT_LIMIT_RPM_DB,
    .whole = rpm_whole,
    .finish = rpm_finish,
};
