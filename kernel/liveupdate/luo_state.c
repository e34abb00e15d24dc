// SPDX-License-Identifier: GPL-2.0

/**
 * DOC: LUO state machine
 *
 * On top of LUO sessions, the state machine tells kernel subsystems when to
 * serialize their state for a live update, and lets them hand a u64 (usually
 * the physical address of a KHO-preserved blob) to their counterpart in the
 * next kernel::
 *
 *   NORMAL --PREPARE--> PREPARED --FREEZE--> FROZEN --kexec--> UPDATED
 *     ^                    |                                     |
 *     +------CANCEL--------+                                     |
 *     +---------------------------FINISH-------------------------+
 *
 * - PREPARE, CANCEL and FINISH come from userspace through
 *   ``LIVEUPDATE_IOCTL_SET_EVENT`` on /dev/liveupdate.
 * - FREEZE is taken by the kernel itself on the kexec reboot path, in
 *   liveupdate_reboot(). A kexec from PREPARED goes through FROZEN; if a
 *   freeze callback fails, the kexec is refused with its error, every
 *   subsystem's cancel callback runs and the state returns to NORMAL. A kexec
 *   from NORMAL is a plain kexec, as it was before the state machine.
 * - The new kernel boots UPDATED if, and only if, the old one kexec'd from
 *   FROZEN. FINISH then calls every registered subsystem's finish callback
 *   with the data its predecessor handed over, so that what nobody claimed is
 *   released, and returns to NORMAL.
 *
 * Subsystems may register in NORMAL and in UPDATED (during the boot of the
 * new kernel, to take part in FINISH), but not while a live update is under
 * way (PREPARED, FROZEN). LUO sessions are independent of the state machine
 * and work in every state.
 *
 * ``luo_state_lock`` serializes events, registration and the callbacks,
 * which run under it and may sleep.
 *
 * The freeze is the part of the blackout the kernel spends on live update:
 * the next kernel shows how long the previous one took in
 * /sys/kernel/liveupdate/freeze_ns (the subsystems' freeze callbacks) and
 * sessions_freeze_ns (serializing the LUO sessions); both are 0 unless the
 * kernel was booted by a live update.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cleanup.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/luo_state.h>
#include <linux/kobject.h>
#include <linux/liveupdate.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>
#include "luo_internal.h"

static DEFINE_MUTEX(luo_state_lock);
static enum liveupdate_state luo_state = LIVEUPDATE_STATE_NORMAL;
static LIST_HEAD(luo_subsystems);
static unsigned int luo_nr_subsystems;

/* The outgoing "luo-state" subtree, preserved since boot, or why not. */
static struct luo_state_ser *luo_state_out;
static int luo_state_out_err;

/* What the previous kernel handed over; valid while UPDATED. */
static struct luo_state_subsys_ser *luo_state_in;
static unsigned int luo_state_in_count;

/* How long the previous kernel's freeze took, 0 if not booted by one. */
static u64 luo_state_in_freeze_ns;
static u64 luo_state_in_sessions_freeze_ns;

static const char *const luo_state_names[] = {
	[LIVEUPDATE_STATE_NORMAL] = "normal",
	[LIVEUPDATE_STATE_PREPARED] = "prepared",
	[LIVEUPDATE_STATE_FROZEN] = "frozen",
	[LIVEUPDATE_STATE_UPDATED] = "updated",
};

/*
 * The events' transitions: an event is taken only in its @from state and,
 * once its callbacks succeeded, leads to @to. What no event does is not
 * here: a failed FREEZE or kexec returns to NORMAL, and a kernel booted by
 * a live update starts UPDATED. No state is 0, so a @from of 0 is no event.
 * The KUnit test holds this table to the diagram of the DOC block.
 */
static const struct luo_state_transition {
	enum liveupdate_state from;
	enum liveupdate_state to;
} luo_state_transitions[] = {
	[LIVEUPDATE_PREPARE] = { LIVEUPDATE_STATE_NORMAL,
				 LIVEUPDATE_STATE_PREPARED },
	[LIVEUPDATE_FREEZE] = { LIVEUPDATE_STATE_PREPARED,
				LIVEUPDATE_STATE_FROZEN },
	[LIVEUPDATE_FINISH] = { LIVEUPDATE_STATE_UPDATED,
				LIVEUPDATE_STATE_NORMAL },
	[LIVEUPDATE_CANCEL] = { LIVEUPDATE_STATE_PREPARED,
				LIVEUPDATE_STATE_NORMAL },
};

