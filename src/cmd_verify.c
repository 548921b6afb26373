/*
 * cmd_verify.c - `moat verify TARGET --key FILE...`: does one of these keys
 * vouch for this image? Prints every signature found with the reason it
 * verified or not (text, or JSON with --format json) and exits 0 when at
 * least one verified, 1 when none did (or none was found), 2 when the check
 * could not run (unreadable key or target, registry errors, bad usage).
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEYS 64

static void
usage(void)
{
    fprintf(stderr,
            "usage: moat verify [OPTIONS] TARGET\n\n"
            "Verifies cosign signatures of an image: the sha256-<hex>.sig signature manifest\n"
            "and Sigstore bundles attached as OCI referrers. TARGET is docker://HOST/REPO[:TAG]\n"
            "(or @DIGEST), oci:DIR[:TAG], oci-archive:FILE[:TAG] or a path to a layout.\n\n"
            "  -k, --key FILE         PEM public key (ECDSA P-256/P-384/P-521, Ed25519, RSA);\n"
            "                         repeatable: a signature by any of them counts\n"
            "  -f, --format FMT       text (default) or json\n"
            "      --insecure         allow plain-HTTP registries and skip TLS verification\n"
            "      --username NAME    registry user (password from --password-stdin)\n"
            "      --password-stdin   read the registry password from standard input\n"
            "      --ca-file FILE     extra CA certificates for the registry\n"
            "  -q, --quiet            print nothing; the exit status says it all\n\n"
            "Keyless signatures (Fulcio certificates) and Rekor entries are not verified.\n"
            "Exit status: 0 verified, 1 not verified, 2 could not check.\n");
}

static int
read_password(char **out)
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
    *out = strdup(line);
    memset(line, 0, sizeof(line));
    if (!*out) {
        cli_error("out of memory");
        return -1;
    }
    return 0;
}

static void
print_text(const struct moat_verification *v)
{
    size_t i, ok = 0;

    printf("target: %s\n", v->target);
    printf("image digest: %s\n", v->image_digest);
    if (v->nindex_manifests)
        printf("  an image index of %zu manifest%s: a signature of the index covers each\n",
               v->nindex_manifests, v->nindex_manifests == 1 ? "" : "s");
    for (i = 0; i < v->nsigs; i++) {
        const struct moat_signature *s = &v->sigs[i];
        ok += s->verified != 0;
        printf("  %-9s %s %s: %s\n", s->verified ? "verified" : "rejected", s->kind, s->source,
               s->reason);
    }
    if (v->verified)
        printf("VERIFIED: %zu of %zu signature%s verified\n", ok, v->nsigs,
               v->nsigs == 1 ? "" : "s");
    else
        printf("NOT VERIFIED: %s\n", v->reason ? v->reason : "no signature verified");
}

static int
print_json(const struct moat_verification *v)
{
    json_t *root, *arr;
    size_t i;
    int rc = -1;

    root = json_object();
    arr = json_array();
    if (!root || !arr)
        goto out;
    json_object_set_new(root, "target", json_string(v->target));
    json_object_set_new(root, "image_digest", json_string(v->image_digest));
    json_object_set_new(root, "verified", json_boolean(v->verified));
    json_object_set_new(root, "reason", v->reason ? json_string(v->reason) : json_null());
    for (i = 0; i < v->nsigs; i++) {
        const struct moat_signature *s = &v->sigs[i];
        json_t *o = json_object();
        if (!o)
            goto out;
        json_object_set_new(o, "kind", json_string(s->kind));
        json_object_set_new(o, "source", json_string(s->source));
        json_object_set_new(o, "verified", json_boolean(s->verified));
        json_object_set_new(o, "key", s->key ? json_string(s->key) : json_null());
        json_object_set_new(o, "reason", json_string(s->reason));
        json_array_append_new(arr, o);
    }
    json_object_set(root, "signatures", arr);
    if (v->nindex_manifests) {
        json_t *im = json_array();
        if (!im)
            goto out;
        for (i = 0; i < v->nindex_manifests; i++)
            json_array_append_new(im, json_string(v->index_manifests[i]));
        json_object_set_new(root, "index_manifests", im);
    }
    if (json_dumpf(root, stdout, JSON_INDENT(2)) == 0 && fputc('\n', stdout) != EOF)
        rc = 0;
out:
    json_decref(arr);
    json_decref(root);
    return rc;
}

int
cmd_verify(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"key", required_argument, NULL, 'k'},
        {"format", required_argument, NULL, 'f'},
        {"insecure", no_argument, NULL, 'I'},
        {"username", required_argument, NULL, 'u'},
        {"password-stdin", no_argument, NULL, 'P'},
        {"ca-file", required_argument, NULL, 'C'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *keys[MAX_KEYS], *format = "text";
    struct moat_verify_options o;
    struct moat_verification *v = NULL;
    char err[2048], *password = NULL;
    int ch, quiet = 0, want_password = 0, rc = EXIT_ERROR;
    size_t nkeys = 0;

    memset(&o, 0, sizeof(o));
    optind = 1;
    for (;;) {
        ch = getopt_long(argc, argv, "k:f:qh", longopts, NULL);
        if (ch == -1)
            break;
        switch (ch) {
        case 'k':
            if (nkeys == MAX_KEYS) {
                cli_error("verify: at most %d --key options", MAX_KEYS);
                return EXIT_ERROR;
            }
            keys[nkeys++] = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'I':
            o.insecure = 1;
            break;
        case 'u':
            o.username = optarg;
            break;
        case 'P':
            want_password = 1;
            break;
        case 'C':
            o.ca_file = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return EXIT_ERROR;
        }
    }
    if (optind + 1 != argc) {
        cli_error("verify: name one target (see 'moat verify --help')");
        return EXIT_ERROR;
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
        cli_error("verify: unknown format '%s' (text or json)", format);
        return EXIT_ERROR;
    }
    if (nkeys == 0) {
        cli_error("verify: no --key given (moat verifies signatures made with a key; keyless "
                  "signatures are not supported)");
        return EXIT_ERROR;
    }
    if (want_password && read_password(&password) != 0)
        return EXIT_ERROR;
    if (o.username && !password) {
        cli_error("verify: --username needs --password-stdin");
        goto out;
    }
    o.password = password;
    o.keys = keys;
    o.nkeys = nkeys;
    if (moat_verify(argv[optind], &o, &v, err, sizeof(err)) != 0) {
        cli_error("%s", err);
        goto out;
    }
    if (!quiet) {
        if (strcmp(format, "json") == 0) {
            if (print_json(v) != 0) {
                cli_error("verify: cannot write the report");
                goto out;
            }
        } else {
            print_text(v);
        }
        if (fflush(stdout) != 0) {
            cli_error("verify: cannot write the report");
            goto out;
        }
    }
    rc = v->verified ? EXIT_ALLOW : EXIT_DENY;
out:
    moat_verification_free(v);
    if (password) {
        memset(password, 0, strlen(password));
        free(password);
    }
    return rc;
}
