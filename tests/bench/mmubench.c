/*
 * mmubench: the MMU microbenchmark run inside a Linux child (make bench,
 * docs/benchmarks.md). Static, no libc beyond what glibc links statically.
 *
 *   mmubench fork N            N times: fork, the child _exit(0)s, waitpid
 *   mmubench touch N MIB       mmap MIB MiB, write every page once, then N
 *                              random 8-byte read-modify-writes in it
 *
 * Prints one line: "MMUBENCH <mode> n=N [mib=M] seconds=S sum=X" (sum: a
 * checksum of what was touched, so the work cannot be optimised away).
 * Exit 0, or 1 with a message on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_forks(long n)
{
	double t0 = now();

	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("mmubench: fork");
			return 1;
		}
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
			fprintf(stderr, "mmubench: child %ld did not exit cleanly\n", i);
			return 1;
		}
	}
	printf("MMUBENCH fork n=%ld seconds=%.3f sum=0\n", n, now() - t0);
	return 0;
}

/* xorshift64: a fixed sequence, the same in every run and mode. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int run_touches(long n, long mib)
{
	size_t words = (size_t)mib << 17, bytes = words * 8;
	uint64_t *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t seed = 0x9e3779b97f4a7c15ull, sum = 0;
	double t0;

	if (mem == MAP_FAILED) {
		perror("mmubench: mmap");
		return 1;
	}
	for (size_t i = 0; i < words; i += 4096 / 8)
		mem[i] = i;               /* populate: not timed */
	t0 = now();
	for (long i = 0; i < n; i++) {
		uint64_t *p = &mem[next(&seed) % words];

		*p += (uint64_t)i;
		sum += *p;
	}
	printf("MMUBENCH touch n=%ld mib=%ld seconds=%.3f sum=%llx\n", n, mib, now() - t0,
	       (unsigned long long)sum);
	return 0;
}

static long arg(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v <= 0 || v > max) {
		fprintf(stderr, "mmubench: '%s': want a number 1..%ld\n", s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "fork"))
		return run_forks(arg(argv[2], 10000000));
	if (argc == 4 && !strcmp(argv[1], "touch"))
		return run_touches(arg(argv[2], 1000000000), arg(argv[3], 4096));
	fprintf(stderr, "usage: mmubench fork N | mmubench touch N MIB\n");
	return 2;
}
