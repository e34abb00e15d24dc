// SPDX-License-Identifier: GPL-2.0
/*
 * Load a kernel with kexec_file_load(2) and reboot into it: the stage
 * switch of the FDBox test VM, without kexec-tools and its libraries.
 *
 * Usage: fdbox_kexec KERNEL INITRD CMDLINE
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/reboot.h>

int main(int argc, char **argv)
{
	int kfd, ifd;

	if (argc != 4) {
		fprintf(stderr, "usage: %s KERNEL INITRD CMDLINE\n", argv[0]);
		return 2;
	}
	kfd = open(argv[1], O_RDONLY | O_CLOEXEC);
	ifd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (kfd < 0 || ifd < 0) {
		perror("fdbox_kexec: open");
		return 1;
	}
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(argv[3]) + 1,
		    argv[3], 0UL)) {
		perror("fdbox_kexec: kexec_file_load");
		return 1;
	}
	sync();
	if (reboot(LINUX_REBOOT_CMD_KEXEC)) {
		/* Live update refused the reboot: report why. */
		perror("fdbox_kexec: reboot(LINUX_REBOOT_CMD_KEXEC)");
		return 1;
	}
	return 0;
}
