/*
 * html.c - the HTML report (`moat scan --format html -o report.html`): one
 * self-contained file a person would rather read than the table. Header
 * (target, digest, OS, scan time) and the verdict with its reasons, summary
 * cards, SVG charts (vulnerabilities by severity, findings by kind), one
 * row per layer (created_by, sizes, packages added, findings in it), the
 * vulnerabilities with the upgrades that fix them, the detectors' findings
 * by kind, the unmanaged-software coverage, the package inventory and the
 * errors.
 *
 * Self-contained and safe to open: CSS, SVG and the little script are
 * inline; nothing is fetched (the only URLs are plain links to advisories);
 * a Content-Security-Policy allows no source at all but this page's own
 * style and the one script whose SHA-256 it names, so even a mistake in
 * escaping could not run injected script. Every string from the image or
 * the advisory database is escaped (&, <, >, ", '), bytes that are not
 * UTF-8 and control characters become U+FFFD, and very long strings are
 * cut. The script only sorts and filters tables; the page reads the same
 * without it.
 */
#include "report.h"
#include "view.h"
#include "base/digest.h"
#include "base/str.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* Longest string written from the image (bytes); a created_by line or an
 * evidence string can be kilobytes long. */
#define HTML_MAX_TEXT 2000
/* Unowned executables listed (the JSON report has them all). */
#define HTML_UNOWNED 500
/* Upgrades of the remediation plan shown before the rest is folded away. */
#define HTML_REMEDIES 10

struct html {
    FILE *out;
    const struct moat_result *res;
    const struct moat_report_options *o;
    struct view v;
};

/* ---- escaping ---- */

/* Writes s[0..n) as HTML text, safe inside elements and quoted attributes.
 * Invalid UTF-8 and control characters (but tab and newline) become
 * U+FFFD; text past max bytes is cut at a character boundary with an
 * ellipsis. */
static void
esc_n(FILE *out, const char *s, size_t n, size_t max)
{
    size_t i = 0, k;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (i >= max) {
            fputs("\xe2\x80\xa6", out);
            return;
        }
        switch (c) {
        case '&':
            fputs("&amp;", out);
            i++;
            continue;
        case '<':
            fputs("&lt;", out);
            i++;
            continue;
        case '>':
            fputs("&gt;", out);
            i++;
            continue;
        case '"':
            fputs("&quot;", out);
            i++;
            continue;
        case '\'':
            fputs("&#39;", out);
            i++;
            continue;
        default:
            break;
        }
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
                fputs("\xef\xbf\xbd", out);
            else
                fputc(c, out);
            i++;
            continue;
        }
        /* one character: the lead byte says how long (2 to 4 bytes) */
        k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (i + k > n || !str_valid_utf8(s + i, k)) {
            fputs("\xef\xbf\xbd", out);
            i++;
            continue;
        }
        /* C1 controls (U+0080..U+009F) are not allowed in HTML text */
        if (k == 2 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0)
            fputs("\xef\xbf\xbd", out);
        else
            fwrite(s + i, 1, k, out);
        i += k;
    }
}

static void
esc(FILE *out, const char *s)
{
    if (s)
        esc_n(out, s, strlen(s), HTML_MAX_TEXT);
}

/* esc(), or a dash for a missing value */
static void
esc_or_dash(FILE *out, const char *s)
{
    if (s && *s)
        esc(out, s);
    else
        fputs("<span class=\"muted\">&#8211;</span>", out);
}

/* ---- small formatting helpers ---- */

static const char *
human_bytes(uint64_t b, char *buf, size_t n)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double d = (double)b;
    int u = 0;

    while (d >= 1024.0 && u < 4) {
        d /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%llu B", (unsigned long long)b);
    else
        snprintf(buf, n, "%.*f %s", d < 10 ? 1 : 0, d, unit[u]);
    return buf;
}

static void
sev_badge(FILE *out, const char *severity)
{
    int r = view_severity_rank(severity);

    fprintf(out, "<span class=\"sev s%d\">%s</span>", r, view_severity_names[r]);
}

static void
advisory_link(FILE *out, const char *id)
{
    char url[1024];

    view_advisory_url(id, url, sizeof(url));
    if (url[0]) {
        fprintf(out, "<a href=\"%s\" rel=\"noreferrer\">", url);
        esc(out, id);
        fputs("</a>", out);
    } else {
        esc(out, id);
    }
}

static void
layer_label(FILE *out, const struct moat_result *res, int layer)
{
    if (layer >= 0 && (size_t)layer < res->image.nlayers)
        fprintf(out, "<a href=\"#layer-%d\">%d</a>", layer, layer);
    else
        fputs("<span class=\"muted\">config</span>", out);
}

/* ---- the static parts ---- */

