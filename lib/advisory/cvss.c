/*
 * cvss.c - CVSS v3.0 / v3.1 / v4.0 vector parsing and base scores.
 *
 * One parser serves the three versions: a table of metrics per version
 * (name, allowed values, metric group; the base group is mandatory) drives
 * strict validation, and the parsed values feed the version's equations:
 *
 * - v3.x: the base equations of the v3.1 specification section 7.1 (v3.0's
 *   are the same); v3.1 rounds with the floating-point-safe Roundup of its
 *   Appendix A, v3.0 with the plain "smallest one-decimal number >= x"
 *   (ceil(x * 10) / 10) its calculator used. The two disagree only when
 *   binary floating point puts x a hair above a tenth, which no base
 *   vector does (docs/internals/CVSS.md).
 * - v4.0: the MacroVector method of the v4.0 specification section 8: six
 *   equivalence classes (EQ1..EQ6) select one of 270 MacroVectors whose
 *   score is a published table, then the score is interpolated towards the
 *   next lower MacroVectors by the vector's severity distance from the
 *   highest-severity vectors of its MacroVector. The table, the
 *   highest-severity vectors and their depths are facts of the standard
 *   (FIRST's reference calculator carries the same data) and live below as
 *   data. The arithmetic follows the reference calculator operation by
 *   operation, in doubles, so ties round the same way.
 *
 * Nothing here allocates. All arithmetic avoids libm (moat does not link
 * it): floors of small non-negative doubles are integer casts, and the one
 * power (x^15) is computed in long double and rounded once.
 */
#include "cvss.h"
#include "base/limits.h"

#include <string.h>

/* The score equations must be evaluated exactly as written, one rounding
 * per operation, like the JavaScript reference calculators: a fused
 * multiply-add would change the last bit and, at a tie, the tenth. C11
 * mode (-std=c11) already keeps GCC from contracting; clang needs telling. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* Metric groups. v3 "temporal" metrics are stored as THREAT: both are
 * validated and, for the base score, ignored. */
enum group { G_BASE, G_THREAT, G_ENV, G_SUPP };

#define MAX_VALUES 6 /* longest value list (U: X Clear Green Amber Red) + NULL */

struct metric {
    const char *name;
    const char *values[MAX_VALUES]; /* NULL-terminated, as the spec spells them */
    unsigned char group;
};

/* ---- v3.0 / v3.1 (specification section 6, Table 15) ---- */

/* clang-format off */
enum m3 {
    M3_AV, M3_AC, M3_PR, M3_UI, M3_S, M3_C, M3_I, M3_A,
    M3_E, M3_RL, M3_RC,
    M3_CR, M3_IR, M3_AR, M3_MAV, M3_MAC, M3_MPR, M3_MUI, M3_MS, M3_MC, M3_MI, M3_MA,
    M3_COUNT
};
/* clang-format on */

static const struct metric metrics3[M3_COUNT] = {
    [M3_AV] = {"AV", {"N", "A", "L", "P"}, G_BASE},
    [M3_AC] = {"AC", {"L", "H"}, G_BASE},
    [M3_PR] = {"PR", {"N", "L", "H"}, G_BASE},
    [M3_UI] = {"UI", {"N", "R"}, G_BASE},
    [M3_S] = {"S", {"U", "C"}, G_BASE},
    [M3_C] = {"C", {"H", "L", "N"}, G_BASE},
    [M3_I] = {"I", {"H", "L", "N"}, G_BASE},
    [M3_A] = {"A", {"H", "L", "N"}, G_BASE},
    [M3_E] = {"E", {"X", "H", "F", "P", "U"}, G_THREAT},
    [M3_RL] = {"RL", {"X", "U", "W", "T", "O"}, G_THREAT},
    [M3_RC] = {"RC", {"X", "C", "R", "U"}, G_THREAT},
    [M3_CR] = {"CR", {"X", "H", "M", "L"}, G_ENV},
    [M3_IR] = {"IR", {"X", "H", "M", "L"}, G_ENV},
    [M3_AR] = {"AR", {"X", "H", "M", "L"}, G_ENV},
    [M3_MAV] = {"MAV", {"X", "N", "A", "L", "P"}, G_ENV},
    [M3_MAC] = {"MAC", {"X", "L", "H"}, G_ENV},
    [M3_MPR] = {"MPR", {"X", "N", "L", "H"}, G_ENV},
    [M3_MUI] = {"MUI", {"X", "N", "R"}, G_ENV},
    [M3_MS] = {"MS", {"X", "U", "C"}, G_ENV},
    [M3_MC] = {"MC", {"X", "H", "L", "N"}, G_ENV},
    [M3_MI] = {"MI", {"X", "H", "L", "N"}, G_ENV},
    [M3_MA] = {"MA", {"X", "H", "L", "N"}, G_ENV},
};

