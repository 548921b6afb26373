/*
 * build.c - see build.h. The temporary file is written with SQLite's
 * journal and syncs off: it is private until the rename, and a failure
 * discards it, so the durability that matters comes from the fsync before
 * the rename and the fsync of the directory after it.
 */
#include "build.h"
#include "db.h"
#include "base/err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TMP_INFIX ".tmp-"

enum stmt {
    ST_SOURCE_UPSERT,
    ST_SOURCE_ID,
    ST_SOURCE_PARK,
    ST_SOURCE_GONE_AFFECTED,
    ST_SOURCE_GONE,
    ST_SOURCE_SKIPPED,
    ST_FIND,
    ST_DEL_AFFECTED,
    ST_DEL_RECORD,
    ST_INS_RECORD,
    ST_INS_AFFECTED,
    ST_META,
    ST_COUNT
};

/* Records of a source being re-imported are parked under the negated source
 * id until the source provides them again or the source ends. */
static const char *const stmt_sql[ST_COUNT] = {
    [ST_SOURCE_UPSERT] =
        ("INSERT INTO source(name, kind, location, etag, last_modified, fetched)"
         " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(name) DO UPDATE SET kind = ?2,"
         " location = ?3, etag = ?4, last_modified = ?5, fetched = ?6"),
    [ST_SOURCE_ID] = "SELECT sid FROM source WHERE name = ?1",
    [ST_SOURCE_PARK] = "UPDATE record SET sid = -sid WHERE sid = ?1",
    [ST_SOURCE_GONE_AFFECTED] =
        "DELETE FROM affected WHERE rid IN (SELECT rid FROM record WHERE sid = -?1)",
    [ST_SOURCE_GONE] = "DELETE FROM record WHERE sid = -?1",
    [ST_SOURCE_SKIPPED] = "UPDATE source SET skipped = ?2 WHERE sid = ?1",
    [ST_FIND] = "SELECT rid, modified, sid FROM record WHERE id = ?1",
    [ST_DEL_AFFECTED] = "DELETE FROM affected WHERE rid = ?1",
    [ST_DEL_RECORD] = "DELETE FROM record WHERE rid = ?1",
    [ST_INS_RECORD] =
        ("INSERT INTO record(id, sid, flags, modified, modified_text, published, withdrawn,"
         " summary, details, aliases, related, upstream, refs, severity, schema_version)"
         " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"),
    [ST_INS_AFFECTED] =
        ("INSERT INTO affected(ecosystem, key, rid, seq, id, flags, release, name, purl, ranges,"
         " versions, nversions, git_ranges, severity)"
         " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"),
    [ST_META] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
};

struct advisory_build {
    char *path; /* the database */
    char *tmp;  /* the file being built */
    int dirfd;  /* locked */
    int tmpfd;
    sqlite3 *sql;
    sqlite3_stmt *st[ST_COUNT];
};

/* ---- files ---- */

