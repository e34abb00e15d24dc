#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the FDBox selftests, and any extra programs, in a QEMU VM.
#
# The kernel tree this script sits in must have been built in BUILD_DIR
# (bzImage and `make headers`). The script compiles the suite statically
# against BUILD_DIR/usr/include, builds an initramfs with busybox, boots it
# (KVM when it works, software emulation otherwise) and reads the results
# from the VM's second serial port.

set -euo pipefail

test_dir=$(realpath "$(dirname "$0")")
kernel_dir=$(realpath "$test_dir/../../../..")
selftests_dir=$kernel_dir/tools/testing/selftests

build_dir=
work_dir=
timeout=900
mem=4G
cpus=2
stages=1
append=
extras=()
tests=()
counts_file=
expect_file=
quiet=0
upstream=0
vmm=auto

usage() {
	cat <<EOF
Usage: $0 -d BUILD_DIR [options]

  -d DIR    kernel build directory (bzImage, usr/include, usr/gen_init_cpio)
  -s N      run N stages: after each stage but the last, the VM sends
            PREPARE if the live update state is NORMAL and kexecs into the
            same kernel and initramfs; after the last one it sends FINISH if
            the state is UPDATED (default $stages)
  -x PROG   extra static program to run in every stage before the suite,
            with FDBOX_STAGE=N and FDBOX_STAGES; repeatable. Exit 0
            passes, 4 skips.
  -T NAME   run only the suite tests named NAME (repeatable); -T none runs
            no suite test, only the -x programs
  -U        also run upstream's liveupdate selftests: liveupdate in stage 1,
            luo_kexec_simple and luo_multi_session in stages 1 and 2
  -t SECS   hard time limit for the whole VM run (default $timeout)
  -m SIZE   guest memory (default $mem)
  -p N      guest CPUs (default $cpus), run in parallel; a guest that
            brings up fewer fails the run
  -a ARGS   extra kernel command line arguments
  -w DIR    work directory (default: a new temporary one, removed after)
  -c FILE   write "PASSED FAILED SKIPPED" counts to FILE
  -e FILE   what the whole suite must do (the file expected beside this
            script is make check's): how many test cases each binary has,
            and which tests may skip in which stages. Without -T, a run
            fails if a binary did not run in every stage or ran another
            number of tests, or if a test skipped where the file does not
            allow it
  -Q        pack the VMM scenario (the host's QEMU, the libraries and
            module it loads, and the guest of fdbox_qemu_guest.S) into
            the initramfs; without -Q, it is packed for a run of the
            whole suite or with a -T that names one of its tests
  -q        do not print the suite output, only failures and counts
  -h        this help
EOF
}

while getopts 'd:s:x:T:t:m:p:a:w:c:e:qQUh' opt; do
	case $opt in
	d) build_dir=$(realpath "$OPTARG") ;;
	s) stages=$OPTARG ;;
	x) extras+=("$(realpath "$OPTARG")") ;;
	T) tests+=("$OPTARG") ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	p) cpus=$OPTARG ;;
	a) append=$OPTARG ;;
	w) work_dir=$OPTARG ;;
	c) counts_file=$OPTARG ;;
	e) expect_file=$(realpath "$OPTARG") ;;
	q) quiet=1 ;;
	Q) vmm=yes ;;
	U) upstream=1 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ -n "$build_dir" ] || { usage >&2; exit 2; }

kernel=$build_dir/arch/x86/boot/bzImage
headers=$build_dir/usr/include
gen_cpio=$build_dir/usr/gen_init_cpio
for f in "$kernel" "$headers/linux/fdbox.h" "$gen_cpio" "$build_dir/.config"; do
	[ -e "$f" ] || { echo "vmtest: missing $f (build the kernel first)" >&2; exit 2; }
done
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file -L "$busybox" 2>/dev/null | grep -q 'statically' ||
	busybox=/bin/busybox
[ -x "$busybox" ] || { echo "vmtest: busybox-static is not installed" >&2; exit 2; }

if [ -z "$work_dir" ]; then
	work_dir=$(mktemp -d /tmp/fdbox-vmtest.XXXXXX)
	trap 'rm -rf "$work_dir"' EXIT
fi
mkdir -p "$work_dir"