/* ---- v4.0 (specification section 7, Table 23) ---- */

/* clang-format off */
enum m4 {
    M4_AV, M4_AC, M4_AT, M4_PR, M4_UI, M4_VC, M4_VI, M4_VA, M4_SC, M4_SI, M4_SA,
    M4_E,
    M4_CR, M4_IR, M4_AR, M4_MAV, M4_MAC, M4_MAT, M4_MPR, M4_MUI, M4_MVC, M4_MVI, M4_MVA,
    M4_MSC, M4_MSI, M4_MSA,
    M4_S, M4_AU, M4_R, M4_V, M4_RE, M4_U,
    M4_COUNT
};
/* clang-format on */

static const struct metric metrics4[M4_COUNT] = {
    [M4_AV] = {"AV", {"N", "A", "L", "P"}, G_BASE},
    [M4_AC] = {"AC", {"L", "H"}, G_BASE},
    [M4_AT] = {"AT", {"N", "P"}, G_BASE},
    [M4_PR] = {"PR", {"N", "L", "H"}, G_BASE},
    [M4_UI] = {"UI", {"N", "P", "A"}, G_BASE},
    [M4_VC] = {"VC", {"H", "L", "N"}, G_BASE},
    [M4_VI] = {"VI", {"H", "L", "N"}, G_BASE},
    [M4_VA] = {"VA", {"H", "L", "N"}, G_BASE},
    [M4_SC] = {"SC", {"H", "L", "N"}, G_BASE},
    [M4_SI] = {"SI", {"H", "L", "N"}, G_BASE},
    [M4_SA] = {"SA", {"H", "L", "N"}, G_BASE},
    [M4_E] = {"E", {"X", "A", "P", "U"}, G_THREAT},
    [M4_CR] = {"CR", {"X", "H", "M", "L"}, G_ENV},
    [M4_IR] = {"IR", {"X", "H", "M", "L"}, G_ENV},
    [M4_AR] = {"AR", {"X", "H", "M", "L"}, G_ENV},
    [M4_MAV] = {"MAV", {"X", "N", "A", "L", "P"}, G_ENV},
    [M4_MAC] = {"MAC", {"X", "L", "H"}, G_ENV},
    [M4_MAT] = {"MAT", {"X", "N", "P"}, G_ENV},
    [M4_MPR] = {"MPR", {"X", "N", "L", "H"}, G_ENV},
    [M4_MUI] = {"MUI", {"X", "N", "P", "A"}, G_ENV},
    [M4_MVC] = {"MVC", {"X", "H", "L", "N"}, G_ENV},
    [M4_MVI] = {"MVI", {"X", "H", "L", "N"}, G_ENV},
    [M4_MVA] = {"MVA", {"X", "H", "L", "N"}, G_ENV},
    [M4_MSC] = {"MSC", {"X", "H", "L", "N"}, G_ENV},
    [M4_MSI] = {"MSI", {"X", "S", "H", "L", "N"}, G_ENV},
    [M4_MSA] = {"MSA", {"X", "S", "H", "L", "N"}, G_ENV},
    [M4_S] = {"S", {"X", "N", "P"}, G_SUPP},
    [M4_AU] = {"AU", {"X", "N", "Y"}, G_SUPP},
    [M4_R] = {"R", {"X", "A", "U", "I"}, G_SUPP},
    [M4_V] = {"V", {"X", "D", "C"}, G_SUPP},
    [M4_RE] = {"RE", {"X", "L", "M", "H"}, G_SUPP},
    [M4_U] = {"U", {"X", "Clear", "Green", "Amber", "Red"}, G_SUPP},
};

#define MAX_METRICS M4_COUNT

/* A parsed vector: for each metric of the version's table, the first letter
 * of its value, or 0 when the metric is absent. Every value that scoring
 * looks at is a single letter, so this loses nothing. */
struct parsed {
    char v[MAX_METRICS];
};

/* ---- small arithmetic without libm ---- */

/* floor() of a non-negative double far below 2^62. */
static long long
floor_nonneg(double x)
{
    return (long long)x;
}

/* JavaScript Math.round() for non-negative x: nearest integer, ties up. */
static long long
js_round(double x)
{
    long long r = floor_nonneg(x);

    if (x - (double)r >= 0.5)
        r++;
    return r;
}

/* x^15 rounded once to double (the extended-precision products carry more
 * than enough bits for the result to be the correctly rounded power in
 * practice, which is what a libm pow() delivers). */
