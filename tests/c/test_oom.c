/* Allocation-failure injection, SQLite style: for every loader and input,
 * for N = 1, 2, 3, ... the Nth allocation from the call's start fails
 * (lsm_alloc_fail_after(N)). The call must then succeed, or fail with
 * LSM_ERR_NOMEM (or, for a bad input, its own error), never with another
 * code and never crash; once the view (if any) is freed,
 * lsm_alloc_live() must be back where it was. The loop stops at the first
 * N the call gets through without reaching the failure.
 *
 * Each N runs in a child process so that a crash is reported with its N
 * instead of ending the test (set LSM_OOM_NOFORK=1 to run in-process, for
 * a debugger). */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"
#include "util.h"

enum { CHILD_DONE = 1, CHILD_HIT, CHILD_WRONG, CHILD_CRASH };

/* What a child tells its parent. */
static struct shared {
    int result;           /* 0 until the child reports */
    int nframes;          /* for a crash: its backtrace (same addresses in */
    void *frames[32];     /* the parent, a fork) */
} *shared;

typedef struct input {
    const char *name;
    char *json;           /* the bytes, or NULL for from_path */
    size_t len;
    const char *path;     /* for from_path */
    uint32_t flags;
    int expected;         /* LSM_OK, or the error of a bad input */
} input_t;

static lsm_view_t *load(const input_t *in, lsm_error_t *err) {
    if (in->path)
        return lsm_view_from_path(in->path, in->flags, err);
    return lsm_view_from_json_ex(in->json, in->len, in->flags, err);
}

/* Whether the armed failure was reached: if not, the countdown is still
 * running, and one of at most `n` more allocations fails. */
static bool failure_reached(uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        void *p = lsm_malloc(1);
        if (!p)
            return false;
        lsm_free(p);
    }
    return true;
}

/* Reads everything a view holds, so that a half-built view would show. */
static void walk(const lsm_view_t *view) {
    char diag[256];
    if (!view_check_invariants(view, diag, sizeof diag))
        check_fail(__FILE__, __LINE__, "view after injection: %s", diag);
    for (uint32_t i = 0; i < lsm_view_source_count(view); i++) {
        size_t len;
        const char *s = lsm_view_source_url(view, i, &len, NULL);
        if (s && s[len] != 0)
            check_fail(__FILE__, __LINE__, "source %u", i);
        s = lsm_view_source_joined(view, i, &len, NULL);
        if (!s || s[len] != 0)
            check_fail(__FILE__, __LINE__, "joined source %u", i);
        s = lsm_view_source_contents(view, i, &len, NULL);
        if (s && s[len] != 0)
            check_fail(__FILE__, __LINE__, "contents %u", i);
    }
    for (uint32_t i = 0; i < lsm_view_name_count(view); i++)
        if (!lsm_view_name(view, i, NULL, NULL))
            check_fail(__FILE__, __LINE__, "name %u", i);
    uint32_t count;
    lsm_view_ignore_list(view, &count);
    (void)lsm_view_file(view, NULL);
}

/* One injection; returns CHILD_DONE, CHILD_HIT or CHILD_WRONG. */
static int inject(const input_t *in, uint64_t n) {
    int before = check_state.current_failures;
    int64_t live = lsm_alloc_live();
    lsm_error_t err;
    POISON(err);
    lsm_alloc_fail_after(n);
    lsm_view_t *view = load(in, &err);
    bool reached = failure_reached(n);
    lsm_alloc_fail_after(0);
    if (view) {
        CHECK_OK(err);
        if (in->expected != LSM_OK)
            check_fail(__FILE__, __LINE__, "N=%llu: a bad input loaded", (unsigned long long)n);
        walk(view);
        lsm_view_free(view);
    } else if (err.code == LSM_ERR_NOMEM) {
        CHECK_ERR(err, LSM_ERR_NOMEM);
        if (!reached)
            check_fail(__FILE__, __LINE__, "N=%llu: LSM_ERR_NOMEM without a failed allocation",
                       (unsigned long long)n);
    } else if (err.code != in->expected) {
        check_fail(__FILE__, __LINE__, "N=%llu: %s, want %s or LSM_ERR_NOMEM",
                   (unsigned long long)n, lsm_error_name(err.code), lsm_error_name(in->expected));
        check_print_error(&err);
    } else {
        CHECK_ERR(err, in->expected);
    }
    int64_t leaked = lsm_alloc_live() - live;
    if (leaked)
        check_fail(__FILE__, __LINE__, "N=%llu: %lld allocations leaked (%s)",
                   (unsigned long long)n, (long long)leaked,
                   view ? "after success" : lsm_error_name(err.code));
    if (check_state.current_failures != before)
        return CHILD_WRONG;
    return reached ? CHILD_HIT : CHILD_DONE;
}

