/*
 * host.c - live checks of the machine's Docker installation (MOAT-HOST-*),
 * for `moat audit --host`:
 *   - the Engine API socket: world-writable, or owned by a group other than
 *     root/docker (group names from the group file, not NSS, so that tests
 *     can supply theirs);
 *   - Engine API ports listening on TCP: LISTEN sockets on 2375/2376 in
 *     /proc/net/tcp and tcp6 (the proc root is an option: tests point it
 *     at copies);
 *   - through the Engine API on the socket (libcurl, CURLOPT_UNIX_SOCKET_PATH):
 *     running containers that are privileged or mount the socket.
 * No socket and no listener means no Docker here: a note, not an error.
 */
#include "config.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the socket ---- */

/* The name of group gid in a group(5) file, into out; 0 or -1. */
static int
group_name(const char *file, unsigned long gid, char *out, size_t cap)
{
    char *buf = NULL, err[256];
    const char *cur, *end, *line;
    size_t len, n;
    int rc = -1;

    if (file_read_at(AT_FDCWD, file, 4u << 20, &buf, &len, err, sizeof(err)) != 0)
        return -1;
    cur = buf;
    end = buf + len;
    while (str_next_line(&cur, end, &line, &n)) {
        /* name:password:GID:members */
        const char *c1 = memchr(line, ':', n), *c2, *c3;
        uint64_t g;
        if (!c1)
            continue;
        c2 = memchr(c1 + 1, ':', (size_t)(line + n - c1 - 1));
        if (!c2)
            continue;
        c3 = memchr(c2 + 1, ':', (size_t)(line + n - c2 - 1));
        if (!c3 || str_to_u64(c2 + 1, (size_t)(c3 - c2 - 1), &g) != 0 || g != gid)
            continue;
        snprintf(out, cap, "%.*s", (int)(c1 - line), line);
        rc = 0;
        break;
    }
    free(buf);
    return rc;
}

