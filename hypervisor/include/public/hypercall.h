/* SPDX-License-Identifier: MIT */
/*
 * Tessera hypercall ABI: numbers, argument structures, errors and the exit
 * reasons RUN returns. Shared by the hypervisor, the dom0 module, libctrl
 * and the test kernels; docs/abi.md describes every call.
 *
 * Copyright (c) 2026 The Tessera authors.
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software, to deal in it without restriction, subject to the
 * condition that this notice is kept in all copies. THE SOFTWARE IS PROVIDED
 * "AS IS", WITHOUT WARRANTY OF ANY KIND.
 *
 * Calling convention (x86-64): VMMCALL on AMD, VMCALL on Intel, from CPL 0.
 *   RAX = call number; RDI, RSI, RDX, R10 = arguments 0-3.
 *   RAX on return: >= 0 on success, or a negative TESS_E* error.
 * Buffers are passed as guest-physical addresses (GPAs) of the caller's own
 * RAM, never as virtual addresses; a buffer may span pages but must lie in
 * the caller's RAM, and is at most TESS_BUF_MAX bytes.
 */
#ifndef TESSERA_PUBLIC_HYPERCALL_H
#define TESSERA_PUBLIC_HYPERCALL_H

#include "tessera.h"

#ifdef __KERNEL__
#include <linux/types.h>
typedef __u8 tess_u8;
typedef __u32 tess_u32;
typedef __u64 tess_u64;
typedef __s64 tess_s64;
#else
#include <stdint.h>
typedef uint8_t tess_u8;
typedef uint32_t tess_u32;
typedef uint64_t tess_u64;
typedef int64_t tess_s64;
#endif

#define TESS_BUF_MAX (64u * 1024u)
#define TESS_NAME_MAX 64          /* bytes including the NUL */
#define TESS_DOMID_SELF 0x7ff0u   /* "the calling domain" where a domid is taken */
#define TESS_DOMID_DOM0 0u
#define TESS_MAX_VCPUS 64
#define TESS_MAX_DOMAINS 64       /* domain ids are 0 .. TESS_MAX_DOMAINS - 1 */
#define TESS_MEM_ALIGN (2u << 20) /* child memory comes in 2 MiB chunks */

/* Call numbers. "dom0" calls answer -TESS_EPERM to any other caller. */
#define TESS_HC_VERSION          0  /* any:  -> TESS_INTERFACE_VERSION */
#define TESS_HC_PHYSINFO         1  /* dom0: a0 = GPA of struct tess_physinfo (out) */
#define TESS_HC_LOG_READ         2  /* dom0: a0 = GPA (out), a1 = size, a2 = flags -> bytes */
#define TESS_HC_DOMAIN_CREATE    3  /* dom0: a0 = GPA of struct tess_domain_create (in/out) -> domid */
#define TESS_HC_DOMAIN_DESTROY   4  /* dom0: a0 = domid */
#define TESS_HC_DOMAIN_PAUSE     5  /* dom0: a0 = domid */
#define TESS_HC_DOMAIN_UNPAUSE   6  /* dom0: a0 = domid */
#define TESS_HC_DOMAIN_INFO      7  /* dom0: a0 = domid, a1 = GPA of struct tess_domain_info (out) */
#define TESS_HC_DOMAIN_LIST      8  /* dom0: a0 = GPA of tess_u32[] (out), a1 = max entries -> count */
#define TESS_HC_MEMORY_COPY_IN   9  /* dom0: a0 = domid, a1 = dest GPA in domid, a2 = source GPA, a3 = len */
#define TESS_HC_VCPU_SET_STATE  10  /* dom0: a0 = GPA of struct tess_vcpu_state (in) */
#define TESS_HC_VCPU_RUN        11  /* dom0: a0 = domid, a1 = vcpu, a2 = GPA of struct tess_run_exit (out),
                                     *       a3 = TSC deadline dom0 has a timer armed for (0: none) */
#define TESS_HC_CONSOLE_WRITE   12  /* any:  a0 = domid, a1 = GPA (in), a2 = len -> bytes */
#define TESS_HC_CONSOLE_READ    13  /* any:  a0 = domid, a1 = GPA (out), a2 = len -> bytes */
#define TESS_HC_DOMAIN_STATS    14  /* dom0: a0 = domid, a1 = GPA of struct tess_exit_stats (out) */
#define TESS_HC_SHUTDOWN        15  /* any child: a0 = TESS_SHUTDOWN_* (does not return) */
#define TESS_HC_DOMAIN_POWER_BUTTON 16 /* dom0: a0 = domid: press its ACPI power button (0.3) */
#define TESS_HC_DOMAIN_PAGING_STATS 17 /* dom0: a0 = domid (TESS_DOMID_DOM0 too), a1 = GPA of
                                        *       struct tess_shadow_stats (out) (0.4) */
