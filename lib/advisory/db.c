/*
 * db.c - see db.h: opening the database read-only, the page checksums and
 * the SQLite VFS shim that verifies them as pages are read, lookups, record
 * fetches, decoders of the storage encodings, and `moat db info`.
 *
 * Page checksums: the database is created with ADVISORY_DB_RESERVE bytes
 * reserved at the end of every page (SQLite leaves them alone). After the
 * writer closed the file, advisory_db_stamp() puts the page number and a
 * CRC-32 of the rest of the page there. Readers open the file through the
 * "moat-checked" VFS, which wraps the default one and checks every whole
 * page SQLite reads, so the cost is one CRC per page actually read - not a
 * pass over the whole file per scan (that is what `moat db info --verify`
 * does). See docs/internals/ADVISORY_DB.md for the trade-off.
 */
#include "db.h"
#include "base/err.h"
#include "base/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define VFS_NAME "moat-checked"

const char advisory_db_schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE source(sid INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,\n"
    "  kind TEXT NOT NULL, location TEXT NOT NULL, etag TEXT, last_modified TEXT,\n"
    "  fetched INTEGER NOT NULL, skipped INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE record(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,\n"
    "  sid INTEGER NOT NULL, flags INTEGER NOT NULL, modified INTEGER NOT NULL,\n"
    "  modified_text TEXT NOT NULL, published TEXT, withdrawn TEXT, summary TEXT,\n"
    "  details TEXT, aliases TEXT NOT NULL, related TEXT NOT NULL, upstream TEXT NOT NULL,\n"
    "  refs TEXT NOT NULL, severity TEXT NOT NULL, schema_version TEXT);\n"
    "CREATE INDEX record_sid ON record(sid);\n"
    "CREATE TABLE affected(ecosystem TEXT NOT NULL, key TEXT NOT NULL,\n"
    "  rid INTEGER NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, flags INTEGER NOT NULL,\n"
    "  release TEXT NOT NULL, name TEXT NOT NULL, purl TEXT, ranges TEXT NOT NULL,\n"
    "  versions TEXT NOT NULL, nversions INTEGER NOT NULL, git_ranges INTEGER NOT NULL,\n"
    "  severity TEXT NOT NULL,\n"
    "  PRIMARY KEY(ecosystem, key, rid, seq)) WITHOUT ROWID;\n"
    "CREATE INDEX affected_rid ON affected(rid);\n";

struct advisory_db {
    char *path;
    int fd; /* the file as opened: verify reads this inode */
    sqlite3 *sql;
    sqlite3_stmt *lookup, *lookup_release, *by_id, *by_row;
    pthread_mutex_t lock;
    int64_t updated, created;
    uint64_t steps; /* SQLite VM steps of the current call */
};

/* ---- header and checksums ---- */

struct header {
    unsigned pgsz;
    unsigned reserve;
    uint32_t pages;
    uint32_t user_version;
    uint32_t app_id;
    int count_valid; /* the page count field is current */
};

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Parses the 100-byte SQLite header (sqlite.org/fileformat.html 1.3). */
static int
parse_header(const unsigned char *h, struct header *o)
{
    unsigned ps = (unsigned)h[16] << 8 | h[17];

    if (memcmp(h, "SQLite format 3", 16) != 0)
        return -1;
    o->pgsz = ps == 1 ? 65536 : ps;
    if (o->pgsz < 512 || (o->pgsz & (o->pgsz - 1)))
        return -1;
    o->reserve = h[20];
    o->pages = be32(h + 28);
    o->user_version = be32(h + 60);
    o->app_id = be32(h + 68);
    o->count_valid = be32(h + 24) == be32(h + 92);
    return 0;
}

static uint32_t
page_crc(const unsigned char *page, unsigned pgsz, uint32_t pgno)
{
    unsigned char n[4];
    uLong c = crc32(0L, Z_NULL, 0);

    put_be32(n, pgno);
    c = crc32(c, page, pgsz - ADVISORY_DB_RESERVE);
    return (uint32_t)crc32(c, n, 4);
}

static int
page_ok(const unsigned char *page, unsigned pgsz, uint32_t pgno)
{
    const unsigned char *r = page + pgsz - ADVISORY_DB_RESERVE;

    return be32(r) == pgno && be32(r + 4) == page_crc(page, pgsz, pgno);
}

static int
read_full(int fd, void *p, size_t n, off_t off)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = pread(fd, (char *)p + got, n - got, off + (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* Header of fd, checked against the file length. */
static int
check_header(int fd, struct header *h, char *err, size_t errlen)
{
    unsigned char hb[100];
    struct stat st;

    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        return MOAT_EINVAL;
    }
    if (st.st_size < 100 || read_full(fd, hb, sizeof(hb), 0) != 0 || parse_header(hb, h) != 0) {
        snprintf(err, errlen, "not an SQLite database (a moat advisory database is one)");
        return MOAT_EINVAL;
    }
    if (h->app_id != ADVISORY_DB_APP_ID) {
        snprintf(err, errlen, "an SQLite database, but not a moat advisory database");
        return MOAT_EINVAL;
    }
    if (h->reserve != ADVISORY_DB_RESERVE || !h->count_valid) {
        snprintf(err, errlen, "damaged header (page checksums or page count missing)");
        return MOAT_EINVAL;
    }
    if ((uint64_t)st.st_size != (uint64_t)h->pgsz * h->pages) {
        snprintf(err, errlen, "truncated or extended: %lld bytes, its header says %llu",
                 (long long)st.st_size, (unsigned long long)h->pgsz * h->pages);
        return MOAT_EINVAL;
    }
    return 0;
}

static int
walk_pages(int fd, int stamp, uint64_t *pages, char *err, size_t errlen)
{
    struct header h;
    unsigned char *page;
    uint32_t i;
    int rc;

    rc = check_header(fd, &h, err, errlen);
    if (rc)
        return rc;
    page = malloc(h.pgsz);
    if (!page)
        return MOAT_ENOMEM;
    for (i = 1; i <= h.pages; i++) {
        off_t off = (off_t)(i - 1) * h.pgsz;
        if (read_full(fd, page, h.pgsz, off) != 0) {
            snprintf(err, errlen, "cannot read page %u: %s", i, strerror(errno));
            rc = MOAT_EIO;
            break;
        }
        if (stamp) {
            unsigned char *r = page + h.pgsz - ADVISORY_DB_RESERVE;
            put_be32(r, i);
            put_be32(r + 4, page_crc(page, h.pgsz, i));
            if (pwrite(fd, r, ADVISORY_DB_RESERVE, off + h.pgsz - ADVISORY_DB_RESERVE) !=
                ADVISORY_DB_RESERVE) {
                snprintf(err, errlen, "cannot write page %u: %s", i, strerror(errno));
                rc = MOAT_EIO;
                break;
            }
        } else if (!page_ok(page, h.pgsz, i)) {
            snprintf(err, errlen, "corrupt: page %u of %u fails its checksum", i, h.pages);
            rc = MOAT_EINVAL;
            break;
        }
    }
    free(page);
    if (!rc && pages)
        *pages = h.pages;
    return rc;
}

int
advisory_db_stamp(int fd, char *err, size_t errlen)
{
    return walk_pages(fd, 1, NULL, err, errlen);
}

int
advisory_db_check_pages(int fd, uint64_t *pages, char *err, size_t errlen)
{
    return walk_pages(fd, 0, pages, err, errlen);
}

/* ---- the checking VFS ----
 * A shim over the default VFS whose only change is in xRead. It is
 * registered once per process (SQLite keeps VFSes in a global list) and is
 * immutable after that, so it is shared by every handle and thread. */

struct ck_file {
    sqlite3_file base;
    sqlite3_file *real; /* the wrapped file, allocated right after this */
    unsigned pgsz;      /* 0: not a database file, nothing to verify */
    int bad_header;     /* main database without checksums: refuse pages */
};

static sqlite3_vfs *ck_root;
static sqlite3_vfs ck_vfs;
static pthread_once_t ck_once = PTHREAD_ONCE_INIT;

static int
ck_close(sqlite3_file *f)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xClose(c->real);
}

static int
ck_read(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
    struct ck_file *c = (struct ck_file *)f;
    int rc = c->real->pMethods->xRead(c->real, p, amt, off);

    if (rc != SQLITE_OK || !c->pgsz || (unsigned)amt != c->pgsz || off % c->pgsz != 0)
        return rc;
    if (c->bad_header || !page_ok(p, c->pgsz, (uint32_t)(off / c->pgsz) + 1))
        return SQLITE_IOERR_DATA;
    return SQLITE_OK;
}

static int
ck_write(sqlite3_file *f, const void *p, int amt, sqlite3_int64 off)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xWrite(c->real, p, amt, off);
}