/*
 * Whether @event may be taken in @state: 0, -EINVAL for no such event,
 * -EBUSY in another state than the event's own. An event from userspace
 * is clamped to the table before it comes here.
 */
static int luo_state_check(enum liveupdate_state state, u32 event)
{
	if (event >= ARRAY_SIZE(luo_state_transitions))
		return -EINVAL;
	if (!luo_state_transitions[event].from)
		return -EINVAL;
	if (state != luo_state_transitions[event].from)
		return -EBUSY;
	return 0;
}

static void luo_state_set(enum liveupdate_state state)
{
	lockdep_assert_held(&luo_state_lock);
	pr_info("state: %s -> %s\n", luo_state_names[luo_state],
		luo_state_names[state]);
	WRITE_ONCE(luo_state, state);
}

/* A live update is under way: the set of subsystems is fixed. */
static bool luo_state_under_way(void)
{
	lockdep_assert_held(&luo_state_lock);
	return luo_state == LIVEUPDATE_STATE_PREPARED ||
	       luo_state == LIVEUPDATE_STATE_FROZEN;
}

/*
 * Cancel the subsystems before @last in the list, in reverse order; all of
 * them if @last is the list head.
 */
static void luo_state_cancel_until(struct liveupdate_subsystem *last)
{
	struct liveupdate_subsystem *s = last;

	list_for_each_entry_continue_reverse(s, &luo_subsystems, list) {
		if (s->ops->cancel)
			s->ops->cancel(s, s->private_data);
		s->private_data = 0;
	}
}

static void luo_state_cancel_all(void)
{
	luo_state_cancel_until(list_entry(&luo_subsystems,
					  struct liveupdate_subsystem, list));
}

static int luo_state_prepare(void)
{
	struct liveupdate_subsystem *s;
	int err;

	/*
	 * Without the subtree the next kernel reads there is no live update
	 * to prepare: say so now, before any subsystem preserves anything,
	 * rather than refuse the kexec later.
	 */
	if (!luo_state_out) {
		err = luo_state_out_err ?: -ENODEV;
		pr_warn("no outgoing state (%pe at boot), refusing PREPARE\n",
			ERR_PTR(err));
		return err;
	}

	list_for_each_entry(s, &luo_subsystems, list) {
		s->private_data = 0;
		if (!s->ops->prepare)
			continue;
		err = s->ops->prepare(s, &s->private_data);
		if (err) {
			pr_warn("subsystem %s failed to prepare: %pe\n",
				s->name, ERR_PTR(err));
			luo_state_cancel_until(s);
			return err;
		}
	}
	return 0;
}

static int luo_state_finish(void)
{
	struct liveupdate_subsystem *s;
	unsigned int i;

	list_for_each_entry(s, &luo_subsystems, list) {
		u64 data = 0;

		for (i = 0; i < luo_state_in_count; i++) {
			if (!strcmp(luo_state_in[i].name, s->name)) {
				data = luo_state_in[i].data;
				luo_state_in[i].name[0] = '\0';
				break;
			}
		}
		if (s->ops->finish)
			s->ops->finish(s, data);
	}
	for (i = 0; i < luo_state_in_count; i++) {
		if (luo_state_in[i].name[0])
			pr_warn("no subsystem %s to finish its data\n",
				luo_state_in[i].name);
	}
	kfree(luo_state_in);
	luo_state_in = NULL;
	luo_state_in_count = 0;
	return 0;
}

/* Write what the next kernel will read. */
static void luo_state_serialize(void)
{
	struct liveupdate_subsystem *s;
	u64 count = 0;

	list_for_each_entry(s, &luo_subsystems, list) {
		struct luo_state_subsys_ser *ser = &luo_state_out->subsystems[count++];

		strscpy(ser->name, s->name, sizeof(ser->name));
		ser->data = s->private_data;
	}
	luo_state_out->count = count;
	luo_state_out->state = LIVEUPDATE_STATE_FROZEN;
}

static void luo_state_clear(void)
{
	if (!luo_state_out)
		return;
	luo_state_out->state = LIVEUPDATE_STATE_NORMAL;
	luo_state_out->count = 0;
	luo_state_out->freeze_ns = 0;
	luo_state_out->sessions_freeze_ns = 0;
}