#define TESS_HC_COUNT           18

/* Errors, as negative values in RAX (Linux errno numbers). */
#define TESS_EPERM   1   /* caller may not make this call */
#define TESS_ENOENT  2   /* no such domain */
#define TESS_E2BIG   7   /* buffer larger than TESS_BUF_MAX */
#define TESS_ENOMEM 12   /* not enough memory in the pool */
#define TESS_EFAULT 14   /* a buffer is not in the caller's (or target's) RAM */
#define TESS_EBUSY  16   /* vCPU already running, or domain in the wrong state */
#define TESS_EEXIST 17   /* name or UUID already in use */
#define TESS_EINVAL 22   /* malformed argument */
#define TESS_ENOSPC 28   /* no free domain slot */
#define TESS_ERANGE 34   /* vCPU or size out of range */
/* TESS_ENOSYS (38) is in tessera.h: no such call. */

/* TESS_HC_LOG_READ flags */
#define TESS_LOG_CLEAR 1u  /* forget what was read (tess dmesg --clear) */

/* TESS_HC_PHYSINFO */
#define TESS_PHYS_HAP    (1u << 0)  /* nested paging available */
#define TESS_PHYS_SHADOW (1u << 1)  /* shadow paging available */
struct tess_physinfo {
	tess_u32 nr_cpus;
	tess_u32 paging_modes;   /* TESS_PHYS_* */
	tess_u64 total_pages;    /* RAM pages in the machine */
	tess_u64 free_pages;     /* pool for child domains */
	tess_u64 dom0_pages;
	tess_u32 page_size;
	tess_u32 nr_domains;     /* dom0 included */
	char vendor[16];         /* "SVM" or "VMX" */
};

/* Domain paging modes */
#define TESS_PAGING_HAP    0u
#define TESS_PAGING_SHADOW 1u

/* TESS_HC_DOMAIN_CREATE */
struct tess_domain_create {
	tess_u8 uuid[16];          /* must not be all zero, nor in use */
	char name[TESS_NAME_MAX];  /* NUL-terminated, [A-Za-z0-9_.-], not in use */
	tess_u64 memory_bytes;     /* multiple of TESS_MEM_ALIGN, > 0 */
	tess_u32 max_vcpus;        /* 1..TESS_MAX_VCPUS */
	tess_u32 paging;           /* TESS_PAGING_* */
	tess_u32 domid;            /* out */
	tess_u32 pad;
};

/* Domain states */
#define TESS_DOMSTATE_CREATED  0u  /* built, never run */
#define TESS_DOMSTATE_RUNNING  1u
#define TESS_DOMSTATE_PAUSED   2u
#define TESS_DOMSTATE_SHUTDOWN 3u  /* shut itself down: see shutdown_reason */
#define TESS_DOMSTATE_CRASHED  4u  /* see shutdown_reason (TESS_CRASH_*) */

/* Shutdown reasons (TESS_HC_SHUTDOWN argument, and in exits) */
#define TESS_SHUTDOWN_POWEROFF 0u
#define TESS_SHUTDOWN_REBOOT   1u
#define TESS_SHUTDOWN_CRASH    2u  /* the guest says it crashed */
/* Crash reasons (when the hypervisor stops a domain) */
#define TESS_CRASH_TRIPLE_FAULT 16u
#define TESS_CRASH_BAD_GPA      17u  /* access outside its memory; exit.gpa says where */
#define TESS_CRASH_UNHANDLED    18u  /* an exit the hypervisor does not handle */
#define TESS_CRASH_BAD_STATE    19u  /* the CPU refused the vCPU state */

struct tess_domain_info {
	tess_u32 domid;
	tess_u32 state;            /* TESS_DOMSTATE_* */
	tess_u32 shutdown_reason;  /* TESS_SHUTDOWN_* or TESS_CRASH_* */
	tess_u32 max_vcpus;
	tess_u32 paging;
	tess_u32 pad;
	tess_u64 memory_bytes;
	tess_u8 uuid[16];
	char name[TESS_NAME_MAX];
};

