/*
 * secret_rules.h - the secret detector's rule table, its user configuration
 * (allow rules and extra rules, YAML) and the value checks it applies to a
 * candidate before reporting it.
 *
 * A rule is a Hyperscan expression plus how to find the secret inside a
 * match and how to judge it. Hyperscan gives no capture groups: it reports
 * where a match starts (SOM) and ends; the regex describes the shortest
 * convincing shape (a prefix and the first bytes of the value) and the
 * extraction below extends the value over the rule's character set in the
 * bytes that follow, so each occurrence is reported once, not once per
 * possible end. See docs/DETECTORS.md ("Secrets") for the rule list.
 */
#ifndef MOAT_DETECT_SECRET_RULES_H
#define MOAT_DETECT_SECRET_RULES_H

#include <stddef.h>
#include <stdint.h>

#include <hs/hs.h>

/* Where the secret is inside a match. Hyperscan tracks the start of a
 * match (SOM) for all but SX_TAIL, SX_BLOCK and SX_FIELD5: SOM costs stream
 * state, and long bounded repeats only compile without it. */
enum secret_extract {
    SX_TOKEN = 0, /* the match is the start of the secret */
    SX_ASSIGN,    /* key <sep> value: the value (quoted or bare) */
    SX_XML,       /* <key>value</key>: the element text */
    SX_URL,       /* scheme://user:password@: the password */
    SX_BLOCK,     /* a key block: nothing of it is ever shown (the
                     detector finds its start: see prefix) */
    SX_FIELD5,    /* host:port:db:user:password (.pgpass): the fifth field */
    SX_TAIL,      /* the last min_len bytes of the match start the value
                     (the match start is not needed, nor tracked) */
};

/* Characters a value extends over after the match. */
enum secret_charset {
    CS_NONE = 0,  /* no extension: the match is the whole value */
    CS_ALNUM,     /* A-Z a-z 0-9 */
    CS_B64URL,    /* alnum _ - (base64url without padding) */
    CS_B64,       /* alnum + / = */
    CS_HEX,       /* 0-9 a-f A-F */
    CS_UPPER,     /* A-Z 0-9 */
    CS_TOKEN,     /* alnum _ - . ~ + / = */
    CS_JWT,       /* alnum _ - . = */
    CS_URL64,     /* alnum + / = % (URL-encoded base64) */
    CS_VALUE,     /* any visible byte but quotes, ',' and ';' */
};

/* Checks on the extracted value (bits). */
#define SC_BOUND_BEFORE 0x01  /* the byte before the match is not alnum */
#define SC_BOUND_AFTER 0x02   /* the value is not followed by more of its charset */
#define SC_GENERIC 0x04       /* generic assignment: placeholders, code, words */
#define SC_USERPASS 0x08      /* base64 of "user:password" */
#define SC_JWT 0x10           /* a JWT whose header names an "alg" */
#define SC_NO_PLACEHOLDER 0x20 /* skip the placeholder deny list (file formats
                                  where the value is known to be the secret) */
