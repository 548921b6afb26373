/*
 * import.c - `moat db import`: OSV records from zips (the per-ecosystem
 * all.zip of the OSV bucket), directories of *.json files and single JSON
 * files, written into the database in one atomic build (build.h).
 *
 * Two kinds of bad input are told apart. A malformed record (osv.h says
 * which) is skipped, counted by reason and the first few are quoted: one
 * broken advisory must not cost the other ten thousand. A container that
 * cannot be read - a zip that is truncated, not a zip, has a bad CRC - or a
 * file that vanished is fatal for the whole import: what it held is unknown,
 * and a database silently missing part of an ecosystem would report "no
 * vulnerabilities" where there are some. Then nothing is written.
 */
#include "import.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/vec.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const skip_names[MOAT_DB_SKIP_COUNT] = {
    [MOAT_DB_SKIP_BAD_JSON] = "bad JSON",
    [MOAT_DB_SKIP_TOO_LARGE] = "too large",
    [MOAT_DB_SKIP_TOO_DEEP] = "nested too deeply",
    [MOAT_DB_SKIP_MISSING_FIELD] = "missing field",
    [MOAT_DB_SKIP_INVALID_FIELD] = "invalid field",
    [MOAT_DB_SKIP_HUGE_STRING] = "huge string",
    [MOAT_DB_SKIP_UNKNOWN_ECOSYSTEM] = "unknown ecosystem",
};

const char *
moat_db_skip_name(enum moat_db_skip why)
{
    return (unsigned)why < MOAT_DB_SKIP_COUNT ? skip_names[why] : "?";
}

int
moat_db_default_path(char *out, size_t outlen)
{
    const char *e = getenv("MOAT_DB"), *home;
    struct passwd pw, *res = NULL;
    char pwbuf[4096];
    int n;

    if (e && *e) {
        n = snprintf(out, outlen, "%s", e);
        return n >= 0 && (size_t)n < outlen ? 0 : -1;
    }
    e = getenv("XDG_DATA_HOME");
    /* the XDG spec says a relative value is invalid and must be ignored */
    if (e && e[0] == '/') {
        n = snprintf(out, outlen, "%s/moat/osv.db", e);
        return n >= 0 && (size_t)n < outlen ? 0 : -1;
    }
    home = getenv("HOME");
    if (!home || !*home) {
        if (getpwuid_r(getuid(), &pw, pwbuf, sizeof(pwbuf), &res) != 0 || !res)
            return -1;
        home = res->pw_dir;
    }
    n = snprintf(out, outlen, "%s/.local/share/moat/osv.db", home);
    return n >= 0 && (size_t)n < outlen ? 0 : -1;
}

/* ---- one record ---- */

struct importer {
    struct advisory_build *b;
    struct moat_db_import_report *rep;
    const struct import_source *src;
    int64_t sid;
    uint64_t skipped;
    uint64_t valid;
};

/* Copies s into d (size dn) with control bytes replaced: names and
 * messages quoted from hostile input must not drive the terminal. */
static void
clean_copy(char *d, size_t dn, const char *s)
{
    size_t i;

    snprintf(d, dn, "%s", s);
    for (i = 0; d[i]; i++)
        if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f)
            d[i] = '?';
}

static void
skip(struct importer *im, enum moat_db_skip why, const char *member, const char *msg)
{
    struct moat_db_import_report *rep = im->rep;
    char line[sizeof(rep->examples[0])];

    rep->skip[why]++;
    rep->skipped++;
    im->skipped++;
    if (rep->nexamples >= MOAT_DB_EXAMPLES)
        return;
    snprintf(line, sizeof(line), "%s%s%s: %s: %s", im->src->label, member ? ":" : "",
             member ? member : "", moat_db_skip_name(why), msg);
    clean_copy(rep->examples[rep->nexamples++], sizeof(rep->examples[0]), line);
}

