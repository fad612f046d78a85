/* Timer and memory meter for one child process (bench/bench.py compiles it into bench/work/).
 *
 *   measure OUTFILE PROGRAM [ARGS...]
 *
 * Forks, execs PROGRAM, waits for it with wait4 and writes "<nanoseconds> <maxrss KiB> <exit>"
 * to OUTFILE. Being a small C program matters: Linux carries the pre-exec RSS of the forking
 * process into the child's ru_maxrss, so spawning from Python would add Python's ~20 MiB to
 * every figure; from here it adds about 1 MiB. The clock runs from just before fork to just
 * after wait4 returns. stdin/stdout/stderr are inherited. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: measure OUTFILE PROGRAM [ARGS...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fprintf(f, "%lld %ld %d\n", ns, ru.ru_maxrss, code);
    fclose(f);
    return 0;
}
