// SPDX-License-Identifier: GPL-2.0

/*
 * A live update subsystem for the selftests of the state machine
 * (CONFIG_LIVEUPDATE_STATE_TEST). Its debugfs directory luo_state_test has:
 *
 * - blob:         the bytes handed to the next kernel at PREPARE (write to
 *                 set, read to check);
 * - incoming:     the bytes the previous kernel handed over (read only);
 * - fail_prepare, fail_freeze: when 1, that callback fails with -EAGAIN;
 * - log:          the callbacks run since boot, one word each ("prepare",
 *                 "freeze", "cancel", "finish:data" or "finish:none");
 *                 write anything to clear it;
 * - register:     write "new" to register (and unregister again) another
 *                 subsystem, "dup" to register one under this one's name, or
 *                 "twice" to register another and unregister it twice; read
 *                 the errno of the registration or, for "twice", of the
 *                 second unregister.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cleanup.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/liveupdate.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#define LUO_TEST_NAME		"luo-state-test"
#define LUO_TEST_BLOB_MAX	(PAGE_SIZE - sizeof(u64))
#define LUO_TEST_LOG_MAX	1024

/* The handed-over blob: its length, then its bytes. */
struct luo_test_ser {
	u64 len;
	u8 data[];
};

static DEFINE_MUTEX(luo_test_lock);
static u8 luo_test_blob[LUO_TEST_BLOB_MAX];
static size_t luo_test_blob_len;
static u8 luo_test_in[LUO_TEST_BLOB_MAX];
static size_t luo_test_in_len;
static u64 luo_test_in_data;
static struct luo_test_ser *luo_test_out;
static bool luo_test_fail_prepare;
static bool luo_test_fail_freeze;
static char luo_test_log[LUO_TEST_LOG_MAX];
static int luo_test_register_err;

static void luo_test_logf(const char *word)
{
	guard(mutex)(&luo_test_lock);
	strlcat(luo_test_log, word, sizeof(luo_test_log));
	strlcat(luo_test_log, " ", sizeof(luo_test_log));
}

static int luo_test_prepare(struct liveupdate_subsystem *s, u64 *data)
{
	struct luo_test_ser *ser;

	luo_test_logf("prepare");
	if (READ_ONCE(luo_test_fail_prepare))
		return -EAGAIN;

	ser = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(ser))
		return PTR_ERR(ser);
	scoped_guard(mutex, &luo_test_lock) {
		ser->len = luo_test_blob_len;
		memcpy(ser->data, luo_test_blob, luo_test_blob_len);
	}
	luo_test_out = ser;
	*data = virt_to_phys(ser);
	return 0;
}

static int luo_test_freeze(struct liveupdate_subsystem *s, u64 *data)
{
	luo_test_logf("freeze");
	return READ_ONCE(luo_test_fail_freeze) ? -EAGAIN : 0;
}

static void luo_test_cancel(struct liveupdate_subsystem *s, u64 data)
{
	luo_test_logf("cancel");
	if (luo_test_out) {
		kho_unpreserve_free(luo_test_out);
		luo_test_out = NULL;
	}
}

static void luo_test_finish(struct liveupdate_subsystem *s, u64 data)
{
	luo_test_logf(data && data == luo_test_in_data ? "finish:data" :
		      "finish:none");
}

static const struct liveupdate_subsystem_ops luo_test_ops = {
	.prepare = luo_test_prepare,
	.freeze = luo_test_freeze,
	.cancel = luo_test_cancel,
	.finish = luo_test_finish,
};

static struct liveupdate_subsystem luo_test_subsystem = {
	.name = LUO_TEST_NAME,
	.ops = &luo_test_ops,
};

static const struct liveupdate_subsystem_ops luo_test_probe_ops = { };

static struct liveupdate_subsystem luo_test_probe = {
	.name = LUO_TEST_NAME "-probe",
	.ops = &luo_test_probe_ops,
};

static struct liveupdate_subsystem luo_test_dup = {
	.name = LUO_TEST_NAME,
	.ops = &luo_test_probe_ops,
};

static ssize_t luo_test_register_read(struct file *file, char __user *buf,
				      size_t count, loff_t *ppos)
{
	char out[16];
	int len;

	len = scnprintf(out, sizeof(out), "%d\n", READ_ONCE(luo_test_register_err));
	return simple_read_from_buffer(buf, count, ppos, out, len);
}

