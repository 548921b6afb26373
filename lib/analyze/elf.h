/*
 * elf.h - what the binary analyzers (gobinary.c, cargo.c) share: which
 * entries are worth streaming, recognising an executable format from its
 * first bytes, and decoding the fixed-size ELF structures they need (file
 * header, section header) from raw bytes of either class and byte order.
 *
 * Nothing here reads a file: callers hand in bytes they already hold, and
 * every decoder checks the length it is given.
 */
#ifndef MOAT_ANALYZE_ELF_H
#define MOAT_ANALYZE_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"

enum exe_kind {
    EXE_NONE = 0,
    EXE_ELF,
    EXE_MACHO,
    EXE_PE,
};

/* Bytes exe_kind() needs to decide. */
#define EXE_MAGIC_LEN 4

/* Whether a file may be a compiled program worth streaming: a regular file
 * of at least 64 bytes that is executable (any x bit) or named like a
 * program or library (.exe, .dll, .so, .so.N). Cheap: metadata only. */
int exe_candidate(const struct entry *e);

/* The executable format of a file starting with p[0..n), EXE_NONE if it
 * is none of them (n < EXE_MAGIC_LEN is EXE_NONE too). */
enum exe_kind exe_kind(const unsigned char *p, size_t n);

/* The ELF file header fields the analyzers use. */
struct elf_header {
    int is64;             /* ELFCLASS64 */
    int big;              /* ELFDATA2MSB */
    uint64_t shoff;       /* section header table offset, 0 = none */
    uint16_t shentsize;
    uint32_t shnum;       /* 0 with shoff != 0: the count is in section 0 */
    uint32_t shstrndx;    /* SHN_XINDEX (0xffff): the index is in section 0 */
};

/* Bytes of the ELF file header needed by elf_header_parse (ELF64 size). */
#define ELF_HEADER_LEN 64

/* Decodes the file header from p[0..n). Returns 0, or MOAT_EINVAL when it
 * is not a well-formed ELF header (bad class, byte order, version or
 * section header entry size). */
int elf_header_parse(const unsigned char *p, size_t n, struct elf_header *h);

struct elf_section {
    uint32_t name;        /* offset in the section-name string table */
    uint32_t type;
    uint64_t offset, size;
    uint32_t link;
};

#define ELF_SHT_NOBITS 8
#define ELF_SHN_XINDEX 0xffff

/* Decodes one section header (h->shentsize bytes at p). 0 or MOAT_EINVAL. */
int elf_section_parse(const struct elf_header *h, const unsigned char *p, size_t n,
                      struct elf_section *s);

#endif