static double
pow15(double x)
{
    long double b = x, p2, p4, p8;

    p2 = b * b;
    p4 = p2 * p2;
    p8 = p4 * p4;
    return (double)(p8 * p4 * p2 * b);
}

/* ---- v3 scoring ---- */

/* v3.1 Appendix A: Roundup without floating-point surprises, in tenths. */
int
cvss_roundup_v31(double x)
{
    long long n;

    /* Outside the documented domain: keep the casts below defined. */
    if (!(x > 0.0))
        return 0;
    if (x > 1000.0)
        x = 1000.0;
    n = js_round(x * 100000.0);

    if (n % 10000 == 0)
        return (int)(n / 10000);
    return (int)(n / 10000 + 1);
}

/* v3.0: the smallest number with one decimal that is >= x, in tenths. */
int
cvss_roundup_v30(double x)
{
    double scaled;
    long long r;

    if (!(x > 0.0))
        return 0;
    if (x > 1000.0)
        x = 1000.0;
    scaled = x * 10.0;
    r = floor_nonneg(scaled);

    if ((double)r < scaled)
        r++;
    return (int)r;
}

static double
weight_cia(char c)
{
    if (c == 'H')
        return 0.56;
    if (c == 'L')
        return 0.22;
    return 0.0;
}

/* Base score in tenths (specification 7.1). The order of operations is the
 * one of FIRST's calculators. */
static int
score3(const struct parsed *p, enum cvss_version version)
{
    int changed = p->v[M3_S] == 'C';
    double av, ac, pr, ui, iss, impact, expl, sum;

    switch (p->v[M3_AV]) {
    case 'N':
        av = 0.85;
        break;
    case 'A':
        av = 0.62;
        break;
    case 'L':
        av = 0.55;
        break;
    default:
        av = 0.2;
        break;
    }
    ac = p->v[M3_AC] == 'L' ? 0.77 : 0.44;
    switch (p->v[M3_PR]) {
    case 'N':
        pr = 0.85;
        break;
    case 'L':
        pr = changed ? 0.68 : 0.62;
        break;
    default:
        pr = changed ? 0.5 : 0.27;
        break;
    }
    ui = p->v[M3_UI] == 'N' ? 0.85 : 0.62;

    iss = 1.0 - ((1.0 - weight_cia(p->v[M3_C])) * (1.0 - weight_cia(p->v[M3_I])) *
                 (1.0 - weight_cia(p->v[M3_A])));
    if (changed) {
        double lin = 7.52 * (iss - 0.029);
        double curve = 3.25 * pow15(iss - 0.02);
        impact = lin - curve;
    } else {
        impact = 6.42 * iss;
    }
    expl = 8.22 * av * ac * pr * ui;
    if (impact <= 0.0)
        return 0;
    sum = impact + expl;
    if (changed)
        sum = 1.08 * sum;
    if (sum > 10.0)
        sum = 10.0;
    return version == CVSS_V3_0 ? cvss_roundup_v30(sum) : cvss_roundup_v31(sum);
}

/* ---- v4 data (specification section 8 and its MacroVector table) ---- */

/* Score of each MacroVector in tenths, indexed [EQ1][EQ2][EQ3][EQ4][EQ5][EQ6]
 * (the specification's MacroVector "EQ1 EQ2 EQ3 EQ4 EQ5 EQ6", e.g. 002201 is
 * [0][0][2][2][0][1]): within an EQ3 block each line is one EQ4 level, each
 * brace pair one EQ5 level holding { EQ6 = 0, EQ6 = 1 }. -1 where the
 * combination cannot occur (EQ3 = 2 with EQ6 = 0: without any High
 * vulnerable-system impact no requirement can be High against one). The
 * 270 others are the published MacroVector scores. */
