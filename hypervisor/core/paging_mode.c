/*
 * Which paging mode a domain runs on (DESIGN D3, docs/shadow-paging.md):
 * nested paging when the CPU has it, unless the hypervisor option
 * paging=shadow forces shadow paging for every domain or a child's
 * definition asks for shadow (<hap state='off'/>). Without nested paging
 * every domain, dom0 included, runs on shadow paging.
 */
#include <tess/cpu.h>
#include <tess/log.h>
#include <tess/paging.h>

static bool paging_shadow_only;

void paging_mode_init(bool option_shadow)
{
	paging_shadow_only = option_shadow || !boot_cpu.npt;
	if (!boot_cpu.npt)
		log_info("paging: the CPU has no nested paging: every domain runs on shadow "
			 "paging\n");
	else if (option_shadow)
		log_info("paging: paging=shadow: every domain runs on shadow paging\n");
}

u32 paging_modes_offered(void)
{
	return TESS_PHYS_SHADOW | (paging_shadow_only ? 0 : TESS_PHYS_HAP);
}

const struct paging_ops *paging_mode_for(u32 requested, u32 *mode)
{
	*mode = paging_shadow_only ? TESS_PAGING_SHADOW : requested;
	return *mode == TESS_PAGING_SHADOW ? &shadow_paging_ops : &npt_paging_ops;
}
