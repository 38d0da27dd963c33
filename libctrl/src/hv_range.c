/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's pure range code (hypervisor/core/range.c), compiled into
 * libctrl for the Linux domain builder (-DTESS_HOSTED: the host C library
 * instead of the hypervisor's). One source, two users: nothing is copied.
 */
#include "../../hypervisor/core/range.c"