static const char css[] =
    ":root{--bg:#f4f5f7;--card:#fff;--ink:#1d2330;--muted:#6b7280;--line:#e3e6eb;"
    "--s0:#8b1020;--s1:#d9402b;--s2:#e89a0c;--s3:#2f7fd0;--s4:#6b8aa6;--s5:#9aa1ab;"
    "--allow:#1e8e4f;--warn:#c77c02;--deny:#c0262d}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}"
    "main{max-width:1240px;margin:0 auto;padding:24px 20px 48px}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 12px}"
    "h3{font-size:14px;margin:18px 0 8px}"
    "a{color:#1f5fae;text-decoration:none}a:hover{text-decoration:underline}"
    "code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:10px;"
    "padding:18px 20px;margin:0 0 18px;box-shadow:0 1px 2px rgba(16,24,40,.04)}"
    ".brand{color:var(--muted);font-size:12px;letter-spacing:.08em;text-transform:uppercase}"
    ".target{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:15px;"
    "word-break:break-all}"
    ".meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:6px 24px;"
    "margin-top:14px}"
    ".meta div{min-width:0}.meta dt{color:var(--muted);font-size:12px}"
    ".meta dd{margin:0;overflow-wrap:anywhere}"
    ".verdict{display:flex;gap:22px;align-items:flex-start;border-left:6px solid var(--allow)}"
    ".verdict.warn{border-left-color:var(--warn)}.verdict.deny{border-left-color:var(--deny)}"
    ".vword{font-size:30px;font-weight:800;letter-spacing:.04em;color:var(--allow);min-width:110px}"
    ".warn .vword{color:var(--warn)}.deny .vword{color:var(--deny)}"
    ".reasons{list-style:none;margin:6px 0 0;padding:0}.reasons li{margin:5px 0;"
    "overflow-wrap:anywhere}"
    ".lvl{display:inline-block;min-width:44px;text-align:center;border-radius:4px;padding:0 6px;"
    "margin-right:8px;font-size:12px;font-weight:700;color:#fff;background:var(--s5)}"
    ".lvl.deny{background:var(--deny)}.lvl.warn{background:var(--warn)}"
    ".lvl.info{background:var(--s4)}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;"
    "margin:0 0 18px}"
    ".stat{background:var(--card);border:1px solid var(--line);border-radius:10px;"
    "padding:12px 16px}.stat b{display:block;font-size:24px}.stat span{color:var(--muted);"
    "font-size:12px}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:24px}"
    "svg text{font:12px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
    "fill:var(--ink)}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);"
    "vertical-align:top}"
    "th{font-size:12px;color:var(--muted);font-weight:600;white-space:nowrap;"
    "background:#fafbfc;position:sticky;top:0}"
    "th.sort{cursor:pointer}th.sort:after{content:' \\2195';color:#b8bec7}"
    "tr:hover td{background:#fafbfd}"
    "td.num,th.num{text-align:right;white-space:nowrap}"
    "td.wrap{overflow-wrap:anywhere}"
    ".sev{display:inline-block;min-width:64px;text-align:center;border-radius:4px;"
    "padding:1px 6px;font-size:11.5px;font-weight:700;color:#fff;text-transform:uppercase}"
    ".s0{background:var(--s0)}.s1{background:var(--s1)}.s2{background:var(--s2)}"
    ".s3{background:var(--s3)}.s4{background:var(--s4)}.s5{background:var(--s5)}"
    ".pill{display:inline-block;border-radius:9px;padding:0 7px;font-size:11.5px;"
    "margin:1px 2px 1px 0;color:#fff}"
    ".tag{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 5px;"
    "font-size:11.5px;color:var(--muted);margin-left:6px}"
    ".tag.bad{border-color:#f0b4b4;color:var(--deny)}"
    ".muted{color:var(--muted)}.small{font-size:12px}"
    ".ev{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;"
    "color:#4b5563;overflow-wrap:anywhere}"
    ".cb{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;"
    "max-width:560px;overflow-wrap:anywhere}"
    ".fix{color:var(--allow);font-weight:600}.nofix{color:var(--muted)}"
    ".toolbar{display:flex;gap:12px;align-items:center;margin:0 0 10px}"
    ".toolbar input{flex:0 1 320px;padding:6px 10px;border:1px solid var(--line);"
    "border-radius:6px;font:inherit}"
    ".remedies{margin:0 0 14px;padding-left:20px}.remedies li{margin:3px 0}"
    "details summary{cursor:pointer;font-weight:600;margin:4px 0}"
    ".scroll{overflow-x:auto}"
    ".bar{fill:var(--s5)}.empty{color:var(--muted);margin:0}"
    "footer{color:var(--muted);font-size:12px;text-align:center;margin-top:24px}"
    "@media print{body{background:#fff}.toolbar{display:none}.card{box-shadow:none}}";

/* Sorting (click a header with class "sort") and filtering (an input with
 * data-filter naming a table's id). Nothing else: the page is complete
 * without it. */
static const char script[] =
    "(function(){"
    "function key(td){var v=td.getAttribute('data-v');return v===null?td.textContent.trim():v}"
    "document.querySelectorAll('th.sort').forEach(function(th){"
    "th.addEventListener('click',function(){"
    "var tb=th.closest('table').tBodies[0],i=th.cellIndex,num=th.classList.contains('n'),"
    "dir=th.getAttribute('data-dir')==='a'?-1:1;th.setAttribute('data-dir',dir>0?'a':'d');"
    "var rows=Array.prototype.slice.call(tb.rows);rows.sort(function(a,b){"
    "var x=key(a.cells[i]),y=key(b.cells[i]);if(num){x=parseFloat(x)||0;y=parseFloat(y)||0;"
    "return(x-y)*dir}return x.localeCompare(y)*dir});"
    "rows.forEach(function(r){tb.appendChild(r)})})});"
    "document.querySelectorAll('input[data-filter]').forEach(function(inp){"
    "inp.addEventListener('input',function(){"
    "var q=inp.value.toLowerCase(),t=document.getElementById(inp.getAttribute('data-filter'));"
    "Array.prototype.forEach.call(t.tBodies[0].rows,function(r){"
    "r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':''})})})"
    "})();";

/* 'sha256-<base64>' of the script, for the Content-Security-Policy. */
static void
script_hash(char out[64])
{
    char hex[DIGEST_MAX];
    unsigned char raw[32];
    size_t i;

    digest_sha256(script, sizeof(script) - 1, hex);
    for (i = 0; i < 32; i++)
        raw[i] = (unsigned char)(str_hexval(hex[7 + 2 * i]) * 16 + str_hexval(hex[8 + 2 * i]));
    memcpy(out, "sha256-", 7);
    EVP_EncodeBlock((unsigned char *)out + 7, raw, 32); /* 44 characters and a NUL */
}