/* clang-format off */
static const signed char macro_score[3][2][3][3][3][2] = {
    { /* EQ1 = 0 */
        { /* EQ2 = 0 */
            /* EQ3 = 0 */ { { {100, 99 }, { 98, 95 }, { 95, 92 } },
                            { {100, 96 }, { 93, 87 }, { 91, 81 } },
                            { { 93, 90 }, { 89, 80 }, { 81, 68 } } },
            /* EQ3 = 1 */ { { { 98, 95 }, { 95, 92 }, { 90, 84 } },
                            { { 93, 92 }, { 89, 81 }, { 81, 65 } },
                            { { 88, 80 }, { 78, 70 }, { 69, 48 } } },
            /* EQ3 = 2 */ { { { -1, 92 }, { -1, 82 }, { -1, 72 } },
                            { { -1, 79 }, { -1, 69 }, { -1, 50 } },
                            { { -1, 69 }, { -1, 55 }, { -1, 27 } } },
        },
        { /* EQ2 = 1 */
            /* EQ3 = 0 */ { { { 99, 97 }, { 95, 92 }, { 92, 85 } },
                            { { 95, 91 }, { 90, 83 }, { 84, 71 } },
                            { { 92, 81 }, { 82, 71 }, { 72, 53 } } },
            /* EQ3 = 1 */ { { { 95, 93 }, { 92, 85 }, { 85, 73 } },
                            { { 92, 82 }, { 80, 72 }, { 70, 59 } },
                            { { 84, 70 }, { 71, 52 }, { 50, 30 } } },
            /* EQ3 = 2 */ { { { -1, 86 }, { -1, 75 }, { -1, 52 } },
                            { { -1, 71 }, { -1, 52 }, { -1, 29 } },
                            { { -1, 63 }, { -1, 29 }, { -1, 17 } } },
        },
    },
    { /* EQ1 = 1 */
        { /* EQ2 = 0 */
            /* EQ3 = 0 */ { { { 98, 95 }, { 94, 87 }, { 91, 81 } },
                            { { 94, 89 }, { 86, 74 }, { 77, 64 } },
                            { { 87, 75 }, { 74, 63 }, { 63, 49 } } },
            /* EQ3 = 1 */ { { { 94, 89 }, { 88, 77 }, { 76, 67 } },
                            { { 86, 76 }, { 74, 58 }, { 59, 50 } },
                            { { 72, 57 }, { 57, 52 }, { 52, 25 } } },
            /* EQ3 = 2 */ { { { -1, 83 }, { -1, 70 }, { -1, 54 } },
                            { { -1, 65 }, { -1, 58 }, { -1, 26 } },
                            { { -1, 53 }, { -1, 21 }, { -1, 13 } } },
        },
        { /* EQ2 = 1 */
            /* EQ3 = 0 */ { { { 95, 90 }, { 88, 76 }, { 76, 70 } },
                            { { 90, 77 }, { 75, 62 }, { 61, 53 } },
                            { { 77, 66 }, { 68, 59 }, { 52, 30 } } },
            /* EQ3 = 1 */ { { { 89, 78 }, { 76, 67 }, { 62, 58 } },
                            { { 74, 59 }, { 57, 57 }, { 47, 23 } },
                            { { 61, 52 }, { 57, 29 }, { 24, 16 } } },
            /* EQ3 = 2 */ { { { -1, 71 }, { -1, 59 }, { -1, 30 } },
                            { { -1, 58 }, { -1, 26 }, { -1, 15 } },
                            { { -1, 23 }, { -1, 13 }, { -1,  6 } } },
        },
    },
    { /* EQ1 = 2 */
        { /* EQ2 = 0 */
            /* EQ3 = 0 */ { { { 93, 87 }, { 86, 72 }, { 75, 58 } },
                            { { 86, 74 }, { 74, 61 }, { 56, 34 } },
                            { { 70, 54 }, { 52, 40 }, { 40, 22 } } },
            /* EQ3 = 1 */ { { { 85, 75 }, { 74, 55 }, { 62, 51 } },
                            { { 72, 57 }, { 55, 41 }, { 46, 19 } },
                            { { 53, 36 }, { 34, 19 }, { 19,  8 } } },
            /* EQ3 = 2 */ { { { -1, 64 }, { -1, 51 }, { -1, 20 } },
                            { { -1, 47 }, { -1, 21 }, { -1, 11 } },
                            { { -1, 24 }, { -1,  9 }, { -1,  4 } } },
        },
        { /* EQ2 = 1 */
            /* EQ3 = 0 */ { { { 88, 75 }, { 73, 53 }, { 60, 50 } },
                            { { 73, 55 }, { 59, 40 }, { 41, 20 } },
                            { { 54, 43 }, { 45, 22 }, { 20, 11 } } },
            /* EQ3 = 1 */ { { { 75, 55 }, { 58, 45 }, { 40, 21 } },
                            { { 61, 51 }, { 48, 18 }, { 20,  9 } },
                            { { 46, 18 }, { 17,  7 }, {  8,  2 } } },
            /* EQ3 = 2 */ { { { -1, 53 }, { -1, 24 }, { -1, 14 } },
                            { { -1, 24 }, { -1, 12 }, { -1,  5 } },
                            { { -1, 10 }, { -1,  3 }, { -1,  1 } } },
        },
    },
};
/* clang-format on */

/* The metrics the severity distance is measured on, in the order the
 * reference calculator sums them. */
