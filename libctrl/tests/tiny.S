/* A minimal freestanding ELF64 for libctrl's self-check: code, data, bss. */
	.text
	.globl _start
_start:
	lea	message(%rip), %rax
	hlt
	jmp	_start

	.data
message:
	.ascii	"tiny-kernel-data"

	.bss
	.balign	4096
bss_area:
	.skip	8192