/* ---- sections ---- */

static void
head(struct html *h)
{
    FILE *out = h->out;
    char hash[64];

    script_hash(hash);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", out);
    fprintf(out,
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; script-src '%s'; img-src data:; "
            "base-uri 'none'; form-action 'none'\">\n",
            hash);
    fputs("<meta name=\"referrer\" content=\"no-referrer\">\n<title>moat report: ", out);
    esc(out, h->res->image.name ? h->res->image.name : h->res->target);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", css);
}

static void
meta_item(FILE *out, const char *label, const char *value, int mono)
{
    fprintf(out, "<div><dt>%s</dt><dd%s>", label, mono ? " class=\"mono\"" : "");
    esc_or_dash(out, value);
    fputs("</dd></div>\n", out);
}

static void
header(struct html *h)
{
    const struct moat_result *res = h->res;
    const struct moat_image *im = &res->image;
    FILE *out = h->out;
    char plat[128], buf[160], when[64];
    uint64_t stored = 0, unpacked = 0;
    size_t i;

    for (i = 0; i < im->nlayers; i++) {
        stored += im->layers[i].size;
        unpacked += im->layers[i].uncompressed_size;
    }
    fputs("<header class=\"card\">\n<div class=\"brand\">moat &#183; image security report</div>\n"
          "<h1 class=\"target\">", out);
    esc(out, res->target);
    fputs("</h1>\n<dl class=\"meta\">\n", out);
    meta_item(out, "Image", im->name, 0);
    meta_item(out, "Digest", im->digest ? im->digest : im->config_digest, 1);
    if (im->digest)
        meta_item(out, "Image ID", im->config_digest, 1);
    if (res->distro.id) {
        snprintf(buf, sizeof(buf), "%s%s",
                 res->distro.pretty_name ? res->distro.pretty_name : res->distro.id,
                 res->distro.distroless ? " (distroless)" : "");
        meta_item(out, "OS", buf, 0);
    } else {
        meta_item(out, "OS", "unknown (no os-release)", 0);
    }
    meta_item(out, "Platform", report_platform(res, plat, sizeof(plat)), 0);
    meta_item(out, "Created", im->created, 0);
    if (h->o->scan_time > 0) {
        time_t t = (time_t)h->o->scan_time;
        struct tm tm;
        if (gmtime_r(&t, &tm) && strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm)) {
            if (h->o->scan_seconds > 0)
                snprintf(buf, sizeof(buf), "%s (took %.1f s)", when, h->o->scan_seconds);
            else
                snprintf(buf, sizeof(buf), "%s", when);
            meta_item(out, "Scanned", buf, 0);
        }
    }
    {
        char a[32], b[32];
        snprintf(buf, sizeof(buf), "%zu layer%s, %s stored, %s unpacked, %llu files",
                 im->nlayers, im->nlayers == 1 ? "" : "s", human_bytes(stored, a, sizeof(a)),
                 human_bytes(unpacked, b, sizeof(b)), (unsigned long long)res->files);
        meta_item(out, "Size", buf, 0);
    }
    fputs("</dl>\n</header>\n", out);
}

/* "deny: rule: text" -> pill, bold rule, text */
static void
reason(FILE *out, const char *r)
{
    const char *c1 = strstr(r, ": "), *lvl = "", *rest = r;
    size_t nl = 0;

    if (c1 && (strncmp(r, "deny", 4) == 0 || strncmp(r, "warn", 4) == 0 ||
               strncmp(r, "info", 4) == 0) && c1 - r == 4) {
        lvl = r;
        nl = 4;
        rest = c1 + 2;
    }
    fputs("<li>", out);
    if (nl) {
        fprintf(out, "<span class=\"lvl %.4s\">%.4s</span>", lvl, lvl);
    }
    c1 = strstr(rest, ": ");
    if (c1 && (size_t)(c1 - rest) < 80 && !memchr(rest, ' ', (size_t)(c1 - rest))) {
        fputs("<b>", out);
        esc_n(out, rest, (size_t)(c1 - rest), HTML_MAX_TEXT);
        fputs("</b>: ", out);
        rest = c1 + 2;
    }
    esc(out, rest);
    fputs("</li>\n", out);
}

static void
verdict(struct html *h)
{
    const struct moat_result *res = h->res;
    const char *v = res->verdict ? res->verdict : "allow";
    const char *cls = strcmp(v, "deny") == 0 ? "deny" : strcmp(v, "warn") == 0 ? "warn" : "allow";
    FILE *out = h->out;
    size_t i, counted = 0;

    for (i = 0; i < res->nreasons; i++)
        if (strncmp(res->reasons[i], "info: ", 6) != 0)
            counted++;
    fprintf(out, "<section class=\"card verdict %s\" id=\"verdict\">\n<div class=\"vword\">",
            cls);
    esc(out, v);
    fputs("</div>\n<div>\n", out);
    if (res->nreasons == 0)
        fputs("<p class=\"empty\">No policy rule gave a reason to warn or deny (without "
              "<code>--policy</code> nothing is evaluated).</p>\n", out);
    else
        fprintf(out, "<p class=\"empty\">%zu reason%s%s</p>\n<ul class=\"reasons\">\n", counted,
                counted == 1 ? "" : "s",
                res->nreasons > counted ? " (and notes)" : "");
    for (i = 0; i < res->nreasons; i++)
        reason(out, res->reasons[i]);
    if (res->nreasons)
        fputs("</ul>\n", out);
    fputs("</div>\n</section>\n", out);
}

