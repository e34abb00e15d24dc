#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the FDBox test VM. Runs the extra programs and the suite tests of
# the current stage; everything they print goes to the second serial port,
# which the host reads, while the kernel keeps the first one for its console.
#
# Each program is framed by "FDBOX-RUN <stage> <kind> <name>" and
# "FDBOX-EXIT <stage> <kind> <name> <status>"; the stage ends with
# "FDBOX-STAGE-END <stage>". If more stages follow, the VM sends PREPARE if
# the live update state is NORMAL and kexecs into the same kernel with this
# same initramfs, repacked from its own root (so files written under / reach
# the next stage), and fdbox.stage=<stage + 1>: with kexec-tools as an
# operator would (kexec -s -l, fdboxctl prepare, kexec -e) when the runner
# packed them, with fdbox_vmctl otherwise. After the last stage's programs,
# it sends FINISH if the state is UPDATED.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp
/bin/busybox --install -s
mount -t proc none /proc
mount -t sysfs none /sys
mount -t devtmpfs none /dev 2>/dev/null
mount -t tmpfs none /tmp

stage=1
stages=1
tests=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	fdbox.stage=*) stage=${arg#fdbox.stage=} ;;
	fdbox.stages=*) stages=${arg#fdbox.stages=} ;;
	fdbox.tests=*) tests=${arg#fdbox.tests=} ;;
	esac
done
# FDBOX_TESTS: the -T selection, if any. A test that checks what another
# one set up may then find nothing, and skip where it would fail in a run
# of the whole suite.
export FDBOX_STAGE=$stage FDBOX_STAGES=$stages FDBOX_TESTS=$tests
export PATH=/fdbox/bin:$PATH

exec > /dev/ttyS1 2>&1

# A problem of the guest's own that fails the run (the host reads these).
problem() {
	echo "FDBOX-PROBLEM stage $stage: $*"
}

# Whether the kernel under test was built with option $1.
kconfig() {
	grep -q "^$1=[ym]\$" /fdbox/config 2>/dev/null
}

# Test knobs live in debugfs: a kernel that has it must mount it.
if ! mount -t debugfs none /sys/kernel/debug; then
	kconfig CONFIG_DEBUG_FS && problem "cannot mount debugfs"
fi
# Every run asks for live update (liveupdate=on): its device must be there.
if kconfig CONFIG_LIVEUPDATE && [ ! -e /dev/liveupdate ]; then
	problem "no /dev/liveupdate although CONFIG_LIVEUPDATE is set"
fi

run() {
	kind=$1
	name=$2
	shift 2
	echo "FDBOX-RUN $stage $kind $name"
	"$@"
	echo "FDBOX-EXIT $stage $kind $name $?"
}

# The executables among $@ in order: the others, those named fdbox_carry_*,
# then fdbox_torture_verify_test, which races FINISH with the boxes it set
# up: it must come after every test that needs the state UPDATED; and
# fdbox_qemu_setup_test, which sends PREPARE in its stage, after every test
# that seals a box for it.
suite_last() {
	local group t
	for group in other carry torture qemu; do
		for t in "$@"; do
			case "${t##*/}" in
			fdbox_carry_*) [ $group = carry ] || continue ;;
			fdbox_torture_verify_test) [ $group = torture ] || continue ;;
			fdbox_qemu_setup_test) [ $group = qemu ] || continue ;;
			*) [ $group = other ] || continue ;;
			esac
			[ -x "$t" ] && echo "$t"
		done
	done
}

# The KUnit suite $1's results from debugfs (lib/kunit/debugfs.c), as one
# suite binary would print them: its plan and one line per test case, the
# lines indented as the plan is (deeper ones are the parameters of a
# case). Fails if a case failed, or the suite's own verdict (unindented)
# is not a plain "ok": a suite whose init failed has no case lines.
kunit_suite() {
	awk -v suite="$1" '
		{
			match($0, /^[ \t]*/)
			indent = RLENGTH
			line = substr($0, indent + 1)
		}
		line == "# Subtest: " suite { mine = 1; depth = indent; next }
		mine && indent == depth && line ~ /^1\.\./ { plan = 1; print line; next }
		mine && indent == depth && line ~ /^(not )?ok [0-9]+ / {
			print line
			if (line ~ /^not /)
				bad = 1
			next
		}
		mine && indent < depth && line ~ /^(not )?ok [0-9]+ / {
			if (line !~ /^ok / || line ~ /# SKIP/) {
				bad = 1
				print "# suite: " line
			}
			verdict = 1
		}
		END { exit bad || !plan || !verdict }' "/sys/kernel/debug/kunit/$1/results"
}

