/*
 * The VMCB (AMD APM vol. 2 appendix B): control area at 0x000, state save
 * area at 0x400. Offsets are pinned with static assertions.
 */
#ifndef TESS_SVM_VMCB_H
#define TESS_SVM_VMCB_H

#include <tess/types.h>

struct vmcb_seg {
	u16 sel;
	u16 attr;
	u32 limit;
	u64 base;
} __packed;

struct vmcb_control {
	u32 intercept_cr;       /* 0x000: bits 0-15 reads, 16-31 writes */
	u32 intercept_dr;       /* 0x004 */
	u32 intercept_exc;      /* 0x008 */
	u32 intercept_misc1;    /* 0x00c: INTR ... SHUTDOWN */
	u32 intercept_misc2;    /* 0x010: VMRUN ... */
	u8 rsvd0[0x03c - 0x014];
	u16 pause_filter_thresh; /* 0x03c */
	u16 pause_filter_count;  /* 0x03e */
	u64 iopm_base_pa;       /* 0x040 */
	u64 msrpm_base_pa;      /* 0x048 */
	u64 tsc_offset;         /* 0x050 */
	u32 asid;               /* 0x058 */
	u8 tlb_control;         /* 0x05c */
	u8 rsvd1[3];
	u32 int_ctl;            /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING (bit 24) */
	u32 int_vector;         /* 0x064 */
	u32 int_state;          /* 0x068: interrupt shadow */
	u8 rsvd2[4];
	u64 exitcode;           /* 0x070 */
	u64 exitinfo1;          /* 0x078 */
	u64 exitinfo2;          /* 0x080 */
	u64 exitintinfo;        /* 0x088 */
	u64 np_enable;          /* 0x090 */
	u64 avic_apic_bar;      /* 0x098 */
	u64 ghcb_pa;            /* 0x0a0 */
	u64 eventinj;           /* 0x0a8 */
	u64 n_cr3;              /* 0x0b0 */
	u64 lbr_virt;           /* 0x0b8 */
	u32 clean;              /* 0x0c0 */
	u32 rsvd3;
	u64 nrip;               /* 0x0c8 */
	u8 insn_len;            /* 0x0d0 */
	u8 insn_bytes[15];
	u8 rsvd4[0x400 - 0x0e0];
} __packed;

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400 */
	u8 rsvd0[0x4cb - 0x4a0];
	u8 cpl;                 /* 0x4cb */
	u8 rsvd1[4];
	u64 efer;               /* 0x4d0 */
	u8 rsvd2[0x548 - 0x4d8];
	u64 cr4;                /* 0x548 */
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;                /* 0x578 */
	u8 rsvd3[0x5d8 - 0x580];
	u64 rsp;                /* 0x5d8 */
	u8 rsvd4[0x5f8 - 0x5e0];
	u64 rax;                /* 0x5f8 */
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
	u64 cr2;                /* 0x640 */
	u8 rsvd5[0x668 - 0x648];
	u64 g_pat;              /* 0x668 */
	u64 dbgctl;
	u8 rsvd6[0x1000 - 0x678];
} __packed;

struct vmcb {
	struct vmcb_control ctl;
	struct vmcb_save save;
} __packed;

_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");
_Static_assert(__builtin_offsetof(struct vmcb, ctl.exitcode) == 0x070, "exitcode");
_Static_assert(__builtin_offsetof(struct vmcb, ctl.n_cr3) == 0x0b0, "n_cr3");
_Static_assert(__builtin_offsetof(struct vmcb, ctl.insn_len) == 0x0d0, "insn_len");
_Static_assert(__builtin_offsetof(struct vmcb, save.cpl) == 0x4cb, "cpl");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4d0, "efer");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr4) == 0x548, "cr4");
_Static_assert(__builtin_offsetof(struct vmcb, save.rip) == 0x578, "rip");
_Static_assert(__builtin_offsetof(struct vmcb, save.rsp) == 0x5d8, "rsp");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5f8, "rax");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr2) == 0x640, "cr2");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "g_pat");

