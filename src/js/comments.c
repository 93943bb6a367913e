/* Locating a source map from generated JavaScript: the sourceMappingURL and
 * debugId comments, found as ECMA-426 extracts a source map URL "without
 * parsing" (only trailing comments count, the last one wins), and data:
 * URLs decoded to the map's bytes. */
#include "js.h"

#include <ctype.h>

/* ---------------------------------------------------------------- comments */

/* Whether the comment text `c[0..n)` matches
 * ^[@#]\s*KEY=(\S*?)\s*$ ; sets the captured value. */
static bool match_annotation(const uint8_t *c, size_t n, const char *key, size_t *v,
                             size_t *vlen) {
    size_t i = 0;
    if (n == 0 || (c[0] != '@' && c[0] != '#'))
        return false;
    i = 1;
    for (;;) {
        if (i >= n)
            return false;
        uint32_t cp;
        size_t k = js_utf8_decode(c + i, n - i, &cp);
        if (!js_is_regex_space_cp(cp))
            break;
        i += k;
    }
    size_t klen = strlen(key);
    if (n - i < klen + 1 || memcmp(c + i, key, klen) != 0 || c[i + klen] != '=')
        return false;
    i += klen + 1;
    size_t start = i, end = i;
    /* The value runs to the first white space; only white space may follow. */
    while (i < n) {
        uint32_t cp;
        size_t k = js_utf8_decode(c + i, n - i, &cp);
        if (js_is_regex_space_cp(cp))
            break;
        i += k;
    }
    end = i;
    while (i < n) {
        uint32_t cp;
        size_t k = js_utf8_decode(c + i, n - i, &cp);
        if (!js_is_regex_space_cp(cp))
            return false;
        i += k;
    }
    *v = start;
    *vlen = end - start;
    return true;
}

/* The length of the line terminator at s[i], or 0. */
static size_t line_term_at(const uint8_t *s, size_t n, size_t i) {
    if (s[i] == '\n')
        return 1;
    if (s[i] == '\r')
        return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
    if (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
        return 3;
    return 0;
}

static int find_annotation(const char *src, size_t len, const char *key, const char **value,
                           size_t *value_len, lsm_error_t *err) {
    if (value)
        *value = NULL;
    if (value_len)
        *value_len = 0;
    if ((!src && len) || !value)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "src or value is NULL"), -1;
    const uint8_t *s = (const uint8_t *)src;
    bool have = false;
    size_t last = 0, last_len = 0;
    size_t i = 0;
    while (i < len) {
        /* One line: [i, eol) */
        size_t eol = i;
        while (eol < len && !line_term_at(s, len, eol))
            eol++;
        size_t p = i;
        while (p < eol) {
            uint8_t c = s[p];
            if (c == '/' && p + 1 < eol && s[p + 1] == '/') {
                size_t v, vl;
                if (match_annotation(s + p + 2, eol - p - 2, key, &v, &vl)) {
                    have = true;
                    last = p + 2 + v;
                    last_len = vl;
                }
                p = eol;
            } else if (c == '/' && p + 1 < eol && s[p + 1] == '*') {
                size_t q = p + 2;
                while (q + 1 < eol && !(s[q] == '*' && s[q + 1] == '/'))
                    q++;
                if (q + 1 >= eol) {
                    p = eol; /* not closed on this line: the rest is ignored */
                    break;
                }
                size_t v, vl;
                if (match_annotation(s + p + 2, q - p - 2, key, &v, &vl)) {
                    have = true;
                    last = p + 2 + v;
                    last_len = vl;
                }
                p = q + 2;
            } else if (c == '/' && p + 1 < eol) {
                have = false;
                p += 2;
            } else {
                uint32_t cp;
                size_t k = js_utf8_decode(s + p, eol - p, &cp);
                if (!js_is_space_cp(cp))
                    have = false;
                p += k;
            }
        }
        i = eol < len ? eol + line_term_at(s, len, eol) : len;
    }
    lsm_clear_error(err);
    if (!have)
        return 0;
    *value = src + last;
    if (value_len)
        *value_len = last_len;
    return 1;
}

int lsm_js_source_mapping_url(const char *src, size_t len, const char **url, size_t *url_len,
                              lsm_error_t *err) {
    return find_annotation(src, len, "sourceMappingURL", url, url_len, err);
}

int lsm_js_debug_id(const char *src, size_t len, const char **id, size_t *id_len,
                    lsm_error_t *err) {
    return find_annotation(src, len, "debugId", id, id_len, err);
}

/* --------------------------------------------------------------- data URLs */

