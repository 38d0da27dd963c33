/*
 * CPU feature detection. SVM: CPUID Fn8000_0001_ECX[2] and Fn8000_000A
 * (AMD APM vol. 2 section 15.4 and vol. 3 appendix E). VMX: CPUID.1:ECX[5];
 * EPT needs the secondary controls, read from IA32_VMX_PROCBASED_CTLS2
 * (Intel SDM vol. 3 appendix A.3.3) only when VMX exists.
 */
#include <tess/cpu.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/x86.h>

#define MSR_VMX_PROCBASED_CTLS 0x482
#define MSR_VMX_PROCBASED_CTLS2 0x48b

struct cpu_features boot_cpu;

static bool cpu_vmx_has_ept(void)
{
	/* Allowed-1 settings are the high dword (SDM vol. 3 appendix A.3.2). */
	if (!(rdmsr(MSR_VMX_PROCBASED_CTLS) >> 32 & (1u << 31)))
		return false;
	return rdmsr(MSR_VMX_PROCBASED_CTLS2) >> 32 & (1u << 1);
}

void cpu_detect(struct cpu_features *f)
{
	u32 a, b, c, d, max_ext;

	memset(f, 0, sizeof(*f));
	cpuid_count(0, 0, &a, &b, &c, &d);
	memcpy(f->vendor, &b, 4);
	memcpy(f->vendor + 4, &d, 4);
	memcpy(f->vendor + 8, &c, 4);
	cpuid_count(1, 0, &a, &b, &c, &d);
	f->family = ((a >> 8) & 0xf) + (((a >> 8) & 0xf) == 0xf ? (a >> 20) & 0xff : 0);
	f->model = ((a >> 4) & 0xf) | ((a >> 12) & 0xf0);
	f->stepping = a & 0xf;
	f->vmx = c & (1u << 5);
	if (f->vmx)
		f->ept = cpu_vmx_has_ept();
	cpuid_count(0x80000000, 0, &max_ext, &b, &c, &d);
	if (max_ext >= 0x80000001) {
		cpuid_count(0x80000001, 0, &a, &b, &c, &d);
		f->svm = c & (1u << 2);
		f->page_1g = d & (1u << 26);
	}
	if (max_ext >= 0x80000008) {
		cpuid_count(0x80000008, 0, &a, &b, &c, &d);
		f->phys_bits = a & 0xff;
	}
	if (f->svm && max_ext >= 0x8000000a) {
		cpuid_count(0x8000000a, 0, &a, &b, &c, &d);
		f->svm_asids = b;
		f->npt = d & (1u << 0);
		f->nrips = d & (1u << 3);
		f->flush_by_asid = d & (1u << 6);
		f->decode_assists = d & (1u << 7);
	}
}

static const char *yn(bool v)
{
	return v ? "yes" : "no";
}

void cpu_report(const struct cpu_features *f)
{
	log_info("cpu: %s family 0x%x model 0x%x: SVM %s, NPT %s, VMX %s, EPT %s\n",
		 f->vendor, f->family, f->model, yn(f->svm), yn(f->npt), yn(f->vmx),
		 yn(f->ept));
	if (f->svm)
		log_info("cpu: SVM details: %u ASIDs, NRIP save %s, decode assists %s, "
			 "flush by ASID %s, 1G pages %s, %u physical address bits\n",
			 f->svm_asids, yn(f->nrips), yn(f->decode_assists),
			 yn(f->flush_by_asid), yn(f->page_1g), f->phys_bits);
}
