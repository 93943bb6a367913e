/* check.h: the assertion and TAP harness of libsourcemap's C tests.
 *
 * A test program is a list of subtests run by RUN(fn) (or, for data-driven
 * tests, check_begin(name) ... check_end()), and ends with
 * `return check_finish();`. Each subtest prints one TAP line ("ok 3 - name")
 * and the program ends with the plan ("1..N") and a "# N passed, N failed"
 * comment; meson reads it with `protocol: 'tap'`.
 *
 * A failed check prints "# file:line: what", and for library calls the
 * error's symbolic name and message, then lets the subtest go on so that
 * one run shows every difference. The macros evaluate their arguments once.
 */
#ifndef LSM_CHECK_H
#define LSM_CHECK_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsourcemap.h"

#define CHECK_UNUSED __attribute__((unused))

static struct {
    int number;             /* subtests started */
    int passed, failed;
    int current_failures;   /* in the running subtest */
    const char *current;    /* its name, NULL between subtests */
    int total_checks;
} check_state;

CHECK_UNUSED __attribute__((format(printf, 3, 4)))
static void check_fail(const char *file, int line, const char *fmt, ...) {
    char buf[2048];
    check_state.current_failures++;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    /* One TAP comment line, whatever the message holds. */
    printf("# %s:%d: ", file, line);
    for (const char *p = buf; *p; p++) {
        if (*p == '\n')
            printf("\\n");
        else if (*p == '\r')
            printf("\\r");
        else
            putchar(*p);
    }
    printf("\n");
    fflush(stdout);
}

CHECK_UNUSED static void check_begin(const char *name) {
    check_state.current = name;
    check_state.current_failures = 0;
    check_state.number++;
}

/* Ends the running subtest; returns 1 when it passed. */
CHECK_UNUSED static int check_end(void) {
    int ok = check_state.current_failures == 0;
    const char *name = check_state.current ? check_state.current : "?";
    printf("%s %d - %s\n", ok ? "ok" : "not ok", check_state.number, name);
    if (ok)
        check_state.passed++;
    else
        check_state.failed++;
    fflush(stdout);
    check_state.current = NULL;
    return ok;
}

#define RUN(fn) (check_begin(#fn), fn(), check_end())

/* Prints the plan and the summary; returns the exit status for main(). */
CHECK_UNUSED static int check_finish(void) {
    printf("1..%d\n", check_state.number);
    printf("# %d passed, %d failed (%d checks)\n", check_state.passed, check_state.failed,
           check_state.total_checks);
    fflush(stdout);
    return check_state.failed ? 1 : 0;
}

/* Stops the whole program: for broken preconditions (a fixture missing). */
CHECK_UNUSED __attribute__((noreturn)) static void check_bail(const char *why) {
    printf("Bail out! %s\n", why);
    fflush(stdout);
    exit(99);
}

/* ------------------------------------------------------------------ checks */

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        check_state.total_checks++;                                                       \
        if (!(cond))                                                                      \
            check_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond);                    \
    } while (0)

/* Integers of any width up to 64 bits, compared as int64_t (uint32_t values
 * such as LSM_NO_ID compare exactly). */
#define CHECK_EQ(a, b)                                                                    \
    do {                                                                                  \
        int64_t check_a_ = (int64_t)(a), check_b_ = (int64_t)(b);                         \
        check_state.total_checks++;                                                       \
        if (check_a_ != check_b_)                                                         \
            check_fail(__FILE__, __LINE__, "%s == %s: %" PRId64 " != %" PRId64, #a, #b,  \
                       check_a_, check_b_);                                               \
    } while (0)