# 1. Suite binaries: every *_test.c beside this script; and the stage switch.
mkdir -p "$work_dir/suite" "$work_dir/bin"
tools_fdbox=$kernel_dir/tools/fdbox
cc_static() {
	gcc -static -O2 -Wall -Werror -isystem "$headers" -I "$selftests_dir" \
		-I "$tools_fdbox" -o "$1" "$2" "${@:3}" -lpthread
}
for c in "$test_dir"/*_test.c; do
	cc_static "$work_dir/suite/$(basename "${c%.c}")" "$c" \
		"$tools_fdbox/libfdbox.c"
done
# fdboxctl, static, as an operator would use it.
make -s -C "$tools_fdbox" STATIC=1 KHDR="$headers" OUTPUT="$work_dir/bin" \
	"$work_dir/bin/fdboxctl"
cc_static "$work_dir/bin/fdbox_vmctl" "$test_dir/fdbox_vmctl.c"

# Upstream's liveupdate selftests, built as their Makefile does.
mkdir -p "$work_dir/luo" "$work_dir/luo-kexec"
if [ $upstream -eq 1 ]; then
	luo_dir=$selftests_dir/liveupdate
	for t in liveupdate luo_kexec_simple luo_multi_session; do
		out=$work_dir/luo-kexec/$t
		[ $t = liveupdate ] && out=$work_dir/luo/$t
		gcc -static -O2 -Wall -Wno-unused-function -D_GNU_SOURCE= \
			-isystem "$headers" \
			-I "$luo_dir/lib/include" -o "$out" "$luo_dir/$t.c" \
			"$luo_dir/lib/lu_utils.c"
	done
fi

# host_files FILE...: initramfs lines for host programs and libraries and
# the libraries they link (ldd; what they dlopen() must be named too), at
# the host's paths (the guest's dynamic loader looks where the host's
# does), with their directories first. Fails if a library is missing.
host_files() {
	local f libs files= missing=
	for f in "$@"; do
		libs=$(ldd "$f")
		missing+=$(grep 'not found' <<< "$libs" || true)
		files+="$f"$'\n'$(awk '$2 == "=>" && $3 ~ /^\// { print $3 }
				$1 ~ /^\// { print $1 }' <<< "$libs")$'\n'
	done
	if [ -n "$missing" ]; then
		echo "vmtest: libraries missing on the host: $missing" >&2
		return 1
	fi
	files=$(sort -u <<< "$files")
	for f in $files; do
		f=$(dirname "$f")
		while [ "$f" != / ]; do
			echo "$f"
			f=$(dirname "$f")
		done
	done | sort -u | while read -r f; do
		echo "dir $f 0755 0 0"
	done
	for f in $files; do
		echo "file $f $(realpath "$f") 0755 0 0"
	done
}

# The host programs the VM runs: kexec-tools, with which it kexecs between
# stages as an operator would (without them, vm-init.sh uses fdbox_vmctl),
# and for the VMM scenario (fdbox_qemu_*_test, the demo) Debian's QEMU and
# its TCG module, which it loads at run time; with the guest of that
# scenario, a 64 KiB firmware image.
host_progs=()
kexec=$(PATH=/usr/sbin:/sbin:$PATH command -v kexec || true)
[ -z "$kexec" ] || host_progs+=("$kexec")
# By default, only for a run with the scenario's tests in it.
if [ $vmm = auto ]; then
	vmm=no
	[ ${#tests[@]} -gt 0 ] || vmm=yes
	for t in "${tests[@]}"; do
		case "$t" in
		qemu.* | guest_saved | guest_resumed) vmm=yes ;;
		esac
	done
fi
if [ $vmm = yes ]; then
	# Where fdbox_qemu.h looks for it, and Debian's module directory.
	for f in /usr/bin/qemu-system-x86_64 \
		 /usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so; do
		[ -e "$f" ] || { echo "vmtest: no $f for the VMM scenario" >&2; exit 2; }
		host_progs+=("$f")
	done
	gcc -m32 -c -o "$work_dir/guest.o" "$test_dir/fdbox_qemu_guest.S"
	ld -m elf_i386 -Ttext=0xf0000 --oformat binary \
		-o "$work_dir/guest.bin" "$work_dir/guest.o"
fi
host_lines=$work_dir/host.list
{
	[ ${#host_progs[@]} -eq 0 ] || host_files "${host_progs[@]}" || exit 2
	if [ $vmm = yes ]; then
		echo "dir /fdbox/qemu 0755 0 0"
		echo "file /fdbox/qemu/guest.bin $work_dir/guest.bin 0644 0 0"
	fi
} > "$host_lines"

# 2. Initramfs.
list=$work_dir/initramfs.list
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "dir /bin 0755 0 0"
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "file /init $test_dir/vm-init.sh 0755 0 0"
	echo "dir /fdbox 0755 0 0"
	echo "file /fdbox/kernel $kernel 0644 0 0"
	# What the kernel was built with: a test that finds a feature
	# missing fails if the configuration says it is there.
	echo "file /fdbox/config $build_dir/.config 0644 0 0"
	echo "dir /fdbox/bin 0755 0 0"
	echo "file /fdbox/bin/fdbox_vmctl $work_dir/bin/fdbox_vmctl 0755 0 0"
	echo "file /fdbox/bin/fdboxctl $work_dir/bin/fdboxctl 0755 0 0"
	echo "dir /fdbox/suite 0755 0 0"
	echo "dir /fdbox/extra 0755 0 0"
	echo "dir /fdbox/luo 0755 0 0"
	echo "dir /fdbox/luo-kexec 0755 0 0"
	for t in "$work_dir"/luo/* "$work_dir"/luo-kexec/*; do
		[ -e "$t" ] || continue
		echo "file /fdbox/${t#"$work_dir"/} $t 0755 0 0"
	done
	for t in "$work_dir"/suite/*; do
		echo "file /fdbox/suite/${t##*/} $t 0755 0 0"
	done
	i=0
	for x in "${extras[@]}"; do
		i=$((i + 1))
		printf 'file /fdbox/extra/%02d-%s %s 0755 0 0\n' "$i" "${x##*/}" "$x"
	done
	cat "$host_lines"
} > "$list"
"$gen_cpio" "$list" > "$work_dir/initramfs.cpio"
nr_suite=$(ls "$work_dir/suite" | wc -l)
nr_upstream=$(ls "$work_dir/luo" "$work_dir/luo-kexec" | grep -vc ':$\|^$' || true)
echo "# vmtest: initramfs: $nr_suite suite, $nr_upstream upstream and" \
     "${#extras[@]} extra programs, $(du -k "$work_dir/initramfs.cpio" | cut -f1) KiB"