static int
check_socket(struct audit_file *af, const char *sock, const char *group_file, int *present)
{
    struct stat st;
    char grp[128];
    int rc;

    *present = 0;
    if (lstat(sock, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        return audit_fail(af, "%s: %s", sock, strerror(errno));
    }
    *present = 1;
    if (st.st_mode & S_IWOTH) {
        rc = audit_add(af, "MOAT-HOST-001", NULL, 0, sock, NULL,
                       "%s is mode %03o: every local user can control Docker", sock,
                       (unsigned)(st.st_mode & 07777));
        if (rc)
            return rc;
    }
    if (st.st_uid != 0) {
        rc = audit_add(af, "MOAT-HOST-002", NULL, 0, sock, NULL, "%s belongs to user %lu, not root",
                       sock, (unsigned long)st.st_uid);
        if (rc)
            return rc;
    }
    if (st.st_gid != 0 && (st.st_mode & (S_IWGRP | S_IRGRP))) {
        if (group_name(group_file, (unsigned long)st.st_gid, grp, sizeof(grp)) != 0)
            snprintf(grp, sizeof(grp), "%lu", (unsigned long)st.st_gid);
        if (strcmp(grp, "docker") != 0) {
            rc = audit_add(af, "MOAT-HOST-002", NULL, 0, sock, grp,
                           "%s is accessible to group %s: its members control Docker", sock, grp);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- TCP listeners ---- */

/* Reads path to its end into b (bounded by b's maximum). /proc files say
 * size 0, so file_read_at() cannot be used. 0, MOAT_ENOENT, MOAT_ETOOBIG,
 * MOAT_EIO (err filled) or MOAT_ENOMEM. */
static int
read_to_end(const char *path, struct buf *b, char *err, size_t errlen)
{
    char chunk[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return e == ENOENT || e == ENOTDIR ? MOAT_ENOENT : MOAT_EIO;
    }
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = MOAT_EIO;
            break;
        }
        if (r == 0)
            break;
        rc = buf_add(b, chunk, (size_t)r);
        if (rc) {
            snprintf(err, errlen, "%s: larger than %zu bytes", path, b->max);
            break;
        }
    }
    close(fd);
    return rc;
}

static int
hex_u32(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    int i;

    for (i = 0; i < 8; i++) {
        int h = str_hexval(s[i]);
        if (h < 0)
            return -1;
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return 0;
}

/* "0100007F:0947" or a 32-hex-digit IPv6 address: the address as text.
 * The kernel prints each 32-bit word of the address in host byte order. */
static int
decode_addr(const char *hex, size_t hn, int v6, char *out, size_t cap)
{
    unsigned char bytes[16];
    size_t words = v6 ? 4 : 1, i;

    if (hn != words * 8)
        return -1;
    for (i = 0; i < words; i++) {
        uint32_t w;
        if (hex_u32(hex + 8 * i, &w) != 0)
            return -1;
        memcpy(bytes + 4 * i, &w, 4);
    }
    return inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, out, (socklen_t)cap) ? 0 : -1;
}

static int
loopback_addr(const char *a)
{
    return str_starts(a, "127.") || strcmp(a, "::1") == 0 || str_starts(a, "::ffff:127.");
}

static int
check_tcp(struct audit_file *af, const char *proc, const char *file, int v6, int *listening)
{
    char path[4096], err[512], addr[64];
    struct buf b;
    const char *cur, *end, *line;
    size_t n;
    int rc = 0, first = 1;

    snprintf(path, sizeof(path), "%s/net/%s", proc, file);
    buf_init(&b, MOAT_LIMIT_PROC_NET);
    rc = read_to_end(path, &b, err, sizeof(err));
    if (rc == MOAT_ENOENT) {
        buf_free(&b);
        return 0; /* no IPv6, or no such proc */
    }
    if (rc) {
        buf_free(&b);
        return rc == MOAT_ENOMEM ? rc : audit_fail(af, "%s", err);
    }
    cur = b.data ? b.data : "";
    end = cur + b.len;
    while (rc == 0 && str_next_line(&cur, end, &line, &n)) {
        /* "  0: 00000000:0947 00000000:0000 0A ..." */
        const char *p = line, *e = line + n, *la, *colon, *st;
        size_t lan;
        uint32_t port;
        if (first) {
            first = 0; /* the header */
            continue;
        }
        while (p < e && *p == ' ')
            p++;
        while (p < e && *p != ' ')
            p++; /* "sl:" */
        while (p < e && *p == ' ')
            p++;
        la = p;
        while (p < e && *p != ' ')
            p++;
        lan = (size_t)(p - la);
        while (p < e && *p == ' ')
            p++;
        while (p < e && *p != ' ')
            p++; /* remote address */
        while (p < e && *p == ' ')
            p++;
        st = p;
        if (e - st < 2 || st[0] != '0' || (st[1] != 'A' && st[1] != 'a'))
            continue; /* not LISTEN */
        colon = memchr(la, ':', lan);
        if (!colon || (size_t)(la + lan - colon - 1) != 4)
            continue;
        {
            char ph[9] = "0000";
            memcpy(ph + 4, colon + 1, 4);
            ph[8] = '\0';
            if (hex_u32(ph, &port) != 0)
                continue;
        }
        if (port != 2375 && port != 2376)
            continue;
        if (decode_addr(la, (size_t)(colon - la), v6, addr, sizeof(addr)) != 0)
            snprintf(addr, sizeof(addr), "?");
        *listening = 1;
        if (port == 2375)
            rc = audit_add(af, "MOAT-HOST-003", loopback_addr(addr) ? "high" : NULL, 0, NULL, NULL,
                           "a process listens on %s%s%s:2375 (%s): the Docker API port "
                           "without TLS%s",
                           v6 ? "[" : "", addr, v6 ? "]" : "", file,
                           loopback_addr(addr) ? ", loopback only" : "");
        else
            rc = audit_add(af, "MOAT-HOST-004", NULL, 0, NULL, NULL,
                           "a process listens on %s%s%s:2376 (%s): the Docker API over TLS",
                           v6 ? "[" : "", addr, v6 ? "]" : "", file);
    }
    buf_free(&b);
    return rc;
}

/* ---- the Engine API ---- */

static size_t
collect(char *p, size_t size, size_t nmemb, void *ud)
{
    struct buf *b = ud;

    /* a failed append (over the limit) aborts the transfer */
    if (buf_add(b, p, size * nmemb) != 0)
        return 0;
    return size * nmemb;
}

/* GET path on the socket. 0 with the body in b; 1 when nothing listens on
 * the socket; -1 with why in err. */
static int
engine_get(const char *sock, const char *path, struct buf *b, char *err, size_t errlen)
{
    CURL *h = curl_easy_init();
    char url[512];
    long status = 0;
    CURLcode cc;

    if (!h) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    buf_reset(b);
    snprintf(url, sizeof(url), "http://localhost%s", path);
    curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, sock);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)MOAT_LIMIT_ENGINE_SECONDS);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)MOAT_LIMIT_ENGINE_SECONDS);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    cc = curl_easy_perform(h);
    if (cc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    if (cc == CURLE_COULDNT_CONNECT)
        return 1;
    if (cc == CURLE_WRITE_ERROR) {
        snprintf(err, errlen, "GET %s: answer larger than %u bytes", path,
                 (unsigned)MOAT_LIMIT_JSON_DOC);
        return -1;
    }
    if (cc != CURLE_OK) {
        snprintf(err, errlen, "GET %s: %s", path, curl_easy_strerror(cc));
        return -1;
    }
    if (status != 200) {
        snprintf(err, errlen, "GET %s: HTTP %ld", path, status);
        return -1;
    }
    return 0;
}

static int
valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;

    return n >= 12 && n <= 64 && strspn(id, "0123456789abcdef") == n;
}