echo "FDBOX-STAGE-BEGIN $stage"
# CPUs online, for the host to compare with those it gave the guest.
echo "FDBOX-CPUS $stage $(grep -c '^processor' /proc/cpuinfo)"

# Extra programs given with -x run first, so that they see the state the
# live update left before any suite test changes it.
for x in /fdbox/extra/*; do
	[ -x "$x" ] || continue
	run extra "${x##*/}" "$x"
done

# Suite tests, unless -T none. -T NAME selects test cases by name, either
# as the TAP output names them (fixture.test) or by the bare test name.
# Order: upstream's liveupdate suite before anything creates sessions;
# *_verify_test, which check what a live update carried, before anything
# sends FINISH; *_setup_test, which prepare the next live update, last.
# fdbox_carry_verify_test, then fdbox_torture_verify_test end their stage's
# verify tests, as they send FINISH (the runner sends it after them if
# nobody did, so that the other tests start from NORMAL), and
# fdbox_carry_setup_test, then fdbox_qemu_setup_test end the setup tests,
# as they send PREPARE (each in its own stages).
if [ "$tests" != none ]; then
	args=
	for t in $(echo "$tests" | tr , ' '); do
		case "$t" in
		*.*) args="$args -r $t" ;;
		*) args="$args -t $t" ;;
		esac
	done
	# KUnit suites ran at boot; the first stage reports them.
	if [ "$stage" = 1 ]; then
		found=0
		for k in /sys/kernel/debug/kunit/*/results; do
			[ -e "$k" ] || continue
			found=1
			k=${k%/results}
			run suite "kunit-${k##*/}" kunit_suite "${k##*/}"
		done
		if kconfig CONFIG_KUNIT && [ $found = 0 ]; then
			problem "no KUnit results although CONFIG_KUNIT is set"
		fi
	fi
	if [ "$stage" = 1 ]; then
		for t in /fdbox/luo/*; do
			[ -x "$t" ] || continue
			run suite "upstream-${t##*/}" "$t"
		done
	fi
	for t in $(suite_last /fdbox/suite/*_verify_test); do
		run suite "${t##*/}" "$t" $args
	done
	/fdbox/bin/fdbox_vmctl end || problem "FINISH after the verify tests failed"
	for t in /fdbox/suite/*; do
		case "$t" in
		*_verify_test | *_setup_test) continue ;;
		esac
		[ -x "$t" ] || continue
		run suite "${t##*/}" "$t" $args
	done
	# Upstream's two-stage kexec tests.
	if [ "$stage" -le 2 ]; then
		for t in /fdbox/luo-kexec/*; do
			[ -x "$t" ] || continue
			run extra "upstream-${t##*/}" "$t" -s "$stage"
		done
	fi
	for t in $(suite_last /fdbox/suite/*_setup_test); do
		run suite "${t##*/}" "$t" $args
	done
fi

# With CONFIG_DEBUG_KMEMLEAK, report what leaked during the stage.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi

echo "FDBOX-STAGE-END $stage"

if [ "$stage" -lt "$stages" ]; then
	next=$((stage + 1))
	cmdline=$(sed "s/fdbox\.stage=$stage/fdbox.stage=$next/" /proc/cmdline)
	(cd / && find . -xdev | cpio -o -H newc > /tmp/next.cpio 2>/dev/null)
	echo "FDBOX-KEXEC $stage $next"
	if [ -x /usr/sbin/kexec ]; then
		# The operator's way, with kexec-tools (vmtest.sh packs the
		# host's): load, PREPARE unless a test did, kexec (-x: there is
		# no network to take down). A state that cannot be read stops
		# it, as a kexec without PREPARE would carry nothing.
		echo "vm-init: kexec -s -l /fdbox/kernel --initrd=/tmp/next.cpio ..."
		/usr/sbin/kexec -s -l /fdbox/kernel --initrd=/tmp/next.cpio \
			--command-line="$cmdline" &&
		state=$(fdboxctl state) &&
		{ [ "$state" != normal ] || fdboxctl prepare; } &&
		echo "vm-init: live update state $(fdboxctl state); kexec -e -x" &&
		/usr/sbin/kexec -e -x
	else
		/fdbox/bin/fdbox_vmctl next /fdbox/kernel /tmp/next.cpio "$cmdline"
	fi
	echo "FDBOX-KEXEC-FAILED $stage $?"
else
	/fdbox/bin/fdbox_vmctl end || problem "FINISH at the end failed"
fi
sync
reboot -f