/* TESS_HC_VCPU_SET_STATE modes: segments are flat and set by the hypervisor */
#define TESS_VCPU_MODE_LONG64 0u   /* 64-bit, paging on: cr3 must be given */
#define TESS_VCPU_MODE_PROT32 1u   /* 32-bit protected mode, paging off */
struct tess_vcpu_state {
	tess_u32 domid;
	tess_u32 vcpu;
	tess_u32 mode;             /* TESS_VCPU_MODE_* */
	tess_u32 pad;
	tess_u64 rip, rsp, rflags, cr3;
	tess_u64 rdi, rsi;         /* first two arguments for the guest's entry */
};

/* TESS_HC_VCPU_RUN exit reasons */
#define TESS_EXIT_HALTED      1u  /* HLT: deadline_tsc is its timer (0: none) */
#define TESS_EXIT_INTERRUPTED 2u  /* a physical interrupt for dom0; run again */
#define TESS_EXIT_SHUTDOWN    3u  /* detail = TESS_SHUTDOWN_* */
#define TESS_EXIT_CRASHED     4u  /* detail = TESS_CRASH_*, gpa for BAD_GPA */
#define TESS_EXIT_PAUSED      5u  /* the domain was paused */
#define TESS_EXIT_WAKE        6u  /* wake_vcpus (halted, waiting in dom0) have events; run again */
#define TESS_EXIT_TIMER       7u  /* deadline_tsc is earlier than a3's timer: arm it, run again */
struct tess_run_exit {
	tess_u32 reason;           /* TESS_EXIT_* */
	tess_u32 detail;
	tess_u64 deadline_tsc;     /* the vCPU's next timer deadline (0: none) */
	tess_u64 rip;
	tess_u64 gpa;
	tess_u64 vendor_code;      /* the raw exit code, for diagnostics */
	tess_u64 wake_vcpus;       /* TESS_EXIT_WAKE: bit n = vCPU n of this domain */
};

/* TESS_HC_DOMAIN_STATS: exits by reason since the domain was created */
#define TESS_STAT_CPUID     0
#define TESS_STAT_MSR       1
#define TESS_STAT_HYPERCALL 2
#define TESS_STAT_NPF       3
#define TESS_STAT_HLT       4
#define TESS_STAT_INTR      5
#define TESS_STAT_IO        6
#define TESS_STAT_OTHER     7
#define TESS_STAT_COUNT     8
struct tess_exit_stats {
	tess_u64 count[TESS_STAT_COUNT];
};

/*
 * TESS_HC_DOMAIN_PAGING_STATS: shadow paging counters, summed over the
 * domain's vCPUs since it was created (all zero for a domain on nested
 * paging). A fault is a #PF the hypervisor intercepted.
 */
struct tess_shadow_stats {
	tess_u64 faults;           /* #PF intercepted */
	tess_u64 faults_filled;    /* ... answered by a new shadow entry */
	tess_u64 faults_guest;     /* ... the guest's own tables explain: given to the guest */
	tess_u64 faults_p2m;       /* ... outside the domain's memory map (MMIO, or a bad access) */
	tess_u64 tables_built;     /* shadow tables allocated */
	tess_u64 tables_freed;
	tess_u64 flushes_cr3;      /* MOV CR3: non-global translations dropped */
	tess_u64 flushes_all;      /* everything dropped (CR0/CR4/EFER paging bits, pool full) */
	tess_u64 invlpg;           /* INVLPG intercepted */
	tess_u64 cr_accesses;      /* CR0/CR3/CR4 reads and writes emulated */
};

_Static_assert(sizeof(struct tess_physinfo) == 56, "tess_physinfo layout");
_Static_assert(sizeof(struct tess_domain_create) == 104, "tess_domain_create layout");
_Static_assert(sizeof(struct tess_domain_info) == 112, "tess_domain_info layout");
_Static_assert(sizeof(struct tess_vcpu_state) == 64, "tess_vcpu_state layout");
_Static_assert(sizeof(struct tess_run_exit) == 48, "tess_run_exit layout");
_Static_assert(sizeof(struct tess_exit_stats) == 64, "tess_exit_stats layout");
_Static_assert(sizeof(struct tess_shadow_stats) == 80, "tess_shadow_stats layout");

#endif /* TESSERA_PUBLIC_HYPERCALL_H */
