// SPDX-License-Identifier: GPL-2.0
/*
 * Stage control of the FDBox test VM, without kexec-tools:
 *
 *   fdbox_vmctl next KERNEL INITRD CMDLINE
 *	send PREPARE if the live update state is NORMAL, then load KERNEL
 *	with kexec_file_load(2) and reboot into it;
 *   fdbox_vmctl end
 *	send FINISH if the state is UPDATED;
 *   fdbox_vmctl state
 *	print the state.
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

#include "luo_util.h"

/* Send @event if the state is @from; report what happened. */
static int luo_event_from(int from, unsigned int event, const char *what)
{
	int luo, state, err = 0;

	luo = luo_open();
	if (luo < 0) {
		/*
		 * A kernel built without live update has nothing to send;
		 * vm-init.sh fails a kernel built with it that has no device.
		 */
		printf("vmctl: %s: %s not available (%s)\n", what, LUO_DEV,
		       strerror(-luo));
		return luo == -ENOENT ? 0 : luo;
	}
	state = luo_get_state(luo);
	if (state == from) {
		err = luo_set_event(luo, event);
		printf("vmctl: %s: %s\n", what, err ? strerror(-err) : "ok");
	} else {
		printf("vmctl: %s: not sent, state is %s\n", what,
		       luo_state_name(state));
	}
	close(luo);
	return err;
}

static int next_stage(const char *kernel, const char *initrd,
		      const char *cmdline)
{
	int kfd, ifd;

	kfd = open(kernel, O_RDONLY | O_CLOEXEC);
	ifd = open(initrd, O_RDONLY | O_CLOEXEC);
	if (kfd < 0 || ifd < 0) {
		perror("vmctl: open");
		return 1;
	}
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1,
		    cmdline, 0UL)) {
		perror("vmctl: kexec_file_load");
		return 1;
	}
	if (luo_event_from(LIVEUPDATE_STATE_NORMAL, LIVEUPDATE_PREPARE,
			   "prepare"))
		return 1;
	sync();
	if (reboot(LINUX_REBOOT_CMD_KEXEC)) {
		/* Refused, e.g. by a failed freeze: the state says why. */
		perror("vmctl: reboot(LINUX_REBOOT_CMD_KEXEC)");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int luo;

	if (argc == 5 && !strcmp(argv[1], "next"))
		return next_stage(argv[2], argv[3], argv[4]);
	if (argc == 2 && !strcmp(argv[1], "end"))
		return !!luo_event_from(LIVEUPDATE_STATE_UPDATED,
					LIVEUPDATE_FINISH, "finish");
	if (argc == 2 && !strcmp(argv[1], "state")) {
		luo = luo_open();
		if (luo < 0)
			return 1;
		printf("%s\n", luo_state_name(luo_get_state(luo)));
		return 0;
	}
	fprintf(stderr, "usage: %s next KERNEL INITRD CMDLINE | end | state\n",
		argv[0]);
	return 2;
}
