/*
 * elf.c - see elf.h. The ELF layouts are those of the System V ABI (gABI,
 * "Object Files" chapter); Mach-O and PE are only recognised by magic.
 */
#include "elf.h"
#include "base/err.h"
#include "base/str.h"

#include <string.h>

int
exe_candidate(const struct entry *e)
{
    const char *b = e->base, *so;

    if (e->le->type != ENTRY_REG || e->le->size < 64)
        return 0;
    if (e->le->mode & 0111)
        return 1;
    if (str_ends(b, ".exe") || str_ends(b, ".dll") || str_ends(b, ".EXE") ||
        str_ends(b, ".DLL") || str_ends(b, ".so"))
        return 1;
    /* libfoo.so.1.2: every character after ".so." is a digit or a dot */
    so = strstr(b, ".so.");
    if (so && so[4]) {
        for (so += 4; *so; so++)
            if (!((*so >= '0' && *so <= '9') || *so == '.'))
                return 0;
        return 1;
    }
    return 0;
}

enum exe_kind
exe_kind(const unsigned char *p, size_t n)
{
    uint32_t be;

    if (n < EXE_MAGIC_LEN)
        return EXE_NONE;
    if (memcmp(p, "\x7f" "ELF", 4) == 0)
        return EXE_ELF;
    if (p[0] == 'M' && p[1] == 'Z')
        return EXE_PE;
    be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    /* thin Mach-O of either width and byte order, and universal binaries
     * (0xcafebabe is also a Java class file; those are not executable) */
    if (be == 0xfeedface || be == 0xfeedfacf || be == 0xcefaedfe || be == 0xcffaedfe ||
        be == 0xcafebabe)
        return EXE_MACHO;
    return EXE_NONE;
}

static uint16_t
rd16(const unsigned char *p, int big)
{
    return big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
rd32(const unsigned char *p, int big)
{
    if (big)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t
rd64(const unsigned char *p, int big)
{
    uint64_t hi = rd32(big ? p : p + 4, big), lo = rd32(big ? p + 4 : p, big);
    return hi << 32 | lo;
}

int
elf_header_parse(const unsigned char *p, size_t n, struct elf_header *h)
{
    memset(h, 0, sizeof(*h));
    if (n < 52 || memcmp(p, "\x7f" "ELF", 4) != 0 || p[6] != 1)
        return MOAT_EINVAL;
    if ((p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2))
        return MOAT_EINVAL;
    h->is64 = p[4] == 2;
    h->big = p[5] == 2;
    if (h->is64) {
        if (n < 64)
            return MOAT_EINVAL;
        h->shoff = rd64(p + 40, h->big);
        h->shentsize = rd16(p + 58, h->big);
        h->shnum = rd16(p + 60, h->big);
        h->shstrndx = rd16(p + 62, h->big);
    } else {
        h->shoff = rd32(p + 32, h->big);
        h->shentsize = rd16(p + 46, h->big);
        h->shnum = rd16(p + 48, h->big);
        h->shstrndx = rd16(p + 50, h->big);
    }
    /* a table that exists must use the size this class defines, or the
     * fields below would be read from the wrong places */
    if (h->shoff && h->shentsize != (h->is64 ? 64 : 40))
        return MOAT_EINVAL;
    return 0;
}

int
elf_section_parse(const struct elf_header *h, const unsigned char *p, size_t n,
                  struct elf_section *s)
{
    memset(s, 0, sizeof(*s));
    if (n < h->shentsize || h->shentsize < (h->is64 ? 64 : 40))
        return MOAT_EINVAL;
    s->name = rd32(p, h->big);
    s->type = rd32(p + 4, h->big);
    if (h->is64) {
        s->offset = rd64(p + 24, h->big);
        s->size = rd64(p + 32, h->big);
        s->link = rd32(p + 40, h->big);
    } else {
        s->offset = rd32(p + 16, h->big);
        s->size = rd32(p + 20, h->big);
        s->link = rd32(p + 24, h->big);
    }
    return 0;
}