/* ------------------------------------------------------ crash reports */

/* The name of the function containing `addr`: from the dynamic symbols
 * (dladdr), else from the ELF symbol table of the object, which also holds
 * hidden and static functions (such as yajl's internals when yajl is
 * linked statically). Writes "?" when neither knows. */
static void symbolize(void *addr, char *name, size_t size, const char **object) {
    Dl_info info;
    snprintf(name, size, "?");
    *object = "?";
    if (!dladdr(addr, &info))
        return;
    *object = info.dli_fname ? info.dli_fname : "?";
    if (info.dli_sname) {
        snprintf(name, size, "%s", info.dli_sname);
        return;
    }
    int fd = open(info.dli_fname && info.dli_fname[0] ? info.dli_fname : "/proc/self/exe",
                  O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof(Elf64_Ehdr)) {
        if (fd >= 0)
            close(fd);
        return;
    }
    const uint8_t *elf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (elf == MAP_FAILED)
        return;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)elf;
    uintptr_t off = (uintptr_t)addr - (eh->e_type == ET_DYN ? (uintptr_t)info.dli_fbase : 0);
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64 &&
        eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) <= (size_t)st.st_size) {
        const Elf64_Shdr *sh = (const Elf64_Shdr *)(elf + eh->e_shoff);
        for (int i = 0; i < eh->e_shnum; i++) {
            if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
                continue;
            const Elf64_Shdr *strtab = &sh[sh[i].sh_link];
            const Elf64_Sym *sym = (const Elf64_Sym *)(elf + sh[i].sh_offset);
            size_t count = sh[i].sh_size / sizeof *sym;
            for (size_t k = 0; k < count; k++) {
                if (ELF64_ST_TYPE(sym[k].st_info) == STT_FUNC && sym[k].st_value <= off &&
                    off < sym[k].st_value + sym[k].st_size && sym[k].st_name < strtab->sh_size) {
                    snprintf(name, size, "%s",
                             (const char *)elf + strtab->sh_offset + sym[k].st_name);
                    break;
                }
            }
        }
    }
    munmap((void *)elf, (size_t)st.st_size);
}

static bool is_runtime_object(const char *object) {
    return strstr(object, "/libc.so") || strstr(object, "/libc-") ||
           strstr(object, "vgpreload") || strstr(object, "libasan") ||
           strstr(object, "libubsan");
}

/* In the parent: where the child crashed, as the innermost frame outside
 * the C library and the sanitizer runtimes. Any crash fails the test, in
 * yajl too: the reader's allocation hooks keep yajl from seeing NULL. */
static void crash_site(char *where, size_t size) {
    snprintf(where, size, "no backtrace");
    /* frames[0] is the handler, frames[1] the signal trampoline. */
    for (int i = 1; i < shared->nframes && i < 32; i++) {
        char name[128];
        const char *object;
        symbolize(shared->frames[i], name, sizeof name, &object);
        if (is_runtime_object(object) || strcmp(name, "on_crash") == 0)
            continue;
        snprintf(where, size, "in %s (%s)", name, object);
        return;
    }
}

/* In the child: records the backtrace for the parent, and exits. */
static void on_crash(int sig, siginfo_t *si, void *ctx) {
    (void)sig;
    (void)si;
    (void)ctx;
    shared->nframes = backtrace(shared->frames, 32);
    shared->result = CHILD_CRASH;
    _exit(70);
}

static void install_crash_handler(void) {
    void *warm[2];
    backtrace(warm, 2);   /* loads the unwinder before any crash */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_crash;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
}

