/* SPDX-License-Identifier: MIT */
/*
 * Host self-check of libctrl (make -C libctrl check-libctrl): the test-kernel
 * loader on a fake child (segments, bss, page tables, vCPU state, and that a
 * rejected file writes nothing) and the error messages. No /dev/tessera
 * needed. Arguments: ELF files that must load into a 4 MiB child.
 * Prints PASS:/FAIL: lines; exit status 1 if anything failed.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MEM (4ull << 20)

#define CHECK_PREFIX "libctrl/"
#include "check_common.h"

/* A fake child whose RAM is 0xaa, so a missing bss clear shows. */
static void fake_init_poisoned(struct fake *f)
{
	fake_init(f, MEM);
	memset(f->ram, 0xaa, MEM);
}

/* ---- ELF images built in memory ---------------------------------------- */

struct img {
	unsigned char b[0x3000];
	size_t size;
};

static Elf64_Ehdr *ehdr(struct img *im)
{
	return (Elf64_Ehdr *)im->b;
}

static Elf64_Phdr *phdr(struct img *im, int i)
{
	return (Elf64_Phdr *)(im->b + sizeof(Elf64_Ehdr)) + i;
}

/* text: 0x40 bytes from file offset 0x1000 at 0x100000; data: 0x10 bytes from
 * 0x2000 at 0x101000 plus bss up to 0x3000 bytes. */