#define CHECK_NE(a, b)                                                                    \
    do {                                                                                  \
        int64_t check_a_ = (int64_t)(a), check_b_ = (int64_t)(b);                         \
        check_state.total_checks++;                                                       \
        if (check_a_ == check_b_)                                                         \
            check_fail(__FILE__, __LINE__, "%s != %s: both %" PRId64, #a, #b, check_a_); \
    } while (0)

/* Prints `n` bytes quoted, escaping what is not printable ASCII. */
CHECK_UNUSED static void check_print_bytes(const char *s, size_t n) {
    if (!s) {
        printf("NULL");
        return;
    }
    putchar('"');
    for (size_t i = 0; i < n && i < 200; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    if (n > 200)
        printf("...");
    putchar('"');
}

CHECK_UNUSED static void check_bytes_eq(const char *file, int line, const char *expr,
                                        const char *got, size_t got_len, const char *want,
                                        size_t want_len) {
    check_state.total_checks++;
    if ((got == NULL) != (want == NULL) ||
        (got && (got_len != want_len || memcmp(got, want, want_len) != 0))) {
        check_fail(file, line, "%s:", expr);
        printf("#   got  ");
        check_print_bytes(got, got_len);
        printf(" (%zu bytes)\n#   want ", got_len);
        check_print_bytes(want, want_len);
        printf(" (%zu bytes)\n", want_len);
        fflush(stdout);
    } else if (got && got[got_len] != 0) {
        check_fail(file, line, "%s: not NUL-terminated after %zu bytes", expr, got_len);
    }
}

/* A borrowed (pointer, length) string against a C string or NULL; also
 * checks the NUL terminator the header promises. */
#define CHECK_STR(got, got_len, want)                                                     \
    do {                                                                                  \
        const char *check_w_ = (want);                                                    \
        check_bytes_eq(__FILE__, __LINE__, #got, (got), (got_len), check_w_,              \
                       check_w_ ? strlen(check_w_) : 0);                                  \
    } while (0)

/* The same for an expected string with embedded NULs. */
#define CHECK_MEM(got, got_len, want, want_len)                                           \
    check_bytes_eq(__FILE__, __LINE__, #got, (got), (got_len), (want), (want_len))

#define CHECK_CSTR(got, want)                                                             \
    do {                                                                                  \
        const char *check_g_ = (got), *check_w_ = (want);                                 \
        check_state.total_checks++;                                                       \
        if (!check_g_ || !check_w_ || strcmp(check_g_, check_w_) != 0)                    \
            check_fail(__FILE__, __LINE__, "%s == \"%s\": got \"%s\"", #got,              \
                       check_w_ ? check_w_ : "(null)", check_g_ ? check_g_ : "(null)");   \
    } while (0)

/* ----------------------------------------------------------- lsm_error_t */

/* Fills an error struct with garbage so that a check can tell whether a
 * call wrote every field. */
#define POISON(err) memset(&(err), 0xff, sizeof(err))

/* The message must be one NUL-terminated line without a trailing period. */
CHECK_UNUSED static int check_message_shape(const lsm_error_t *e) {
    const char *end = memchr(e->message, 0, sizeof e->message);
    if (!end || end == e->message)
        return 0;
    size_t n = (size_t)(end - e->message);
    if (memchr(e->message, '\n', n) || e->message[n - 1] == '.')
        return 0;
    return 1;
}

CHECK_UNUSED static void check_print_error(const lsm_error_t *e) {
    const char *end = memchr(e->message, 0, sizeof e->message);
    printf("#   error: code %d %s: \"%.*s\"%s offset %" PRId64 " line %" PRId64
           " segment %" PRId64 "\n",
           e->code, lsm_error_name(e->code), end ? (int)(end - e->message) : 40, e->message,
           end ? "" : " (not NUL-terminated)", e->offset, e->line, e->segment);
    fflush(stdout);
}

/* After a successful call: every field cleared. */
CHECK_UNUSED static void check_cleared(const char *file, int line, const char *what,
                                       const lsm_error_t *e) {
    check_state.total_checks++;
    if (e->code != LSM_OK || e->message[0] != 0 || e->offset != -1 || e->line != -1 ||
        e->segment != -1) {
        check_fail(file, line, "%s: error struct not cleared on success", what);
        check_print_error(e);
    }
}
#define CHECK_OK(err) check_cleared(__FILE__, __LINE__, #err, &(err))

/* After a failed call: the code expected and a well-formed message;
 * offset/line/segment are -1 or a position. */
CHECK_UNUSED static void check_filled(const char *file, int line, const char *what,
                                      const lsm_error_t *e, int code) {
    check_state.total_checks++;
    if (e->code != code) {
        check_fail(file, line, "%s: expected %s, got %s", what, lsm_error_name(code),
                   lsm_error_name(e->code));
        check_print_error(e);
    } else if (!check_message_shape(e)) {
        check_fail(file, line, "%s: %s with a malformed message", what, lsm_error_name(code));
        check_print_error(e);
    } else if (e->offset < -1 || e->line < -1 || e->segment < -1) {
        check_fail(file, line, "%s: position fields not written", what);
        check_print_error(e);
    }
}
#define CHECK_ERR(err, code) check_filled(__FILE__, __LINE__, #err, &(err), (code))

/* A library call that must succeed: `cond` is its success test. Prints the
 * error when it does not hold. Evaluates to the condition. */
#define CHECK_CALL(cond, err)                                                             \
    check_call_(__FILE__, __LINE__, #cond, (cond), &(err))

CHECK_UNUSED static int check_call_(const char *file, int line, const char *expr, int ok,
                                    const lsm_error_t *e) {
    check_state.total_checks++;
    if (!ok) {
        check_fail(file, line, "%s failed", expr);
        check_print_error(e);
    }
    return ok;
}

#endif /* LSM_CHECK_H */
