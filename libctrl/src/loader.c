/* SPDX-License-Identifier: MIT */
/*
 * libctrl: loader for freestanding ELF64 test kernels (tests/guest).
 *
 * The child gets its PT_LOAD segments at their physical addresses, identity
 * page tables for 0-4 GiB with 2 MiB pages (PML4 0x1000, PDPT 0x2000, PDs
 * 0x3000-0x6fff) and vCPU 0 in 64-bit mode at e_entry, with the stack and
 * RDI at the top of its RAM. Everything is checked before anything is
 * written.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define OP "load_test_kernel"
#define PTE_P  0x1ull
#define PTE_W  0x2ull
#define PTE_PS 0x80ull
#define PT_BYTES 0x6000u          /* PML4 + PDPT + 4 PDs */
#define TWO_MIB (2ull << 20)

static void build_page_tables(uint64_t *pt /* PT_BYTES / 8 entries at GPA 0x1000 */)
{
	uint64_t *pml4 = pt, *pdpt = pt + 512, *pd = pt + 1024;
	unsigned i;

	memset(pt, 0, PT_BYTES);
	pml4[0] = TESS_LOADER_PDPT | PTE_P | PTE_W;
	for (i = 0; i < 4; i++)
		pdpt[i] = (TESS_LOADER_PD + i * 0x1000ull) | PTE_P | PTE_W;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = (i * TWO_MIB) | PTE_P | PTE_W | PTE_PS;
}

/* The identification bytes: ELF magic, 64-bit, little-endian. */
static int check_elf_ident(const unsigned char *img, size_t size, const char *name)
{
	if (!img || size < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG) != 0)
		return tess__fail(-ENOEXEC, OP, "%s: not an ELF file (bad magic)", name);
	if (img[EI_CLASS] != ELFCLASS64)
		return tess__fail(-ENOEXEC, OP, "%s: not a 64-bit ELF (class %u)", name,
				  img[EI_CLASS]);
	if (img[EI_DATA] != ELFDATA2LSB)
		return tess__fail(-ENOEXEC, OP, "%s: not a little-endian ELF", name);
	return 0;
}

/* Copy the ELF header into *eh and check that it describes an x86_64
 * executable whose program headers lie inside the file. */