static void
stat_card(FILE *out, const char *value, const char *label, const char *href)
{
    fprintf(out, "<div class=\"stat\"><b>%s</b><span><a href=\"%s\">%s</a></span></div>\n",
            value, href, label);
}

static void
cards(struct html *h)
{
    const struct view *v = &h->v;
    const struct moat_result *res = h->res;
    FILE *out = h->out;
    char a[64], lab[128];

    fputs("<div class=\"cards\">\n", out);
    snprintf(a, sizeof(a), "%zu", v->vulns);
    snprintf(lab, sizeof(lab), "vulnerabilities (%zu critical, %zu high)",
             v->vulns_by_severity[0], v->vulns_by_severity[1]);
    stat_card(out, a, lab, "#vulnerabilities");
    snprintf(a, sizeof(a), "%zu", v->vulns_fixable);
    snprintf(lab, sizeof(lab), "fixable, by %zu upgrade%s", res->nremedies,
             res->nremedies == 1 ? "" : "s");
    stat_card(out, a, lab, v->vulns ? "#remediation" : "#vulnerabilities");
    snprintf(a, sizeof(a), "%zu", v->others);
    stat_card(out, a, "detector and config findings", "#findings");
    snprintf(a, sizeof(a), "%zu", res->npackages);
    stat_card(out, a, "packages", "#packages");
    if (res->unmanaged && res->unmanaged->executables)
        snprintf(a, sizeof(a), "%.1f%%",
                 100.0 * (double)res->unmanaged->attributed /
                     (double)res->unmanaged->executables);
    else
        snprintf(a, sizeof(a), "%s", res->unmanaged ? "100%" : "&#8211;");
    stat_card(out, a, "executables owned by a package", "#unmanaged");
    snprintf(a, sizeof(a), "%zu", res->nproblems);
    snprintf(lab, sizeof(lab), "errors (%zu failed)", v->problems_failed);
    stat_card(out, a, lab, "#errors");
    fputs("</div>\n", out);
}

/* Horizontal bar chart: one row per label, segments per severity. */
struct chart_row {
    const char *label;
    size_t by_severity[VIEW_SEVERITIES];
};

static void
bar_chart(FILE *out, const char *title, const struct chart_row *rows, size_t nrows)
{
    const int w = 460, label_w = 110, count_w = 50, row_h = 26;
    size_t max = 0, i, k;
    int hgt = (int)nrows * row_h + 8;

    for (i = 0; i < nrows; i++) {
        size_t t = 0;
        for (k = 0; k < VIEW_SEVERITIES; k++)
            t += rows[i].by_severity[k];
        if (t > max)
            max = t;
    }
    fprintf(out, "<figure style=\"margin:0\"><h3>%s</h3>\n", title);
    fprintf(out,
            "<svg viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" "
            "xmlns=\"http://www.w3.org/2000/svg\" aria-label=\"%s\">\n",
            w, hgt, title);
    for (i = 0; i < nrows; i++) {
        int y = (int)i * row_h + 4;
        double x = label_w, span = w - label_w - count_w;
        size_t t = 0;
        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 8, y + 15);
        esc(out, rows[i].label);
        fputs("</text>\n", out);
        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" rx=\"3\" "
                     "fill=\"#eef0f3\"/>\n",
                label_w, y + 2, (int)span);
        for (k = 0; k < VIEW_SEVERITIES; k++) {
            double seg;
            if (!rows[i].by_severity[k] || !max)
                continue;
            seg = span * (double)rows[i].by_severity[k] / (double)max;
            if (seg < 2)
                seg = 2;
            fprintf(out,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" "
                    "style=\"fill:var(--s%zu)\"><title>%zu %s</title></rect>\n",
                    x, y + 2, seg, k, rows[i].by_severity[k], view_severity_names[k]);
            x += seg;
            t += rows[i].by_severity[k];
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%d\">%zu</text>\n", x + 6, y + 15, t);
    }
    fputs("</svg></figure>\n", out);
}

static void
charts(struct html *h)
{
    const struct view *v = &h->v;
    struct chart_row sev[VIEW_SEVERITIES], kinds[16];
    size_t i, nk = 0, nsev = 0;
    FILE *out = h->out;

    memset(sev, 0, sizeof(sev));
    memset(kinds, 0, sizeof(kinds));
    for (i = 0; i < VIEW_SEVERITIES; i++) {
        if (i == 4 && !v->vulns_by_severity[4])
            continue; /* advisories are never "info" */
        sev[nsev].label = view_severity_names[i];
        sev[nsev].by_severity[i] = v->vulns_by_severity[i];
        nsev++;
    }
    for (i = 0; i < v->nkinds && nk < sizeof(kinds) / sizeof(kinds[0]); i++, nk++) {
        kinds[nk].label = v->kinds[i].kind;
        memcpy(kinds[nk].by_severity, v->kinds[i].by_severity, sizeof(kinds[nk].by_severity));
    }
    fputs("<section class=\"card\" id=\"charts\">\n<h2>Overview</h2>\n<div class=\"charts\">\n",
          out);
    bar_chart(out, "Vulnerabilities by severity", sev, nsev);
    if (nk)
        bar_chart(out, "Other findings by kind", kinds, nk);
    else
        fputs("<figure style=\"margin:0\"><h3>Other findings by kind</h3>"
              "<p class=\"empty\">No malware, persistence, integrity, secret or "
              "configuration findings.</p></figure>\n",
              out);
    fputs("</div>\n</section>\n", out);
}