static void run_input(const input_t *in) {
    bool fork_each = getenv("LSM_OOM_NOFORK") == NULL;
    int crashes = 0, wrong = 0;
    uint64_t n;
    for (n = 1; n < 100000; n++) {
        int rc;
        if (!fork_each) {
            rc = inject(in, n);
        } else {
            fflush(stdout);
            shared->result = 0;
            pid_t pid = fork();
            if (pid < 0)
                check_bail("fork failed");
            if (pid == 0) {
                install_crash_handler();
                shared->result = inject(in, n);
                fflush(stdout);
                _exit(0);
            }
            int status;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            rc = shared->result;
            char where[300];
            if (rc == CHILD_CRASH) {
                crash_site(where, sizeof where);
                check_fail(__FILE__, __LINE__, "%s: N=%llu: crashed %s", in->name,
                           (unsigned long long)n, where);
                crashes++;
            } else if (rc == 0) {
                check_fail(__FILE__, __LINE__, "%s: N=%llu: child died without a report (%s %d)",
                           in->name, (unsigned long long)n,
                           WIFSIGNALED(status) ? "signal" : "exit status",
                           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
                rc = CHILD_WRONG;
            } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
                /* valgrind's --error-exitcode: it found errors in the child */
                check_fail(__FILE__, __LINE__, "%s: N=%llu: child exited %d", in->name,
                           (unsigned long long)n, WEXITSTATUS(status));
                rc = CHILD_WRONG;
            }
            /* The child's check failures are not counted here. */
            if (rc == CHILD_WRONG || rc == CHILD_CRASH)
                check_state.current_failures++;
        }
        if ((rc == CHILD_WRONG || rc == CHILD_CRASH) && ++wrong >= 8) {
            printf("# %s: stopping after %d failing N\n", in->name, wrong);
            break;
        }
        if (rc == CHILD_DONE)
            break;
    }
    printf("# %s: %llu allocation points, %d crashes\n", in->name, (unsigned long long)n - 1,
           crashes);
    if (n < 3)
        check_fail(__FILE__, __LINE__, "%s: only %llu allocations: the hook is not working",
                   in->name, (unsigned long long)n - 1);
}

/* ---------------------------------------------------------------- inputs */

static char *regular_map(size_t *len) {
    mappings_writer_t mw = {0};
    /* Enough tokens for every width, a line out of order (sorting needs
     * scratch memory), 1-, 4- and 5-field segments. */
    for (uint32_t line = 0; line < 6; line++) {
        for (uint32_t i = 0; i < 5; i++) {
            uint32_t col = line == 2 ? 40 - i * 7 : i * 9;
            mw_segment(&mw, line, col, i == 3 ? 1 : (i & 1) ? 5 : 4, i % 3, line * 3 + i,
                       i * 11, i % 2);
        }
    }
    sb_t sb = {0};
    sb_printf(&sb,
              "\xEF\xBB\xBF{\"version\":3,\"file\":\"out.js\",\"sourceRoot\":\"https://h/root\","
              "\"sources\":[\"a.js\",null,\"/abs/c.js\"],"
              "\"sourcesContent\":[\"alpha\\n\",null,\"gamma \\u00e9\"],"
              "\"names\":[\"x\",\"y\\u0000z\",\"unused\"],\"mappings\":\"%s\","
              "\"ignoreList\":[2,0],\"x_google_ignoreList\":[1],\"debugId\":\"id\","
              "\"x_extension\":{\"nested\":[1,2,{\"a\":null}]}}",
              sb_str(&mw.sb));
    sb_free(&mw.sb);
    *len = sb.len;
    return sb.s;
}

static char *index_map(size_t *len) {
    sb_t sb = {0};
    sb_puts(&sb,
            "{\"version\":3,\"file\":\"all.js\",\"sections\":["
            "{\"offset\":{\"line\":0,\"column\":4},\"map\":{\"version\":3,\"sourceRoot\":\"r\","
            "\"sources\":[\"a.js\",\"b.js\"],\"sourcesContent\":[\"A\"],\"names\":[\"n\"],"
            "\"mappings\":\"AAAAA,KCAC,EAAA;AACA,CAAC\",\"ignoreList\":[1]}},"
            "{\"offset\":{\"line\":1,\"column\":1},\"map\":{\"version\":3,"
            "\"sources\":[\"c.js\"],\"names\":[],\"mappings\":\"\"}},"
            "{\"offset\":{\"line\":1,\"column\":2},\"map\":{\"version\":3,"
            "\"sources\":[\"d.js\"],\"names\":[\"m\",\"o\"],\"sourcesContent\":[\"D\",\"extra\"],"
            "\"mappings\":\"KAAAC,AAAAA;A,CAAA\",\"x_google_ignoreList\":[0]}}]}");
    *len = sb.len;
    return sb.s;
}

