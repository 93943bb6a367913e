/* Runs a command and prints its peak resident set in kilobytes, for
 * bench/rss.py:
 *
 *     rss_spawn CMD [ARG...]
 *
 * Linux carries a process's peak RSS across execve(), so a child forked
 * from a large interpreter starts with the interpreter's peak: this small
 * launcher forks instead, and reads the child's ru_maxrss from wait4().
 * Prints "maxrss_kb N" on stderr's last line; exits with the command's
 * status (125 when it could not start). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs("usage: rss_spawn CMD [ARG...]\n", stderr);
        return 125;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 125;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(125);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 125;
    }
    fprintf(stderr, "maxrss_kb %ld\n", ru.ru_maxrss);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