static int read_elf_header(const unsigned char *img, size_t size, const char *name,
			   Elf64_Ehdr *eh)
{
	int err = check_elf_ident(img, size, name);

	if (err < 0)
		return err;
	if (size < sizeof(*eh))
		return tess__fail(-ENOEXEC, OP, "%s: truncated ELF header (%zu bytes)", name, size);
	memcpy(eh, img, sizeof(*eh));
	if (eh->e_machine != EM_X86_64)
		return tess__fail(-ENOEXEC, OP, "%s: machine %u is not x86_64", name,
				  eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return tess__fail(-ENOEXEC, OP, "%s: ELF type %u is not ET_EXEC (static, non-PIE "
				  "executable expected)", name, eh->e_type);
	if (eh->e_phnum == 0)
		return tess__fail(-ENOEXEC, OP, "%s: no program headers", name);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return tess__fail(-ENOEXEC, OP, "%s: program header size %u, expected %zu", name,
				  eh->e_phentsize, sizeof(Elf64_Phdr));
	if (eh->e_phoff > size || (size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return tess__fail(-ENOEXEC, OP, "%s: program headers lie outside the file", name);
	return 0;
}

/* Program header i (read_elf_header has checked that it is in the file). */
static void read_program_header(const unsigned char *img, const Elf64_Ehdr *eh, unsigned i,
				Elf64_Phdr *ph)
{
	memcpy(ph, img + eh->e_phoff + (size_t)i * sizeof(*ph), sizeof(*ph));
}

/* PT_LOAD i: its file bytes inside the file, identity mapped, and its memory
 * inside the child's loadable RAM [TESS_LOADER_MIN_LOAD, memory_bytes). */
static int check_load_segment(const Elf64_Phdr *ph, unsigned i, size_t size, const char *name,
			      uint64_t memory_bytes)
{
	if (ph->p_filesz > ph->p_memsz)
		return tess__fail(-ENOEXEC, OP, "%s: PT_LOAD %u has p_filesz 0x%llx > "
				  "p_memsz 0x%llx", name, i,
				  (unsigned long long)ph->p_filesz,
				  (unsigned long long)ph->p_memsz);
	if (ph->p_offset > size || size - ph->p_offset < ph->p_filesz)
		return tess__fail(-ENOEXEC, OP, "%s: PT_LOAD %u file bytes [0x%llx, +0x%llx) "
				  "lie outside the %zu-byte file", name, i,
				  (unsigned long long)ph->p_offset,
				  (unsigned long long)ph->p_filesz, size);
	if (ph->p_vaddr != ph->p_paddr)
		return tess__fail(-ENOEXEC, OP, "%s: PT_LOAD %u has p_vaddr 0x%llx != p_paddr "
				  "0x%llx (the child runs identity mapped)", name, i,
				  (unsigned long long)ph->p_vaddr,
				  (unsigned long long)ph->p_paddr);
	if (ph->p_paddr < TESS_LOADER_MIN_LOAD || ph->p_paddr > memory_bytes ||
	    memory_bytes - ph->p_paddr < ph->p_memsz)
		return tess__fail(-ERANGE, OP, "%s: PT_LOAD %u [0x%llx, 0x%llx) does not fit in "
				  "the child's loadable RAM [0x%x, 0x%llx)", name, i,
				  (unsigned long long)ph->p_paddr,
				  (unsigned long long)(ph->p_paddr + ph->p_memsz),
				  TESS_LOADER_MIN_LOAD, (unsigned long long)memory_bytes);
	return 0;
}

/* Check every PT_LOAD segment, that there is one, and that the entry point
 * is inside one; nothing has been written yet. */
static int check_segments(const unsigned char *img, size_t size, const char *name,
			  const Elf64_Ehdr *eh, uint64_t memory_bytes)
{
	unsigned i, nload = 0, entry_ok = 0;
	int err;

	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		read_program_header(img, eh, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		nload++;
		err = check_load_segment(&ph, i, size, name, memory_bytes);
		if (err < 0)
			return err;
		if (eh->e_entry >= ph.p_paddr && eh->e_entry - ph.p_paddr < ph.p_memsz)
			entry_ok = 1;
	}
	if (nload == 0)
		return tess__fail(-ENOEXEC, OP, "%s: no PT_LOAD segment", name);
	if (!entry_ok)
		return tess__fail(-ENOEXEC, OP, "%s: entry point 0x%llx is not inside a PT_LOAD "
				  "segment", name, (unsigned long long)eh->e_entry);
	return 0;
}

/* Copy one checked PT_LOAD segment's file bytes, then zero its bss from
 * zero (TESS_BUF_MAX zero bytes). */
static int copy_segment(const unsigned char *img, const Elf64_Phdr *ph,
			const unsigned char *zero, const struct tess_loader_ops *ops, void *ctx)
{
	uint64_t off;
	int err;

	if (ph->p_filesz) {
		err = ops->copy_in(ctx, ph->p_paddr, img + ph->p_offset, ph->p_filesz);
		if (err < 0)
			return err;
	}
	for (off = ph->p_filesz; off < ph->p_memsz; ) {
		uint64_t n = ph->p_memsz - off;

		if (n > TESS_BUF_MAX)
			n = TESS_BUF_MAX;
		err = ops->copy_in(ctx, ph->p_paddr + off, zero, n);
		if (err < 0)
			return err;
		off += n;
	}
	return 0;
}

/* Copy every PT_LOAD segment into the child, in program header order. */
static int copy_segments(const unsigned char *img, const char *name, const Elf64_Ehdr *eh,
			 const struct tess_loader_ops *ops, void *ctx)
{
	unsigned char *zero = calloc(1, TESS_BUF_MAX);
	unsigned i;
	int err = 0;

	if (!zero)
		return tess__fail(-ENOMEM, OP, "%s: out of memory", name);
	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		read_program_header(img, eh, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		err = copy_segment(img, &ph, zero, ops, ctx);
		if (err < 0)
			break;
	}
	free(zero);
	return err;
}

/* Write the identity page tables at TESS_LOADER_PML4. */
static int write_page_tables(const char *name, const struct tess_loader_ops *ops, void *ctx)
{
	uint64_t *pt = malloc(PT_BYTES);
	int err;

	if (!pt)
		return tess__fail(-ENOMEM, OP, "%s: out of memory", name);
	build_page_tables(pt);
	err = ops->copy_in(ctx, TESS_LOADER_PML4, pt, PT_BYTES);
	free(pt);
	return err;
}

/* vCPU 0 in 64-bit mode at entry, with the stack and RDI at the top of RAM. */
static int set_boot_state(uint32_t domid, uint64_t entry, uint64_t memory_bytes,
			  const struct tess_loader_ops *ops, void *ctx)
{
	struct tess_vcpu_state st;

	memset(&st, 0, sizeof(st));
	st.domid = domid;
	st.vcpu = 0;
	st.mode = TESS_VCPU_MODE_LONG64;
	st.rip = entry;
	st.rsp = memory_bytes;
	st.rflags = 0x2;
	st.cr3 = TESS_LOADER_PML4;
	st.rdi = memory_bytes;
	st.rsi = 0;
	return ops->set_state(ctx, &st);
}

int tess__load_image(const void *image, size_t size, const char *name,
		     uint32_t domid, uint64_t memory_bytes, uint64_t *entry,
		     const struct tess_loader_ops *ops, void *ctx)
{
	const unsigned char *img = image;
	Elf64_Ehdr eh;
	int err;

	if (!name)
		name = "(image)";
	err = read_elf_header(img, size, name, &eh);
	if (err < 0)
		return err;
	if (memory_bytes < TESS_LOADER_MIN_LOAD)
		return tess__fail(-ERANGE, OP, "%s: child memory of %llu bytes is below 1 MiB",
				  name, (unsigned long long)memory_bytes);
	err = check_segments(img, size, name, &eh, memory_bytes);
	if (err < 0)
		return err;
	if (entry)
		*entry = eh.e_entry;
	if (!ops)
		return 0;
	err = copy_segments(img, name, &eh, ops, ctx);
	if (err < 0)
		return err;
	err = write_page_tables(name, ops, ctx);
	if (err < 0)
		return err;
	return set_boot_state(domid, eh.e_entry, memory_bytes, ops, ctx);
}

int tess_check_test_kernel(const void *image, size_t size, const char *name,
			   uint64_t memory_bytes, uint64_t *entry)
{
	return tess__load_image(image, size, name, 0, memory_bytes, entry, NULL, NULL);
}

/* ---- the device backend -------------------------------------------------- */

/* The thread's last message without its trailing " (ENAME)". */
static void last_reason(char *buf, size_t size)
{
	char *p;

	snprintf(buf, size, "%s", tess_last_error());
	p = strrchr(buf, '(');
	if (p && p > buf && p[-1] == ' ' && p[1] == 'E' && strchr(p, ')'))
		p[-1] = '\0';
}

static int dev_copy_in(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	struct tess__dev_ctx *c = ctx;
	int err = tess_memory_copy_in(c->h, c->domid, gpa, buf, len);
	char why[256];

	if (err < 0) {
		last_reason(why, sizeof(why));
		tess__fail(err, c->op, "%s: writing 0x%zx bytes at GPA 0x%llx: %s", c->name, len,
			   (unsigned long long)gpa, why);
	}
	return err;
}

static int dev_set_state(void *ctx, const struct tess_vcpu_state *st)
{
	struct tess__dev_ctx *c = ctx;
	int err = tess_vcpu_set_state(c->h, st);
	char why[256];

	if (err < 0) {
		last_reason(why, sizeof(why));
		tess__fail(err, c->op, "%s: setting vCPU 0: %s", c->name, why);
	}
	return err;
}

/* The loaders' backend through /dev/tessera (the host self-checks use fakes). */
const struct tess_loader_ops tess__dev_ops = { dev_copy_in, dev_set_state };

/* Read a whole regular file (at most max bytes); messages start with op. */
int tess__read_file(const char *op, const char *path, uint64_t max, unsigned char **out,
		    size_t *outlen)
{
	struct stat sb;
	unsigned char *buf;
	size_t done = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		return tess__fail(err, op, "%s: %s", path, strerror(-err));
	}
	if (fstat(fd, &sb) < 0) {
		err = -errno;
		close(fd);
		return tess__fail(err, op, "%s: %s", path, strerror(-err));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return tess__fail(-EINVAL, op, "%s: not a regular file", path);
	}
	if ((uint64_t)sb.st_size > max) {
		close(fd);
		return tess__fail(-EFBIG, op, "%s: %lld bytes is larger than the child's memory",
				  path, (long long)sb.st_size);
	}
	buf = malloc(sb.st_size ? (size_t)sb.st_size : 1);
	if (!buf) {
		close(fd);
		return tess__fail(-ENOMEM, op, "%s: out of memory", path);
	}
	while (done < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)sb.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			free(buf);
			close(fd);
			return tess__fail(err, op, "%s: read failed: %s", path,
					  n < 0 ? strerror(-err) : "file shrank");
		}
		done += (size_t)n;
	}
	close(fd);
	*out = buf;
	*outlen = done;
	return 0;
}

int tess_load_test_kernel(tess_handle *h, uint32_t domid, const char *path,
			  uint64_t memory_bytes, uint64_t *entry)
{
	struct tess__dev_ctx c = { h, domid, path, OP };
	unsigned char *img = NULL;
	size_t len = 0;
	int err;

	if (!h)
		return tess__fail(-EBADF, OP, "no handle (tess_open first)");
	if (!path)
		return tess__fail(-EINVAL, OP, "no file name");
	err = tess__read_file(OP, path, memory_bytes, &img, &len);
	if (err < 0)
		return err;
	err = tess__load_image(img, len, path, domid, memory_bytes, entry, &tess__dev_ops, &c);
	free(img);
	return err;
}