# 3. Accelerator: KVM only if the CPU can virtualize and a guest really
# boots with it; otherwise QEMU's software emulation (TCG).
accel=tcg
if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
	if timeout 30 qemu-system-x86_64 -accel kvm -m 256M -nographic \
		-nodefaults -no-reboot -serial stdio -kernel "$kernel" \
		-append "console=ttyS0 panic=-1" 2>/dev/null |
	   grep -q 'Linux version'; then
		accel=kvm
	fi
fi

# 4. Boot. tsc=reliable: on a busy host the clocksource watchdog may drop
# the TSC, and the guest (no HPET, no ACPI timer) falls back to jiffies,
# 4 ms steps in every time the kernel or a test measures. The guest's TSC
# runs at the host's rate, and its calibration against the emulated PIT
# fails now and then under emulation, with the same fall-back: give the
# guest the host's TSC rate, measured here, when the host's TSC is
# constant.
tsc_khz=
if grep -qw constant_tsc /proc/cpuinfo &&
   gcc -O2 -Wall -o "$work_dir/host_tsc_khz" "$test_dir/host_tsc_khz.c"; then
	tsc_khz=$("$work_dir/host_tsc_khz") || tsc_khz=
fi
# A KASAN kernel boots with 4-level paging: identify_cpu() zeroes the
# boot CPU's feature bits with interrupts on, and an interrupt in that
# window sees X86_FEATURE_LA57 clear, so KASAN takes every direct-map
# address for one without shadow ("wild-memory-access in
# do_raw_spin_lock" from handle_edge_irq), about one boot in seven of a
# debug run. Upstream, not FDBox: "[PATCH v1] kasan: Fix false-positive
# wild-memory-access on x86 under 5-level paging", LKML, 2026-06-10.
paging=
grep -q '^CONFIG_KASAN=y' "$build_dir/.config" && paging=no5lvl
cmdline="console=ttyS0 panic=-1 oops=panic tsc=reliable"
# A pool of 16 huge pages of 2 MiB (HUGE_POOL of fdbox_hugetlb.h), for the
# hugetlb memfd tests, unless -a gives one (a second hugepages= would be
# ignored); a kernel without hugetlb ignores it.
case " $append " in
*" hugepages="*) ;;
*) cmdline+=" hugepages=16" ;;
esac
cmdline+="${tsc_khz:+ tsc_early_khz=$tsc_khz}${paging:+ $paging}"
cmdline+=" liveupdate=on fdbox.stage=1 fdbox.stages=$stages${append:+ $append}"
if [ ${#tests[@]} -gt 0 ]; then
	cmdline="$cmdline fdbox.tests=$(IFS=,; echo "${tests[*]}")"
fi
console=$work_dir/console.log
results=$work_dir/results.log
echo "# vmtest: booting ($accel, $cpus CPU(s), $mem, $stages stage(s), limit ${timeout}s)"
# One socket per CPU: the kernel finds its CPUs in the MP table, where
# QEMU's BIOS lists one processor per socket. Under emulation each vCPU
# gets a host thread of its own (multi-threaded TCG), so they really run
# at the same time.
accel_opts=$accel
[ "$accel" = tcg ] && accel_opts=tcg,thread=multi
rc=0
timeout -k 10 "$timeout" qemu-system-x86_64 -accel "$accel_opts" -m "$mem" \
	-smp "$cpus,sockets=$cpus,cores=1,threads=1" -cpu max -nographic \
	-nodefaults -no-reboot \
	-serial file:"$console" -serial file:"$results.raw" \
	-kernel "$kernel" -initrd "$work_dir/initramfs.cpio" \
	-append "$cmdline" > "$work_dir/qemu.log" 2>&1 || rc=$?

# 5. Results, with the serial port's carriage returns dropped.
tr -d '\r' < "$results.raw" > "$results" 2>/dev/null || : > "$results"
passed=0
failed=0
skipped=0
problems=()

if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	problems+=("time-out after ${timeout}s")
elif [ $rc -ne 0 ]; then
	problems+=("qemu exited with $rc: $(tail -n 3 "$work_dir/qemu.log")")
fi
for s in $(seq 1 "$stages"); do
	grep -q "^FDBOX-STAGE-END $s\$" "$results" ||
		problems+=("stage $s did not complete")
done
# Every stage must have brought up every CPU it was given.
while read -r _ s online; do
	echo "# vmtest: stage $s: $online of $cpus CPU(s) online"
	[ "$online" -ge "$cpus" ] ||
		problems+=("stage $s brought up $online of $cpus CPUs")
done < <(grep '^FDBOX-CPUS ' "$results" || true)
for s in $(seq 1 "$stages"); do
	grep -q "^FDBOX-CPUS $s " "$results" ||
		problems+=("stage $s did not report its CPUs")
done
if grep -q '^FDBOX-KEXEC-FAILED' "$results"; then
	problems+=("kexec failed: $(grep -B2 '^FDBOX-KEXEC-FAILED' "$results" | head -n 2)")
fi
# KCSAN data-race reports (a DEBUG=race kernel): one with a stack frame in
# FDBox, our LUO state machine, the file API our patches add to LUO or
# close_fd_file() fails the run, and so does one cut short; one wholly in
# upstream code is listed and judged by a person. Either is then taken out
# of the console before the scan for other problems, which would see its
# "BUG:" line; lines of other problems printed in the middle of it stay.
kernel_problem='Kernel panic|Oops|BUG:|WARNING:|general protection'
kernel_problem+='|Call Trace:|UBSAN:|KASAN:|unreferenced object'
kernel_problem+='|possible recursive locking|possible circular locking'
kernel_problem+='|INFO: task .* blocked'
ours='fdbox_|luo_state_|luo_ioctl_(get_state|set_event)'
ours+='|liveupdate_file_|close_fd_file|liveupdate_state'
ours+='|liveupdate_(un)?register_subsystem'
ours+='|liveupdate_get_subsystem_data|luo_file_handler_get|luo_test_'
ours+='|(state|sealed|count|prepare_error)_show'
kcsan=$work_dir/kcsan.log
: > "$kcsan"
awk -v ours="^($ours)" -v problem="$kernel_problem" -v out="$kcsan" '
	function report(cut) {
		print (mine || cut ? "ours " : "upstream ") \
		      (cut ? "cut short: " : "") title > out
	}
	BEGIN { for (i = 0; i < 66; i++) sep = sep "=" }
	{
		sub(/\r$/, "")
		line = $0
		sub(/^\[[ 0-9.]*\] /, "", line)
	}
	line ~ /^BUG: KCSAN: / {
		if (inreport)
			report(1)
		inreport = 1
		title = line
		sub(/^BUG: KCSAN: /, "", title)
		mine = 0
		next
	}
	inreport && line == sep {
		report(0)
		inreport = 0
		next
	}
	inreport {
		fn = line
		sub(/^ +/, "", fn)
		if (fn ~ /\+0x[0-9a-f]+\/0x[0-9a-f]+/) {
			sub(/\+0x.*/, "", fn)
			if (fn ~ ours)
				mine = 1
		} else if (line ~ problem) {
			print
		}
		next
	}
	{ print }
	END {
		if (inreport)
			report(1)
	}
' "$console" > "$console.rest"
while read -r n where title; do
	if [ "$where" = ours ]; then
		problems+=("KCSAN in our code, ${n}x: $title (see console)")
	else
		echo "# vmtest: KCSAN in upstream code, ${n}x: $title"
	fi
done < <(tr -d '\r' < "$kcsan" 2>/dev/null | sort | uniq -c || true)
# A KCSAN kernel proves at boot that its detector works.
if grep -q '^CONFIG_KCSAN=y' "$build_dir/.config" &&
   ! grep -q 'kcsan: selftest: [0-9]*/[0-9]* tests passed' "$console"; then
	problems+=("KCSAN did not pass its boot selftest (see console)")
fi
if grep -qE "$kernel_problem" "$console.rest"; then
	problems+=("the kernel reported a problem (see console)")
fi
# Every run asks for live update; a kernel that turned it off would skip
# the live update tests and pass.
if grep -qE 'disabling kexec handover|Disabling liveupdate' "$console"; then
	problems+=("the kernel turned live update off (see console)")
fi
# kmemleak reports come through the results port.
if grep -q '^unreferenced object' "$results"; then
	problems+=("kmemleak found leaks (see the results)")
fi

# The guest's own checks (debugfs, /dev/liveupdate, FINISH at the end).
while IFS= read -r line; do
	problems+=("guest: ${line#FDBOX-PROBLEM }")
done < <(grep '^FDBOX-PROBLEM ' "$results" || true)

# With -e, the expectations of the whole suite (see the file's header):
# "plan BINARY N", the number of test cases BINARY has; "skip BINARY TEST
# STAGES", the stages (a comma list of N, N-M and N-) in which TEST may
# skip. They hold only when the whole suite runs: with -T NAME a binary
# runs part of its tests, and the skips of tests that were left out are
# no longer expected.
whole_suite=0
[ -n "$expect_file" ] && [ ${#tests[@]} -eq 0 ] && whole_suite=1

# skip_allowed BINARY TEST STAGE
skip_allowed() {
	[ $whole_suite -eq 1 ] || return 0
	awk -v bin="$1" -v test="$2" -v stage="$3" '
		$1 == "skip" && $2 == bin && $3 == test {
			n = split($4, r, ",")
			for (i = 1; i <= n; i++) {
				lo = r[i]; hi = r[i]
				if (r[i] ~ /-/) {
					split(r[i], b, "-")
					lo = b[1]; hi = b[2] == "" ? 1e9 : b[2]
				}
				if (stage >= lo + 0 && stage <= hi + 0)
					found = 1
			}
		}
		END { exit !found }' "$expect_file"
}

# expected_plan BINARY: the number of test cases the file gives it, or -1.
expected_plan() {
	awk -v bin="$1" '$1 == "plan" && $2 == bin { n = $3 }
		END { print n == "" ? -1 : n }' "$expect_file"
}

# Suite: the harness's TAP lines, one per test case. A binary that exits
# non-zero without a failed test case (a crash) counts as one failure, and
# so does one that reports another number of test cases than its plan
# ("1..N") announced, or, for the whole suite with -e, than the file says
# it has; and a binary that did not run in every stage. With -e, a skip
# that the file does not list is a failure.
current=
stage_now=0
binfail=0
plan=-1
results_seen=0
declare -A ran=()
while IFS= read -r line; do
	case "$line" in
	"FDBOX-RUN "*)
		read -r _ stage_now kind bin _ <<< "$line"
		current="$kind $bin"
		binfail=0
		plan=-1
		results_seen=0
		[ "$kind" = suite ] && ran["$stage_now $bin"]=1
		;;
	"FDBOX-EXIT "*)
		read -r _ st kind bin status _ <<< "$line"
		if [ "$kind" = extra ]; then
			case $status in
			0) passed=$((passed + 1)) ;;
			4) skipped=$((skipped + 1)) ;;
			*) failed=$((failed + 1)); problems+=("$bin (stage $st) exited $status") ;;
			esac
		elif [ "$status" != 0 ] && [ $binfail -eq 0 ]; then
			failed=$((failed + 1))
			problems+=("suite $bin (stage $st) exited $status")
		elif [ "$plan" -lt 0 ]; then
			failed=$((failed + 1))
			problems+=("suite $bin (stage $st) printed no TAP plan")
		elif [ $results_seen -ne "$plan" ]; then
			failed=$((failed + 1))
			problems+=("suite $bin (stage $st) reported $results_seen test cases,"\
" its plan said $plan")
		elif [ $whole_suite -eq 1 ] &&
		     [ "$(expected_plan "$bin")" != "$plan" ]; then
			failed=$((failed + 1))
			problems+=("suite $bin (stage $st) has $plan test cases,"\
" $(basename "$expect_file") says $(expected_plan "$bin")")
		fi
		current=
		;;
	"1.."*)
		if [ "${current%% *}" = suite ]; then
			plan=${line#1..}
			plan=${plan%%[!0-9]*}
			[ -n "$plan" ] || plan=-1
		fi
		;;
	"ok "*"# SKIP"*)
		if [ "${current%% *}" = suite ]; then
			results_seen=$((results_seen + 1))
			read -r _ _ name _ <<< "$line"
			if skip_allowed "${current#* }" "$name" "$stage_now"; then
				skipped=$((skipped + 1))
			else
				failed=$((failed + 1))
				problems+=("unexpected skip in stage $stage_now:"\
" ${current#* } $name:${line#*# SKIP}")
			fi
		fi
		;;
	"ok "*)
		if [ "${current%% *}" = suite ]; then
			passed=$((passed + 1))
			results_seen=$((results_seen + 1))
		fi
		;;
	"not ok "*)
		if [ "${current%% *}" = suite ]; then
			failed=$((failed + 1))
			results_seen=$((results_seen + 1))
			binfail=1
			problems+=("${line#not ok }")
		fi
		;;
	esac