static void good_image(struct img *im)
{
	Elf64_Ehdr *e = ehdr(im);
	Elf64_Phdr *p;
	int i;

	memset(im, 0, sizeof(*im));
	im->size = sizeof(im->b);
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = 0x100010;
	e->e_phoff = sizeof(Elf64_Ehdr);
	e->e_ehsize = sizeof(Elf64_Ehdr);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = 3;
	p = phdr(im, 0);
	p->p_type = PT_LOAD;
	p->p_offset = 0x1000;
	p->p_vaddr = p->p_paddr = 0x100000;
	p->p_filesz = p->p_memsz = 0x40;
	p = phdr(im, 1);
	p->p_type = PT_LOAD;
	p->p_offset = 0x2000;
	p->p_vaddr = p->p_paddr = 0x101000;
	p->p_filesz = 0x10;
	p->p_memsz = 0x3000;
	p = phdr(im, 2);
	p->p_type = PT_NOTE;   /* ignored */
	p->p_offset = 0x2fff0;
	for (i = 0; i < 0x40; i++)
		im->b[0x1000 + i] = (unsigned char)(0x10 + i);
	for (i = 0; i < 0x10; i++)
		im->b[0x2000 + i] = (unsigned char)(0x80 + i);
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void test_good(void)
{
	struct img im;
	struct fake f;
	uint64_t entry = 0;
	int err, i, ok;

	good_image(&im);
	fake_init_poisoned(&f);
	err = tess__load_image(im.b, im.size, "good.elf", 7, MEM, &entry, &fake_ops, &f);
	result(err == 0, "load-good", "error %d: %s", err, tess_last_error());
	result(entry == 0x100010, "load-entry", "entry 0x%llx", (unsigned long long)entry);
	result(!f.oob, "load-in-bounds", "a write left the child's RAM");
	result(memcmp(f.ram + 0x100000, im.b + 0x1000, 0x40) == 0 &&
	       memcmp(f.ram + 0x101000, im.b + 0x2000, 0x10) == 0,
	       "load-segments", "segment bytes differ");
	ok = 1;
	for (i = 0x10; i < 0x3000; i++)
		if (f.ram[0x101000 + i])
			ok = 0;
	result(ok, "load-bss-zeroed", "bss not cleared");
	result(f.ram[0x100040] == 0xaa && f.ram[0x104000] == 0xaa, "load-no-overwrite",
	       "bytes outside the segments were written");

	/* Page tables: PML4 0x1000 -> PDPT 0x2000 -> PDs 0x3000.., 2 MiB pages. */
	ok = rd64(f.ram + 0x1000) == (0x2000 | 3);
	for (i = 1; i < 512; i++)
		ok &= rd64(f.ram + 0x1000 + 8 * i) == 0;
	result(ok, "pt-pml4", "PML4[0] = 0x%llx", (unsigned long long)rd64(f.ram + 0x1000));
	ok = 1;
	for (i = 0; i < 512; i++)
		ok &= rd64(f.ram + 0x2000 + 8 * i) == (i < 4 ? (0x3000ull + 0x1000ull * i) | 3 : 0);
	result(ok, "pt-pdpt", "PDPT entries wrong");
	ok = 1;
	for (i = 0; i < 2048; i++)
		ok &= rd64(f.ram + 0x3000 + 8 * i) == (((uint64_t)i << 21) | 0x83);
	result(ok, "pt-pd-identity-4g", "PD entries wrong (PD[1] = 0x%llx)",
	       (unsigned long long)rd64(f.ram + 0x3008));
	result(f.ram[0x7000] == 0xaa && f.ram[0xfff] == 0xaa, "pt-bounds",
	       "page tables spill outside 0x1000-0x6fff");

	result(f.states == 1 && f.st.domid == 7 && f.st.vcpu == 0 &&
	       f.st.mode == TESS_VCPU_MODE_LONG64 && f.st.rip == 0x100010 &&
	       f.st.rsp == MEM && f.st.rflags == 0x2 && f.st.cr3 == 0x1000 &&
	       f.st.rdi == MEM && f.st.rsi == 0,
	       "vcpu-state", "states=%u dom %u vcpu %u mode %u rip 0x%llx rsp 0x%llx rflags 0x%llx "
	       "cr3 0x%llx rdi 0x%llx rsi 0x%llx", f.states, f.st.domid, f.st.vcpu, f.st.mode,
	       (unsigned long long)f.st.rip, (unsigned long long)f.st.rsp,
	       (unsigned long long)f.st.rflags, (unsigned long long)f.st.cr3,
	       (unsigned long long)f.st.rdi, (unsigned long long)f.st.rsi);
	free(f.ram);
}

/* ---- rejected images ---------------------------------------------------- */

struct bad_case {
	const char *name;
	void (*mutate)(struct img *im);
	int err;
	const char *msg;   /* substring of the message */
};

static void m_magic(struct img *im) { im->b[1] = 'X'; }
static void m_class(struct img *im) { im->b[EI_CLASS] = ELFCLASS32; }
static void m_endian(struct img *im) { im->b[EI_DATA] = ELFDATA2MSB; }
static void m_machine(struct img *im) { ehdr(im)->e_machine = EM_386; }
static void m_type(struct img *im) { ehdr(im)->e_type = ET_DYN; }
static void m_trunc(struct img *im) { im->size = 40; }
static void m_phoff(struct img *im) { ehdr(im)->e_phoff = 0x2ff0; }
static void m_phentsize(struct img *im) { ehdr(im)->e_phentsize = 32; }
static void m_below(struct img *im) { phdr(im, 0)->p_vaddr = phdr(im, 0)->p_paddr = 0xff000; }
static void m_low(struct img *im) { phdr(im, 0)->p_vaddr = phdr(im, 0)->p_paddr = 0x1000; }
/* The first segment is fine; the second ends past the child's RAM. */
static void m_above(struct img *im)
{
	phdr(im, 1)->p_vaddr = phdr(im, 1)->p_paddr = MEM - 0x1000;
}
static void m_at_end(struct img *im) { phdr(im, 1)->p_vaddr = phdr(im, 1)->p_paddr = MEM; }
static void m_wrap(struct img *im) { phdr(im, 1)->p_memsz = ~0ull - 0xfff; }
static void m_filesz(struct img *im) { phdr(im, 1)->p_filesz = 0x4000; }
static void m_offset(struct img *im) { phdr(im, 1)->p_offset = 0x2ff8; }
static void m_vaddr(struct img *im) { phdr(im, 0)->p_vaddr = 0xffffffff80100000ull; }
static void m_entry(struct img *im) { ehdr(im)->e_entry = 0x200000; }
static void m_noload(struct img *im) { phdr(im, 0)->p_type = PT_NULL; phdr(im, 1)->p_type = PT_NOTE; }
static void m_nophdr(struct img *im) { ehdr(im)->e_phnum = 0; }

static const struct bad_case bad_cases[] = {
	{ "reject-bad-magic", m_magic, -ENOEXEC, "bad.elf: not an ELF file (bad magic) (ENOEXEC)" },
	{ "reject-elf32", m_class, -ENOEXEC, "not a 64-bit ELF" },
	{ "reject-big-endian", m_endian, -ENOEXEC, "not a little-endian ELF" },
	{ "reject-machine", m_machine, -ENOEXEC, "machine 3 is not x86_64" },
	{ "reject-et-dyn", m_type, -ENOEXEC, "is not ET_EXEC" },
	{ "reject-truncated", m_trunc, -ENOEXEC, "truncated ELF header" },
	{ "reject-phdrs-outside", m_phoff, -ENOEXEC, "program headers lie outside the file" },
	{ "reject-phentsize", m_phentsize, -ENOEXEC, "program header size 32" },
	{ "reject-below-1mib", m_below, -ERANGE,
	  "PT_LOAD 0 [0xff000, 0xff040) does not fit in the child's loadable RAM [0x100000, 0x400000)" },
	{ "reject-page-table-area", m_low, -ERANGE, "does not fit" },
	{ "reject-past-memory", m_above, -ERANGE, "PT_LOAD 1 [0x3ff000, 0x402000) does not fit" },
	{ "reject-at-memory-end", m_at_end, -ERANGE, "does not fit" },
	{ "reject-memsz-wraps", m_wrap, -ERANGE, "does not fit" },
	{ "reject-filesz-gt-memsz", m_filesz, -ENOEXEC, "p_filesz 0x4000 > p_memsz 0x3000" },
	{ "reject-offset-outside", m_offset, -ENOEXEC, "lie outside the" },
	{ "reject-vaddr-ne-paddr", m_vaddr, -ENOEXEC, "p_vaddr" },
	{ "reject-entry-outside", m_entry, -ENOEXEC, "entry point 0x200000 is not inside" },
	{ "reject-no-pt-load", m_noload, -ENOEXEC, "no PT_LOAD segment" },
	{ "reject-no-phdrs", m_nophdr, -ENOEXEC, "no program headers" },
};

static void test_bad(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct img im;
		struct fake f;
		int err;

		good_image(&im);
		c->mutate(&im);
		fake_init_poisoned(&f);
		err = tess__load_image(im.b, im.size, "bad.elf", 1, MEM, NULL, &fake_ops, &f);
		result(err == c->err && f.writes == 0 && f.states == 0 &&
		       strstr(tess_last_error(), c->msg) && strstr(tess_last_error(), "load_test_kernel: bad.elf: "),
		       c->name, "err %d (want %d), %u writes, %u states, message '%s' (want '%s')",
		       err, c->err, f.writes, f.states, tess_last_error(), c->msg);
		free(f.ram);
	}
	{
		struct img im;
		int err;

		good_image(&im);
		err = tess_check_test_kernel(im.b, im.size, "good.elf", MEM, NULL);
		result(err == 0, "check-only-good", "err %d: %s", err, tess_last_error());
		/* 1 MiB + 4 KiB of RAM: the second segment (0x101000 + 0x3000) does not fit. */
		err = tess_check_test_kernel(im.b, im.size, "good.elf", 0x102000, NULL);
		result(err == -ERANGE, "check-only-small-memory", "err %d", err);
	}
}

