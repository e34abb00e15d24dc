// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox test handler, for the selftests only (CONFIG_FDBOX_TEST).
 *
 * It owns the memfds whose name starts with "fdbox-test" and makes their
 * seal and unseal hooks observable and able to fail on demand:
 *
 * - seal writes 'S' and unseal writes 'U' at offset 0 of the file;
 * - seal fails with -EIO if the byte at offset 1 is 's', unseal if it is
 *   'u', before writing anything; 'T' and 'V' make them fail once, and
 *   become '-';
 * - seal waits if that byte is 'W', as a hook waiting for an inode lock
 *   that a tenant holds, until a write to
 *   /sys/kernel/debug/fdbox_test/stall lets every waiting seal go on;
 *   reading that file gives how many wait;
 * - a memfd that a live update restored is one of them if its bytes from
 *   offset 2 are "fdbox-test".
 *
 * It registers before the memfd handler so that it sees these files first.
 *
 * /sys/kernel/debug/fdbox_test/register takes a handler name: a handler of
 * that name is registered and unregistered again, and reading the file
 * gives the errno of the registration.
 *
 * A write to /sys/kernel/debug/fdbox_test/late registers "fdbox-late", a
 * handler of memfds without hooks, as a module loaded after boot would: it
 * comes after the memfd handler, so no PUT picks it, but an incoming entry
 * that names it waits for it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cleanup.h>
#include <linux/dcache.h>
#include <linux/debugfs.h>
#include <linux/fdbox.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/mutex.h>
#include <linux/shmem_fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define FDBOX_TEST_PREFIX	"memfd:fdbox-test"
#define FDBOX_TEST_TAG		"fdbox-test"

/*
 * memfd_luo restores a memfd without a name: after a live update the
 * test handler knows its files by a tag at offset 2.
 */
static bool fdbox_test_restored(struct file *file)
{
	char tag[sizeof(FDBOX_TEST_TAG) - 1];
	loff_t pos = 2;

	return !file_dentry(file)->d_name.len &&
	       (file->f_mode & FMODE_READ) &&
	       kernel_read(file, tag, sizeof(tag), &pos) == sizeof(tag) &&
	       !memcmp(tag, FDBOX_TEST_TAG, sizeof(tag));
}

static bool fdbox_test_can_box(const struct fdbox_file_handler *handler,
			       struct file *file)
{
	const struct dentry *dentry = file_dentry(file);

	if (!shmem_file(file) || !fdbox_file_unlinked(file))
		return false;
	return !strncmp(dentry->d_name.name, FDBOX_TEST_PREFIX,
			strlen(FDBOX_TEST_PREFIX)) ||
	       fdbox_test_restored(file);
}

static DECLARE_WAIT_QUEUE_HEAD(fdbox_stall_wq);
static atomic_t fdbox_stalled = ATOMIC_INIT(0);
/* Moved on by each write to the stall file: the waits before it end. */
static atomic_t fdbox_stall_gen = ATOMIC_INIT(0);

static int fdbox_test_stall(void)
{
	/* Read before the waiter is counted, which the test waits for. */
	int gen = atomic_read_acquire(&fdbox_stall_gen);
	int err;

	atomic_inc(&fdbox_stalled);
	err = wait_event_killable(fdbox_stall_wq,
				  atomic_read(&fdbox_stall_gen) != gen);
	atomic_dec(&fdbox_stalled);
	return err;
}

static int fdbox_test_hook(struct file *file, char fail_on, char fail_once,
			   char mark)
{
	loff_t pos = 1;
	char c = 0;
	ssize_t ret;

	ret = kernel_read(file, &c, 1, &pos);
	if (ret < 0)
		return ret;
	if (c == fail_on)
		return -EIO;
	if (c == 'W' && mark == 'S') {
		ret = fdbox_test_stall();
		if (ret)
			return ret;
	}
	if (c == fail_once) {
		c = '-';
		pos = 1;
		ret = kernel_write(file, &c, 1, &pos);
		return ret < 0 ? ret : -EIO;
	}

	pos = 0;
	ret = kernel_write(file, &mark, 1, &pos);
	return ret < 0 ? ret : 0;
}

static int fdbox_test_seal(const struct fdbox_file_handler *handler,
			   struct file *file)
{
	return fdbox_test_hook(file, 's', 'T', 'S');
}

static int fdbox_test_unseal(const struct fdbox_file_handler *handler,
			     struct file *file)
{
	return fdbox_test_hook(file, 'u', 'V', 'U');
}

