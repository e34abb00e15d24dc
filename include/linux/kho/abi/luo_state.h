/* SPDX-License-Identifier: GPL-2.0 */

/**
 * DOC: LUO state machine ABI
 *
 * The LUO state machine hands one KHO subtree, named "luo-state", from the
 * kernel that kexecs to the next one. It holds the state the old kernel was
 * in when it kexec'd and, for each subsystem that took part in the live
 * update, its name and the u64 its prepare and freeze callbacks handed over
 * (typically the physical address of a KHO-preserved blob).
 *
 * The new kernel trusts nothing in it: a wrong compatible string, a size
 * that does not match the count, a count above the maximum or a name that is
 * not NUL-terminated are reported and the data is ignored.
 *
 * Any change to this layout needs a new compatible string.
 */

#ifndef _LINUX_KHO_ABI_LUO_STATE_H
#define _LINUX_KHO_ABI_LUO_STATE_H

#include <linux/types.h>

#define LUO_STATE_KHO_NAME		"luo-state"
#define LUO_STATE_COMPATIBLE		"luo-state-v2"
#define LUO_STATE_COMPAT_LEN		32
#define LUO_STATE_SUBSYS_NAME_LEN	32
#define LUO_STATE_MAX_SUBSYSTEMS	64

/**
 * struct luo_state_subsys_ser - One subsystem's handed-over data.
 * @name: The subsystem's name, NUL-terminated.
 * @data: What its prepare and freeze callbacks returned.
 */
struct luo_state_subsys_ser {
	char name[LUO_STATE_SUBSYS_NAME_LEN];
	u64 data;
} __packed;

/**
 * struct luo_state_ser - The "luo-state" KHO subtree.
 * @compatible:  LUO_STATE_COMPATIBLE.
 * @state:       The state the kernel kexec'd from (enum liveupdate_state);
 *               the next kernel boots UPDATED only if it is FROZEN.
 * @count:       Number of entries in @subsystems.
 * @freeze_ns:   How long the subsystems' freeze callbacks took, in ns.
 * @sessions_freeze_ns: How long serializing the LUO sessions took, in ns.
 * @subsystems:  The subsystems' data.
 */
struct luo_state_ser {
	char compatible[LUO_STATE_COMPAT_LEN];
	u64 state;
	u64 count;
	u64 freeze_ns;
	u64 sessions_freeze_ns;
	struct luo_state_subsys_ser subsystems[];
} __packed;

#endif /* _LINUX_KHO_ABI_LUO_STATE_H */