/* Run every freeze callback; the first error stops them. */
static int luo_state_freeze_subsystems(void)
{
	struct liveupdate_subsystem *s;
	int err;

	lockdep_assert_held(&luo_state_lock);
	list_for_each_entry(s, &luo_subsystems, list) {
		if (!s->ops->freeze)
			continue;
		err = s->ops->freeze(s, &s->private_data);
		if (err) {
			pr_warn("subsystem %s failed to freeze: %pe\n",
				s->name, ERR_PTR(err));
			return err;
		}
	}
	return 0;
}

/**
 * luo_state_freeze() - Take the FREEZE event on the kexec reboot path.
 *
 * Called by liveupdate_reboot(). From PREPARED, runs every subsystem's
 * freeze callback and enters FROZEN. From any other state it does nothing:
 * the kexec is a plain one.
 *
 * Return: 0 to go on with the kexec, or the error of a freeze callback, in
 * which case every subsystem was cancelled and the state is NORMAL again.
 */
int luo_state_freeze(void)
{
	u64 start = ktime_get_ns();
	int err;

	guard(mutex)(&luo_state_lock);
	if (luo_state_check(luo_state, LIVEUPDATE_FREEZE))
		return 0;

	err = luo_state_freeze_subsystems();
	if (err) {
		luo_state_cancel_all();
		luo_state_set(LIVEUPDATE_STATE_NORMAL);
		return err;
	}
	/* PREPARE is refused without luo_state_out: PREPARED implies it. */
	luo_state_serialize();
	luo_state_out->freeze_ns = ktime_get_ns() - start;
	luo_state_set(luo_state_transitions[LIVEUPDATE_FREEZE].to);
	return 0;
}

/**
 * luo_state_sessions_frozen() - Record how long serializing sessions took.
 * @ns: The time luo_session_serialize() took, in nanoseconds.
 *
 * Called by liveupdate_reboot() after a successful luo_state_freeze(), so
 * that the next kernel can tell what the freeze of the live update cost.
 */
void luo_state_sessions_frozen(u64 ns)
{
	guard(mutex)(&luo_state_lock);
	if (luo_state == LIVEUPDATE_STATE_FROZEN)
		luo_state_out->sessions_freeze_ns = ns;
}

/**
 * luo_state_unfreeze() - Undo luo_state_freeze() when the kexec fails later.
 *
 * Cancels every subsystem and returns from FROZEN to NORMAL.
 */
void luo_state_unfreeze(void)
{
	guard(mutex)(&luo_state_lock);
	if (luo_state != LIVEUPDATE_STATE_FROZEN)
		return;
	luo_state_clear();
	luo_state_cancel_all();
	luo_state_set(LIVEUPDATE_STATE_NORMAL);
}

/**
 * liveupdate_state() - The current state of the live update state machine.
 *
 * Return: an enum liveupdate_state. Without live update (not enabled on the
 * command line), always LIVEUPDATE_STATE_NORMAL.
 */
enum liveupdate_state liveupdate_state(void)
{
	return READ_ONCE(luo_state);
}
EXPORT_SYMBOL_GPL(liveupdate_state);

/**
 * liveupdate_register_subsystem() - Take part in live updates.
 * @s: The subsystem, with @s->name and @s->ops set. Must stay valid until
 *     unregistered.
 *
 * Callbacks run in registration order (cancel in reverse), under the state
 * machine's lock, and may sleep.
 *
 * Context: Process context.
 * Return: 0 on success; -EOPNOTSUPP if live update is not enabled; -EINVAL
 * for a missing or too long name or missing ops; -EBUSY while a live update
 * is under way (PREPARED or FROZEN); -EEXIST if the name is taken; -ENOSPC
 * beyond LUO_STATE_MAX_SUBSYSTEMS.
 */
