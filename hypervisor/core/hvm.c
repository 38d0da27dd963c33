/* Choosing the vendor ops table at boot. */
#include <tess/hvm.h>

const struct hvm_ops *hvm;

const struct hvm_ops *hvm_select(const struct cpu_features *f, const char **why)
{
	static const struct hvm_ops *const candidates[] = { &svm_ops, &vmx_ops };
	const char *reason = "no vendor";

	for (unsigned int i = 0; i < ARRAY_SIZE(candidates); i++) {
		if (candidates[i]->supported(f, &reason))
			return candidates[i];
		if (i == 0 || !f->svm) /* keep the reason of the vendor present */
			*why = reason;
	}
	return NULL;
}