static ssize_t luo_test_register_write(struct file *file,
				       const char __user *buf, size_t count,
				       loff_t *ppos)
{
	struct liveupdate_subsystem *s;
	char cmd[8] = { };
	int err;

	if (copy_from_user(cmd, buf, min(count, sizeof(cmd) - 1)))
		return -EFAULT;
	if (!strncmp(cmd, "new", 3) || !strncmp(cmd, "twice", 5))
		s = &luo_test_probe;
	else if (!strncmp(cmd, "dup", 3))
		s = &luo_test_dup;
	else
		return -EINVAL;

	err = liveupdate_register_subsystem(s);
	if (!err)
		err = liveupdate_unregister_subsystem(s);
	if (!err && !strncmp(cmd, "twice", 5))
		err = liveupdate_unregister_subsystem(s);
	WRITE_ONCE(luo_test_register_err, err);
	return count;
}

static const struct file_operations luo_test_register_fops = {
	.read = luo_test_register_read,
	.write = luo_test_register_write,
};

static ssize_t luo_test_blob_read(struct file *file, char __user *buf,
				  size_t count, loff_t *ppos)
{
	guard(mutex)(&luo_test_lock);
	return simple_read_from_buffer(buf, count, ppos, luo_test_blob,
				       luo_test_blob_len);
}

static ssize_t luo_test_blob_write(struct file *file, const char __user *buf,
				   size_t count, loff_t *ppos)
{
	if (*ppos || count > LUO_TEST_BLOB_MAX)
		return -EINVAL;

	guard(mutex)(&luo_test_lock);
	if (copy_from_user(luo_test_blob, buf, count))
		return -EFAULT;
	luo_test_blob_len = count;
	*ppos = count;
	return count;
}

static const struct file_operations luo_test_blob_fops = {
	.read = luo_test_blob_read,
	.write = luo_test_blob_write,
};

static ssize_t luo_test_in_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	return simple_read_from_buffer(buf, count, ppos, luo_test_in,
				       luo_test_in_len);
}

static const struct file_operations luo_test_in_fops = {
	.read = luo_test_in_read,
};

static ssize_t luo_test_log_read(struct file *file, char __user *buf,
				 size_t count, loff_t *ppos)
{
	guard(mutex)(&luo_test_lock);
	return simple_read_from_buffer(buf, count, ppos, luo_test_log,
				       strlen(luo_test_log));
}

static ssize_t luo_test_log_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	guard(mutex)(&luo_test_lock);
	luo_test_log[0] = '\0';
	return count;
}

static const struct file_operations luo_test_log_fops = {
	.read = luo_test_log_read,
	.write = luo_test_log_write,
};

/* Take back what the previous kernel handed over, checking it. */
static void __init luo_test_claim(void)
{
	struct luo_test_ser *ser;

	if (liveupdate_get_subsystem_data(LUO_TEST_NAME, &luo_test_in_data) ||
	    !luo_test_in_data)
		return;

	ser = phys_to_virt(luo_test_in_data);
	if (ser->len > LUO_TEST_BLOB_MAX) {
		pr_warn("incoming blob of %llu bytes is too large, ignored\n",
			ser->len);
	} else {
		memcpy(luo_test_in, ser->data, ser->len);
		luo_test_in_len = ser->len;
	}
	kho_restore_free(ser);
}

static int __init luo_test_init(void)
{
	struct dentry *dir;
	int err;

	luo_test_claim();
	err = liveupdate_register_subsystem(&luo_test_subsystem);
	if (err) {
		pr_warn("cannot register: %pe\n", ERR_PTR(err));
		return err == -EOPNOTSUPP ? 0 : err;
	}

	dir = debugfs_create_dir("luo_state_test", NULL);
	debugfs_create_file("blob", 0600, dir, NULL, &luo_test_blob_fops);
	debugfs_create_file("incoming", 0400, dir, NULL, &luo_test_in_fops);
	debugfs_create_file("log", 0600, dir, NULL, &luo_test_log_fops);
	debugfs_create_file("register", 0600, dir, NULL,
			    &luo_test_register_fops);
	debugfs_create_bool("fail_prepare", 0600, dir, &luo_test_fail_prepare);
	debugfs_create_bool("fail_freeze", 0600, dir, &luo_test_fail_freeze);
	return 0;
}
late_initcall(luo_test_init);