#define SC_KEY_START 0x40     /* the key starts a line or follows ':' or a blank
                                 (.npmrc's "//host/:_authToken=") */

struct secret_rule {
    const char *id;           /* stable rule id, used in reports and allow rules */
    const char *title;
    const char *severity;     /* "critical", "high", "medium", "low" */
    const char *regex;        /* Hyperscan syntax */
    unsigned hs_flags;        /* HS_FLAG_MULTILINE, ... */
    uint8_t extract;          /* enum secret_extract */
    uint8_t charset;          /* enum secret_charset */
    uint16_t min_len, max_len; /* of the value; max_len 0: MOAT_LIMIT_SECRET_VALUE */
    uint8_t min_entropy10;    /* Shannon entropy of the value, bits/char x10 */
    uint8_t checks;           /* SC_* */
    const char *path_base;    /* only in files of this base name, or NULL */
    const char *path_has;     /* only in files whose path contains this, or NULL */
    /* SX_TOKEN: the token starts before the match (the regex matches a
     * distinctive middle part): walk back over base64url bytes from the
     * match start; the token must begin with prefix. SX_BLOCK: the literal
     * that starts the block ("-----BEGIN" when NULL), searched backwards
     * from the match end. */
    const char *prefix;
};

extern const struct secret_rule secret_builtin_rules[];
extern const size_t secret_nbuiltin;

/* Does Hyperscan track where matches of r start (HS_FLAG_SOM_LEFTMOST)? Not
 * for SX_TAIL, SX_BLOCK and SX_FIELD5, whose start the detector finds. */
int secret_tracks_start(const struct secret_rule *r);

/* Compiles the rules of rules[0..n) that are tied to a path (paths = 1) or
 * not (paths = 0) into one streaming database (OUT: *out, hs_free_database;
 * NULL when paths = 1 and no rule is tied to a path). Hyperscan ids are
 * indexes into rules. Returns 0, or -1 with *bad the index of the rule that
 * does not compile (-1: none in particular) and err the reason. The rules
 * are split in two databases so that file-specific rules, whose patterns
 * start with character classes, do not slow down every other file. */
int secret_compile(const struct secret_rule *const *rules, size_t n, int paths,
                   hs_database_t **out, long *bad, char *err, size_t errlen);

/* The built-in rules compiled at build time for the build machine
 * (generated: secret_rules_db.c), as hs_serialize_database wrote them; the
 * detector compiles at run time when they do not load on this CPU or
 * Hyperscan version. */
extern const unsigned char secret_db_general[];
extern const size_t secret_db_general_len;
extern const unsigned char secret_db_paths[];
extern const size_t secret_db_paths_len;

/* ---- user configuration (--secret-config) ---- */

struct secret_allow {
    char *path;               /* glob on the image path (/app/test/...), or NULL */
    char *rule;               /* rule id, or NULL: every rule */
    unsigned line;
};

struct secret_custom {
    char *id, *title, *severity, *regex;
    unsigned line;
};

struct secret_config {
    struct secret_allow *allow;
    size_t nallow;
    struct secret_custom *rules;
    size_t nrules;
};

/* Parses a YAML configuration (see docs/DETECTORS.md):
 *   allow-rules: [{path: GLOB, rule: ID}, ...]   (at least one of the two)
 *   rules: [{id: ID, regex: RE, severity: S, title: T}, ...]
 * name is used in messages ("name:line: what"). Returns 0 with *out filled
 * (OUT: free with secret_config_free), or -1 with err naming the line. */
int secret_config_parse(const char *buf, size_t len, const char *name,
                        struct secret_config *out, char *err, size_t errlen);
void secret_config_free(struct secret_config *c); /* NULL-safe, leaves c empty */

/* Does glob (an allow rule's path) match path (image path, with or without
 * the leading '/')? A glob without a leading '/' matches at any depth. */
int secret_path_match(const char *glob, const char *path);

/* ---- value checks ---- */

int secret_in_charset(int charset, unsigned char c);
/* Shannon entropy of [s, s+n) in bits per byte, x10 (rounded down). */
unsigned secret_entropy10(const char *s, size_t n);
/* A value that is a placeholder or an example, not a secret ("changeme",
 * "${TOKEN}", "<password>", "xxxxxxxx", "AKIAIOSFODNN7EXAMPLE"). */
int secret_is_placeholder(const char *s, size_t n);
/* The checks of SC_GENERIC: 1 when [s, s+n) looks like a real secret value
 * assigned to a key, 0 when it looks like code, a word or a reference. key
 * (may be NULL) is the assigned name. */
int secret_generic_ok(const char *key, size_t keylen, const char *s, size_t n);
/* Writes a redacted form of the value into out: at most a quarter of it and
 * never more than 4 of its bytes, then "****" and the length:
 * "ghp_**** (40 chars)". Non-printable bytes are shown as '?'. */
void secret_redact(const char *s, size_t n, char *out, size_t outlen);
/* Is the path one of tests, examples, fixtures or docs? Findings there are
 * reported as "low". */
int secret_test_path(const char *path);

#endif