int liveupdate_register_subsystem(struct liveupdate_subsystem *s)
{
	struct liveupdate_subsystem *t;

	if (!liveupdate_enabled())
		return -EOPNOTSUPP;
	if (!s->name || !s->ops ||
	    strnlen(s->name, LUO_STATE_SUBSYS_NAME_LEN) >= LUO_STATE_SUBSYS_NAME_LEN ||
	    !s->name[0])
		return -EINVAL;

	guard(mutex)(&luo_state_lock);
	if (luo_state_under_way())
		return -EBUSY;
	list_for_each_entry(t, &luo_subsystems, list) {
		if (!strcmp(t->name, s->name))
			return -EEXIST;
	}
	if (luo_nr_subsystems >= LUO_STATE_MAX_SUBSYSTEMS)
		return -ENOSPC;

	s->private_data = 0;
	list_add_tail(&s->list, &luo_subsystems);
	luo_nr_subsystems++;
	return 0;
}
EXPORT_SYMBOL_GPL(liveupdate_register_subsystem);

/**
 * liveupdate_unregister_subsystem() - Stop taking part in live updates.
 * @s: A subsystem registered with liveupdate_register_subsystem().
 *
 * Context: Process context.
 * Return: 0 on success, -EBUSY while a live update is under way, -ENOENT if
 * @s is not registered (a second unregister).
 */
int liveupdate_unregister_subsystem(struct liveupdate_subsystem *s)
{
	struct liveupdate_subsystem *t;

	guard(mutex)(&luo_state_lock);
	if (luo_state_under_way())
		return -EBUSY;
	/*
	 * Look @s up rather than trust its links: a second unregister must
	 * not take another subsystem's place in the count.
	 */
	list_for_each_entry(t, &luo_subsystems, list) {
		if (t == s) {
			list_del_init(&s->list);
			luo_nr_subsystems--;
			return 0;
		}
	}
	return -ENOENT;
}
EXPORT_SYMBOL_GPL(liveupdate_unregister_subsystem);

/**
 * liveupdate_get_subsystem_data() - Data the previous kernel handed over.
 * @name: A subsystem name.
 * @data: Set to what the subsystem of that name in the previous kernel
 *        returned from its prepare and freeze callbacks.
 *
 * Usable from early boot until FINISH, whether or not the subsystem is
 * registered yet.
 *
 * Return: 0 on success, -ENOENT if the previous kernel handed nothing over
 * under @name or the state is no longer UPDATED.
 */
int liveupdate_get_subsystem_data(const char *name, u64 *data)
{
	unsigned int i;

	guard(mutex)(&luo_state_lock);
	for (i = 0; i < luo_state_in_count; i++) {
		if (!strcmp(luo_state_in[i].name, name)) {
			*data = luo_state_in[i].data;
			return 0;
		}
	}
	return -ENOENT;
}
EXPORT_SYMBOL_GPL(liveupdate_get_subsystem_data);

int luo_ioctl_get_state(struct luo_ucmd *ucmd)
{
	struct liveupdate_ioctl_get_state *argp = ucmd->cmd;

	argp->state = liveupdate_state();
	return luo_ucmd_respond(ucmd, sizeof(*argp));
}

int luo_ioctl_set_event(struct luo_ucmd *ucmd)
{
	struct liveupdate_ioctl_set_event *argp = ucmd->cmd;
	u32 event = argp->event;
	int err;

	/* FREEZE is the kernel's own, on the kexec reboot path. */
	if (event >= ARRAY_SIZE(luo_state_transitions) ||
	    event == LIVEUPDATE_FREEZE)
		return -EINVAL;
	/* No speculative load beyond the table, here or in the check. */
	event = array_index_nospec(event, ARRAY_SIZE(luo_state_transitions));

	guard(mutex)(&luo_state_lock);
	err = luo_state_check(luo_state, event);
	if (err)
		return err;
	switch (event) {
	case LIVEUPDATE_PREPARE:
		err = luo_state_prepare();
		break;
	case LIVEUPDATE_CANCEL:
		luo_state_cancel_all();
		break;
	case LIVEUPDATE_FINISH:
		err = luo_state_finish();
		break;
	default:
		/* An event in the table must run its callbacks here. */
		WARN_ON_ONCE(1);
		return -EINVAL;
	}
	if (!err)
		luo_state_set(luo_state_transitions[event].to);
	return err;
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", luo_state_names[liveupdate_state()]);
}

static struct kobj_attribute luo_state_attr = __ATTR_RO(state);

static ssize_t freeze_ns_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", luo_state_in_freeze_ns);
}

static struct kobj_attribute luo_freeze_attr = __ATTR_RO(freeze_ns);