/* Many strings: the blob, the string tables and yajl's buffers all grow
 * several times. */
static char *large_map(size_t *len) {
    sb_t sb = {0};
    mappings_writer_t mw = {0};
    sb_puts(&sb, "{\"version\":3,\"sources\":[");
    for (int i = 0; i < 48; i++)
        sb_printf(&sb, "%s\"dir/source-%d.js\"", i ? "," : "", i);
    sb_puts(&sb, "],\"sourcesContent\":[");
    for (int i = 0; i < 48; i++)
        sb_printf(&sb, "%s\"// %d: the quick brown fox jumps over the lazy dog\\n\"", i ? "," : "", i);
    sb_puts(&sb, "],\"names\":[");
    for (int i = 0; i < 48; i++)
        sb_printf(&sb, "%s\"name%d\"", i ? "," : "", i);
    for (uint32_t i = 0; i < 400; i++)
        mw_segment(&mw, i / 20, (i * 37) % 90, 5, i % 48, i, i % 7, (i * 5) % 48);
    sb_printf(&sb, "],\"sourceRoot\":\"/root\",\"mappings\":\"%s\"}", sb_str(&mw.sb));
    sb_free(&mw.sb);
    *len = sb.len;
    return sb.s;
}

static input_t make(const char *name, char *json, size_t len, int expected) {
    input_t in = {name, json, len, NULL, LSM_LOAD_DEFAULT, expected};
    return in;
}

static input_t make_str(const char *name, const char *json, int expected) {
    char *copy = strdup(json);
    return make(name, copy, strlen(copy), expected);
}