int
advisory_make_parents(const char *path, char *err, size_t errlen)
{
    char d[PATH_MAX];
    size_t n = strlen(path), i;

    if (n >= sizeof(d)) {
        snprintf(err, errlen, "%s: path too long", path);
        return MOAT_EINVAL;
    }
    memcpy(d, path, n + 1);
    for (i = 1; i < n; i++) {
        if (d[i] != '/')
            continue;
        d[i] = '\0';
        if (mkdir(d, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", d, strerror(errno));
            return MOAT_EIO;
        }
        d[i] = '/';
    }
    return 0;
}

static void
split_path(const char *path, char *dir, size_t dlen, const char **base)
{
    const char *slash = strrchr(path, '/');

    if (!slash) {
        snprintf(dir, dlen, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(dir, dlen, "/");
        *base = slash + 1;
    } else {
        snprintf(dir, dlen, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
}

/* Removes temporary files a killed writer left (we hold the lock, so no
 * live writer owns one). */
static void
remove_stale(int dirfd, const char *base)
{
    char prefix[NAME_MAX + 16];
    struct dirent *e;
    DIR *d;
    int fd = dup(dirfd);

    if (fd < 0)
        return;
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    snprintf(prefix, sizeof(prefix), ".%s" TMP_INFIX, base);
    for (;;) {
        e = readdir(d);
        if (!e)
            break;
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            unlinkat(dirfd, e->d_name, 0);
    }
    closedir(d);
}

/* Copies the current database into the temporary file, checking every page
 * first: building on a damaged file would carry the damage forward under
 * fresh checksums. */
static int
copy_current(struct advisory_build *b, char *err, size_t errlen)
{
    char why[200], chunk[1 << 16];
    unsigned char hb[100];
    int fd = open(b->path, O_RDONLY | O_CLOEXEC), rc;
    ssize_t r;

    if (fd < 0) {
        if (errno == ENOENT)
            return 1; /* new database */
        snprintf(err, errlen, "%s: %s", b->path, strerror(errno));
        return MOAT_EIO;
    }
    rc = advisory_db_check_pages(fd, NULL, why, sizeof(why));
    if (rc == 0 && (pread(fd, hb, sizeof(hb), 0) != (ssize_t)sizeof(hb) ||
                    ((uint32_t)hb[60] << 24 | (uint32_t)hb[61] << 16 | (uint32_t)hb[62] << 8 |
                     hb[63]) != ADVISORY_DB_SCHEMA)) {
        snprintf(why, sizeof(why), "written with another schema version");
        rc = MOAT_EUNSUP;
    }
    if (rc) {
        snprintf(err, errlen,
                 "existing advisory database %s: %s; remove it (or name another file with "
                 "--db) to build a new one",
                 b->path, why);
        close(fd);
        return rc;
    }
    for (;;) {
        r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (write(b->tmpfd, chunk, (size_t)r) != r) {
            r = -1;
            break;
        }
    }
    if (r < 0) {
        snprintf(err, errlen, "copying %s: %s", b->path, strerror(errno));
        close(fd);
        return MOAT_EIO;
    }
    close(fd);
    return 0;
}

/* ---- SQL ---- */

static int
sql_fail(struct advisory_build *b, const char *what, char *err, size_t errlen)
{
    int code = sqlite3_errcode(b->sql);

    snprintf(err, errlen, "writing %s: %s: %s", b->path, what, sqlite3_errmsg(b->sql));
    return code == SQLITE_NOMEM ? MOAT_ENOMEM : MOAT_EIO;
}

static int
exec(struct advisory_build *b, const char *sql, char *err, size_t errlen)
{
    if (sqlite3_exec(b->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(b, sql, err, errlen);
    return 0;
}

/* Runs a prepared statement that returns no rows, then resets it. */
static int
run(struct advisory_build *b, enum stmt s, char *err, size_t errlen)
{
    int r = sqlite3_step(b->st[s]);

    sqlite3_reset(b->st[s]);
    sqlite3_clear_bindings(b->st[s]);
    if (r != SQLITE_DONE)
        return sql_fail(b, stmt_sql[s], err, errlen);
    return 0;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static int
set_meta(struct advisory_build *b, const char *key, const char *value, char *err, size_t errlen)
{
    bind_text(b->st[ST_META], 1, key);
    bind_text(b->st[ST_META], 2, value);
    return run(b, ST_META, err, errlen);
}

static int
create_schema(struct advisory_build *b, char *err, size_t errlen)
{
    char pragmas[160];
    int reserve = ADVISORY_DB_RESERVE, rc;

    /* reserved bytes must be set before the first page is written */
    if (sqlite3_file_control(b->sql, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve) != SQLITE_OK)
        return sql_fail(b, "reserving page checksum space", err, errlen);
    snprintf(pragmas, sizeof(pragmas),
             "PRAGMA page_size = 4096; PRAGMA application_id = %d; PRAGMA user_version = %d;",
             ADVISORY_DB_APP_ID, ADVISORY_DB_SCHEMA);
    rc = exec(b, pragmas, err, errlen);
    if (!rc)
        rc = exec(b, advisory_db_schema_sql, err, errlen);
    return rc;
}

/* ---- the build ---- */

int
advisory_build_begin(const char *path, struct advisory_build **out, char *err, size_t errlen)
{
    struct advisory_build *b;
    char dir[PATH_MAX], now[32];
    const char *base;
    int rc, r, fresh, i;

    *out = NULL;
    b = calloc(1, sizeof(*b));
    if (!b)
        return MOAT_ENOMEM;
    b->dirfd = -1;
    b->tmpfd = -1;
    b->path = strdup(path);
    if (!b->path || strlen(path) + 32 >= sizeof(dir)) {
        rc = b->path ? MOAT_EINVAL : MOAT_ENOMEM;
        snprintf(err, errlen, "%s: path too long", path);
        goto fail;
    }
    rc = advisory_make_parents(path, err, errlen);
    if (rc)
        goto fail;
    split_path(path, dir, sizeof(dir), &base);
    if (!*base) {
        snprintf(err, errlen, "%s: not a file name", path);
        rc = MOAT_EINVAL;
        goto fail;
    }
    b->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (b->dirfd < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        rc = MOAT_EIO;
        goto fail;
    }
    if (flock(b->dirfd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errlen, "%s is being written by another moat (lock on %s)", path, dir);
        rc = MOAT_EIO;
        goto fail;
    }
    remove_stale(b->dirfd, base);
    b->tmp = malloc(strlen(dir) + strlen(base) + 16);
    if (!b->tmp) {
        rc = MOAT_ENOMEM;
        goto fail;
    }
    snprintf(b->tmp, strlen(dir) + strlen(base) + 16, "%s/.%s" TMP_INFIX "XXXXXX", dir, base);
    b->tmpfd = mkostemp(b->tmp, O_CLOEXEC);
    if (b->tmpfd < 0) {
        snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(errno));
        free(b->tmp);
        b->tmp = NULL;
        rc = MOAT_EIO;
        goto fail;
    }
    if (fchmod(b->tmpfd, 0644) != 0) {
        snprintf(err, errlen, "%s: %s", b->tmp, strerror(errno));
        rc = MOAT_EIO;
        goto fail;
    }
    rc = copy_current(b, err, errlen);
    if (rc < 0)
        goto fail;
    fresh = rc == 1;
    r = sqlite3_open_v2(b->tmp, &b->sql, SQLITE_OPEN_READWRITE, NULL);
    if (r != SQLITE_OK) {
        rc = sql_fail(b, "opening", err, errlen);
        goto fail;
    }
    rc = exec(b,
              "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
              " PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY;"
              " PRAGMA cache_size = -32768;",
              err, errlen);
    if (!rc && fresh)
        rc = create_schema(b, err, errlen);
    if (!rc)
        rc = exec(b, "BEGIN", err, errlen);
    if (rc)
        goto fail;
    for (i = 0; i < ST_COUNT; i++)
        if (sqlite3_prepare_v2(b->sql, stmt_sql[i], -1, &b->st[i], NULL) != SQLITE_OK) {
            rc = sql_fail(b, "preparing", err, errlen);
            goto fail;
        }
    if (fresh) {
        snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
        rc = set_meta(b, "created", now, err, errlen);
        if (rc)
            goto fail;
    }
    *out = b;
    return 0;
fail:
    advisory_build_abort(b);
    return rc;
}

int
advisory_build_source(struct advisory_build *b, const char *name, const char *kind,
                      const char *location, const char *etag, const char *last_modified,
                      int64_t *sid, char *err, size_t errlen)
{
    sqlite3_stmt *st = b->st[ST_SOURCE_UPSERT];
    int rc, r;

    bind_text(st, 1, name);
    bind_text(st, 2, kind);
    bind_text(st, 3, location);
    bind_text(st, 4, etag);
    bind_text(st, 5, last_modified);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
    rc = run(b, ST_SOURCE_UPSERT, err, errlen);
    if (rc)
        return rc;
    st = b->st[ST_SOURCE_ID];
    bind_text(st, 1, name);
    r = sqlite3_step(st);
    *sid = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (r != SQLITE_ROW)
        return sql_fail(b, "source id", err, errlen);
    sqlite3_bind_int64(b->st[ST_SOURCE_PARK], 1, *sid);
    return run(b, ST_SOURCE_PARK, err, errlen);
}

int
advisory_build_source_end(struct advisory_build *b, int64_t sid, uint64_t skipped,
                          uint64_t *removed, char *err, size_t errlen)
{
    int rc;

    sqlite3_bind_int64(b->st[ST_SOURCE_GONE_AFFECTED], 1, sid);
    rc = run(b, ST_SOURCE_GONE_AFFECTED, err, errlen);
    if (rc)
        return rc;
    sqlite3_bind_int64(b->st[ST_SOURCE_GONE], 1, sid);
    rc = run(b, ST_SOURCE_GONE, err, errlen);
    if (rc)
        return rc;
    if (removed)
        *removed = (uint64_t)sqlite3_changes(b->sql);
    sqlite3_bind_int64(b->st[ST_SOURCE_SKIPPED], 1, sid);
    sqlite3_bind_int64(b->st[ST_SOURCE_SKIPPED], 2, (sqlite3_int64)skipped);
    return run(b, ST_SOURCE_SKIPPED, err, errlen);
}

int
advisory_build_put(struct advisory_build *b, int64_t sid, const struct osv_record *r, char *err,
                   size_t errlen)
{
    sqlite3_stmt *st = b->st[ST_FIND];
    int64_t rid = 0, stored_sid = 0, stored_mod = 0;
    int found, rc, s;
    size_t i;

    bind_text(st, 1, r->id);
    s = sqlite3_step(st);
    found = s == SQLITE_ROW;
    if (found) {
        rid = sqlite3_column_int64(st, 0);
        stored_mod = sqlite3_column_int64(st, 1);
        stored_sid = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (!found && s != SQLITE_DONE)
        return sql_fail(b, "finding a record", err, errlen);
    if (found) {
        /* the copy this very source provided last time is replaced; a copy
         * from another source only by a record at least as recent */
        if (stored_sid != -sid && stored_mod > r->modified)
            return 0;
        sqlite3_bind_int64(b->st[ST_DEL_AFFECTED], 1, rid);
        rc = run(b, ST_DEL_AFFECTED, err, errlen);
        if (rc)
            return rc;
        sqlite3_bind_int64(b->st[ST_DEL_RECORD], 1, rid);
        rc = run(b, ST_DEL_RECORD, err, errlen);
        if (rc)
            return rc;
    }
    st = b->st[ST_INS_RECORD];
    bind_text(st, 1, r->id);
    sqlite3_bind_int64(st, 2, sid);
    sqlite3_bind_int(st, 3, (int)r->flags);
    sqlite3_bind_int64(st, 4, r->modified);
    bind_text(st, 5, r->modified_text);
    bind_text(st, 6, r->published);
    bind_text(st, 7, r->withdrawn);
    bind_text(st, 8, r->summary);
    bind_text(st, 9, r->details);
    bind_text(st, 10, r->aliases);
    bind_text(st, 11, r->related);
    bind_text(st, 12, r->upstream);
    bind_text(st, 13, r->refs);
    bind_text(st, 14, r->severity);
    bind_text(st, 15, r->schema_version);
    rc = run(b, ST_INS_RECORD, err, errlen);
    if (rc)
        return rc;
    rid = sqlite3_last_insert_rowid(b->sql);
    st = b->st[ST_INS_AFFECTED];
    for (i = 0; i < r->naffected; i++) {
        const struct osv_affected *af = &r->affected[i];
        bind_text(st, 1, af->ecosystem);
        bind_text(st, 2, af->key);
        sqlite3_bind_int64(st, 3, rid);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)i);
        bind_text(st, 5, r->id);
        sqlite3_bind_int(st, 6, (int)r->flags);
        bind_text(st, 7, af->release);
        bind_text(st, 8, af->name);
        bind_text(st, 9, af->purl);
        bind_text(st, 10, af->ranges);
        bind_text(st, 11, af->versions);
        sqlite3_bind_int64(st, 12, (sqlite3_int64)af->nversions);
        sqlite3_bind_int(st, 13, (int)af->git_ranges);
        bind_text(st, 14, af->severity);
        rc = run(b, ST_INS_AFFECTED, err, errlen);
        if (rc)
            return rc;
    }
    return 1;
}

/* VACUUM when a quarter of the file is free pages (records replaced or
 * removed): the file is copied by every later write and by users. */
static int
compact(struct advisory_build *b, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int64_t free_pages = 0, pages = 0;

    if (sqlite3_prepare_v2(b->sql,
                           "SELECT freelist_count, page_count FROM"
                           " pragma_freelist_count, pragma_page_count",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        free_pages = sqlite3_column_int64(st, 0);
        pages = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (pages == 0 || free_pages * 4 < pages)
        return 0;
    return exec(b, "VACUUM", err, errlen);
}

int
advisory_build_commit(struct advisory_build *b, char *err, size_t errlen)
{
    char now[32];
    int rc, i;

    snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
    rc = set_meta(b, "updated", now, err, errlen);
    if (!rc)
        rc = set_meta(b, "writer", MOAT_VERSION, err, errlen);
    if (!rc)
        rc = set_meta(b, "complete", "1", err, errlen);
    if (!rc)
        rc = exec(b, "COMMIT", err, errlen);
    for (i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(b->st[i]);
        b->st[i] = NULL;
    }
    if (!rc)
        rc = compact(b, err, errlen);
    if (rc)
        goto fail;
    if (sqlite3_close(b->sql) != SQLITE_OK) {
        rc = sql_fail(b, "closing", err, errlen);
        goto fail;
    }
    b->sql = NULL;
    rc = advisory_db_stamp(b->tmpfd, err, errlen);
    if (rc)
        goto fail;
    if (fsync(b->tmpfd) != 0 || rename(b->tmp, b->path) != 0) {
        snprintf(err, errlen, "replacing %s: %s", b->path, strerror(errno));
        rc = MOAT_EIO;
        goto fail;
    }
    free(b->tmp);
    b->tmp = NULL;
    /* the rename is durable once the directory is */
    fsync(b->dirfd);
    advisory_build_abort(b);
    return 0;
fail:
    advisory_build_abort(b);
    return rc;
}

void
advisory_build_abort(struct advisory_build *b)
{
    int i;

    if (!b)
        return;
    for (i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(b->st[i]);
    sqlite3_close(b->sql);
    if (b->tmp)
        unlink(b->tmp);
    if (b->tmpfd >= 0)
        close(b->tmpfd);
    if (b->dirfd >= 0)
        close(b->dirfd); /* releases the lock */
    free(b->tmp);
    free(b->path);
    free(b);
}
