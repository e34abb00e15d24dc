/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of the FDBox QEMU scenario: a 64 KiB firmware image (QEMU's
 * -bios) that needs no second kernel, since nested emulation is slow.
 *
 * It fills 1 MiB of its RAM with a pattern the first time it runs, then
 * forever takes a checksum of that MiB, increments a counter kept in RAM
 * and prints both on COM1:
 *
 *	fdbox-guest boot
 *	fdbox-guest tick 00000001 sum f15f6df3
 *
 * The counter and the pattern live in guest RAM, which the VMM keeps in a
 * memfd: a guest resumed on the same memfd goes on from its counter with
 * the same checksum. "boot" is printed at every reset: a guest that was
 * resumed from its saved CPU state does not print it again. RAM that kept
 * its pattern (MAGIC at MAGIC_ADDR) is not filled again at a reset, so
 * that a VMM that reset the guest instead of resuming it is caught by the
 * "boot" line, not hidden behind a new pattern.
 *
 * fdbox_qemu.h computes the same pattern and checksum.
 *
 * Build: gcc -m32 -c, then ld -m elf_i386 -Ttext=0xf0000 --oformat binary:
 * QEMU maps the image below 4 GiB and, for real mode, at 0xf0000.
 */

#define COM1		0x3f8
#define MAGIC_ADDR	0x1000
#define COUNTER_ADDR	0x1004
#define MAGIC		0x78426446	/* "FdBx" */
#define STACK_TOP	0x9000
#define PATTERN_START	0x100000
#define PATTERN_END	0x200000
#define PATTERN_SEED	0x2545f491
#define BASE		0xf0000

	.code16
	.text
	.globl	_start
_start:
	cli
	cld
	lgdtl	%cs:(gdt_desc - _start)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $pm32

	.code32
pm32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	$STACK_TOP, %esp

	movl	$msg_boot, %esi
	call	puts

	cmpl	$MAGIC, MAGIC_ADDR
	je	tick

	/* xorshift32: fdbox_qemu.h's guest_pattern() */
	movl	$PATTERN_SEED, %eax
	movl	$PATTERN_START, %edi
1:	movl	%eax, %edx
	shll	$13, %edx
	xorl	%edx, %eax
	movl	%eax, %edx
	shrl	$17, %edx
	xorl	%edx, %eax
	movl	%eax, %edx
	shll	$5, %edx
	xorl	%edx, %eax
	stosl
	cmpl	$PATTERN_END, %edi
	jb	1b
	movl	$0, COUNTER_ADDR
	movl	$MAGIC, MAGIC_ADDR

tick:
	/* sum = rol(sum, 5) + word: fdbox_qemu.h's guest_sum() */
	xorl	%edx, %edx
	movl	$PATTERN_START, %esi
2:	lodsl
	roll	$5, %edx
	addl	%eax, %edx
	cmpl	$PATTERN_END, %esi
	jb	2b

	incl	COUNTER_ADDR
	movl	%edx, %ebx
	movl	$msg_tick, %esi
	call	puts
	movl	COUNTER_ADDR, %eax
	call	puthex
	movl	$msg_sum, %esi
	call	puts
	movl	%ebx, %eax
	call	puthex
	movb	$'\n', %al
	call	putc
	jmp	tick

/* putc: %al to COM1, once its transmitter is empty. */
putc:
	pushl	%eax
	pushl	%edx
	movb	%al, %ah
	movw	$COM1 + 5, %dx
1:	inb	%dx, %al
	testb	$0x20, %al
	jz	1b
	movw	$COM1, %dx
	movb	%ah, %al
	outb	%al, %dx
	popl	%edx
	popl	%eax
	ret

/* puts: the NUL-terminated string at %esi. */
puts:
	pushl	%eax
1:	lodsb
	testb	%al, %al
	jz	2f
	call	putc
	jmp	1b
2:	popl	%eax
	ret

/* puthex: %eax as eight hex digits. */
puthex:
	pushl	%ecx
	pushl	%edx
	movl	%eax, %edx
	movl	$8, %ecx
1:	roll	$4, %edx
	movl	%edx, %eax
	andl	$0xf, %eax
	movb	hexdigits(%eax), %al
	call	putc
	loop	1b
	popl	%edx
	popl	%ecx
	ret

msg_boot:	.asciz	"fdbox-guest boot\n"
msg_tick:	.asciz	"fdbox-guest tick "
msg_sum:	.asciz	" sum "
hexdigits:	.ascii	"0123456789abcdef"

	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, flat 4 GiB, 32-bit */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat 4 GiB */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt

	/* The reset vector: CS base 0xffff0000, IP 0xfff0. */
	.code16
	.org	0xfff0
	ljmp	$0xf000, $0		/* _start */
	.org	0x10000
