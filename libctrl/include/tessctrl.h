/* SPDX-License-Identifier: MIT */
/*
 * tessctrl.h: libctrl, the dom0 control library of Tessera.
 *
 * libctrl is the only code that opens /dev/tessera (DESIGN D10). Every call
 * wraps one hypercall (public/hypercall.h, docs/abi.md) or one ioctl
 * (public/dom0_ioctl.h).
 *
 * Errors: every function that can fail returns a negative errno value
 * (-ENOENT, -EEXIST, ...) and records a message for the calling thread that
 * says what failed, e.g.
 *     "domain_create: name 'web' already in use (EEXIST)".
 * tess_last_error() returns that message; tess_strerror(err) returns it when
 * err is the error of the thread's last failed call, else a generic text.
 * Functions that return a count or an id return it as a non-negative value.
 *
 * Thread safety: a handle may be shared by threads; each call is one ioctl.
 * tess_vcpu_run() blocks the calling thread while the vCPU runs (the root
 * scheduler, D5): use one thread per vCPU.
 */
#ifndef TESSCTRL_H
#define TESSCTRL_H

#include <stddef.h>
#include <stdint.h>

#include "public/hypercall.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An open /dev/tessera. */
typedef struct tess_handle tess_handle;

/* ---- errors ------------------------------------------------------------- */

/* The message of the calling thread's last failed libctrl call ("" if none). */
const char *tess_last_error(void);
/* Message for err (a negative errno returned by libctrl); see above. */
const char *tess_strerror(int err);

/* ---- device ------------------------------------------------------------- */

/* Open /dev/tessera (needs CAP_SYS_ADMIN and tessera.ko loaded).
 * Returns 0 and sets *out, or a negative errno. */
int tess_open(tess_handle **out);
/* Close a handle (NULL is ignored). */
void tess_close(tess_handle *h);

/* ---- host --------------------------------------------------------------- */

/* TESS_INTERFACE_VERSION of the hypervisor ((major << 16) | minor), or < 0. */
int tess_version(tess_handle *h, uint32_t *version);
/* Fill *info with the machine's CPUs, paging modes and memory pools. */
int tess_physinfo(tess_handle *h, struct tess_physinfo *info);
/* Read up to size bytes of the hypervisor log into buf; clear != 0 drops what
 * was read from the ring. Returns the number of bytes, or < 0. */
int tess_log_read(tess_handle *h, char *buf, size_t size, int clear);

/* ---- domains ------------------------------------------------------------ */

/* Create a domain. name: [A-Za-z0-9_.-], at most TESS_NAME_MAX-1 bytes;
 * uuid: 16 bytes, not all zero; memory_bytes: a multiple of TESS_MEM_ALIGN;
 * max_vcpus: 1..TESS_MAX_VCPUS; paging: TESS_PAGING_HAP or _SHADOW.
 * Returns the new domid (> 0), or < 0. */
int tess_domain_create(tess_handle *h, const char *name, const uint8_t uuid[16],
		       uint64_t memory_bytes, uint32_t max_vcpus, uint32_t paging);
/* Destroy a domain and return its memory to the pool. */
int tess_domain_destroy(tess_handle *h, uint32_t domid);
/* A random (version 4) UUID for a new domain, from /dev/urandom. */
int tess_uuid_random(uint8_t uuid[16]);
int tess_domain_pause(tess_handle *h, uint32_t domid);
int tess_domain_unpause(tess_handle *h, uint32_t domid);
/* Press the child's ACPI power button (what `virsh shutdown` does): the
 * guest is asked to power off and may take its time, or ignore it; wait for
 * its RUN to end with TESS_EXIT_SHUTDOWN. A paused child sees the press when
 * unpaused. Returns 0, or < 0: -EINVAL for dom0, -ENOENT for no such
 * domain, -EBUSY when it is neither running nor paused (never started, or
 * already shut down or crashed), -ENOSYS before interface version 0.3. */
int tess_domain_power_button(tess_handle *h, uint32_t domid);
/* State, memory, name and UUID of one domain. */
int tess_domain_info(tess_handle *h, uint32_t domid, struct tess_domain_info *info);
/* Store up to max domids (dom0 included) in ids; returns how many exist
 * (may exceed max: call again with a larger array), or < 0. */