/* intercept_misc1 (APM vol. 2 appendix B, table B-1, offset 0x00c) */
#define SVM_INTERCEPT_INTR (1u << 0)
#define SVM_INTERCEPT_NMI (1u << 1)
#define SVM_INTERCEPT_INIT (1u << 3)
#define SVM_INTERCEPT_VINTR (1u << 4)
#define SVM_INTERCEPT_CPUID (1u << 18)
#define SVM_INTERCEPT_HLT (1u << 24)
#define SVM_INTERCEPT_INVLPG (1u << 25)
#define SVM_INTERCEPT_INVLPGA (1u << 26)
#define SVM_INTERCEPT_IOIO (1u << 27)
#define SVM_INTERCEPT_MSR (1u << 28)
#define SVM_INTERCEPT_SHUTDOWN (1u << 31)
/* intercept_misc2 (offset 0x010) */
#define SVM_INTERCEPT_VMRUN (1u << 0)
#define SVM_INTERCEPT_VMMCALL (1u << 1)
#define SVM_INTERCEPT_VMLOAD (1u << 2)
#define SVM_INTERCEPT_VMSAVE (1u << 3)
#define SVM_INTERCEPT_STGI (1u << 4)
#define SVM_INTERCEPT_CLGI (1u << 5)
#define SVM_INTERCEPT_SKINIT (1u << 6)

/* intercept_cr: bit n reads of CRn, bit 16 + n writes (offset 0x000) */
#define SVM_INTERCEPT_CR_READ(n) (1u << (n))
#define SVM_INTERCEPT_CR_WRITE(n) (1u << (16 + (n)))
/* intercept_exc: bit n exception vector n (offset 0x008) */
#define SVM_INTERCEPT_EXC_PF (1u << 14)

/* Exit codes (APM vol. 2 appendix C) */
#define SVM_EXIT_CR_WRITE_BASE 0x010
#define SVM_EXIT_EXCP_PF 0x04e
#define SVM_EXIT_INVLPG 0x079
#define SVM_EXIT_EXCP_BASE 0x040
#define SVM_EXIT_INTR 0x060
#define SVM_EXIT_NMI 0x061
#define SVM_EXIT_INIT 0x063
#define SVM_EXIT_VINTR 0x064
#define SVM_EXIT_CPUID 0x072
#define SVM_EXIT_HLT 0x078
#define SVM_EXIT_INVLPGA 0x07a
#define SVM_EXIT_IOIO 0x07b
#define SVM_EXIT_MSR 0x07c
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN 0x080
#define SVM_EXIT_VMMCALL 0x081
#define SVM_EXIT_VMLOAD 0x082
#define SVM_EXIT_VMSAVE 0x083
#define SVM_EXIT_STGI 0x084
#define SVM_EXIT_CLGI 0x085
#define SVM_EXIT_SKINIT 0x086
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID ((u64)-1)

#define SVM_TLB_FLUSH_ALL 1
/* int_ctl (APM 15.21): V_IRQ, V_INTR_PRIO, V_IGN_TPR */
#define SVM_V_IRQ (1u << 8)
#define SVM_V_INTR_PRIO_MASK (0xfu << 16)
#define SVM_V_IGN_TPR (1u << 20)
#define SVM_INT_SHADOW 1u
#define SVM_NP_ENABLE 1
#define SVM_EVENTINJ_VALID (1ull << 31)
#define SVM_EVENTINJ_TYPE_MASK (7ull << 8)
#define SVM_EVENTINJ_TYPE_NMI (2ull << 8) /* 0 << 8: external interrupt */
#define SVM_NMI_VECTOR 2ull
#define SVM_EVENTINJ_TYPE_EXCEPTION (3ull << 8)
#define SVM_EVENTINJ_ERROR_VALID (1ull << 11)
/* NPF EXITINFO1 (APM vol. 2 section 15.25.6) */
#define SVM_NPF_PRESENT (1ull << 0)
#define SVM_NPF_WRITE (1ull << 1)
#define SVM_NPF_FETCH (1ull << 4)

#define SVM_MSRPM_SIZE (2 * 4096)
#define SVM_IOPM_SIZE (3 * 4096)

#endif