static void
sev_pills(FILE *out, const size_t by[VIEW_SEVERITIES])
{
    size_t k, any = 0;

    for (k = 0; k < VIEW_SEVERITIES; k++) {
        if (!by[k])
            continue;
        fprintf(out, "<span class=\"pill s%zu\" title=\"%s\">%zu %s</span>", k,
                view_severity_names[k], by[k], view_severity_names[k]);
        any++;
    }
    if (!any)
        fputs("<span class=\"muted\">none</span>", out);
}

static void
layers(struct html *h)
{
    const struct moat_result *res = h->res;
    const struct moat_image *im = &res->image;
    FILE *out = h->out;
    uint64_t max = 1;
    size_t i;

    for (i = 0; i < im->nlayers; i++)
        if (im->layers[i].uncompressed_size > max)
            max = im->layers[i].uncompressed_size;
    fprintf(out, "<section class=\"card\" id=\"layers\">\n<h2>Layers (%zu)</h2>\n", im->nlayers);
    if (res->base_layers > 0)
        fprintf(out, "<p class=\"small muted\">Layers 0&#8211;%d are the base image.</p>\n",
                res->base_layers - 1);
    fputs("<div class=\"scroll\"><table>\n<thead><tr><th class=\"num\">#</th><th>Created by</th>"
          "<th class=\"num\">Stored</th><th>Unpacked</th><th class=\"num\">Files</th>"
          "<th class=\"num\">Packages added</th><th>Findings in it</th></tr></thead>\n<tbody>\n",
          out);
    for (i = 0; i < im->nlayers; i++) {
        const struct moat_layer *l = &im->layers[i];
        const struct view_layer *vl = &h->v.layers[i];
        char a[32], b[32];
        double frac = (double)l->uncompressed_size / (double)max;
        fprintf(out, "<tr id=\"layer-%zu\"><td class=\"num\">%zu</td><td class=\"cb\">", i, i);
        esc_or_dash(out, l->created_by);
        if (res->base_layers > 0 && (int)i < res->base_layers)
            fputs("<span class=\"tag\">base</span>", out);
        fputs("<div class=\"small muted mono\">", out);
        esc(out, l->diff_id ? l->diff_id : l->digest);
        fprintf(out, "</div></td><td class=\"num\">%s</td><td>",
                human_bytes(l->size, a, sizeof(a)));
        fprintf(out,
                "<svg width=\"120\" height=\"10\" viewBox=\"0 0 120 10\" aria-hidden=\"true\">"
                "<rect width=\"120\" height=\"10\" rx=\"2\" fill=\"#eef0f3\"/>"
                "<rect width=\"%.1f\" height=\"10\" rx=\"2\" fill=\"#5b7fa6\"/></svg> %s",
                frac * 120.0 < 1 && l->uncompressed_size ? 1.0 : frac * 120.0,
                human_bytes(l->uncompressed_size, b, sizeof(b)));
        fprintf(out, "</td><td class=\"num\">%llu</td><td class=\"num\">%zu</td><td>",
                (unsigned long long)l->entries, vl->packages);
        sev_pills(out, vl->by_severity);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></div>\n</section>\n", out);
}

static void
remediation(struct html *h)
{
    const struct moat_result *res = h->res;
    FILE *out = h->out;
    size_t i, k;
    int pass;

    fprintf(out, "<h3 id=\"remediation\">Remediation</h3>\n");
    if (!res->nremedies) {
        fputs("<p class=\"empty\">No upgrade is known to fix any of them.</p>\n", out);
        return;
    }
    fprintf(out, "<p class=\"small\">%zu upgrade%s fix every fixable vulnerability; %zu "
                 "ha%s no fix yet.</p>\n",
            res->nremedies, res->nremedies == 1 ? "" : "s", h->v.vulns_without_fix,
            h->v.vulns_without_fix == 1 ? "s" : "ve");
    for (pass = 0; pass < 2; pass++) {
        int opened = 0, folded = 0;
        size_t n = 0, shown = 0;
        for (i = 0; i < res->nremedies; i++)
            n += res->remedies[i].base == pass;
        for (i = 0; i < res->nremedies; i++) {
            const struct moat_remedy *r = &res->remedies[i];
            if (r->base != pass)
                continue;
            /* the most useful upgrades in sight, the long tail folded */
            if (shown++ == HTML_REMEDIES && n > HTML_REMEDIES + 2) {
                fprintf(out, "</ul>\n<details><summary class=\"small\">%zu more upgrade%s"
                             "</summary>\n<ul class=\"remedies\">\n",
                        n - HTML_REMEDIES, n - HTML_REMEDIES == 1 ? "" : "s");
                folded = 1;
            }
            if (!opened) {
                if (pass)
                    fprintf(out, "<p class=\"small\">Base image (layers 0&#8211;%d): rebuild "
                                 "on a newer base image, or:</p>\n",
                            res->base_layers - 1);
                fputs("<ul class=\"remedies\">\n", out);
                opened = 1;
            }
            fputs("<li>upgrade <b>", out);
            esc(out, r->name);
            fprintf(out, "</b> <span class=\"muted\">(%s)</span> ", moat_pkg_type_name(r->type));
            esc(out, r->installed);
            fputs(" &#8594; <span class=\"fix\">", out);
            esc(out, r->target);
            fprintf(out, "</span>: fixes %zu ", r->fixes);
            for (k = 0; k < 5; k++)
                if (r->by_severity[k])
                    fprintf(out, "<span class=\"pill s%zu\">%zu %s</span>", k == 4 ? 5 : k,
                            r->by_severity[k], k == 4 ? "unknown" : view_severity_names[k]);
            fputs("</li>\n", out);
        }
        if (opened)
            fputs("</ul>\n", out);
        if (folded)
            fputs("</details>\n", out);
    }
}

static void
vulnerabilities(struct html *h)
{
    const struct moat_result *res = h->res;
    const struct view *v = &h->v;
    FILE *out = h->out;
    size_t i, k;

    fprintf(out, "<section class=\"card\" id=\"vulnerabilities\">\n<h2>Vulnerabilities (%zu)</h2>\n",
            v->vulns);
    if (!v->vulns) {
        int checked = 1;
        for (i = 0; i < res->nproblems; i++)
            if (res->problems[i].source && strcmp(res->problems[i].source, "advisories") == 0)
                checked = 0;
        fprintf(out, "<p class=\"empty\">%s</p>\n",
                checked ? "No known vulnerability in the packages found."
                        : "None listed, but see the errors: the advisories may not have been "
                          "checked.");
    } else {
        remediation(h);
        fputs("<h3>By severity</h3>\n<div class=\"toolbar\"><input type=\"search\" "
              "placeholder=\"Filter vulnerabilities\" data-filter=\"vuln-table\" "
              "aria-label=\"Filter vulnerabilities\"></div>\n<div class=\"scroll\">"
              "<table id=\"vuln-table\">\n<thead><tr><th class=\"sort n\">Severity</th>"
              "<th class=\"sort\">ID</th><th class=\"sort\">Package</th><th>Installed</th>"
              "<th>Fixed</th><th class=\"sort n num\">Layer</th><th>Title</th></tr></thead>\n"
              "<tbody>\n",
              out);
        for (i = 0; i < v->vulns; i++) {
            const struct moat_finding *f = &res->findings[v->vulns_sorted[i]];
            const struct moat_package *p = &res->packages[f->package];
            char name[512];
            int rank = view_severity_rank(f->severity);
            fprintf(out, "<tr><td data-v=\"%d\">", rank * 1000 - (f->score >= 0
                                                                     ? (int)(f->score * 10)
                                                                     : 0));
            sev_badge(out, f->severity);
            if (f->score >= 0)
                fprintf(out, " <span class=\"small muted\" title=\"");
            if (f->score >= 0) {
                esc(out, f->score_vector);
                fprintf(out, "\">%.1f</span>", f->score);
            }
            fputs("</td><td class=\"mono\">", out);
            advisory_link(out, f->id);
            if (f->naliases) {
                fputs("<div class=\"small muted\">", out);
                for (k = 0; k < f->naliases && k < 4; k++) {
                    if (k)
                        fputs(", ", out);
                    esc(out, f->aliases[k]);
                }
                if (f->naliases > 4)
                    fprintf(out, " +%zu", f->naliases - 4);
                fputs("</div>", out);
            }
            fputs("</td><td class=\"wrap\"><b>", out);
            esc(out, view_package_name(p, name, sizeof(name)));
            fprintf(out, "</b> <span class=\"small muted\">%s</span></td><td class=\"mono wrap\">",
                    moat_pkg_type_name(p->type));
            esc_or_dash(out, f->installed ? f->installed : p->version);
            fputs("</td><td class=\"mono wrap\">", out);
            if (f->fixed) {
                fputs("<span class=\"fix\">", out);
                esc(out, f->fixed);
                fputs("</span>", out);
            } else {
                fputs("<span class=\"nofix\">no fix yet</span>", out);
            }
            fputs("</td><td class=\"num\">", out);
            layer_label(out, res, f->layer);
            fputs("</td><td class=\"wrap\">", out);
            esc_or_dash(out, f->title);
            fputs("</td></tr>\n", out);
        }
        fputs("</tbody></table></div>\n", out);
    }
    fputs("</section>\n", out);
}

static void
finding_location(FILE *out, const struct moat_result *res, const struct moat_finding *f)
{
    if (f->package >= 0 && (size_t)f->package < res->npackages) {
        char name[512];
        const struct moat_package *p = &res->packages[f->package];
        fputs("<b>", out);
        esc(out, view_package_name(p, name, sizeof(name)));
        fputs("</b> ", out);
        esc(out, p->version);
        fputs("<div class=\"small muted mono\">", out);
        esc(out, p->path);
        fputs("</div>", out);
    } else if (f->path) {
        fputs("<span class=\"mono\">", out);
        esc(out, f->path);
        fputs("</span>", out);
    } else {
        fputs("<span class=\"muted\">image config</span>", out);
    }
    if (f->removed)
        fputs("<span class=\"tag bad\" title=\"a later layer deleted or replaced the file, but "
              "its bytes still ship in the image\">deleted later, still shipped</span>",
              out);
}

static void
findings(struct html *h)
{
    const struct moat_result *res = h->res;
    const struct view *v = &h->v;
    FILE *out = h->out;
    size_t i, k;

    fprintf(out, "<section class=\"card\" id=\"findings\">\n<h2>Findings (%zu)</h2>\n", v->others);
    if (!v->others)
        fputs("<p class=\"empty\">No malware, persistence, integrity, secret or configuration "
              "findings.</p>\n",
              out);
    for (k = 0; k < v->nkinds; k++) {
        const struct view_kind *vk = &v->kinds[k];
        fprintf(out, "<h3 id=\"kind-%zu\">", k);
        esc(out, vk->kind);
        fprintf(out, " (%zu) ", vk->n);
        sev_pills(out, vk->by_severity);
        fprintf(out, "</h3>\n<div class=\"scroll\"><table>\n<thead><tr><th class=\"sort n\">"
                     "Severity</th><th class=\"sort\">Rule</th><th class=\"sort\">Where</th>"
                     "<th class=\"sort n num\">Layer</th><th>What</th></tr></thead>\n<tbody>\n");
        for (i = 0; i < vk->n; i++) {
            const struct moat_finding *f = &res->findings[vk->findings[i]];
            fprintf(out, "<tr><td data-v=\"%d\">", view_severity_rank(f->severity));
            sev_badge(out, f->severity);
            fputs("</td><td class=\"mono wrap\">", out);
            if (f->kind && strcmp(f->kind, "malware") == 0 && f->package >= 0)
                advisory_link(out, f->id);
            else
                esc_or_dash(out, f->id);
            fputs("</td><td class=\"wrap\">", out);
            finding_location(out, res, f);
            fputs("</td><td class=\"num\">", out);
            layer_label(out, res, f->layer);
            fputs("</td><td class=\"wrap\">", out);
            esc_or_dash(out, f->title);
            if (f->evidence) {
                fputs("<div class=\"ev\">", out);
                esc(out, f->evidence);
                if (f->offset >= 0)
                    fprintf(out, " <span class=\"muted\">(at byte %lld)</span>",
                            (long long)f->offset);
                fputs("</div>", out);
            }
            fputs("</td></tr>\n", out);
        }
        fputs("</tbody></table></div>\n", out);
    }
    if (v->nsuppressed) {
        fprintf(out, "<details><summary>%zu suppressed by ignore rules or VEX statements "
                     "(not counted)</summary>\n<div class=\"scroll\"><table>\n<thead><tr>"
                     "<th>Severity</th><th>ID</th><th>Where</th><th>Suppressed by</th></tr>"
                     "</thead>\n<tbody>\n",
                v->nsuppressed);
        for (i = 0; i < v->nsuppressed; i++) {
            const struct moat_finding *f = &res->findings[v->suppressed[i]];
            fputs("<tr><td>", out);
            sev_badge(out, f->severity);
            fputs("</td><td class=\"mono\">", out);
            if (f->kind && strcmp(f->kind, "vulnerability") == 0)
                advisory_link(out, f->id);
            else
                esc_or_dash(out, f->id);
            fputs("</td><td class=\"wrap\">", out);
            finding_location(out, res, f);
            fputs("</td><td class=\"wrap\">", out);
            esc(out, f->suppressed);
            fputs("</td></tr>\n", out);
        }
        fputs("</tbody></table></div>\n</details>\n", out);
    }
    fputs("</section>\n", out);
}

static void
unmanaged(struct html *h)
{
    const struct moat_unmanaged *u = h->res->unmanaged;
    FILE *out = h->out;
    size_t i;
    char a[32];

    fputs("<section class=\"card\" id=\"unmanaged\">\n<h2>Unmanaged software</h2>\n", out);
    if (!u) {
        fputs("<p class=\"empty\">Not checked (the unmanaged detector was off).</p>\n"
              "</section>\n",
              out);
        return;
    }
    if (!u->executables) {
        fputs("<p class=\"empty\">No executables or shared libraries.</p>\n</section>\n", out);
        return;
    }
    {
        const double w = 600;
        const uint64_t seg[4] = {u->by_os, u->by_language, u->by_classifier, u->unowned};
        static const char *const lab[4] = {"OS packages", "language packages",
                                           "identified from their bytes", "no package"};
        static const char *const col[4] = {"#2f7fd0", "#5bb0a0", "#9b7fd1", "#d9402b"};
        double x = 0;
        int k;
        fprintf(out,
                "<p><b>%.1f%%</b> of %llu executables and shared libraries (%.1f%% of %s) are "
                "accounted for by a package.</p>\n",
                100.0 * (double)u->attributed / (double)u->executables,
                (unsigned long long)u->executables,
                u->bytes ? 100.0 * (double)u->attributed_bytes / (double)u->bytes : 100.0,
                human_bytes(u->bytes, a, sizeof(a)));
        fprintf(out, "<svg viewBox=\"0 0 %d 46\" width=\"100%%\" style=\"max-width:%dpx\" "
                     "role=\"img\" aria-label=\"coverage\">\n",
                (int)w, (int)w);
        for (k = 0; k < 4; k++) {
            double sw = w * (double)seg[k] / (double)u->executables;
            if (!seg[k])
                continue;
            fprintf(out, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"16\" fill=\"%s\">"
                         "<title>%llu %s</title></rect>\n",
                    x, sw, col[k], (unsigned long long)seg[k], lab[k]);
            x += sw;
        }
        for (k = 0, x = 0; k < 4; k++) {
            fprintf(out, "<rect x=\"%.0f\" y=\"28\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                         "<text x=\"%.0f\" y=\"37\">%llu %s</text>\n",
                    x, col[k], x + 14, (unsigned long long)seg[k], lab[k]);
            x += 150;
        }
        fputs("</svg>\n", out);
    }
    if (u->unowned) {
        fprintf(out, "<details%s><summary>%llu file%s no package owns</summary>\n"
                     "<div class=\"scroll\"><table>\n<thead><tr><th class=\"sort\">Path</th>"
                     "<th class=\"sort n num\">Size</th><th class=\"sort n num\">Layer</th>"
                     "<th class=\"sort\">Kind</th></tr></thead>\n<tbody>\n",
                u->unowned <= 20 ? " open" : "", (unsigned long long)u->unowned,
                u->unowned == 1 ? "" : "s");
        for (i = 0; i < u->nfiles && i < HTML_UNOWNED; i++) {
            fputs("<tr><td class=\"mono wrap\">", out);
            esc(out, u->files[i].path);
            fprintf(out, "</td><td class=\"num\" data-v=\"%llu\">%s</td><td class=\"num\">",
                    (unsigned long long)u->files[i].size,
                    human_bytes(u->files[i].size, a, sizeof(a)));
            layer_label(out, h->res, u->files[i].layer);
            fputs("</td><td>", out);
            esc(out, u->files[i].kind);
            fputs("</td></tr>\n", out);
        }
        fputs("</tbody></table></div>\n", out);
        if (u->unowned > i)
            fprintf(out, "<p class=\"small muted\">%llu more: see <code>--format json</code>."
                         "</p>\n",
                    (unsigned long long)(u->unowned - i));
        fputs("</details>\n", out);
    }
    fputs("</section>\n", out);
}

static void
packages(struct html *h)
{
    const struct moat_result *res = h->res;
    FILE *out = h->out;
    size_t i, t, count[MOAT_PKG_TYPE_COUNT + 1] = {0};

    for (i = 0; i < res->npackages; i++)
        count[(unsigned)res->packages[i].type < MOAT_PKG_TYPE_COUNT ? res->packages[i].type
                                                                   : MOAT_PKG_TYPE_COUNT]++;
    fprintf(out, "<section class=\"card\" id=\"packages\">\n<h2>Packages (%zu)</h2>\n<p "
                 "class=\"small\">",
            res->npackages);
    for (t = 0; t < MOAT_PKG_TYPE_COUNT; t++)
        if (count[t])
            fprintf(out, "<span class=\"tag\">%s %zu</span>", moat_pkg_type_name(t), count[t]);
    fputs("</p>\n", out);
    if (!res->npackages) {
        fputs("<p class=\"empty\">No packages were found.</p>\n</section>\n", out);
        return;
    }
    fputs("<details><summary>Inventory</summary>\n<div class=\"toolbar\"><input type=\"search\" "
          "placeholder=\"Filter packages\" data-filter=\"pkg-table\" aria-label=\"Filter "
          "packages\"></div>\n<div class=\"scroll\"><table id=\"pkg-table\">\n<thead><tr>"
          "<th class=\"sort\">Type</th><th class=\"sort\">Name</th><th>Version</th>"
          "<th>Source</th><th>License</th><th class=\"sort n num\">Layer</th>"
          "<th class=\"sort\">Path</th></tr></thead>\n<tbody>\n",
          out);
    for (i = 0; i < res->npackages; i++) {
        const struct moat_package *p = &res->packages[i];
        char name[512];
        fprintf(out, "<tr><td>%s</td><td class=\"wrap\">", moat_pkg_type_name(p->type));
        esc(out, view_package_name(p, name, sizeof(name)));
        fputs("</td><td class=\"mono wrap\">", out);
        esc_or_dash(out, p->version);
        fputs("</td><td class=\"wrap\">", out);
        esc_or_dash(out, p->type <= MOAT_PKG_RPM ? p->source_name : NULL);
        fputs("</td><td class=\"wrap small\">", out);
        esc_or_dash(out, p->license);
        fputs("</td><td class=\"num\">", out);
        layer_label(out, res, p->layer);
        fputs("</td><td class=\"mono wrap small\">", out);
        esc(out, p->path);
        if (p->owner >= 0 && (size_t)p->owner < res->npackages) {
            fprintf(out, " <span class=\"muted\">(in %s ",
                    moat_pkg_type_name(res->packages[p->owner].type));
            esc(out, res->packages[p->owner].name);
            fputs(")</span>", out);
        }
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></div>\n</details>\n</section>\n", out);
}

static void
errors(struct html *h)
{
    const struct moat_result *res = h->res;
    FILE *out = h->out;
    size_t i;

    fprintf(out, "<section class=\"card\" id=\"errors\">\n<h2>Errors (%zu)</h2>\n",
            res->nproblems);
    if (!res->nproblems) {
        fputs("<p class=\"empty\">Everything was analysed.</p>\n</section>\n", out);
        return;
    }
    if (h->v.problems_failed)
        fputs("<p class=\"small\">Parts of the image could not be analysed (<b>failed</b>): "
              "the inventory and findings may be incomplete there.</p>\n",
              out);
    fputs("<div class=\"scroll\"><table>\n<thead><tr><th>Grade</th><th class=\"num\">Layer</th>"
          "<th>Source</th><th>Path</th><th>Message</th></tr></thead>\n<tbody>\n",
          out);
    for (i = 0; i < res->nproblems; i++) {
        const struct moat_problem *p = &res->problems[i];
        fprintf(out, "<tr><td><span class=\"lvl %s\">%s</span></td><td class=\"num\">",
                p->grade >= MOAT_FAILED ? "deny" : "warn", moat_grade_name(p->grade));
        if (p->layer >= 0)
            layer_label(out, res, p->layer);
        else
            fputs("<span class=\"muted\">&#8211;</span>", out);
        fputs("</td><td>", out);
        esc_or_dash(out, p->source);
        fputs("</td><td class=\"mono wrap\">", out);
        esc_or_dash(out, p->path);
        fputs("</td><td class=\"wrap\">", out);
        esc(out, p->message);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></div>\n</section>\n", out);
}

int
report_html(FILE *out, const struct moat_result *res, const struct moat_report_options *o,
            char *err, size_t errlen)
{
    struct html h;

    memset(&h, 0, sizeof(h));
    h.out = out;
    h.res = res;
    h.o = o;
    if (view_build(&h.v, res) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    head(&h);
    header(&h);
    verdict(&h);
    cards(&h);
    charts(&h);
    vulnerabilities(&h);
    findings(&h);
    layers(&h);
    unmanaged(&h);
    packages(&h);
    errors(&h);
    fprintf(out, "<footer>Generated by ");
    esc(out, o->tool_name ? o->tool_name : "moat");
    fprintf(out, " %s. Self-contained: this file loads nothing from the network.</footer>\n"
                 "</main>\n<script>%s</script>\n</body>\n</html>\n",
            MOAT_VERSION, script);
    view_free(&h.v);
    if (ferror(out)) {
        snprintf(err, errlen, "write error");
        return -1;
    }
    return 0;
}