/* Returns 0 (stored, kept or skipped) or a fatal MOAT_E* code. */
static int
one_record(struct importer *im, const char *p, size_t n, const char *member, char *err,
           size_t errlen)
{
    struct moat_db_import_report *rep = im->rep;
    struct osv_record *r;
    struct osv_error e;
    struct arena a;
    int rc;

    arena_init(&a);
    rep->read++;
    rc = osv_parse(p, n, &a, &r, &e);
    if (rc == MOAT_ENOMEM) {
        snprintf(err, errlen, "out of memory reading %s", im->src->label);
        goto out;
    }
    if (rc) {
        skip(im, e.reason, member, e.msg);
        rc = 0;
        goto out;
    }
    im->valid++;
    rc = advisory_build_put(im->b, im->sid, r, err, errlen);
    if (rc == 1) {
        rep->imported++;
        rep->withdrawn += (r->flags & OSV_WITHDRAWN) != 0;
        rep->malware += (r->flags & OSV_MALWARE) != 0;
        rep->truncated += (r->flags & OSV_TRUNCATED) != 0;
        rep->dropped_entries += r->dropped;
        rc = 0;
    } else if (rc == 0) {
        rep->kept_newer++;
    }
out:
    arena_free(&a);
    return rc;
}

static int
source_begin(struct importer *im, char *err, size_t errlen)
{
    const struct import_source *s = im->src;

    return advisory_build_source(im->b, s->name, s->kind, s->location, s->etag, s->last_modified,
                                 &im->sid, err, errlen);
}

static int
source_end(struct importer *im, char *err, size_t errlen)
{
    uint64_t removed = 0;
    int rc = advisory_build_source_end(im->b, im->sid, im->skipped, &removed, err, errlen);

    im->rep->removed += removed;
    return rc;
}

/* ---- zips ---- */

int
import_zip_fd(struct advisory_build *b, int fd, const struct import_source *src,
              struct moat_db_import_report *rep, uint64_t *valid, char *err, size_t errlen)
{
    struct importer im = {.b = b, .rep = rep, .src = src};
    struct archive_entry *ent;
    struct archive *ar = NULL;
    uint64_t members = 0, total = 0;
    char chunk[1 << 16], member[256];
    struct buf data;
    int rc, r;

    *valid = 0;
    buf_init(&data, MOAT_LIMIT_OSV_RECORD);
    rc = source_begin(&im, err, errlen);
    if (rc)
        goto out;
    if (lseek(fd, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "%s: %s", src->label, strerror(errno));
        rc = MOAT_EIO;
        goto out;
    }
    ar = archive_read_new();
    if (!ar) {
        rc = MOAT_ENOMEM;
        goto out;
    }
    /* the seekable reader starts from the central directory, so a zip cut
     * short anywhere (which loses the directory at its end) is refused;
     * the streaming reader would stop quietly after the last whole member */
    archive_read_support_format_zip_seekable(ar);
    if (archive_read_open_fd(ar, fd, sizeof(chunk)) != ARCHIVE_OK) {
        snprintf(err, errlen, "%s: not a complete zip (cut short, or no zip at all): %s",
                 src->label,
                 archive_error_string(ar) ? archive_error_string(ar) : "unknown format");
        rc = MOAT_EINVAL;
        goto out;
    }
    for (;;) {
        const char *name;
        int toobig = 0;
        r = archive_read_next_header(ar, &ent);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            snprintf(err, errlen, "%s: damaged zip after %llu entries: %s", src->label,
                     (unsigned long long)members,
                     archive_error_string(ar) ? archive_error_string(ar) : "read error");
            rc = MOAT_EINVAL;
            goto out;
        }
        /* every entry counts: a zip of a million empty directories must
         * not keep the loop going either */
        if (++members > MOAT_LIMIT_OSV_RECORDS) {
            snprintf(err, errlen, "%s: more than %u entries", src->label,
                     (unsigned)MOAT_LIMIT_OSV_RECORDS);
            rc = MOAT_ETOOBIG;
            goto out;
        }
        name = archive_entry_pathname(ent);
        if (archive_entry_filetype(ent) != AE_IFREG || !name || !str_ends(name, ".json"))
            continue; /* directories, READMEs: not records */
        clean_copy(member, sizeof(member), name);
        buf_reset(&data);
        /* the whole member is read even when it is too large to keep: the
         * zip's CRC is only checked at its end */
        for (;;) {
            la_ssize_t n = archive_read_data(ar, chunk, sizeof(chunk));
            if (n == 0)
                break;
            if (n < 0) {
                snprintf(err, errlen, "%s: damaged zip member %s: %s", src->label, member,
                         archive_error_string(ar) ? archive_error_string(ar) : "read error");
                rc = MOAT_EINVAL;
                goto out;
            }
            total += (uint64_t)n;
            if (total > MOAT_LIMIT_OSV_ZIP_BYTES) {
                snprintf(err, errlen, "%s: more than %llu bytes uncompressed (a zip bomb?)",
                         src->label, (unsigned long long)MOAT_LIMIT_OSV_ZIP_BYTES);
                rc = MOAT_ETOOBIG;
                goto out;
            }
            if (toobig)
                continue;
            r = buf_add(&data, chunk, (size_t)n);
            if (r == MOAT_ETOOBIG) {
                toobig = 1;
            } else if (r) {
                rc = MOAT_ENOMEM;
                goto out;
            }
        }
        if (toobig) {
            rep->read++;
            skip(&im, MOAT_DB_SKIP_TOO_LARGE, member, "larger than the record size limit");
            continue;
        }
        rc = one_record(&im, data.data ? data.data : "", data.len, member, err, errlen);
        if (rc)
            goto out;
    }
    rc = source_end(&im, err, errlen);
    *valid = im.valid;
