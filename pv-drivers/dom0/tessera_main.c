// SPDX-License-Identifier: GPL-2.0
/*
 * tessera.ko: the dom0 control device /dev/tessera.
 *
 * libctrl is the only user. Two ioctls (public/dom0_ioctl.h):
 *   TESS_IOCTL_HYPERCALL  one hypercall, with an optional buffer bounced
 *                         through physically contiguous kernel memory
 *                         (hypercalls take guest-physical addresses, and
 *                         dom0's guest-physical == machine addresses);
 *   TESS_IOCTL_RUN        the root scheduler's RUN loop for one child vCPU
 *                         (DESIGN D5, tessera_run.c).
 * After a hypercall that changes what a halted vCPU waits for (console
 * input, a power-button press, pause, unpause, destroy), the threads
 * sleeping for that domain's vCPUs are woken to look again.
 */
#define pr_fmt(fmt) "tessera: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/string.h>
#include <asm/io.h>
#include <asm/processor.h>

#include <public/tessera.h>
#include <public/hypercall.h>
#include <public/dom0_ioctl.h>

#include "tessera.h"

long tess_vmmcall(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3)
{
	register u64 r10 asm("r10") = a3;
	u64 rax = nr;

	asm volatile("vmmcall"
		     : "+a"(rax), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10)
		     :
		     : "memory");
	return (long)rax;
}

static int tess_hypervisor_present(void)
{
	unsigned int eax, ebx, ecx, edx;
	char sig[13];

	cpuid(TESS_CPUID_LEAF_BASE, &eax, &ebx, &ecx, &edx);
	memcpy(sig + 0, &ebx, 4);
	memcpy(sig + 4, &ecx, 4);
	memcpy(sig + 8, &edx, 4);
	sig[12] = '\0';
	return memcmp(sig, TESS_CPUID_SIGNATURE, 12) == 0 &&
	       eax >= TESS_CPUID_LEAF_BASE;
}

static void tess_after_hypercall(const struct tess_ioctl_hypercall *hc)
{
	if (hc->result < 0)
		return;
	switch (hc->nr) {
	case TESS_HC_CONSOLE_WRITE:	/* input for COM1, on vCPU 0's 8259 */
		if (hc->result > 0)
			tess_wake_vcpus(hc->arg[0], 1);
		break;
	case TESS_HC_DOMAIN_POWER_BUTTON:	/* the SCI, on vCPU 0's 8259 too */
		tess_wake_vcpus(hc->arg[0], 1);
		break;
	case TESS_HC_DOMAIN_PAUSE:
	case TESS_HC_DOMAIN_UNPAUSE:
	case TESS_HC_DOMAIN_DESTROY:
		tess_wake_vcpus(hc->arg[0], ~0ull);
		break;
	case TESS_HC_DOMAIN_CREATE:
		tess_wake_reset((u64)hc->result);
		break;
	}
}

static long tess_ioctl_hypercall(void __user *uarg)
{
	struct tess_ioctl_hypercall hc;
	void *bounce = NULL;
	long ret = 0;

	if (copy_from_user(&hc, uarg, sizeof(hc)))
		return -EFAULT;
	if (hc.nr == TESS_HC_VCPU_RUN)
		return -EINVAL;	/* must go through TESS_IOCTL_RUN */
	if (hc.buf) {
		if (hc.buf_len > TESS_BUF_MAX || hc.buf_arg > 3 ||
		    (hc.buf_dir & ~(TESS_BUF_IN | TESS_BUF_OUT)))
			return -EINVAL;
		/*
		 * Always the largest buffer a call may use: the hypervisor writes
		 * as much as the call's own size arguments say, which a caller
		 * could set larger than buf_len.
		 */
		bounce = kzalloc(TESS_BUF_MAX, GFP_KERNEL);
		if (!bounce)
			return -ENOMEM;
		if ((hc.buf_dir & TESS_BUF_IN) && hc.buf_len &&
		    copy_from_user(bounce, u64_to_user_ptr(hc.buf), hc.buf_len)) {
			ret = -EFAULT;
			goto out;
		}
		hc.arg[hc.buf_arg] = virt_to_phys(bounce);
	}

	hc.result = tess_vmmcall(hc.nr, hc.arg[0], hc.arg[1], hc.arg[2], hc.arg[3]);
	tess_after_hypercall(&hc);

	if (bounce && (hc.buf_dir & TESS_BUF_OUT) && hc.buf_len &&
	    copy_to_user(u64_to_user_ptr(hc.buf), bounce, hc.buf_len)) {
		ret = -EFAULT;
		goto out;
	}
	if (copy_to_user(&((struct tess_ioctl_hypercall __user *)uarg)->result,
			 &hc.result, sizeof(hc.result)))
		ret = -EFAULT;
out:
	kfree(bounce);
	return ret;
}

static long tess_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case TESS_IOCTL_HYPERCALL:
		return tess_ioctl_hypercall(uarg);
	case TESS_IOCTL_RUN:
		return tess_ioctl_run(uarg);
	default:
		return -ENOTTY;
	}
}

static int tess_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

static const struct file_operations tess_fops = {
	.owner = THIS_MODULE,
	.open = tess_open,
	.unlocked_ioctl = tess_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice tess_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tessera",
	.fops = &tess_fops,
	.mode = 0600,
};

static int __init tess_init(void)
{
	long version;
	int err;

	if (!tess_hypervisor_present()) {
		pr_err("not running under the Tessera hypervisor (CPUID 0x%x signature differs)\n",
		       TESS_CPUID_LEAF_BASE);
		return -ENODEV;
	}
	version = tess_vmmcall(TESS_HC_VERSION, 0, 0, 0, 0);
	if (version < 0) {
		pr_err("version hypercall failed: %ld\n", version);
		return -ENODEV;
	}
	pr_info("hypervisor interface version %lu.%lu (module built for %u.%u)\n",
		(unsigned long)version >> 16, (unsigned long)version & 0xffff,
		TESS_INTERFACE_VERSION_MAJOR, TESS_INTERFACE_VERSION_MINOR);
	if (((unsigned long)version >> 16) != TESS_INTERFACE_VERSION_MAJOR)
		pr_warn("interface major version differs from the module's\n");

	tess_run_init();
	err = misc_register(&tess_misc);
	if (err) {
		pr_err("cannot register /dev/tessera: %d\n", err);
		return err;
	}
	return 0;
}

static void __exit tess_exit(void)
{
	misc_deregister(&tess_misc);
}

module_init(tess_init);
module_exit(tess_exit);

MODULE_DESCRIPTION("Tessera dom0 control device (/dev/tessera)");
MODULE_AUTHOR("The Tessera authors");
MODULE_LICENSE("GPL");