enum dist {
    D_AV,
    D_PR,
    D_UI,
    D_AC,
    D_AT,
    D_VC,
    D_VI,
    D_VA,
    D_SC,
    D_SI,
    D_SA,
    D_CR,
    D_IR,
    D_AR,
    D_E,
    D_COUNT
};

/* Severity level of each value: position in `order` plus `first`, times
 * 0.1 (the specification's "step"). Lower is more severe. */
static const struct {
    const char *order;
    int first;
} levels[D_COUNT] = {
    [D_AV] = {"NALP", 0}, [D_PR] = {"NLH", 0},  [D_UI] = {"NPA", 0},  [D_AC] = {"LH", 0},
    [D_AT] = {"NP", 0},   [D_VC] = {"HLN", 0},  [D_VI] = {"HLN", 0},  [D_VA] = {"HLN", 0},
    [D_SC] = {"HLN", 1},  [D_SI] = {"SHLN", 0}, [D_SA] = {"SHLN", 0}, [D_CR] = {"HML", 0},
    [D_IR] = {"HML", 0},  [D_AR] = {"HML", 0},  [D_E] = {"APU", 0},
};

/* The doubles 0.0, 0.1, 0.2, 0.3 exactly as the reference writes them. */
static const double step_level[4] = {0.0, 0.1, 0.2, 0.3};

/* Highest-severity vectors of each EQ level ("max_composed"), as value
 * letters of the metrics named in the comment, in the reference order. A
 * MacroVector's candidates are every combination of its EQs' entries. */
/* clang-format off */
static const char *const max_eq1[3][4] = {/* AV PR UI */
    {"NNN"}, {"ANN", "NLN", "NNP"}, {"PNN", "ALP"}};
static const char *const max_eq2[2][3] = {/* AC AT */
    {"LN"}, {"HN", "LP"}};
