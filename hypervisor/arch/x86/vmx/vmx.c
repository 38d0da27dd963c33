/*
 * Intel VMX vendor ops: detection only for now. The VMX implementation
 * (tested under Bochs) is a later issue; until then a VMX-only machine is
 * refused with a clear message instead of half working.
 */
#include <tess/hvm.h>

static bool vmx_supported(const struct cpu_features *f, const char **why)
{
	*why = f->vmx ? "Intel VMX is detected but not implemented yet"
		      : "the CPU has neither usable SVM nor VMX";
	return false;
}

const struct hvm_ops vmx_ops = {
	.name = "VMX",
	.slat_name = "EPT",
	.supported = vmx_supported,
};
