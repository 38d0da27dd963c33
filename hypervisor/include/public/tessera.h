/* SPDX-License-Identifier: MIT */
/*
 * Tessera public interface: the one header set shared by the hypervisor,
 * libctrl, the dom0 module, the PV drivers and the test kernels.
 *
 * Copyright (c) 2026 The Tessera authors.
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software, to deal in it without restriction, subject to the
 * condition that this notice is kept in all copies. THE SOFTWARE IS PROVIDED
 * "AS IS", WITHOUT WARRANTY OF ANY KIND.
 */
#ifndef TESSERA_PUBLIC_TESSERA_H
#define TESSERA_PUBLIC_TESSERA_H

/* Interface version: major changes break callers, minor ones add calls. */
#define TESS_INTERFACE_VERSION_MAJOR 0u
#define TESS_INTERFACE_VERSION_MINOR 4u
#define TESS_INTERFACE_VERSION \
	((TESS_INTERFACE_VERSION_MAJOR << 16) | TESS_INTERFACE_VERSION_MINOR)

/*
 * CPUID leaves in the hypervisor range (0x40000000-0x400000ff), as every
 * x86 hypervisor announces itself. Leaf BASE: EAX = highest leaf, and
 * EBX, ECX, EDX = the 12-byte signature below. Leaf BASE+1: EAX = interface
 * version.
 */
#define TESS_CPUID_LEAF_BASE    0x40000000u
#define TESS_CPUID_LEAF_VERSION 0x40000001u
#define TESS_CPUID_LEAF_MAX     TESS_CPUID_LEAF_VERSION
#define TESS_CPUID_SIGNATURE    "TesseraHV\0\0\0"

/* No such hypercall (the calls themselves are in hypercall.h). */
#define TESS_ENOSYS     38

#endif /* TESSERA_PUBLIC_TESSERA_H */
