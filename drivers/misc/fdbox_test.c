// SPDX-License-Identifier: GPL-2.0
/*
 * FDBox test handler, for the selftests only (CONFIG_FDBOX_TEST).
 *
 * It owns the memfds whose name starts with "fdbox-test" and makes their
 * seal and unseal hooks observable and able to fail on demand:
 *
 * - seal writes 'S' and unseal writes 'U' at offset 0 of the file;
 * - seal fails with -EIO if the byte at offset 1 is 's', unseal if it is
 *   'u', before writing anything.
 *
 * It registers before the memfd handler so that it sees these files first.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fdbox.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/shmem_fs.h>
#include <linux/string.h>

#define FDBOX_TEST_PREFIX	"memfd:fdbox-test"

static bool fdbox_test_can_box(const struct fdbox_file_handler *handler,
			       struct file *file)
{
	const struct dentry *dentry = file_dentry(file);

	return shmem_file(file) && !file_inode(file)->i_nlink &&
	       !strncmp(dentry->d_name.name, FDBOX_TEST_PREFIX,
			strlen(FDBOX_TEST_PREFIX));
}

static int fdbox_test_hook(struct file *file, char fail_on, char mark)
{
	loff_t pos = 1;
	char c = 0;
	ssize_t ret;

	ret = kernel_read(file, &c, 1, &pos);
	if (ret < 0)
		return ret;
	if (c == fail_on)
		return -EIO;

	pos = 0;
	ret = kernel_write(file, &mark, 1, &pos);
	return ret < 0 ? ret : 0;
}

static int fdbox_test_seal(const struct fdbox_file_handler *handler,
			   struct file *file)
{
	return fdbox_test_hook(file, 's', 'S');
}

static int fdbox_test_unseal(const struct fdbox_file_handler *handler,
			     struct file *file)
{
	return fdbox_test_hook(file, 'u', 'U');
}

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

/* Registers before fdbox_init() registers the memfd handler. */
static int __init fdbox_test_init(void)
{
	int err = fdbox_register_handler(&fdbox_test_handler);

	if (err)
		pr_err("cannot register the test handler: %pe\n", ERR_PTR(err));
	return err;
}
subsys_initcall(fdbox_test_init);