/* ---- real files ---------------------------------------------------------- */

static void test_file(const char *path)
{
	struct tess_handle fake_handle = { -1 };
	FILE *fp = fopen(path, "rb");
	unsigned char *img = NULL;
	char name[300];
	long size;
	struct fake f;
	uint64_t entry = 0;
	int err, ok = 1;
	const char *base = strrchr(path, '/');

	snprintf(name, sizeof(name), "elf-file:%s", base ? base + 1 : path);
	if (!fp || fseek(fp, 0, SEEK_END) || (size = ftell(fp)) <= 0 || fseek(fp, 0, SEEK_SET) ||
	    !(img = malloc((size_t)size)) || fread(img, 1, (size_t)size, fp) != (size_t)size) {
		result(0, name, "cannot read %s", path);
		if (fp)
			fclose(fp);
		free(img);
		return;
	}
	fclose(fp);
	fake_init_poisoned(&f);
	err = tess__load_image(img, (size_t)size, path, 2, MEM, &entry, &fake_ops, &f);
	if (err == 0) {
		const Elf64_Ehdr *e = (const void *)img;
		int i;

		for (i = 0; i < e->e_phnum; i++) {
			const Elf64_Phdr *p = (const void *)(img + e->e_phoff + i * sizeof(*p));

			if (p->p_type == PT_LOAD &&
			    memcmp(f.ram + p->p_paddr, img + p->p_offset, p->p_filesz) != 0)
				ok = 0;
		}
	}
	result(err == 0 && ok && f.states == 1 && f.st.rip == entry, name, "err %d (%s), segments %s",
	       err, tess_last_error(), ok ? "ok" : "differ");
	free(f.ram);
	free(img);

	/* Through the public entry point too (it stops at the first write:
	 * there is no device behind this handle). */
	err = tess_load_test_kernel(&fake_handle, 2, path, MEM, NULL);
	snprintf(name, sizeof(name), "elf-file-public:%s", base ? base + 1 : path);
	result(err == -EBADF && strstr(tess_last_error(), "writing 0x") != NULL, name,
	       "err %d: %s", err, tess_last_error());
}