done < "$results"

if [ $whole_suite -eq 1 ]; then
	# Every suite binary ran in every stage that completed, and every
	# binary the file names exists.
	for s in $(seq 1 "$stages"); do
		grep -q "^FDBOX-STAGE-END $s\$" "$results" || continue
		for t in "$work_dir"/suite/*; do
			[ -n "${ran["$s ${t##*/}"]:-}" ] ||
				problems+=("suite ${t##*/} did not run in stage $s")
		done
	done
	for t in $(awk '$1 == "plan" { print $2 }' "$expect_file"); do
		case "$t" in
		upstream-*)
			[ $upstream -eq 0 ] || [ -x "$work_dir/luo/${t#upstream-}" ] ||
				problems+=("$(basename "$expect_file") names $t,"\
" which is not in the suite")
			;;
		kunit-*)
			grep -q "^FDBOX-RUN 1 suite $t\$" "$results" ||
				problems+=("KUnit suite ${t#kunit-} did not report in stage 1")
			;;
		*)
			[ -x "$work_dir/suite/$t" ] ||
				problems+=("$(basename "$expect_file") names $t,"\
" which is not in the suite")
			;;
		esac
	done
	for t in "$work_dir"/suite/*; do
		[ "$(expected_plan "${t##*/}")" != -1 ] ||
			problems+=("$(basename "$expect_file") has no plan for ${t##*/}")
	done
fi

if [ $quiet -eq 0 ] || [ ${#problems[@]} -gt 0 ]; then
	grep -v '^FDBOX-' "$results" || true
fi
if [ ${#problems[@]} -gt 0 ]; then
	echo "# vmtest: ---- guest console ----"
	tr -d '\r' < "$console" 2>/dev/null | tail -n 200 || true
	echo "# vmtest: ---- problems ----"
	for p in "${problems[@]}"; do
		echo "# vmtest: $p"
	done
fi
echo "# vmtest: $passed passed, $failed failed, $skipped skipped"
[ -n "$counts_file" ] && echo "$passed $failed $skipped" > "$counts_file"
[ ${#problems[@]} -eq 0 ] && [ $failed -eq 0 ]