static bool fdbox_late_can_box(const struct fdbox_file_handler *handler,
			       struct file *file)
{
	return shmem_file(file) && fdbox_file_unlinked(file);
}

static const struct fdbox_file_ops fdbox_late_ops = {
	.can_box = fdbox_late_can_box,
};

static const struct fdbox_file_ops fdbox_test_ops = {
	.can_box = fdbox_test_can_box,
	.seal = fdbox_test_seal,
	.unseal = fdbox_test_unseal,
};

static struct fdbox_file_handler fdbox_test_handler = {
	.name = "fdbox-test",
	.ops = &fdbox_test_ops,
	.owner = THIS_MODULE,
};

/* Longer than any name a handler may have, to try those too. */
static char fdbox_probe_name[FDBOX_TYPE_LEN + 16];
static int fdbox_probe_err;

/* Registered only to be unregistered again: it owns no file. */
static bool fdbox_probe_can_box(const struct fdbox_file_handler *handler,
				struct file *file)
{
	return false;
}

static const struct fdbox_file_ops fdbox_probe_ops = {
	.can_box = fdbox_probe_can_box,
};

static struct fdbox_file_handler fdbox_probe_handler = {
	.name = fdbox_probe_name,
	.ops = &fdbox_probe_ops,
	.owner = THIS_MODULE,
};

static DEFINE_MUTEX(fdbox_probe_lock);

static ssize_t fdbox_probe_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	char out[16];
	int len;

	len = scnprintf(out, sizeof(out), "%d\n", READ_ONCE(fdbox_probe_err));
	return simple_read_from_buffer(buf, count, ppos, out, len);
}

static ssize_t fdbox_probe_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	int err;

	if (count >= sizeof(fdbox_probe_name))
		return -EINVAL;
	guard(mutex)(&fdbox_probe_lock);
	memset(fdbox_probe_name, 0, sizeof(fdbox_probe_name));
	if (copy_from_user(fdbox_probe_name, buf, count))
		return -EFAULT;
	/* What echo(1) writes. */
	if (count && fdbox_probe_name[count - 1] == '\n')
		fdbox_probe_name[count - 1] = '\0';
	err = fdbox_register_handler(&fdbox_probe_handler);
	if (!err)
		fdbox_unregister_handler(&fdbox_probe_handler);
	WRITE_ONCE(fdbox_probe_err, err);
	return count;
}

static const struct file_operations fdbox_probe_fops = {
	.owner = THIS_MODULE,
	.read = fdbox_probe_read,
	.write = fdbox_probe_write,
	.llseek = default_llseek,
};

static struct fdbox_file_handler fdbox_late_handler = {
	.name = "fdbox-late",
	.ops = &fdbox_late_ops,
	.owner = THIS_MODULE,
};

static ssize_t fdbox_late_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	int err;

	guard(mutex)(&fdbox_probe_lock);
	if (!list_empty(&fdbox_late_handler.list))
		return count;
	err = fdbox_register_handler(&fdbox_late_handler);
	return err ?: count;
}

static const struct file_operations fdbox_late_fops = {
	.owner = THIS_MODULE,
	.write = fdbox_late_write,
	.llseek = default_llseek,
};

static ssize_t fdbox_stall_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	char out[16];
	int len;

	len = scnprintf(out, sizeof(out), "%d\n", atomic_read(&fdbox_stalled));
	return simple_read_from_buffer(buf, count, ppos, out, len);
}

static ssize_t fdbox_stall_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	atomic_inc(&fdbox_stall_gen);
	wake_up_all(&fdbox_stall_wq);
	return count;
}

static const struct file_operations fdbox_stall_fops = {
	.owner = THIS_MODULE,
	.read = fdbox_stall_read,
	.write = fdbox_stall_write,
	.llseek = default_llseek,
};

/* Registers before fdbox_init() registers the memfd handler. */
static int __init fdbox_test_init(void)
{
	int err = fdbox_register_handler(&fdbox_test_handler);

	if (err)
		pr_err("cannot register the test handler: %pe\n", ERR_PTR(err));
	return err;
}
subsys_initcall(fdbox_test_init);

static int __init fdbox_test_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("fdbox_test", NULL);

	debugfs_create_file("register", 0600, dir, NULL, &fdbox_probe_fops);
	INIT_LIST_HEAD(&fdbox_late_handler.list);
	debugfs_create_file("late", 0200, dir, NULL, &fdbox_late_fops);
	debugfs_create_file("stall", 0600, dir, NULL, &fdbox_stall_fops);
	return 0;
}
late_initcall(fdbox_test_debugfs_init);