static const char *const max_eq3eq6[3][2][6] = {/* VC VI VA CR IR AR */
    {{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
    {{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
    {{NULL}, {"LLLHHH"}}};
static const char *const max_eq4[3][2] = {/* SC SI SA */
    {"HSS"}, {"HHH"}, {"LLL"}};
static const char max_eq5[3] = {'A', 'P', 'U'}; /* E */
/* clang-format on */

/* Depth of each MacroVector level: the largest severity distance inside
 * it, plus one, in steps ("max_severity"). EQ5 has depth 1 everywhere but
 * its distance is always 0, so it is not needed. */
static const int depth_eq1[3] = {1, 4, 5};
static const int depth_eq2[2] = {1, 2};
static const int depth_eq3eq6[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const int depth_eq4[3] = {6, 5, 4};

/* ---- v4 scoring ---- */

/* The values scoring uses after the environmental metrics overrode the
 * base ones and Not Defined took its worst case (E:A, CR/IR/AR:H). msi and
 * msa are MSI/MSA as written: EQ4 only looks for a literal Safety there. */
struct eff4 {
    char m[D_COUNT];
    char msi, msa;
};

static char
pick(const struct parsed *p, int base, int modified, int full)
{
    if (full && p->v[modified] && p->v[modified] != 'X')
        return p->v[modified];
    return p->v[base];
}

static void
effective4(const struct parsed *p, int full, struct eff4 *e)
{
    char c;

    memset(e, 0, sizeof(*e));
    e->m[D_AV] = pick(p, M4_AV, M4_MAV, full);
    e->m[D_AC] = pick(p, M4_AC, M4_MAC, full);
    e->m[D_AT] = pick(p, M4_AT, M4_MAT, full);
    e->m[D_PR] = pick(p, M4_PR, M4_MPR, full);
    e->m[D_UI] = pick(p, M4_UI, M4_MUI, full);
    e->m[D_VC] = pick(p, M4_VC, M4_MVC, full);
    e->m[D_VI] = pick(p, M4_VI, M4_MVI, full);
    e->m[D_VA] = pick(p, M4_VA, M4_MVA, full);
    e->m[D_SC] = pick(p, M4_SC, M4_MSC, full);
    e->m[D_SI] = pick(p, M4_SI, M4_MSI, full);
    e->m[D_SA] = pick(p, M4_SA, M4_MSA, full);
    c = full ? p->v[M4_E] : 0;
    e->m[D_E] = c && c != 'X' ? c : 'A';
    c = full ? p->v[M4_CR] : 0;
    e->m[D_CR] = c && c != 'X' ? c : 'H';
    c = full ? p->v[M4_IR] : 0;
    e->m[D_IR] = c && c != 'X' ? c : 'H';
    c = full ? p->v[M4_AR] : 0;
    e->m[D_AR] = c && c != 'X' ? c : 'H';
    e->msi = full ? p->v[M4_MSI] : 0;
    e->msa = full ? p->v[M4_MSA] : 0;
}

static double
level_of(int d, char c)
{
    const char *hit = strchr(levels[d].order, c);

    /* Defensive: every effective value is in its order string (the parser
     * admits no other letters); unreachable from valid input. */
    if (!hit || !c)
        return 0.0;
    return step_level[(hit - levels[d].order) + levels[d].first];
}

/* The MacroVector (specification Tables 24-29). */
static void
macrovector(const struct eff4 *e, int eq[6])
{
    const char *m = e->m;

    if (m[D_AV] == 'N' && m[D_PR] == 'N' && m[D_UI] == 'N')
        eq[0] = 0;
    else if ((m[D_AV] == 'N' || m[D_PR] == 'N' || m[D_UI] == 'N') && m[D_AV] != 'P')
        eq[0] = 1;
    else
        eq[0] = 2;

    eq[1] = m[D_AC] == 'L' && m[D_AT] == 'N' ? 0 : 1;

    if (m[D_VC] == 'H' && m[D_VI] == 'H')
        eq[2] = 0;
    else if (m[D_VC] == 'H' || m[D_VI] == 'H' || m[D_VA] == 'H')
        eq[2] = 1;
    else
        eq[2] = 2;

    if (e->msi == 'S' || e->msa == 'S')
        eq[3] = 0;
    else if (m[D_SC] == 'H' || m[D_SI] == 'H' || m[D_SA] == 'H')
        eq[3] = 1;
    else
        eq[3] = 2;

    eq[4] = m[D_E] == 'A' ? 0 : m[D_E] == 'P' ? 1 : 2;

    if ((m[D_CR] == 'H' && m[D_VC] == 'H') || (m[D_IR] == 'H' && m[D_VI] == 'H') ||
        (m[D_AR] == 'H' && m[D_VA] == 'H'))
        eq[5] = 0;
    else
        eq[5] = 1;
}

/* Score of a MacroVector in tenths, or -1 if it does not exist (an EQ
 * beyond its last level, or EQ3/EQ6 = 2/0). */
static int
macro_lookup(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6)
{
    if (eq1 > 2 || eq2 > 1 || eq3 > 2 || eq4 > 2 || eq5 > 2 || eq6 > 1)
        return -1;
    return macro_score[eq1][eq2][eq3][eq4][eq5][eq6];
}

/* Fills dist[] with the severity distances of e from one candidate
 * highest-severity vector; returns 1 if none is negative. */
static int
distances(const struct eff4 *e, const char *m1, const char *m2, const char *m36, const char *m4,
          char m5, double dist[D_COUNT])
{
    char max[D_COUNT];
    int d, ok = 1;

    max[D_AV] = m1[0], max[D_PR] = m1[1], max[D_UI] = m1[2];
    max[D_AC] = m2[0], max[D_AT] = m2[1];
    max[D_VC] = m36[0], max[D_VI] = m36[1], max[D_VA] = m36[2];
    max[D_CR] = m36[3], max[D_IR] = m36[4], max[D_AR] = m36[5];
    max[D_SC] = m4[0], max[D_SI] = m4[1], max[D_SA] = m4[2];
    max[D_E] = m5;
    for (d = 0; d < D_COUNT; d++) {
        dist[d] = level_of(d, e->m[d]) - level_of(d, max[d]);
        if (dist[d] < 0)
            ok = 0;
    }
    return ok;
}

/* Adds one EQ's interpolation term, as the reference does: only when the
 * next lower MacroVector exists does the EQ count towards the mean. */
static void
add_term(double value, int lower, double distance, double depth, double *sum, int *n)
{
    double available, proportion;

    if (lower < 0)
        return;
    available = value - (double)lower / 10.0;
    proportion = distance / depth;
    *sum += available * proportion;
    (*n)++;
}

/* Score in tenths of the effective metrics (specification section 8.2). */
static int
score4(const struct eff4 *e)
{
    const char *m = e->m;
    int eq[6], lower36, i1, i2, i36, i4, n = 0, found = 0;
    double dist[D_COUNT] = {0}, value, sum = 0.0, d1, d2, d36, d4, mean, result;

    if (m[D_VC] == 'N' && m[D_VI] == 'N' && m[D_VA] == 'N' && m[D_SC] == 'N' && m[D_SI] == 'N' &&
        m[D_SA] == 'N')
        return 0;

    macrovector(e, eq);
    value = (double)macro_lookup(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5]) / 10.0;

    /* Next lower MacroVector of EQ3+EQ6 (they are scored jointly): 00 has
     * two, 01 and 10 lead to 11, 11 to 21, 21 is the last. */
    if (eq[2] == 0 && eq[5] == 0) {
        int left = macro_lookup(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5] + 1);
        int right = macro_lookup(eq[0], eq[1], eq[2] + 1, eq[3], eq[4], eq[5]);
        lower36 = left > right ? left : right;
    } else if (eq[2] == 1 && eq[5] == 0) {
        lower36 = macro_lookup(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5] + 1);
    } else if (eq[2] == 2) {
        lower36 = -1;
    } else {
        lower36 = macro_lookup(eq[0], eq[1], eq[2] + 1, eq[3], eq[4], eq[5]);
    }

    /* The first candidate highest-severity vector (in the reference's
     * nesting order) that the vector does not exceed anywhere. Should none
     * qualify, the reference keeps the last candidate's distances; so do we. */
    for (i1 = 0; i1 < 4 && !found && max_eq1[eq[0]][i1]; i1++)
        for (i2 = 0; i2 < 3 && !found && max_eq2[eq[1]][i2]; i2++)
            for (i36 = 0; i36 < 6 && !found && max_eq3eq6[eq[2]][eq[5]][i36]; i36++)
                for (i4 = 0; i4 < 2 && !found && max_eq4[eq[3]][i4]; i4++)
                    found = distances(e, max_eq1[eq[0]][i1], max_eq2[eq[1]][i2],
                                      max_eq3eq6[eq[2]][eq[5]][i36], max_eq4[eq[3]][i4],
                                      max_eq5[eq[4]], dist);

    d1 = dist[D_AV] + dist[D_PR] + dist[D_UI];
    d2 = dist[D_AC] + dist[D_AT];
    d36 = dist[D_VC] + dist[D_VI] + dist[D_VA] + dist[D_CR] + dist[D_IR] + dist[D_AR];
    d4 = dist[D_SC] + dist[D_SI] + dist[D_SA];

    add_term(value, macro_lookup(eq[0] + 1, eq[1], eq[2], eq[3], eq[4], eq[5]), d1,
             depth_eq1[eq[0]] * 0.1, &sum, &n);
    add_term(value, macro_lookup(eq[0], eq[1] + 1, eq[2], eq[3], eq[4], eq[5]), d2,
             depth_eq2[eq[1]] * 0.1, &sum, &n);
    add_term(value, lower36, d36, depth_eq3eq6[eq[2]][eq[5]] * 0.1, &sum, &n);
    add_term(value, macro_lookup(eq[0], eq[1], eq[2], eq[3] + 1, eq[4], eq[5]), d4,
             depth_eq4[eq[3]] * 0.1, &sum, &n);
    /* EQ5: counted when a lower level exists, with a proportion of 0. */
    add_term(value, macro_lookup(eq[0], eq[1], eq[2], eq[3], eq[4] + 1, eq[5]), 0.0, 1.0, &sum, &n);

    mean = n ? sum / n : 0.0;
    result = value - mean;
    if (result > 10.0)
        result = 10.0;
    if (!(result > 0.0))
        result = 0.0;
    /* Round half up to one decimal. The interpolation lands one ulp below
     * an x.x5 tie for some vectors (5.65 comes out as 5.6499999999999995);
     * the reference calculator and its test data lift the value by 1e-6
     * before rounding so that such ties go up as exact arithmetic would. */
    return (int)js_round((result + 1e-6) * 10.0);
}

/* ---- parsing ---- */

static int
is_letter(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
fail(struct cvss_score *out, int err, size_t at)
{
    out->error_at = at;
    return -err;
}

/* Index of the metric called name[0..n) in table, or -1. */
static int
find_metric(const struct metric *table, int count, const char *name, size_t n)
{
    int i;

    for (i = 0; i < count; i++)
        if (strlen(table[i].name) == n && memcmp(table[i].name, name, n) == 0)
            return i;
    return -1;
}

/* Index of value[0..n) among the metric's values, or -1. */
static int
find_value(const struct metric *m, const char *value, size_t n)
{
    int i;

    for (i = 0; i < MAX_VALUES && m->values[i]; i++)
        if (strlen(m->values[i]) == n && memcmp(m->values[i], value, n) == 0)
            return i;
    return -1;
}

int
cvss_parse(const char *s, size_t len, struct cvss_score *out)
{
    static const struct {
        const char *prefix;
        enum cvss_version version;
    } prefixes[] = {
        {"CVSS:3.0/", CVSS_V3_0},
        {"CVSS:3.1/", CVSS_V3_1},
        {"CVSS:4.0/", CVSS_V4_0},
    };
    const struct metric *table = NULL;
    struct parsed p;
    size_t pos, i;
    int count = 0, m;

    memset(out, 0, sizeof(*out));
    memset(&p, 0, sizeof(p));
    if (len > MOAT_LIMIT_CVSS_VECTOR)
        return fail(out, CVSS_ETOOLONG, 0);
    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (len >= 9 && memcmp(s, prefixes[i].prefix, 9) == 0) {
            out->version = prefixes[i].version;
            table = out->version == CVSS_V4_0 ? metrics4 : metrics3;
            count = out->version == CVSS_V4_0 ? M4_COUNT : M3_COUNT;
        }
    }
    if (!table)
        return fail(out, CVSS_EPREFIX, 0);

    /* NAME:VALUE components separated by single '/', at least one; the
     * loop visits each byte once. */
    pos = 9;
    for (;;) {
        size_t start = pos, colon = 0, end;
        int v;

        while (pos < len && s[pos] != '/') {
            if (s[pos] == ':' && !colon)
                colon = pos;
            else if (!is_letter((unsigned char)s[pos]))
                return fail(out, CVSS_ESYNTAX, start);
            pos++;
        }
        end = pos;
        if (!colon || colon == start || colon + 1 == end)
            return fail(out, CVSS_ESYNTAX, start);
        m = find_metric(table, count, s + start, colon - start);
        if (m < 0)
            return fail(out, CVSS_EMETRIC, start);
        v = find_value(&table[m], s + colon + 1, end - colon - 1);
        if (v < 0)
            return fail(out, CVSS_EVALUE, start);
        if (p.v[m])
            return fail(out, CVSS_EDUPLICATE, start);
        p.v[m] = table[m].values[v][0];
        if (pos == len)
            break;
        pos++; /* the '/'; one at the very end leaves an empty component */
    }

    for (m = 0; m < count; m++) {
        if (table[m].group == G_BASE && !p.v[m]) {
            out->missing = table[m].name;
            return fail(out, CVSS_EMISSING, len);
        }
    }

    if (out->version == CVSS_V4_0) {
        struct eff4 e;
        int threat = 0, env = 0;

        effective4(&p, 0, &e);
        out->base = score4(&e);
        effective4(&p, 1, &e);
        out->vector_score = score4(&e);
        for (m = 0; m < count; m++) {
            if (!p.v[m] || p.v[m] == 'X')
                continue;
            if (metrics4[m].group == G_THREAT)
                threat = 1;
            else if (metrics4[m].group == G_ENV)
                env = 1;
        }
        out->nomenclature = (enum cvss_nomenclature)((threat ? CVSS_BT : 0) | (env ? CVSS_BE : 0));
    } else {
        out->base = score3(&p, out->version);
        out->vector_score = out->base;
        out->nomenclature = CVSS_B;
    }
    out->severity = cvss_severity_of(out->base);
    out->vector_severity = cvss_severity_of(out->vector_score);
    return 0;
}

enum cvss_severity
cvss_severity_of(int tenths)
{
    if (tenths <= 0)
        return CVSS_SEV_NONE;
    if (tenths < 40)
        return CVSS_SEV_LOW;
    if (tenths < 70)
        return CVSS_SEV_MEDIUM;
    if (tenths < 90)
        return CVSS_SEV_HIGH;
    return CVSS_SEV_CRITICAL;
}

const char *
cvss_severity_name(enum cvss_severity sev)
{
    static const char *const names[] = {"None", "Low", "Medium", "High", "Critical"};

    if ((unsigned)sev > CVSS_SEV_CRITICAL)
        return "Unknown";
    return names[sev];
}

const char *
cvss_nomenclature_name(enum cvss_nomenclature n)
{
    static const char *const names[] = {"CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE"};

    if ((unsigned)n > CVSS_BTE)
        return "CVSS-?";
    return names[n];
}

const char *
cvss_strerror(int rc)
{
    switch (-rc) {
    case CVSS_OK:
        return "valid CVSS vector";
    case CVSS_EPREFIX:
        return "not a CVSS v3.0, v3.1 or v4.0 vector (prefix)";
    case CVSS_ESYNTAX:
        return "malformed component (expected METRIC:VALUE between '/')";
    case CVSS_EMETRIC:
        return "unknown metric";
    case CVSS_EVALUE:
        return "value not defined for this metric";
    case CVSS_EDUPLICATE:
        return "metric given more than once";
    case CVSS_EMISSING:
        return "mandatory base metric missing";
    case CVSS_ETOOLONG:
        return "vector too long";
    default:
        return "unknown CVSS error";
    }
}