static ssize_t sessions_freeze_ns_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", luo_state_in_sessions_freeze_ns);
}

static struct kobj_attribute luo_sessions_freeze_attr =
	__ATTR_RO(sessions_freeze_ns);

static struct attribute *luo_state_attrs[] = {
	&luo_state_attr.attr,
	&luo_freeze_attr.attr,
	&luo_sessions_freeze_attr.attr,
	NULL
};

static const struct attribute_group luo_state_group = {
	.attrs = luo_state_attrs,
};

/* Read the previous kernel's state; untrusted, so checked field by field. */
static void __init luo_state_setup_incoming(void)
{
	struct luo_state_ser *ser;
	phys_addr_t phys;
	unsigned int i;
	size_t len;
	int err;

	err = kho_retrieve_subtree(LUO_STATE_KHO_NAME, &phys, &len);
	if (err) {
		if (err != -ENOENT)
			pr_warn("cannot retrieve %s: %pe\n", LUO_STATE_KHO_NAME,
				ERR_PTR(err));
		return;
	}

	ser = phys_to_virt(phys);
	if (len < sizeof(*ser) ||
	    strncmp(ser->compatible, LUO_STATE_COMPATIBLE, LUO_STATE_COMPAT_LEN)) {
		pr_warn("incoming state is not %s, ignored\n", LUO_STATE_COMPATIBLE);
		goto out;
	}
	if (ser->state != LIVEUPDATE_STATE_FROZEN)
		goto out;
	if (ser->count > LUO_STATE_MAX_SUBSYSTEMS ||
	    len < struct_size(ser, subsystems, ser->count)) {
		pr_warn("incoming state is truncated (%llu subsystems in %zu bytes), ignored\n",
			ser->count, len);
		goto out;
	}

	luo_state_in = kcalloc(ser->count ?: 1, sizeof(*luo_state_in),
			       GFP_KERNEL);
	if (!luo_state_in)
		goto out;
	for (i = 0; i < ser->count; i++) {
		const struct luo_state_subsys_ser *in = &ser->subsystems[i];

		if (!strnlen(in->name, sizeof(in->name)) ||
		    strnlen(in->name, sizeof(in->name)) == sizeof(in->name)) {
			pr_warn("incoming subsystem %u has a bad name, skipped\n", i);
			continue;
		}
		luo_state_in[luo_state_in_count++] = *in;
	}
	luo_state_in_freeze_ns = ser->freeze_ns;
	luo_state_in_sessions_freeze_ns = ser->sessions_freeze_ns;
	luo_state = LIVEUPDATE_STATE_UPDATED;
	pr_info("booted by a live update: state updated, %u subsystem(s) handed over\n",
		luo_state_in_count);
out:
	kho_restore_free(ser);
}

static int __init luo_state_early_init(void)
{
	if (kho_is_enabled() && liveupdate_enabled())
		luo_state_setup_incoming();
	return 0;
}
early_initcall(luo_state_early_init);

static int __init luo_state_late_init(void)
{
	struct kobject *kobj;
	int err;

	if (!liveupdate_enabled())
		return 0;

	luo_state_out = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(luo_state_out)) {
		err = PTR_ERR(luo_state_out);
		luo_state_out = NULL;
		luo_state_out_err = err;
		pr_err("cannot preserve the outgoing state: %pe\n", ERR_PTR(err));
	} else {
		strscpy(luo_state_out->compatible, LUO_STATE_COMPATIBLE,
			sizeof(luo_state_out->compatible));
		luo_state_clear();
		err = kho_add_subtree(LUO_STATE_KHO_NAME, luo_state_out, PAGE_SIZE);
		if (err) {
			pr_err("cannot add the %s subtree: %pe\n",
			       LUO_STATE_KHO_NAME, ERR_PTR(err));
			kho_unpreserve_free(luo_state_out);
			luo_state_out = NULL;
			luo_state_out_err = err;
		}
	}

	kobj = kobject_create_and_add("liveupdate", kernel_kobj);
	if (!kobj)
		return -ENOMEM;
	err = sysfs_create_group(kobj, &luo_state_group);
	if (err)
		kobject_put(kobj);
	return err;
}
late_initcall(luo_state_late_init);

#if IS_ENABLED(CONFIG_LIVEUPDATE_STATE_KUNIT_TEST)
#include "luo_state_kunit.c"
#endif