int tess_domain_list(tess_handle *h, uint32_t *ids, size_t max);
/* Exit counters of a domain since it was created (TESS_STAT_*). */
int tess_domain_stats(tess_handle *h, uint32_t domid, struct tess_exit_stats *stats);
/* Shadow paging counters of a domain (dom0 included; all zero on nested
 * paging); -ENOSYS before interface version 0.4. */
int tess_domain_paging_stats(tess_handle *h, uint32_t domid, struct tess_shadow_stats *stats);

/* ---- memory and vCPUs --------------------------------------------------- */

/* Copy len bytes from buf into domain domid's RAM at guest-physical gpa
 * (in TESS_BUF_MAX pieces). Returns 0, or < 0 (nothing is undone). */
int tess_memory_copy_in(tess_handle *h, uint32_t domid, uint64_t gpa,
			const void *buf, size_t len);
/* Load a vCPU's register state (st->domid and st->vcpu say which). */
int tess_vcpu_set_state(tess_handle *h, const struct tess_vcpu_state *st);
/* Run a vCPU until it exits for good: returns 0 with *exit filled for a halt
 * without timer, shutdown, crash or pause; -EINTR (exit->reason =
 * TESS_EXIT_INTERRUPTED) when a signal arrived; other negative errnos for
 * hypercall errors (-ENOENT, -EBUSY, ...). Blocks the calling thread. */
int tess_vcpu_run(tess_handle *h, uint32_t domid, uint32_t vcpu,
		  struct tess_run_exit *exit);
/* The exit in words: "poweroff", "reboot", "halted", "interrupted",
 * "crashed:bad-gpa gpa=0x... rip=0x...", ... (first word: the kind). */
void tess_describe_exit(const struct tess_run_exit *exit, char *buf, size_t size);

/* ---- console ------------------------------------------------------------ */

/* Read up to len bytes of domain domid's console output (what it wrote
 * since the last read). Returns the number of bytes, or < 0. */
int tess_console_read(tess_handle *h, uint32_t domid, void *buf, size_t len);
/* Write len bytes to domain domid's console input. Returns bytes, or < 0. */
int tess_console_write(tess_handle *h, uint32_t domid, const void *buf, size_t len);

/* ---- raw hypercall ------------------------------------------------------ */

/* One hypercall through TESS_IOCTL_HYPERCALL (buf may be NULL). Returns the
 * hypercall's result (RAX), or a negative errno if the ioctl failed. No
 * error message is recorded for a negative result. */
long tess_hypercall(tess_handle *h, unsigned nr, uint64_t a0, uint64_t a1,
		    uint64_t a2, uint64_t a3, void *buf, uint32_t buf_len,
		    unsigned buf_arg, unsigned buf_dir);

/* Testing interface (tess-fuzz): one TESS_IOCTL_HYPERCALL exactly as given,
 * with no checks in libctrl; the module and the hypervisor check everything.
 * nr and args[0..3] (args may be NULL: all zero) go to the hypervisor as
 * they are; buf (NULL: no bounce buffer), buf_len, buf_arg and buf_dir go
 * to the module unchanged, so out-of-range values reach its own checks.
 * Returns 0 when the ioctl succeeded, with the hypercall's RAX in *result
 * (may be NULL), or a negative errno when the ioctl itself failed (e.g.
 * -EINVAL for TESS_HC_VCPU_RUN or bad buffer fields). No error message is
 * recorded. Not for production tools: use the wrappers above. */
int tess_hypercall_raw(struct tess_handle *h, uint64_t nr, const uint64_t args[4],
		       void *buf, uint32_t buf_len, uint32_t buf_arg, uint32_t buf_dir,
		       int64_t *result);

/* ---- test kernel loader ------------------------------------------------- */

/* Identity page tables the loader writes into the child (GPAs). */
#define TESS_LOADER_PML4 0x1000u
#define TESS_LOADER_PDPT 0x2000u
#define TESS_LOADER_PD   0x3000u   /* four PDs, 0x3000-0x6fff: GPA 0-4 GiB */
#define TESS_LOADER_MIN_LOAD 0x100000u  /* PT_LOAD segments start at 1 MiB or above */

/* Load a freestanding ELF64 x86-64 test kernel (ET_EXEC) into domain domid,
 * whose RAM is memory_bytes: each PT_LOAD must lie inside
 * [TESS_LOADER_MIN_LOAD, memory_bytes), else nothing is written. Copies the
 * segments (zeroing bss), writes 2 MiB identity page tables for 0-4 GiB,
 * and sets vCPU 0 to 64-bit mode at e_entry with rsp = rdi = memory_bytes,
 * rsi = 0, rflags = 0x2, cr3 = TESS_LOADER_PML4. *entry (may be NULL) gets
 * e_entry. Returns 0, or < 0 with a message naming the file and problem. */