static int
mounts_socket(json_t *inspect)
{
    json_t *m = json_object_get(inspect, "Mounts"), *binds;
    size_t i;

    for (i = 0; i < json_array_size(m); i++) {
        const char *src = json_obj_str(json_array_get(m, i), "Source");
        const char *dst = json_obj_str(json_array_get(m, i), "Destination");
        if ((src && str_ends(src, "docker.sock")) || (dst && str_ends(dst, "docker.sock")))
            return 1;
    }
    binds = json_object_get(json_object_get(inspect, "HostConfig"), "Binds");
    for (i = 0; i < json_array_size(binds); i++) {
        const char *b = json_string_value(json_array_get(binds, i));
        if (b && strstr(b, "docker.sock"))
            return 1;
    }
    return 0;
}

static int
check_containers(struct audit_file *af, const char *sock, int *answered)
{
    struct buf b;
    json_t *list = NULL;
    char err[512], jerr[256], path[128];
    size_t i;
    int rc;

    *answered = 0;
    buf_init(&b, MOAT_LIMIT_JSON_DOC);
    rc = engine_get(sock, "/containers/json", &b, err, sizeof(err));
    if (rc == 1) {
        rc = audit_note(af->au, "no Docker daemon answers on %s (connection refused)", sock);
        goto out;
    }
    if (rc < 0) {
        rc = audit_fail(af, "Docker Engine API on %s: %s", sock, err);
        goto out;
    }
    *answered = 1;
    list = json_parse_untrusted(b.data ? b.data : "", b.len, MOAT_LIMIT_JSON_DOC,
                                MOAT_LIMIT_JSON_DEPTH, NULL, jerr, sizeof(jerr));
    if (!json_is_array(list)) {
        rc = audit_fail(af, "Docker Engine API on %s: /containers/json: %s", sock,
                        list ? "not a JSON array" : jerr);
        goto out;
    }
    rc = audit_note(af->au, "Docker daemon on %s: %zu running container%s", sock,
                    json_array_size(list), json_array_size(list) == 1 ? "" : "s");
    for (i = 0; rc == 0 && i < json_array_size(list); i++) {
        json_t *c = json_array_get(list, i), *ins;
        const char *id = json_obj_str(c, "Id");
        const char *name = json_string_value(json_array_get(json_object_get(c, "Names"), 0));
        char object[200];
        if (i == MOAT_LIMIT_HOST_CONTAINERS) {
            rc = audit_fail(af, "more than %u running containers; the rest were not inspected",
                            (unsigned)MOAT_LIMIT_HOST_CONTAINERS);
            break;
        }
        if (!valid_id(id)) {
            rc = audit_fail(af, "Docker Engine API on %s: a container without a valid Id", sock);
            break;
        }
        snprintf(object, sizeof(object), "container %.100s (%.12s)",
                 name ? (name[0] == '/' ? name + 1 : name) : "?", id);
        snprintf(path, sizeof(path), "/containers/%s/json", id);
        rc = engine_get(sock, path, &b, err, sizeof(err));
        if (rc) {
            rc = audit_fail(af, "Docker Engine API on %s: %s", sock,
                            rc == 1 ? "the daemon went away" : err);
            break;
        }
        ins = json_parse_untrusted(b.data ? b.data : "", b.len, MOAT_LIMIT_JSON_DOC,
                                   MOAT_LIMIT_JSON_DEPTH, NULL, jerr, sizeof(jerr));
        if (!json_is_object(ins)) {
            json_decref(ins);
            rc = audit_fail(af, "Docker Engine API on %s: %s: %s", sock, path,
                            ins ? "not a JSON object" : jerr);
            break;
        }
        if (json_is_true(json_object_get(json_object_get(ins, "HostConfig"), "Privileged")))
            rc =
                audit_add(af, "MOAT-HOST-005", NULL, 0, object, NULL, "%s runs privileged", object);
        if (rc == 0 && mounts_socket(ins))
            rc = audit_add(af, "MOAT-HOST-006", NULL, 0, object, NULL,
                           "%s mounts the Docker socket", object);
        json_decref(ins);
    }
out:
    json_decref(list);
    buf_free(&b);
    return rc;
}

int
audit_host(struct audit *au, const struct moat_audit_host_options *o)
{
    const char *proc = o && o->proc_root ? o->proc_root : "/proc";
    const char *sock = o && o->docker_socket ? o->docker_socket : "/var/run/docker.sock";
    const char *groups = o && o->group_file ? o->group_file : "/etc/group";
    struct audit_file af;
    int rc, present = 0, listening = 0, answered = 0;

    rc = audit_begin(au, "host", "host", &af);
    af.no_file = 1;
    if (rc == 0)
        rc = check_socket(&af, sock, groups, &present);
    if (rc == 0)
        rc = check_tcp(&af, proc, "tcp", 0, &listening);
    if (rc == 0)
        rc = check_tcp(&af, proc, "tcp6", 1, &listening);
    if (rc == 0 && present)
        rc = check_containers(&af, sock, &answered);
    if (rc == 0 && !present && !listening)
        rc = audit_note(au,
                        "no Docker daemon found (no socket at %s, nothing listening on "
                        "TCP 2375/2376)",
                        sock);
    else if (rc == 0 && !present)
        rc = audit_note(au, "no Docker socket at %s", sock);
    if (rc)
        return rc;
    return VEC_AT(&au->targets, struct moat_audit_target, af.target)->error ? 1 : 0;
}