/* ---- error reporting ----------------------------------------------------- */

static void *other_thread(void *arg)
{
	struct tess_handle h = { -1 };

	(void)arg;
	tess_domain_create(&h, "", (const uint8_t *)"0123456789abcdef", 2 << 20, 1, 0);
	return NULL;
}

static void test_errors(void)
{
	struct tess_handle h = { -1 };
	static const uint8_t uuid[16] = { 1 };
	uint32_t v;
	pthread_t t;
	int err;

	err = tess_load_test_kernel(&h, 1, "/nonexistent/kernel.elf", MEM, NULL);
	result(err == -ENOENT && strcmp(tess_last_error(),
	       "load_test_kernel: /nonexistent/kernel.elf: No such file or directory (ENOENT)") == 0,
	       "missing-file", "err %d: '%s'", err, tess_last_error());
	result(strcmp(tess_strerror(err), tess_last_error()) == 0, "strerror-last",
	       "'%s'", tess_strerror(err));
	result(strcmp(tess_strerror(-EBUSY), "Device or resource busy (EBUSY)") == 0,
	       "strerror-generic", "'%s'", tess_strerror(-EBUSY));

	err = tess_domain_create(&h, "bad name", uuid, 4 << 20, 1, TESS_PAGING_HAP);
	result(err == -EINVAL && strcmp(tess_last_error(), "domain_create: name 'bad name' has a "
	       "character outside [A-Za-z0-9_.-] (EINVAL)") == 0,
	       "create-bad-name", "err %d: '%s'", err, tess_last_error());
	err = tess_domain_create(&h, "ok", uuid, 3 << 20, 1, TESS_PAGING_HAP);
	result(err == -EINVAL && strstr(tess_last_error(), "multiple of 2 MiB"),
	       "create-bad-memory", "err %d: '%s'", err, tess_last_error());
	err = tess_domain_create(&h, "ok", uuid, 4 << 20, 0, TESS_PAGING_HAP);
	result(err == -ERANGE, "create-bad-vcpus", "err %d: '%s'", err, tess_last_error());
	err = tess_domain_create(&h, "ok", (const uint8_t[16]){ 0 }, 4 << 20, 1, TESS_PAGING_HAP);
	result(err == -EINVAL && strstr(tess_last_error(), "all zero"),
	       "create-zero-uuid", "err %d: '%s'", err, tess_last_error());

	err = tess_version(&h, &v);
	result(err == -EBADF && strncmp(tess_last_error(), "version: ", 9) == 0,
	       "ioctl-error", "err %d: '%s'", err, tess_last_error());
	err = tess_domain_power_button(NULL, 3);
	result(err == -EBADF && strcmp(tess_last_error(), "domain_power_button: no handle "
	       "(tess_open first) (EBADF)") == 0,
	       "power-button-no-handle", "err %d: '%s'", err, tess_last_error());
	err = tess_domain_power_button(&h, 3);
	result(err == -EBADF && strncmp(tess_last_error(), "domain_power_button: domain 3: ",
	       31) == 0, "power-button-ioctl-error", "err %d: '%s'", err, tess_last_error());

	{
		static const uint64_t args[4] = { 1, 2, 3, 4 };
		int64_t res = 12345;

		err = tess_hypercall_raw(NULL, TESS_HC_VERSION, args, NULL, 0, 0, 0, &res);
		result(err == -EBADF && res == 12345, "raw-no-handle", "err %d", err);
		err = tess_hypercall_raw(&h, TESS_HC_VERSION, NULL, NULL, 0, 0, 0, &res);
		result(err == -EBADF && res == 12345, "raw-ioctl-error", "err %d", err);
	}

	/* Messages are per thread. */
	err = tess_domain_create(&h, "bad name", uuid, 4 << 20, 1, TESS_PAGING_HAP);
	pthread_create(&t, NULL, other_thread, NULL);
	pthread_join(t, NULL);
	result(strstr(tess_last_error(), "'bad name'") != NULL, "error-thread-local",
	       "'%s'", tess_last_error());
}

int main(int argc, char **argv)
{
	int i;

	test_good();
	test_bad();
	test_errors();
	for (i = 1; i < argc; i++)
		test_file(argv[i]);
	printf("libctrl self-check: %d passed, %d failed\n", passes, failures);
	return failures ? 1 : 0;
}