out:
    if (rc == MOAT_ENOMEM && !err[0])
        snprintf(err, errlen, "out of memory reading %s", src->label);
    if (ar)
        archive_read_free(ar);
    buf_free(&data);
    return rc;
}

/* ---- directories and files ---- */

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the *.json files under dir (sorted later). Names starting with
 * '.' (.git) are passed over; symbolic links are not followed, so a link
 * cannot lead the walk out of the tree or round in a loop. */
static int
walk(const char *dir, int depth, struct vec *files, char *err, size_t errlen)
{
    struct dirent *e;
    DIR *d;
    int rc = 0;

    if (depth > MOAT_LIMIT_OSV_DIR_DEPTH) {
        snprintf(err, errlen, "%s: nested deeper than %d directories", dir,
                 MOAT_LIMIT_OSV_DIR_DEPTH);
        return MOAT_ETOOBIG;
    }
    d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return MOAT_EIO;
    }
    for (;;) {
        struct stat st;
        char *path;
        size_t n;
        errno = 0;
        e = readdir(d);
        if (!e) {
            if (errno) {
                snprintf(err, errlen, "%s: %s", dir, strerror(errno));
                rc = MOAT_EIO;
            }
            break;
        }
        if (e->d_name[0] == '.')
            continue;
        n = strlen(dir) + strlen(e->d_name) + 2;
        path = malloc(n);
        if (!path) {
            rc = MOAT_ENOMEM;
            break;
        }
        snprintf(path, n, "%s/%s", dir, e->d_name);
        if (lstat(path, &st) != 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            free(path);
            rc = MOAT_EIO;
            break;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = walk(path, depth + 1, files, err, errlen);
            free(path);
            if (rc)
                break;
        } else if (S_ISREG(st.st_mode) && str_ends(e->d_name, ".json")) {
            char **slot = vec_push(files);
            if (!slot) {
                free(path);
                snprintf(err, errlen, "%s: more than %u files", dir,
                         (unsigned)MOAT_LIMIT_OSV_RECORDS);
                rc = MOAT_ETOOBIG;
                break;
            }
            *slot = path;
        } else {
            free(path);
        }
    }
    closedir(d);
    return rc;
}

/* One JSON file of a directory or given alone. */
static int
import_file(struct importer *im, const char *path, const char *member, char *err, size_t errlen)
{
    char *p = NULL, why[300];
    size_t n = 0;
    int rc = file_read_at(AT_FDCWD, path, MOAT_LIMIT_OSV_RECORD, &p, &n, why, sizeof(why));

    if (rc == MOAT_ETOOBIG) {
        im->rep->read++;
        skip(im, MOAT_DB_SKIP_TOO_LARGE, member, "larger than the record size limit");
        return 0;
    }
    if (rc) {
        snprintf(err, errlen, "%s", why);
        return rc == MOAT_ENOMEM ? MOAT_ENOMEM : MOAT_EIO;
    }
    rc = one_record(im, p, n, member, err, errlen);
    free(p);
    return rc;
}

