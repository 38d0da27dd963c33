/* CPU identification and the features the hypervisor cares about. */
#ifndef TESS_CPU_H
#define TESS_CPU_H

#include <tess/types.h>

struct cpu_features {
	char vendor[13];
	u32 family, model, stepping;
	bool svm, npt, nrips, decode_assists, flush_by_asid, page_1g;
	bool vmx, ept;
	u32 svm_asids;
	u8 phys_bits;
};

extern struct cpu_features boot_cpu;

void cpu_detect(struct cpu_features *f);
void cpu_report(const struct cpu_features *f);

#endif