int tess_load_test_kernel(tess_handle *h, uint32_t domid, const char *path,
			  uint64_t memory_bytes, uint64_t *entry);

/* The loader's checks alone, on an ELF image in memory (no handle needed):
 * returns 0 if image could be loaded into memory_bytes of RAM, else < 0 with
 * the message tess_load_test_kernel would give (name is used in it). */
int tess_check_test_kernel(const void *image, size_t size, const char *name,
			   uint64_t memory_bytes, uint64_t *entry);

/* ---- Linux domain builder (the Linux x86 boot protocol, 64-bit entry) ---- */

/* Where tess_load_linux() puts things in the child (guest-physical). */
#define TESS_LINUX_GDT         0x1000u  /* 0x08, 0x10: 64-bit code; 0x18: data */
#define TESS_LINUX_PML4        0x2000u
#define TESS_LINUX_PDPT        0x3000u
#define TESS_LINUX_PD          0x4000u  /* four PDs, 0x4000-0x7fff: GPA 0-4 GiB */
#define TESS_LINUX_BOOT_PARAMS 0x8000u  /* the zero page */
#define TESS_LINUX_CMDLINE     0x9000u  /* up to 4 KiB */
#define TESS_LINUX_STACK_TOP   0xe000u  /* rsp at entry (stack 0xa000-0xdfff) */
#define TESS_LINUX_LOW_RAM_END 0x9fc00u /* e820: [0, this) RAM, then reserved to 1 MiB */
#define TESS_LINUX_ACPI        0xe0000u /* ACPI tables; the RSDP first */
#define TESS_LINUX_KERNEL_MIN  0x1000000u  /* protected-mode kernel at >= 16 MiB */
#define TESS_LINUX_CMDLINE_MAX 4096u       /* bytes, NUL included */

/*
 * Build a Linux child: load the bzImage kernel_path (and initrd_path, may be
 * NULL) into domain domid, which has memory_bytes of RAM and nr_vcpus vCPUs.
 * The child gets an e820 ([0, 0x9fc00) RAM, [0x9fc00, 1 MiB) reserved,
 * [1 MiB, memory_bytes) RAM), identity page tables for 0-4 GiB, the zero
 * page, ACPI tables (RSDP in boot_params.acpi_rsdp_addr; a FADT with the
 * PM1a blocks and reset register of docs/abi.md, a FACS, a DSDT with _S5, a
 * MADT with one x2APIC per vCPU and no I/O APIC), the kernel at the first
 * kernel_alignment-aligned address
 * >= 16 MiB, the initrd page-aligned at the top of what it may use, and vCPU
 * 0 in 64-bit mode at the kernel's 64-bit entry (load address + 0x200) with
 * RSI = TESS_LINUX_BOOT_PARAMS.
 *
 * The command line is cmdline (may be NULL) plus "tsc_early_khz=<dom0's TSC
 * frequency>" unless it has one (see tess_tsc_khz), "noapic" unless it has
 * it (no I/O APIC: it keeps Linux in x2APIC virtual-wire mode), and
 * "console=ttyS0,115200 earlyprintk=serial,ttyS0,115200" unless it has a
 * console=.
 * Everything is checked before anything is written: a file that is not a
 * bzImage, a boot protocol older than 2.12, a kernel without a 64-bit entry,
 * a kernel or initrd that does not fit, a command line that is too long.
 * Returns 0, or < 0 with a message naming the file and problem.
 */
int tess_load_linux(struct tess_handle *h, uint32_t domid, const char *kernel_path,
		    const char *initrd_path, const char *cmdline, uint64_t memory_bytes,
		    uint32_t nr_vcpus);

/* Dom0's TSC frequency in kHz (children share the TSC): from
 * /sys/devices/system/cpu/cpu0/tsc_freq_khz if the kernel has it, else
 * measured against CLOCK_MONOTONIC_RAW (median of three 20 ms samples), else
 * "cpu MHz" of /proc/cpuinfo. Returns 0 and sets *khz, or < 0. */
int tess_tsc_khz(uint32_t *khz);

#ifdef __cplusplus
}
#endif

#endif /* TESSCTRL_H */
