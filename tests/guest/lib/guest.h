/* SPDX-License-Identifier: MIT */
/*
 * Tessera test kernels: the small freestanding library every kernel links.
 *
 * A kernel is one .c file that says GUEST_TEST(name) and defines
 * int test_main(uint64_t memory_bytes). entry.S zeroes .bss, moves to its
 * own stack and calls guest_init() (prints "TESS-GUEST: start <name>"),
 * then test_main(), then guest_finish(): PASS if test_main returned 0 and
 * no guest_check_fail() was recorded, FAIL otherwise; then POWEROFF.
 */
#ifndef TESS_GUEST_H
#define TESS_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <public/hypercall.h>

#define GUEST_TEST(name) const char guest_test_name[] = #name

extern const char guest_test_name[];
extern char __image_start[], __image_end[];

/* What the vCPU looked like at _start (entry.S records it). */
struct guest_boot_state {
	uint64_t memory_bytes;  /* RDI */
	uint64_t rsp;
	uint64_t rflags;
	uint64_t cr0, cr3, cr4;
	uint16_t cs, ds, es, ss;
};
extern struct guest_boot_state guest_boot;

int test_main(uint64_t memory_bytes);

/* ---- console and results ------------------------------------------------ */
void guest_write(const char *s, size_t len);
int guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int guest_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* One console line per call (a '\n' is added). %s %c %d %i %u %x %X %p %%,
 * flags '#' '0' '-', a width, and the length modifiers l ll z. */
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Record a failed check (printed as "<test>: <why>"); the test goes on and
 * ends in FAIL, naming the first failure and the count. */
void guest_check_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define guest_check(cond, ...) \
	do { if (!(cond)) guest_check_fail(__VA_ARGS__); } while (0)
unsigned int guest_failures(void);
__attribute__((noreturn)) void guest_pass(void);
__attribute__((noreturn, format(printf, 1, 2))) void guest_fail(const char *fmt, ...);
__attribute__((noreturn)) void guest_shutdown(unsigned int reason);

/* ---- hypercalls ----------------------------------------------------------- */
/* VMMCALL, or VMCALL when CPUID says GenuineIntel (chosen in guest_init). */
long hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
#define hypercall0(nr) hypercall((nr), 0, 0, 0, 0)
#define hypercall1(nr, a) hypercall((nr), (a), 0, 0, 0)
#define hypercall2(nr, a, b) hypercall((nr), (a), (b), 0, 0)
#define hypercall3(nr, a, b, c) hypercall((nr), (a), (b), (c), 0)
#define hypercall4(nr, a, b, c, d) hypercall((nr), (a), (b), (c), (d))
/* Guest-physical address of a guest object (identity mapped). */
#define GPA(p) ((uint64_t)(uintptr_t)(p))

/* ---- CPU helpers ---------------------------------------------------------- */
struct cpuid_regs { uint32_t eax, ebx, ecx, edx; };

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Port I/O (the child's ports: docs/abi.md, "What a child sees"). */
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* ---- exceptions (lib/traps.c) --------------------------------------------- */
/* Load the kernel's own GDT (null, 0x08 code64, 0x10 data), reload CS and
 * the data segments, and load an IDT whose vectors 0-31 go to guest_trap. */
void guest_traps_init(void);
/* Arm the handler for the next exception: it records the vector and error
 * code and resumes at the faulting RIP + insn_len. Unarmed exceptions FAIL
 * the test. */
void trap_expect(unsigned int insn_len);
/* After the instruction: the vector taken (disarming), or -1 if none. */
int trap_taken(void);
extern volatile uint64_t trap_error_code, trap_rip;
/* entry.S: the stubs for vectors 0-31 (for kernels that build their own IDT;
 * the gate selector must be 0x08, a 64-bit DPL 0 code segment). */
extern const uint64_t trap_stubs[32];

/* ---- interrupts, vectors 32-255 (lib/traps.c) ----------------------------- */
/* guest_traps_init's IDT has all 256 vectors; 32-255 start not present.
 * irq_set_handler(vec, fn) makes vec an interrupt gate to the library's
 * stub, which saves the GPRs and calls fn(vec) with interrupts off (unless
 * fn does STI; nesting is fine), then IRETQs. fn sends its own EOI. An
 * interrupt on a vector with no handler FAILs the test. */
typedef void (*irq_handler_t)(unsigned int vec);
void irq_set_handler(unsigned int vec, irq_handler_t fn);
/* Lower level: IDT entry vec (any vector) becomes a 64-bit DPL 0 interrupt
 * gate to addr with selector 0x08. */
void idt_set_gate(unsigned int vec, uint64_t addr);
/* entry.S: the stubs for vectors 32-255 (irq_stubs[vec - 32]). */
extern const uint64_t irq_stubs[224];

static inline void irq_enable(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

#endif /* TESS_GUEST_H */