static int
import_dir(struct importer *im, const char *dir, char *err, size_t errlen)
{
    struct vec files;
    char **v;
    size_t i, skip_len = strlen(dir) + 1;
    int rc;

    vec_init(&files, sizeof(char *), MOAT_LIMIT_OSV_RECORDS);
    rc = walk(dir, 0, &files, err, errlen);
    if (rc == MOAT_ENOMEM)
        snprintf(err, errlen, "out of memory listing %s", dir);
    v = files.items;
    if (!rc && files.len > 1)
        qsort(v, files.len, sizeof(char *), cmp_str);
    for (i = 0; !rc && i < files.len; i++)
        rc = import_file(im, v[i], v[i] + skip_len, err, errlen);
    for (i = 0; i < files.len; i++)
        free(v[i]);
    vec_free(&files);
    return rc;
}

/* ---- moat db import ---- */

enum input_kind { INPUT_ZIP, INPUT_DIR, INPUT_JSON };

static int
classify(const char *path, enum input_kind *kind, char *err, size_t errlen)
{
    unsigned char magic[4];
    struct stat st;
    int fd;
    ssize_t n;

    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return MOAT_ENOENT;
    }
    if (S_ISDIR(st.st_mode)) {
        *kind = INPUT_DIR;
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a file or directory", path);
        return MOAT_EINVAL;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return MOAT_EIO;
    }
    n = read(fd, magic, sizeof(magic));
    close(fd);
    /* local file header, or the end record of an empty zip */
    *kind = n == 4 && magic[0] == 'P' && magic[1] == 'K' &&
                    ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6))
                ? INPUT_ZIP
                : INPUT_JSON;
    return 0;
}

static int
import_input(struct advisory_build *b, const char *input, struct moat_db_import_report *rep,
             char *err, size_t errlen)
{
    char real[PATH_MAX];
    struct import_source src = {.kind = "file"};
    struct importer im = {.b = b, .rep = rep, .src = &src};
    enum input_kind kind;
    uint64_t valid;
    int rc, fd;

    rc = classify(input, &kind, err, errlen);
    if (rc)
        return rc;
    if (!realpath(input, real)) {
        snprintf(err, errlen, "%s: %s", input, strerror(errno));
        return MOAT_EIO;
    }
    src.name = real;
    src.location = real;
    src.label = input;
    if (kind == INPUT_ZIP) {
        fd = open(input, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            snprintf(err, errlen, "%s: %s", input, strerror(errno));
            return MOAT_EIO;
        }
        rc = import_zip_fd(b, fd, &src, rep, &valid, err, errlen);
        close(fd);
        return rc;
    }
    rc = source_begin(&im, err, errlen);
    if (rc)
        return rc;
    if (kind == INPUT_DIR)
        rc = import_dir(&im, input, err, errlen);
    else
        rc = import_file(&im, input, NULL, err, errlen);
    if (!rc)
        rc = source_end(&im, err, errlen);
    return rc;
}

int
moat_db_import(const char *db, const char *const *inputs, size_t ninputs,
               struct moat_db_import_report *rep, char *err, size_t errlen)
{
    struct advisory_build *b = NULL;
    enum input_kind kind;
    size_t i;
    int rc;

    memset(rep, 0, sizeof(*rep));
    err[0] = '\0';
    if (ninputs == 0) {
        snprintf(err, errlen, "nothing to import");
        return -1;
    }
    /* every input must exist before the database is touched */
    for (i = 0; i < ninputs; i++) {
        rc = classify(inputs[i], &kind, err, errlen);
        if (rc)
            return -1;
    }
    rc = advisory_build_begin(db, &b, err, errlen);
    if (rc) {
        if (rc == MOAT_ENOMEM && !err[0])
            snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < ninputs; i++) {
        rc = import_input(b, inputs[i], rep, err, errlen);
        if (rc) {
            if (rc == MOAT_ENOMEM && !err[0])
                snprintf(err, errlen, "out of memory");
            advisory_build_abort(b);
            return -1;
        }
    }
    rc = advisory_build_commit(b, err, errlen);
    return rc ? -1 : 0;
}
