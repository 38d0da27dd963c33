/* SPDX-License-Identifier: MIT */
/*
 * Test kernel library: hypercalls, console output, results.
 */
#include "guest.h"

_Static_assert(offsetof(struct guest_boot_state, cs) == 48 &&
	       sizeof(struct guest_boot_state) == 56, "entry.S stores guest_boot by offset");

static int use_vmcall;             /* Intel: VMCALL; otherwise VMMCALL */
static unsigned int nr_failures;
static char first_failure[160];

/* ---- hypercalls ----------------------------------------------------------- */

long hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t r10 asm("r10") = a3;
	long ret;

	/* The arguments are declared clobbered: the ABI only promises RAX. */
	if (use_vmcall)
		asm volatile("vmcall"
			     : "=a"(ret), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10)
			     : "a"(nr) : "memory");
	else
		asm volatile("vmmcall"
			     : "=a"(ret), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10)
			     : "a"(nr) : "memory");
	return ret;
}

/* ---- small string functions (GCC may emit calls to these) ----------------- */

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p < *q ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* ---- formatting ------------------------------------------------------------ */

struct out {
	char *buf;
	size_t size, len;  /* len counts everything, even what did not fit */
};

static void out_c(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_c(o, c);
}

int guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int alt = 0, zero = 0, left = 0, width = 0, lng = 0;
		char tmp[24], *digits;
		const char *prefix = "", *s;
		unsigned long long v;
		unsigned int base = 10;
		int neg = 0, n, upper = 0;

		if (*fmt != '%') {
			out_c(&o, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '#')
				alt = 1;
			else if (*fmt == '0')
				zero = 1;
			else if (*fmt == '-')
				left = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case '\0':
			fmt--;
			continue;
		case '%':
			out_c(&o, '%');
			continue;
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			continue;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			n = (int)strlen(s);
			if (!left)
				out_pad(&o, ' ', width - n);
			while (*s)
				out_c(&o, *s++);
			if (left)
				out_pad(&o, ' ', width - n);
			continue;
		case 'd':
		case 'i': {
			long long sv = lng ? va_arg(ap, long long) : va_arg(ap, int);

			neg = sv < 0;
			v = neg ? 0ull - (unsigned long long)sv : (unsigned long long)sv;
			break;
		}
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			base = 16;
			alt = 1;
			break;
		case 'X':
			upper = 1;
			/* fall through */
		case 'x':
		case 'u':
			if (*fmt != 'u')
				base = 16;
			v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			break;
		default:  /* unknown conversion: print it as is */
			out_c(&o, '%');
			out_c(&o, *fmt);
			continue;
		}
		digits = tmp + sizeof(tmp);
		do {
			unsigned int d = (unsigned int)(v % base);

			*--digits = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
			v /= base;
		} while (v);
		if (neg)
			prefix = "-";
		else if (alt && base == 16)
			prefix = upper ? "0X" : "0x";
		n = (int)(tmp + sizeof(tmp) - digits) + (int)strlen(prefix);
		if (!left && !zero)
			out_pad(&o, ' ', width - n);
		for (s = prefix; *s; s++)
			out_c(&o, *s);
		if (!left && zero)
			out_pad(&o, '0', width - n);
		while (digits < tmp + sizeof(tmp))
			out_c(&o, *digits++);
		if (left)
			out_pad(&o, ' ', width - n);
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return (int)o.len;
}

int guest_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = guest_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- console --------------------------------------------------------------- */

void guest_write(const char *s, size_t len)
{
	/* A short write is continued; an error cannot be reported anywhere. */
	while (len) {
		long n = hypercall3(TESS_HC_CONSOLE_WRITE, TESS_DOMID_SELF, GPA(s), len);

		if (n <= 0 || (size_t)n > len)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void vprint_line(const char *prefix, const char *fmt, va_list ap)
{
	static char line[256];
	size_t n = (size_t)guest_snprintf(line, sizeof(line), "%s", prefix);

	if (n < sizeof(line))
		n += (size_t)guest_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	line[n] = '\0';
	guest_write(line, n);  /* one hypercall per line when it fits */
}

void guest_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_line("", fmt, ap);
	va_end(ap);
}

/* ---- results --------------------------------------------------------------- */

void guest_check_fail(const char *fmt, ...)
{
	char prefix[80];
	va_list ap;

	guest_snprintf(prefix, sizeof(prefix), "%s: ", guest_test_name);
	va_start(ap, fmt);
	vprint_line(prefix, fmt, ap);
	va_end(ap);
	if (!nr_failures++) {
		va_start(ap, fmt);
		guest_vsnprintf(first_failure, sizeof(first_failure), fmt, ap);
		va_end(ap);
	}
}

unsigned int guest_failures(void)
{
	return nr_failures;
}

void guest_shutdown(unsigned int reason)
{
	hypercall1(TESS_HC_SHUTDOWN, reason);
	for (;;)
		hlt();
}

void guest_pass(void)
{
	guest_printf("TESS-GUEST: PASS %s", guest_test_name);
	guest_shutdown(TESS_SHUTDOWN_POWEROFF);
}

void guest_fail(const char *fmt, ...)
{
	char prefix[80];
	va_list ap;

	guest_snprintf(prefix, sizeof(prefix), "TESS-GUEST: FAIL %s: ", guest_test_name);
	va_start(ap, fmt);
	vprint_line(prefix, fmt, ap);
	va_end(ap);
	guest_shutdown(TESS_SHUTDOWN_POWEROFF);
}

/* Called by entry.S before test_main. */
void guest_init(uint64_t memory_bytes);
void guest_init(uint64_t memory_bytes)
{
	struct cpuid_regs r = cpuid(0, 0);

	/* "GenuineIntel" is EBX "Genu", EDX "ineI", ECX "ntel". */
	use_vmcall = r.ebx == 0x756e6547 && r.edx == 0x49656e69 && r.ecx == 0x6c65746e;
	(void)memory_bytes;
	guest_printf("TESS-GUEST: start %s", guest_test_name);
}

/* Called by entry.S with test_main's return value. */
__attribute__((noreturn)) void guest_finish(int rc);
void guest_finish(int rc)
{
	if (nr_failures)
		guest_fail("%s (%u failed check%s)", first_failure, nr_failures,
			   nr_failures == 1 ? "" : "s");
	if (rc)
		guest_fail("test_main returned %d", rc);
	guest_pass();
}