static bool is_ascii_ws(uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool ieq(const char *a, size_t n, const char *b) {
    size_t m = strlen(b);
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return false;
    return true;
}

static void trim(const char **s, size_t *n) {
    while (*n && is_ascii_ws((uint8_t)(*s)[0]))
        (*s)++, (*n)--;
    while (*n && is_ascii_ws((uint8_t)(*s)[*n - 1]))
        (*n)--;
}

static int hexval(uint8_t c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int b64val(uint8_t c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Checks the media type of a data: URL header (without ";base64"). */
static int check_media_type(const char *h, size_t n, lsm_error_t *err) {
    size_t semi = 0;
    while (semi < n && h[semi] != ';')
        semi++;
    const char *mime = h;
    size_t mlen = semi;
    trim(&mime, &mlen);
    bool json = ieq(mime, mlen, "application/json") || ieq(mime, mlen, "text/json") ||
                (mlen > 5 && ieq(mime + mlen - 5, 5, "+json"));
    if (!json)
        return lsm_set_error(err, LSM_ERR_BAD_DATA_URL, "media type \"%.*s\" is not JSON",
                             (int)(mlen > 60 ? 60 : mlen), mime);
    size_t i = semi;
    while (i < n) {
        size_t start = ++i;
        while (i < n && h[i] != ';')
            i++;
        const char *param = h + start;
        size_t plen = i - start;
        size_t eq = 0;
        while (eq < plen && param[eq] != '=')
            eq++;
        const char *name = param;
        size_t nlen = eq;
        trim(&name, &nlen);
        if (!ieq(name, nlen, "charset") || eq == plen)
            continue;
        const char *val = param + eq + 1;
        size_t vlen = plen - eq - 1;
        trim(&val, &vlen);
        if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"')
            val++, vlen -= 2;
        if (!ieq(val, vlen, "utf-8") && !ieq(val, vlen, "utf8") && !ieq(val, vlen, "us-ascii"))
            return lsm_set_error(err, LSM_ERR_BAD_DATA_URL, "charset \"%.*s\" is not UTF-8",
                                 (int)(vlen > 40 ? 40 : vlen), val);
    }
    return LSM_OK;
}

int lsm_data_url_decode(const char *url, size_t len, uint8_t **out, size_t *out_len,
                        lsm_error_t *err) {
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if ((!url && len) || !out || !out_len)
        return lsm_set_error(err, LSM_ERR_INVALID_ARGUMENT, "url, out or out_len is NULL"), -1;
    const char *u = url;
    size_t n = len;
    trim(&u, &n);
    if (n < 5 || !ieq(u, 5, "data:"))
        return lsm_set_error(err, LSM_ERR_BAD_DATA_URL, "not a data: URL"), -1;
    u += 5, n -= 5;
    size_t comma = 0;
    while (comma < n && u[comma] != ',')
        comma++;
    if (comma == n)
        return lsm_set_error(err, LSM_ERR_BAD_DATA_URL, "data: URL without a comma"), -1;
    const char *h = u;
    size_t hlen = comma;
    trim(&h, &hlen);
    bool base64 = false;
    /* ";base64" ends the header, with optional spaces around the ';'. */
    if (hlen >= 6 && ieq(h + hlen - 6, 6, "base64")) {
        size_t k = hlen - 6;
        while (k && is_ascii_ws((uint8_t)h[k - 1]))
            k--;
        if (k && h[k - 1] == ';') {
            base64 = true;
            hlen = k - 1;
        }
    }
    if (check_media_type(h, hlen, err) != LSM_OK)
        return -1;

    const uint8_t *body = (const uint8_t *)u + comma + 1;
    size_t blen = n - comma - 1;
    uint8_t *buf = lsm_malloc(blen + 1);
    if (!buf)
        return lsm_set_error(err, LSM_ERR_NOMEM, "out of memory"), -1;
    /* Percent-decoding first; a '%' not followed by two hex digits stays. */
    size_t m = 0;
    for (size_t i = 0; i < blen; i++) {
        int hi, lo;
        if (body[i] == '%' && i + 2 < blen && (hi = hexval(body[i + 1])) >= 0 &&
            (lo = hexval(body[i + 2])) >= 0) {
            buf[m++] = (uint8_t)(hi << 4 | lo);
            i += 2;
        } else {
            buf[m++] = body[i];
        }
    }
    if (base64) {
        /* Forgiving base64: white space ignored, '=' padding optional. */
        size_t k = 0;
        for (size_t i = 0; i < m; i++)
            if (!is_ascii_ws(buf[i]))
                buf[k++] = buf[i];
        if (k % 4 == 0 && k >= 1 && buf[k - 1] == '=') {
            k--;
            if (buf[k - 1] == '=')
                k--;
        }
        if (k % 4 == 1) {
            lsm_free(buf);
            return lsm_set_error(err, LSM_ERR_BAD_DATA_URL, "base64 data of a bad length"), -1;
        }
        size_t w = 0;
        uint32_t acc = 0;
        int bits = 0;
        for (size_t i = 0; i < k; i++) {
            int v = b64val(buf[i]);
            if (v < 0) {
                lsm_free(buf);
                return lsm_set_error(err, LSM_ERR_BAD_DATA_URL,
                                     "invalid base64 character at offset %zu", i),
                       -1;
            }
            acc = acc << 6 | (uint32_t)v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                buf[w++] = (uint8_t)(acc >> bits);
                acc &= (1u << bits) - 1;
            }
        }
        m = w;
    }
    buf[m] = 0;
    *out = buf;
    *out_len = m;
    lsm_clear_error(err);
    return 0;
}
