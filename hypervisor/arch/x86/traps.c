/*
 * IDT and exception reporting. An exception in the hypervisor is a bug:
 * print a register dump and stop this CPU, leaving the others running
 * (AMD APM vol. 2 section 8.2 for the vectors).
 */
#include <tess/log.h>
#include <tess/percpu.h>
#include <tess/traps.h>
#include <tess/x86.h>

struct idt_gate {
	u16 off_lo;
	u16 sel;
	u8 ist;
	u8 type;
	u16 off_mid;
	u32 off_hi;
	u32 zero;
} __packed;

extern const u64 exc_stubs[32];
static struct idt_gate idt[32] __aligned(16);
static bool idt_built;

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
};

static void idt_build(void)
{
	for (int v = 0; v < 32; v++) {
		u64 a = exc_stubs[v];

		idt[v] = (struct idt_gate){
			.off_lo = (u16)a, .sel = GDT_CS64, .ist = 0, .type = 0x8e,
			.off_mid = (u16)(a >> 16), .off_hi = (u32)(a >> 32),
		};
	}
	idt_built = true;
}

void traps_init_cpu(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = { sizeof(idt) - 1, (u64)idt };

	if (!idt_built)
		idt_build();
	asm volatile("lidt %0" : : "m"(idtr));
}

void trap_handler(struct trap_frame *f)
{
	const char *name = f->vector < 32 && exc_names[f->vector] ? exc_names[f->vector]
								  : "exception";
	u64 cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	log_printf(LOG_ERROR, "trap: %s (vector %lu, error 0x%lx) on CPU%u\n", name,
		   f->vector, f->error, this_cpu()->index);
	log_printf(LOG_ERROR, "  rip %016lx cs %04lx rflags %08lx rsp %016lx ss %04lx\n",
		   f->rip, f->cs, f->rflags, f->rsp, f->ss);
	log_printf(LOG_ERROR, "  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
		   f->rax, f->rbx, f->rcx, f->rdx);
	log_printf(LOG_ERROR, "  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n",
		   f->rsi, f->rdi, f->rbp, f->r8);
	log_printf(LOG_ERROR, "  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n",
		   f->r9, f->r10, f->r11, f->r12);
	log_printf(LOG_ERROR, "  r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
	log_printf(LOG_ERROR, "  cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx\n",
		   read_cr0(), cr2, read_cr3(), read_cr4());
	log_printf(LOG_ERROR, "trap: CPU%u stopped\n", this_cpu()->index);
	cpu_halt_forever();
}
