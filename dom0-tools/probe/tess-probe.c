/*
 * tess-probe: tiny dom0 probe for the Tessera hypervisor.
 *
 *   tess-probe signature   print the CPUID 0x40000000 vendor signature
 *                          (trailing NULs stripped), or "none" when
 *                          CPUID.1:ECX[31] (hypervisor present) is clear.
 *                          Exit status 0 if the signature is Tessera's,
 *                          1 otherwise.
 *   tess-probe max-leaf    print EAX of CPUID 0x40000000 (highest
 *                          hypervisor leaf) in hex, or "none".
 *
 * Linked statically so it runs from the busybox-only dom0 initramfs.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <public/tessera.h>

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static struct cpuid_regs cpuid(uint32_t leaf)
{
    struct cpuid_regs r;

    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(0));
    return r;
}

static int hypervisor_present(void)
{
    return (cpuid(1).ecx >> 31) & 1;
}

/* Fill sig[12] from EBX, ECX, EDX of the hypervisor base leaf. */
static void read_signature(char sig[12])
{
    struct cpuid_regs r = cpuid(TESS_CPUID_LEAF_BASE);

    memcpy(sig + 0, &r.ebx, 4);
    memcpy(sig + 4, &r.ecx, 4);
    memcpy(sig + 8, &r.edx, 4);
}

static int cmd_signature(void)
{
    static const char tessera[12] = TESS_CPUID_SIGNATURE;
    char sig[12];
    size_t len = sizeof(sig);

    if (!hypervisor_present()) {
        puts("none");
        return 1;
    }
    read_signature(sig);
    while (len > 0 && sig[len - 1] == '\0')
        len--;
    printf("%.*s\n", (int)len, sig);
    return memcmp(sig, tessera, sizeof(sig)) == 0 ? 0 : 1;
}

static int cmd_max_leaf(void)
{
    if (!hypervisor_present()) {
        puts("none");
        return 1;
    }
    printf("0x%08x\n", cpuid(TESS_CPUID_LEAF_BASE).eax);
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: tess-probe signature|max-leaf\n", f);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "signature") == 0)
        return cmd_signature();
    if (strcmp(argv[1], "max-leaf") == 0)
        return cmd_max_leaf();
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