static int
ck_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xTruncate(c->real, size);
}

static int
ck_sync(sqlite3_file *f, int flags)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xSync(c->real, flags);
}

static int
ck_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xFileSize(c->real, size);
}

static int
ck_lock(sqlite3_file *f, int level)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xLock(c->real, level);
}

static int
ck_unlock(sqlite3_file *f, int level)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xUnlock(c->real, level);
}

static int
ck_check_reserved(sqlite3_file *f, int *out)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xCheckReservedLock(c->real, out);
}

static int
ck_file_control(sqlite3_file *f, int op, void *arg)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xFileControl(c->real, op, arg);
}

static int
ck_sector_size(sqlite3_file *f)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xSectorSize(c->real);
}

static int
ck_device(sqlite3_file *f)
{
    struct ck_file *c = (struct ck_file *)f;
    return c->real->pMethods->xDeviceCharacteristics(c->real);
}

/* Version 1 methods only: no shared memory (the file is never in WAL mode)
 * and no xFetch, so SQLite cannot bypass xRead through mmap. */
static const sqlite3_io_methods ck_io = {
    .iVersion = 1,
    .xClose = ck_close,
    .xRead = ck_read,
    .xWrite = ck_write,
    .xTruncate = ck_truncate,
    .xSync = ck_sync,
    .xFileSize = ck_file_size,
    .xLock = ck_lock,
    .xUnlock = ck_unlock,
    .xCheckReservedLock = ck_check_reserved,
    .xFileControl = ck_file_control,
    .xSectorSize = ck_sector_size,
    .xDeviceCharacteristics = ck_device,
};

