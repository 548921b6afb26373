/*
 * fuzz_manifest.c - image metadata documents: the same bytes are parsed as
 * an image manifest, an image config (against a two-layer manifest), an
 * image index (platform selection) and an OCI layout index.json (whose blob
 * reader serves the input itself for any digest).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "image/image.h"
#include "image/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const uint8_t *p;
    size_t n;
};

static int
serve(void *ud, const char *digest, size_t max, char **out, size_t *len, char *err,
      size_t errlen)
{
    struct input *in = ud;

    (void)digest;
    (void)err;
    (void)errlen;
    if (in->n > max)
        return -2;
    *out = malloc(in->n + 1);
    if (!*out)
        return -1;
    memcpy(*out, in->p, in->n);
    (*out)[in->n] = '\0';
    *len = in->n;
    return 0;
}

static struct image_desc *
new_img(void)
{
    struct image_desc *img = calloc(1, sizeof(*img));
    if (img)
        arena_init(&img->arena);
    return img;
}

static void
free_img(struct image_desc *img)
{
    free(img->warnings);
    arena_free(&img->arena);
    free(img);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct moat_options o;
    struct image_desc *img;
    struct input in = {data, size};
    char err[512];
    json_t *j;

    if (size > (1u << 20))
        return 0;
    moat_options_init(&o);
    j = json_parse_limited("fuzz", (const char *)data, size, err, sizeof(err));
    img = new_img();
    if (!img) {
        json_decref(j);
        return 0;
    }
    if (j) {
        const char *dg, *mt;
        image_apply_manifest(img, j, err, sizeof(err));
        image_select_platform(img, j, &o, &dg, &mt, err, sizeof(err));
        json_decref(j);
    }
    free_img(img);

    img = new_img();
    if (img) {
        img->nlayers = 2;
        img->layers = arena_alloc(&img->arena, 2 * sizeof(*img->layers));
        if (img->layers)
            image_apply_config(img, (const char *)data, size, err, sizeof(err));
        free_img(img);
    }
    img = new_img();
    if (img) {
        oci_layout_resolve(img, (const char *)data, size, NULL, &o, serve, &in, err,
                           sizeof(err));
        free_img(img);
    }
    return 0;
}
