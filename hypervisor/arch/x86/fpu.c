/*
 * FXSAVE/FXRSTOR (AMD APM vol. 2 section 11.4.4). Only x87/SSE state: a CPU
 * with XSAVE and AVX needs XSAVE here, which is not done yet (QEMU's qemu64
 * model has neither).
 */
#include <tess/fpu.h>
#include <tess/lib.h>
#include <tess/x86.h>

#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define FXSAVE_FCW 0
#define FXSAVE_MXCSR 24

void fpu_cpu_init(void)
{
	u64 cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	/* FXSAVE raises #UD with CR0.EM set and #NM with TS: whatever the loader left. */
	u64 cr0 = (read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;

	asm volatile("mov %0, %%cr0" : : "r"(cr0));
	asm volatile("mov %0, %%cr4" : : "r"(cr4));
}

void fpu_save(struct fpu_state *s)
{
	asm volatile("fxsave64 %0" : "=m"(*s));
}

void fpu_restore(const struct fpu_state *s)
{
	asm volatile("fxrstor64 %0" : : "m"(*s));
}

void fpu_init_state(struct fpu_state *s)
{
	u16 fcw = 0x037f;
	u32 mxcsr = 0x1f80;

	memset(s, 0, sizeof(*s));
	memcpy(s->data + FXSAVE_FCW, &fcw, sizeof(fcw));
	memcpy(s->data + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}