static int
ck_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    struct ck_file *c = (struct ck_file *)f;
    unsigned char hb[100];
    struct header h;
    int rc;

    (void)vfs;
    memset(c, 0, sizeof(*c));
    c->real = (sqlite3_file *)(c + 1);
    rc = ck_root->xOpen(ck_root, name, c->real, flags, out_flags);
    c->base.pMethods = c->real->pMethods ? &ck_io : NULL;
    if (rc != SQLITE_OK || !(flags & SQLITE_OPEN_MAIN_DB))
        return rc;
    /* the page size comes from the file itself; a main database that has
     * no checksums gets every page refused rather than trusted */
    if (c->real->pMethods->xRead(c->real, hb, sizeof(hb), 0) == SQLITE_OK &&
        parse_header(hb, &h) == 0) {
        c->pgsz = h.pgsz;
        c->bad_header = h.reserve != ADVISORY_DB_RESERVE;
    }
    return SQLITE_OK;
}

static int
ck_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
    (void)v;
    return ck_root->xDelete(ck_root, name, sync_dir);
}

static int
ck_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return ck_root->xAccess(ck_root, name, flags, out);
}

static int
ck_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return ck_root->xFullPathname(ck_root, name, n, out);
}

static void *
ck_dlopen(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return ck_root->xDlOpen(ck_root, name);
}

static void
ck_dlerror(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    ck_root->xDlError(ck_root, n, out);
}

static void (*ck_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    (void)v;
    return ck_root->xDlSym(ck_root, h, sym);
}

static void
ck_dlclose(sqlite3_vfs *v, void *h)
{
    (void)v;
    ck_root->xDlClose(ck_root, h);
}

static int
ck_randomness(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return ck_root->xRandomness(ck_root, n, out);
}

static int
ck_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return ck_root->xSleep(ck_root, us);
}

static int
ck_current_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return ck_root->xCurrentTime(ck_root, out);
}

static int
ck_last_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return ck_root->xGetLastError ? ck_root->xGetLastError(ck_root, n, out) : 0;
}

static int
ck_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    double d;
    int rc;

    (void)v;
    if (ck_root->iVersion >= 2 && ck_root->xCurrentTimeInt64)
        return ck_root->xCurrentTimeInt64(ck_root, out);
    rc = ck_root->xCurrentTime(ck_root, &d);
    *out = (sqlite3_int64)(d * 86400000.0);
    return rc;
}

static void
ck_register(void)
{
    ck_root = sqlite3_vfs_find(NULL);
    if (!ck_root)
        return; /* defensive: SQLite always has a default VFS */
    ck_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(struct ck_file) + ck_root->szOsFile,
        .mxPathname = ck_root->mxPathname,
        .zName = VFS_NAME,
        .xOpen = ck_open,
        .xDelete = ck_delete,
        .xAccess = ck_access,
        .xFullPathname = ck_full_pathname,
        .xDlOpen = ck_dlopen,
        .xDlError = ck_dlerror,
        .xDlSym = ck_dlsym,
        .xDlClose = ck_dlclose,
        .xRandomness = ck_randomness,
        .xSleep = ck_sleep,
        .xCurrentTime = ck_current_time,
        .xGetLastError = ck_last_error,
        .xCurrentTimeInt64 = ck_current_time64,
    };
    if (sqlite3_vfs_register(&ck_vfs, 0) != SQLITE_OK)
        ck_root = NULL;
}

/* ---- opening ---- */

/* "file:" URI of path with immutable=1 (the file never changes in place). */
static char *
file_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path), o = 0, i;
    char *u = malloc(n * 3 + 32);

    if (!u)
        return NULL;
    memcpy(u, "file:", 5);
    o = 5;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c == '%' || c == '?' || c == '#' || c <= 0x20 || c >= 0x7f) {
            u[o++] = '%';
            u[o++] = hex[c >> 4];
            u[o++] = hex[c & 15];
        } else {
            u[o++] = (char)c;
        }
    }
    memcpy(u + o, "?immutable=1", 13);
    return u;
}

/* Why the last call failed, worded for the user. */
static const char *
sql_reason(sqlite3 *s)
{
    if (sqlite3_extended_errcode(s) == SQLITE_IOERR_DATA)
        return "a page fails its checksum";
    return sqlite3_errmsg(s);
}