int main(void) {
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        check_bail("mmap failed");
    input_t inputs[20];
    int n = 0;
    size_t len;
    char *json;

    json = regular_map(&len);
    inputs[n++] = make("regular map", json, len, LSM_OK);
    json = index_map(&len);
    inputs[n++] = make("index map", json, len, LSM_OK);
    json = large_map(&len);
    inputs[n++] = make("large map", json, len, LSM_OK);
    inputs[n++] = make_str("escaped mappings",
                           "{\"version\":3,\"sources\":[\"a\"],\"names\":[],"
                           "\"mappings\":\"AAAA;\\u0041ACA,CAAC\"}",
                           LSM_OK);
    inputs[n++] = make_str("empty sections", "{\"version\":3,\"sections\":[]}", LSM_OK);
    /* Bad inputs, failing late (after most allocations). */
    json = regular_map(&len);
    memcpy(strstr(json, "\"ignoreList\":[2,0]"), "\"ignoreList\":[2,9]", 18);
    inputs[n++] = make("ignore list out of range", json, len, LSM_ERR_IGNORE_LIST_OUT_OF_RANGE);
    inputs[n++] = make_str("source out of range",
                           "{\"version\":3,\"sources\":[\"a\"],\"names\":[\"n\"],"
                           "\"mappings\":\"AAAA;AAAA,ACAA\",\"sourcesContent\":[\"x\"]}",
                           LSM_ERR_SOURCE_OUT_OF_RANGE);
    inputs[n++] = make_str("bad section",
                           "{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},"
                           "\"map\":{\"version\":3,\"sources\":[\"a\"],\"mappings\":\"AAAA,EAAA\"}},"
                           "{\"offset\":{\"line\":0,\"column\":1},\"map\":{\"version\":3,"
                           "\"sources\":[],\"mappings\":\"A\"}}]}",
                           LSM_ERR_SECTION_ORDER);
    inputs[n++] = make_str("syntax error", "{\"version\":3,\"sources\":[\"a\",\"b\"],\"names\":[,]}",
                           LSM_ERR_JSON);
    inputs[n++] = make_str("vlq error", "{\"version\":3,\"sources\":[\"a\"],\"mappings\":\"AAAA;A!\"}",
                           LSM_ERR_VLQ_INVALID_DIGIT);
    json = index_map(&len);
    input_t reject = make("index map rejected", json, len, LSM_ERR_INDEX_MAP);
    reject.flags = LSM_LOAD_REJECT_INDEX;
    inputs[n++] = reject;
    /* ECMA-426 scopes: decoded at load, in both layouts; bad scope data
     * dropped (still LSM_OK) or, strictly, refused. */
    inputs[n++] = make_str("scopes, one string",
                           "{\"version\":3,\"sources\":[\"a\"],\"names\":[\"f\",\"v\",\"e\"],"
                           "\"mappings\":\"AAAA\",\"scopes\":\"BFAAA,DC,BBBCC,CCA,CAE,"
                           "EHAAA,GC,HABEAAFC,ECCC,IAAA,FB,FCA\"}",
                           LSM_OK);
    inputs[n++] = make_str("scopes, array layout, dropped",
                           "{\"version\":3,\"sources\":[\"a\",\"b\"],\"names\":[\"f\"],"
                           "\"mappings\":\"AAAA\",\"scopes\":[\"BBAAA,CAA\",null],"
                           "\"ranges\":\"ECAA,FA,EAA\"}",
                           LSM_OK);
    input_t strict = make_str("scopes, strict",
                              "{\"version\":3,\"sources\":[\"a\"],\"names\":[],"
                              "\"mappings\":\"AAAA\",\"scopes\":\"BAAA,CAA,EAA\"}",
                              LSM_ERR_SCOPES_UNBALANCED);
    strict.flags = LSM_LOAD_STRICT_SCOPES;
    inputs[n++] = strict;
    /* An index map's sections' scopes, merged (src/scopes_decode.c). */
    inputs[n++] = make_str("scopes, index map",
                           "{\"version\":3,\"sections\":[{\"offset\":{\"line\":0,\"column\":0},"
                           "\"map\":{\"version\":3,\"sources\":[\"a\"],\"names\":[\"f\",\"v\",\"e\"],"
                           "\"mappings\":\"AAAA\",\"scopes\":\"BFAAA,DC,BBBCC,CCA,CAE,"
                           "EHAAA,GC,HABEAAFC,ECCC,IAAA,FB,FCA\"}},"
                           "{\"offset\":{\"line\":9,\"column\":2},\"map\":{\"version\":3,"
                           "\"sources\":[\"b\",\"c\"],\"names\":[\"f\"],\"mappings\":\"AAAA\","
                           "\"scopes\":[\"BBAAA,CAA\",null],\"ranges\":\"ECAA,FA\"}}]}",
                           LSM_OK);

    /* from_path */
    char dir[256];
    snprintf(dir, sizeof dir, "%s/lsm-test-oom-XXXXXX", env_or("TMPDIR", "/tmp"));
    if (!mkdtemp(dir))
        check_bail("mkdtemp failed");
    char path[300];
    snprintf(path, sizeof path, "%s/map.json", dir);
    json = regular_map(&len);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(json, 1, len, f) != len || fclose(f) != 0)
        check_bail("cannot write a temporary file");
    free(json);
    input_t from_path = {"from_path", NULL, 0, path, LSM_LOAD_DEFAULT, LSM_OK};
    inputs[n++] = from_path;

    for (int i = 0; i < n; i++) {
        check_begin(inputs[i].name);
        run_input(&inputs[i]);
        check_end();
        free(inputs[i].json);
    }

    /* Reading a view allocates nothing: every read works with the next
     * allocation armed to fail. */
    check_begin("reads do not allocate");
    json = regular_map(&len);
    lsm_view_t *view = lsm_view_from_json(json, len, NULL);
    free(json);
    CHECK(view != NULL);
    int64_t live = lsm_alloc_live();
    lsm_alloc_fail_after(1);
    walk(view);
    uint32_t lines[3] = {0, 2, 9}, cols[3] = {5, 30, 0};
    lsm_token_t out[3];
    CHECK(lsm_lookup_many(view, lines, cols, 3, LSM_RULE_SAME_LINE, out, NULL) >= 0);
    CHECK(failure_reached(1) == false);
    lsm_alloc_fail_after(0);
    CHECK_EQ(lsm_alloc_live(), live);
    lsm_view_free(view);
    check_end();

    unlink(path);
    rmdir(dir);
    return check_finish();
}