static int
progress(void *arg)
{
    struct advisory_db *db = arg;

    /* a crafted file (valid checksums are easy to forge) must not make a
     * query run forever */
    return ++db->steps > MOAT_LIMIT_SQLITE_STEPS / 1000;
}

static int64_t
meta_int(sqlite3 *s, const char *key)
{
    sqlite3_stmt *st = NULL;
    int64_t v = 0;

    if (sqlite3_prepare_v2(s, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}

/* id and flags are copied into each affected row so that a lookup is one
 * b-tree search with no join */
static const char sql_lookup[] =
    "SELECT rid, id, flags, release, name, purl, ranges, versions, nversions, git_ranges,"
    " severity FROM affected WHERE ecosystem = ?1 AND key = ?2 ORDER BY rid, seq";
static const char sql_lookup_release[] =
    "SELECT rid, id, flags, release, name, purl, ranges, versions, nversions, git_ranges,"
    " severity FROM affected WHERE ecosystem = ?1 AND key = ?2"
    " AND (release = ?3 OR release = '') ORDER BY rid, seq";
#define RECORD_COLUMNS                                                                             \
    "SELECT rid, id, flags, modified_text, published, withdrawn, summary, details, aliases,"       \
    " related, upstream, refs, severity, (SELECT name FROM source s WHERE s.sid = record.sid)"     \
    " FROM record"

int
advisory_db_open(const char *path, struct advisory_db **out, char *err, size_t errlen)
{
    struct advisory_db *db;
    struct header h;
    char why[200];
    char *uri = NULL;
    int rc, r;

    *out = NULL;
    db = calloc(1, sizeof(*db));
    if (!db)
        return MOAT_ENOMEM;
    db->fd = -1;
    pthread_mutex_init(&db->lock, NULL);
    db->path = strdup(path);
    if (!db->path) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    db->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (db->fd < 0) {
        int e = errno;
        if (e == ENOENT)
            snprintf(err, errlen,
                     "no advisory database at %s: create it with 'moat db update' or "
                     "'moat db import'",
                     path);
        else
            snprintf(err, errlen, "advisory database %s: %s", path, strerror(e));
        rc = e == ENOENT ? MOAT_ENOENT : MOAT_EIO;
        goto out;
    }
    rc = check_header(db->fd, &h, why, sizeof(why));
    if (rc) {
        snprintf(err, errlen, "advisory database %s: %s", path, why);
        goto out;
    }
    if (h.user_version != ADVISORY_DB_SCHEMA) {
        snprintf(err, errlen,
                 "advisory database %s has schema version %u, this moat reads version %d: "
                 "build a new one with 'moat db update' or 'moat db import'",
                 path, h.user_version, ADVISORY_DB_SCHEMA);
        rc = MOAT_EUNSUP;
        goto out;
    }
    pthread_once(&ck_once, ck_register);
    uri = file_uri(path);
    if (!ck_root || !uri) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    /* NOMUTEX: the handle's own mutex already serialises every use */
    r = sqlite3_open_v2(uri, &db->sql, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        VFS_NAME);
    if (r != SQLITE_OK) {
        snprintf(err, errlen, "advisory database %s: %s", path,
                 db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(r));
        rc = MOAT_EIO;
        goto out;
    }
    sqlite3_extended_result_codes(db->sql, 1); /* SQLITE_IOERR_DATA: a checksum */
    sqlite3_db_config(db->sql, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db->sql, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(db->sql, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    sqlite3_db_config(db->sql, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
    sqlite3_progress_handler(db->sql, 1000, progress, db);
    /* the file never changes under an immutable reader, so cached pages
     * stay valid for the life of the handle: a scan reads and checksums
     * each page once. 16 MiB is a few thousand packages' worth of pages and
     * is only used as pages are read. */
    sqlite3_exec(db->sql, "PRAGMA cache_size = -16384", NULL, NULL, NULL);
    /* preparing reads the schema (page 1 and its overflow), through the
     * checking VFS: a damaged schema fails here */
    if (sqlite3_prepare_v2(db->sql, sql_lookup, -1, &db->lookup, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db->sql, sql_lookup_release, -1, &db->lookup_release, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db->sql, RECORD_COLUMNS " WHERE id = ?", -1, &db->by_id, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db->sql, RECORD_COLUMNS " WHERE rid = ?", -1, &db->by_row, NULL) !=
            SQLITE_OK) {
        snprintf(err, errlen, "advisory database %s is corrupt or incomplete (%s)", path,
                 sql_reason(db->sql));
        rc = MOAT_EINVAL;
        goto out;
    }
    if (meta_int(db->sql, "complete") != 1) {
        snprintf(err, errlen, "advisory database %s is corrupt or incomplete (%s)", path,
                 sqlite3_errcode(db->sql) == SQLITE_OK ? "not marked complete"
                                                       : sql_reason(db->sql));
        rc = MOAT_EINVAL;
        goto out;
    }
    db->updated = meta_int(db->sql, "updated");
    db->created = meta_int(db->sql, "created");
    *out = db;
    db = NULL;
    rc = 0;
out:
    free(uri);
    advisory_db_close(db);
    return rc;
}

void
advisory_db_close(struct advisory_db *db)
{
    if (!db)
        return;
    sqlite3_finalize(db->lookup);
    sqlite3_finalize(db->lookup_release);
    sqlite3_finalize(db->by_id);
    sqlite3_finalize(db->by_row);
    sqlite3_close(db->sql);
    if (db->fd >= 0)
        close(db->fd);
    pthread_mutex_destroy(&db->lock);
    free(db->path);
    free(db);
}

int64_t
advisory_db_updated(const struct advisory_db *db)
{
    return db->updated;
}

int64_t
advisory_db_age(const struct advisory_db *db, int64_t now)
{
    return now > db->updated ? now - db->updated : 0;
}

const char *
advisory_db_path(const struct advisory_db *db)
{
    return db->path;
}

/* The error of a failed step, worded for the user. */
static int
step_error(struct advisory_db *db, int r, char *err, size_t errlen)
{
    if (r == SQLITE_IOERR_DATA || (r & 0xff) == SQLITE_CORRUPT || (r & 0xff) == SQLITE_NOTADB)
        snprintf(err, errlen,
                 "advisory database %s is corrupt (%s): fetch it again with 'moat db update'",
                 db->path, sql_reason(db->sql));
    else
        snprintf(err, errlen, "advisory database %s: %s", db->path, sqlite3_errmsg(db->sql));
    return (r & 0xff) == SQLITE_NOMEM ? MOAT_ENOMEM : MOAT_EIO;
}

/* ---- decoders ---- */

/* Splits the arena copy of s at sep into *n strings. */
static char **
split(struct arena *a, const char *s, char sep, size_t *n)
{
    size_t count = 1, i = 0;
    char *c, *p, **v;

    *n = 0;
    if (!*s)
        return arena_alloc(a, sizeof(char *));
    for (p = (char *)s; *p; p++)
        count += *p == sep;
    c = arena_strdup(a, s);
    v = arena_alloc(a, count * sizeof(*v));
    if (!c || !v)
        return NULL;
    v[i++] = c;
    for (p = c; *p; p++)
        if (*p == sep) {
            *p = '\0';
            v[i++] = p + 1;
        }
    *n = count;
    return v;
}

int
advisory_decode_lines(struct arena *a, const char *s, const char *const **out, size_t *n)
{
    char **v = split(a, s, '\n', n);

    if (!v)
        return MOAT_ENOMEM;
    *out = (const char *const *)v;
    return 0;
}

int
advisory_decode_ranges(struct arena *a, const char *s, struct advisory_range **out, size_t *n)
{
    size_t nl, i, j, nf;
    char **lines = split(a, s, '\n', &nl), **f;
    struct advisory_range *r;

    *out = NULL;
    *n = 0;
    if (!lines)
        return MOAT_ENOMEM;
    r = arena_alloc(a, (nl ? nl : 1) * sizeof(*r));
    if (!r)
        return MOAT_ENOMEM;
    for (i = 0; i < nl; i++) {
        struct advisory_event *ev;
        f = split(a, lines[i], '\t', &nf);
        if (!f)
            return MOAT_ENOMEM;
        if (nf < 2 || strlen(f[0]) != 1 || (f[0][0] != 'E' && f[0][0] != 'S'))
            return MOAT_EINVAL;
        ev = arena_alloc(a, (nf - 1) * sizeof(*ev));
        if (!ev)
            return MOAT_ENOMEM;
        for (j = 1; j < nf; j++) {
            char k = f[j][0];
            if ((k != 'i' && k != 'f' && k != 'l' && k != 'm') || !f[j][1])
                return MOAT_EINVAL;
            ev[j - 1].kind = (enum advisory_event_kind)k;
            ev[j - 1].version = f[j] + 1;
        }
        r[i].type = (enum advisory_range_type)f[0][0];
        r[i].events = ev;
        r[i].nevents = nf - 1;
    }
    *out = r;
    *n = nl;
    return 0;
}

int
advisory_decode_severity(struct arena *a, const char *s, const struct advisory_severity **out,
                         size_t *n)
{
    size_t nl, i;
    char **lines = split(a, s, '\n', &nl);
    struct advisory_severity *v;

    *out = NULL;
    *n = 0;
    if (!lines)
        return MOAT_ENOMEM;
    v = arena_alloc(a, (nl ? nl : 1) * sizeof(*v));
    if (!v)
        return MOAT_ENOMEM;
    for (i = 0; i < nl; i++) {
        char *tab = strchr(lines[i], '\t');
        if (!tab || tab == lines[i] || !tab[1])
            return MOAT_EINVAL;
        *tab = '\0';
        v[i].type = lines[i];
        v[i].score = tab + 1;
    }
    *out = v;
    *n = nl;
    return 0;
}

/* ---- lookups ---- */

static const char *
col(struct arena *a, sqlite3_stmt *st, int i, int *oom)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    char *s;

    if (!t)
        return NULL;
    s = arena_strdup(a, (const char *)t);
    if (!s)
        *oom = 1;
    return s;
}

static const char *
col_or_empty(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static int
decode_affected(struct arena *a, sqlite3_stmt *st, const char *ecosystem,
                struct advisory_affected *af)
{
    struct advisory_range *ranges;
    int oom = 0, rc;

    af->record = sqlite3_column_int64(st, 0);
    af->id = col(a, st, 1, &oom);
    af->flags = (unsigned)sqlite3_column_int(st, 2);
    af->ecosystem = ecosystem;
    af->release = col(a, st, 3, &oom);
    af->name = col(a, st, 4, &oom);
    af->purl = col(a, st, 5, &oom);
    af->versions = col(a, st, 7, &oom);
    if (oom)
        return MOAT_ENOMEM;
    if (!af->id || !af->release || !af->name || !af->versions)
        return MOAT_EINVAL;
    rc = advisory_decode_ranges(a, col_or_empty(st, 6), &ranges, &af->nranges);
    if (rc)
        return rc;
    af->ranges = ranges;
    af->nversions = (size_t)sqlite3_column_int64(st, 8);
    af->git_ranges = (unsigned)sqlite3_column_int(st, 9);
    return advisory_decode_severity(a, col_or_empty(st, 10), &af->severity, &af->nseverity);
}

int
advisory_versions_has(const struct advisory_affected *af, const char *version)
{
    const char *p = af->versions, *hit;
    size_t n = strlen(version);

    if (n == 0)
        return 0;
    for (;;) {
        hit = strstr(p, version);
        if (!hit)
            return 0;
        if ((hit == af->versions || hit[-1] == '\n') && (hit[n] == '\n' || hit[n] == '\0'))
            return 1;
        p = hit + 1;
    }
}

int
advisory_db_lookup(struct advisory_db *db, const char *ecosystem, const char *name, struct arena *a,
                   struct advisory_affected **out, size_t *n, char *err, size_t errlen)
{
    const char *colon = strchr(ecosystem, ':'), *base, *key;
    struct advisory_affected *v = NULL;
    size_t len = 0, cap = 0;
    sqlite3_stmt *st;
    int rc = 0, r;

    *out = NULL;
    *n = 0;
    base =
        osv_ecosystem_canonical(ecosystem, colon ? (size_t)(colon - ecosystem) : strlen(ecosystem));
    if (!base)
        return 0; /* no record can name an ecosystem the loader refuses */
    key = osv_name_key(a, base, name);
    if (!key)
        return MOAT_ENOMEM;
    pthread_mutex_lock(&db->lock);
    db->steps = 0;
    st = colon ? db->lookup_release : db->lookup;
    sqlite3_bind_text(st, 1, base, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    if (colon)
        sqlite3_bind_text(st, 3, colon + 1, -1, SQLITE_STATIC);
    for (;;) {
        r = sqlite3_step(st);
        if (r == SQLITE_DONE)
            break;
        if (r != SQLITE_ROW) {
            rc = step_error(db, r, err, errlen);
            break;
        }
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct advisory_affected *nv = arena_alloc(a, ncap * sizeof(*nv));
            if (!nv) {
                rc = MOAT_ENOMEM;
                break;
            }
            if (len)
                memcpy(nv, v, len * sizeof(*nv));
            v = nv;
            cap = ncap;
        }
        rc = decode_affected(a, st, base, &v[len]);
        if (rc == MOAT_EINVAL) {
            /* only a forged file gets here: the writer encodes what this
             * decodes */
            snprintf(err, errlen, "advisory database %s is corrupt: malformed entry in %s",
                     db->path, v[len].id ? v[len].id : "a record");
            rc = MOAT_EIO;
        }
        if (rc)
            break;
        len++;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    pthread_mutex_unlock(&db->lock);
    if (rc)
        return rc;
    *out = v;
    *n = len;
    return 0;
}

static int
fetch_record(struct advisory_db *db, sqlite3_stmt *st, struct arena *a,
             struct advisory_record **out, char *err, size_t errlen)
{
    struct advisory_record *r;
    int oom = 0, rc = 0, s;

    s = sqlite3_step(st);
    if (s == SQLITE_DONE) {
        snprintf(err, errlen, "no such advisory");
        return MOAT_ENOENT;
    }
    if (s != SQLITE_ROW)
        return step_error(db, s, err, errlen);
    r = arena_alloc(a, sizeof(*r));
    if (!r)
        return MOAT_ENOMEM;
    r->row = sqlite3_column_int64(st, 0);
    r->id = col(a, st, 1, &oom);
    r->flags = (unsigned)sqlite3_column_int(st, 2);
    r->modified = col(a, st, 3, &oom);
    r->published = col(a, st, 4, &oom);
    r->withdrawn = col(a, st, 5, &oom);
    r->summary = col(a, st, 6, &oom);
    r->details = col(a, st, 7, &oom);
    r->source = col(a, st, 13, &oom);
    if (oom)
        return MOAT_ENOMEM;
    if (!rc)
        rc = advisory_decode_lines(a, col_or_empty(st, 8), &r->aliases, &r->naliases);
    if (!rc)
        rc = advisory_decode_lines(a, col_or_empty(st, 9), &r->related, &r->nrelated);
    if (!rc)
        rc = advisory_decode_lines(a, col_or_empty(st, 10), &r->upstream, &r->nupstream);
    if (!rc)
        rc = advisory_decode_lines(a, col_or_empty(st, 11), &r->refs, &r->nrefs);
    if (!rc)
        rc = advisory_decode_severity(a, col_or_empty(st, 12), &r->severity, &r->nseverity);
    if (rc == MOAT_EINVAL) {
        snprintf(err, errlen, "advisory database %s is corrupt: malformed record %s", db->path,
                 r->id ? r->id : "?");
        rc = MOAT_EIO;
    }
    if (!rc)
        *out = r;
    return rc;
}

int
advisory_db_record(struct advisory_db *db, const char *id, struct arena *a,
                   struct advisory_record **out, char *err, size_t errlen)
{
    int rc;

    *out = NULL;
    pthread_mutex_lock(&db->lock);
    db->steps = 0;
    sqlite3_bind_text(db->by_id, 1, id, -1, SQLITE_STATIC);
    rc = fetch_record(db, db->by_id, a, out, err, errlen);
    sqlite3_reset(db->by_id);
    sqlite3_clear_bindings(db->by_id);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
advisory_db_record_at(struct advisory_db *db, int64_t row, struct arena *a,
                      struct advisory_record **out, char *err, size_t errlen)
{
    int rc;

    *out = NULL;
    pthread_mutex_lock(&db->lock);
    db->steps = 0;
    sqlite3_bind_int64(db->by_row, 1, row);
    rc = fetch_record(db, db->by_row, a, out, err, errlen);
    sqlite3_reset(db->by_row);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

int
advisory_db_verify(struct advisory_db *db, uint64_t *pages, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    char why[200];
    const unsigned char *t;
    int rc, r;

    rc = advisory_db_check_pages(db->fd, pages, why, sizeof(why));
    if (rc) {
        snprintf(err, errlen, "advisory database %s: %s", db->path, why);
        return rc;
    }
    pthread_mutex_lock(&db->lock);
    db->steps = 0;
    /* quick_check walks every b-tree once; the progress handler still
     * bounds it on a crafted file */
    r = sqlite3_prepare_v2(db->sql, "PRAGMA quick_check", -1, &st, NULL);
    if (r == SQLITE_OK)
        r = sqlite3_step(st);
    t = r == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    if (!t || strcmp((const char *)t, "ok") != 0) {
        snprintf(err, errlen, "advisory database %s is corrupt: %s", db->path,
                 t ? (const char *)t : sqlite3_errmsg(db->sql));
        rc = MOAT_EINVAL;
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

/* ---- moat db info ---- */

struct info_alloc {
    struct moat_db_info info;
    struct arena a;
};

void
moat_db_info_free(struct moat_db_info *info)
{
    struct info_alloc *ia = (struct info_alloc *)info;

    if (!ia)
        return;
    arena_free(&ia->a);
    free(ia);
}

/* Grows an arena array of esize-byte items to hold one more. */
static void *
grow(struct arena *a, void *v, size_t len, size_t *cap, size_t esize)
{
    size_t ncap = *cap ? *cap * 2 : 8;
    void *nv;

    if (len < *cap)
        return v;
    nv = arena_alloc(a, ncap * esize);
    if (!nv)
        return NULL;
    if (len)
        memcpy(nv, v, len * esize);
    *cap = ncap;
    return nv;
}

static int
sources_locked(struct advisory_db *db, struct arena *a, struct moat_db_source **out, size_t *n,
               char *err, size_t errlen)
{
    static const char q[] =
        "SELECT name, kind, location, etag, last_modified, fetched,"
        " (SELECT count(*) FROM record r WHERE r.sid = s.sid) FROM source s ORDER BY name";
    struct moat_db_source *v = NULL, *s;
    sqlite3_stmt *st = NULL;
    size_t len = 0, cap = 0;
    int r, oom = 0, rc = 0;

    r = sqlite3_prepare_v2(db->sql, q, -1, &st, NULL);
    while (r == SQLITE_OK) {
        r = sqlite3_step(st);
        if (r != SQLITE_ROW)
            break;
        v = grow(a, v, len, &cap, sizeof(*v));
        if (!v) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        s = &v[len++];
        s->name = col(a, st, 0, &oom);
        s->kind = col(a, st, 1, &oom);
        s->location = col(a, st, 2, &oom);
        s->etag = col(a, st, 3, &oom);
        s->last_modified = col(a, st, 4, &oom);
        s->fetched = sqlite3_column_int64(st, 5);
        s->records = (uint64_t)sqlite3_column_int64(st, 6);
        if (oom) {
            rc = MOAT_ENOMEM;
            goto out;
        }
        r = SQLITE_OK;
    }
    if (r != SQLITE_DONE) {
        rc = step_error(db, r, err, errlen);
        goto out;
    }
    *out = v;
    *n = len;
out:
    sqlite3_finalize(st);
    return rc;
}

int
advisory_db_sources(struct advisory_db *db, struct arena *a, struct moat_db_source **out, size_t *n,
                    char *err, size_t errlen)
{
    int rc;

    *out = NULL;
    *n = 0;
    pthread_mutex_lock(&db->lock);
    db->steps = 0;
    rc = sources_locked(db, a, out, n, err, errlen);
    pthread_mutex_unlock(&db->lock);
    return rc;
}

static int
info_query(struct advisory_db *db, struct info_alloc *ia, char *err, size_t errlen)
{
    static const char q_totals[] =
        "SELECT count(*), coalesce(sum(flags & 1 != 0), 0), coalesce(sum(flags & 2 != 0), 0),"
        " (SELECT count(*) FROM affected), (SELECT value FROM meta WHERE key = 'writer')"
        " FROM record";
    static const char q_ecos[] =
        "SELECT ecosystem, count(DISTINCT rid), count(DISTINCT CASE WHEN flags & 1 THEN rid END),"
        " count(DISTINCT CASE WHEN flags & 2 THEN rid END) FROM affected GROUP BY ecosystem"
        " ORDER BY ecosystem";
    struct moat_db_info *in = &ia->info;
    struct moat_db_ecosystem *e;
    sqlite3_stmt *st = NULL;
    int r, oom = 0, rc = 0;
    size_t cap = 0;

    r = sqlite3_prepare_v2(db->sql, q_totals, -1, &st, NULL);
    if (r == SQLITE_OK)
        r = sqlite3_step(st);
    if (r != SQLITE_ROW)
        goto fail;
    in->records = (uint64_t)sqlite3_column_int64(st, 0);
    in->withdrawn = (uint64_t)sqlite3_column_int64(st, 1);
    in->malware = (uint64_t)sqlite3_column_int64(st, 2);
    in->affected = (uint64_t)sqlite3_column_int64(st, 3);
    in->writer = col(&ia->a, st, 4, &oom);
    sqlite3_finalize(st);
    st = NULL;

    rc = sources_locked(db, &ia->a, &in->sources, &in->nsources, err, errlen);
    if (rc)
        return rc;

    r = sqlite3_prepare_v2(db->sql, q_ecos, -1, &st, NULL);
    while (r == SQLITE_OK) {
        r = sqlite3_step(st);
        if (r != SQLITE_ROW)
            break;
        in->ecosystems = grow(&ia->a, in->ecosystems, in->necosystems, &cap, sizeof(*e));
        if (!in->ecosystems) {
            sqlite3_finalize(st);
            return MOAT_ENOMEM;
        }
        e = &in->ecosystems[in->necosystems++];
        e->name = col(&ia->a, st, 0, &oom);
        e->records = (uint64_t)sqlite3_column_int64(st, 1);
        e->withdrawn = (uint64_t)sqlite3_column_int64(st, 2);
        e->malware = (uint64_t)sqlite3_column_int64(st, 3);
        r = SQLITE_OK;
    }
    if (r != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    return oom ? MOAT_ENOMEM : 0;
fail:
    rc = step_error(db, r, err, errlen);
    sqlite3_finalize(st);
    return rc;
}

int
moat_db_info(const char *path, int verify, struct moat_db_info **out, char *err, size_t errlen)
{
    struct advisory_db *db = NULL;
    struct info_alloc *ia;
    struct stat st;
    int rc;

    *out = NULL;
    ia = calloc(1, sizeof(*ia));
    if (!ia) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    arena_init(&ia->a);
    rc = advisory_db_open(path, &db, err, errlen);
    if (rc)
        goto out;
    if (verify) {
        rc = advisory_db_verify(db, &ia->info.pages, err, errlen);
        if (rc)
            goto out;
        ia->info.verified = 1;
    }
    db->steps = 0;
    rc = info_query(db, ia, err, errlen);
    if (rc)
        goto out;
    ia->info.path = arena_strdup(&ia->a, path);
    ia->info.schema = ADVISORY_DB_SCHEMA;
    ia->info.created = db->created;
    ia->info.updated = db->updated;
    ia->info.age = advisory_db_age(db, (int64_t)time(NULL));
    if (fstat(db->fd, &st) == 0)
        ia->info.file_bytes = (uint64_t)st.st_size;
    if (!ia->info.path)
        rc = MOAT_ENOMEM;
out:
    advisory_db_close(db);
    if (rc) {
        if (rc == MOAT_ENOMEM)
            snprintf(err, errlen, "out of memory");
        moat_db_info_free(&ia->info);
        return -1;
    }
    *out = &ia->info;
    return 0;
}
