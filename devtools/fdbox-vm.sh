#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM parts of `make check`, `make demo` and `make bench`, on the
# kernel built by fdbox-build.sh.
#
# Usage: fdbox-vm.sh check|demo|bench

set -euo pipefail

repo=$(realpath "$(dirname "$0")/..")
cache=${FDBOX_CACHE:-$HOME/.cache/fdbox}
variant=build
case "${DEBUG:-0}" in
1) variant=build-debug ;;
race) variant=build-race ;;
esac
obj=$cache/$variant
src=$cache/src
tests=$src/tools/testing/selftests/fdbox
work=$cache/vm-$1-$variant
logs=$cache/logs/$variant
# What `make check DEBUG=race` runs on its KCSAN kernel.
race_tests="stress.accounting fdbox.put_races_close fdbox.seal_fills_holes_races
	    torture.races torture.seal_boxes torture.finish_races"

rm -rf "$work"
mkdir -p "$work" "$logs"

# A static program from the selftest directory, against our UAPI headers.
static_prog() {
	gcc -static -O2 -Wall -Werror -isystem "$obj/usr/include" \
		-I "$src/tools/testing/selftests" -o "$work/$1" "$tests/$1.c"
}

case "$1" in
demo)
	static_prog fdbox_demo
	echo "==> demo     booting the VM"
	# Two stages: the demo runs a VM (QEMU, packed by -Q) with its RAM in
	# a memfd, stops it and seals its RAM and state in a box, the test VM
	# kexecs, and the demo resumes the VM from the box in the new kernel.
	"$tests/vmtest.sh" -d "$obj" -w "$work/vm" -s 2 -T none -Q \
		-x "$work/fdbox_demo"
	;;
check)
	echo "==> tests    booting the VM (log: $logs/tests.log)"
	start=$SECONDS
	rc=0
	# Seven stages: the carry tests use two live updates in a row (stages
	# 1 to 3), with upstream's suite; the hostile-data tests damage what
	# FDBox hands over after stages 1, 3, 4 and 5; the torture test races
	# FINISH with what it set up before the last one, which is clean.
	# The debug kernels run several times slower under software emulation.
	# KASAN's shadow makes KHO scale its scratch areas up until no
	# contiguous region fits them, and KHO, hence live update, turns off:
	# give the debug kernel fixed sizes (lowmem, global, per node) that
	# hold the next kernel's early allocations, its 512 MiB shadow included.
	# The KCSAN kernel runs the tests that race: the stress and torture
	# tests, the torture across one live update, and PUT against close().
	limit=900
	opts=(-s 7 -U -e "$tests/expected")
	case "${DEBUG:-0}" in
	1)
		limit=3600
		opts+=(-a "kho_scratch=64M,128M,768M")
		;;
	race)
		limit=2400
		opts=(-s 2)
		for t in $race_tests; do
			opts+=(-T "$t")
		done
		;;
	esac
	"$tests/vmtest.sh" -d "$obj" -w "$work/vm" -c "$work/counts" \
		-t "$limit" "${opts[@]}" > "$logs/tests.log" 2>&1 || rc=$?
	if [ $rc -ne 0 ]; then
		cat "$logs/tests.log"
	else
		grep -E '^(ok|not ok|# vmtest)' "$logs/tests.log"
	fi
	read -r passed failed skipped < "$work/counts" 2>/dev/null ||
		{ passed=0; failed=1; skipped=0; }
	[ $rc -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
	# A pool of 1 GiB pages is allocated before LUO reads its data: a VM
	# of its own, booted with one, carries a memfd of such a page three
	# times: taken back after the first live update, unclaimed after the
	# others, the last time with no room left for it in the pool. Its
	# boots size no pool of 2 MiB pages: a memfd of such pages, from a
	# pool sized at run time, comes back as surplus pages.
	# KHO sizes its scratch areas by default from the memory in use, and
	# the 1 GiB page can leave no contiguous room for them: fixed sizes,
	# as the debug kernel's.
	if [ "${DEBUG:-0}" != race ]; then
		grc=0
		"$tests/vmtest.sh" -d "$obj" -w "$work/vm-giga" \
			-c "$work/counts-giga" -t "$limit" -s 4 \
			-T global.gigantic_setup -T global.gigantic_verify \
			-T global.gigantic_unclaimed -T global.gigantic_finished \
			-T global.nopool_setup -T global.nopool_verify \
			-a "hugepagesz=1G hugepages=1 kho_scratch=64M,128M,768M" \
			> "$logs/tests-giga.log" 2>&1 || grc=$?
		if [ $grc -ne 0 ]; then
			cat "$logs/tests-giga.log"
			rc=$grc
		else
			grep -E '^(ok|not ok|# vmtest)' "$logs/tests-giga.log"
		fi
		# Set up in stages 1 to 3, taken back in stage 2, unclaimed in
		# stages 3 and 4 and checked after their FINISH, each skipping
		# the other stages: eight passes; the 2 MiB memfd, set up in
		# stage 1 and taken back in stage 2: two more. The KUnit results
		# were counted above.
		gp=$(grep -cE '^ok [0-9]+ global\.(gigantic_(setup|verify|unclaimed|finished)|nopool_(setup|verify))$' \
			"$logs/tests-giga.log" || true)
		if [ $grc -ne 0 ] || [ "$gp" -ne 10 ]; then
			rc=1
			# A kernel problem fails the run with every test passed.
			failed=$((failed + (gp < 10 ? 10 - gp : 1)))
		fi
		passed=$((passed + gp))
	fi
	echo "==> tests    $((SECONDS - start)) s in the VM"
	[ "$skipped" -gt 0 ] && echo "($skipped skipped)"
	echo "$passed passed, $failed failed"
	exit $rc
	;;
bench)
	static_prog fdbox_bench
	# Six stages, five live updates: the freeze can only be read after
	# one, and five is the fewest samples whose quartiles mean something.
	# Every stage measures the boxes, every stage but the last PREPARE,
	# every later one what the live update before it carried; the last
	# prints the table. BENCH_STAGES=N for a quicker look (N >= 2).
	# 1 GiB memfds need room: 8 GiB of guest memory, 1 GiB of it in a
	# pool of 2 MiB huge pages for the hugetlb one, and one page more for
	# the hugetlb memfd restored before it.
	stages=${BENCH_STAGES:-6}
	echo "==> bench    booting the VM, $stages stages (log: $logs/bench.log)"
	start=$SECONDS
	"$tests/vmtest.sh" -d "$obj" -w "$work/vm" -s "$stages" -T none -m 8G \
		-a hugepages=513 \
		-t 3600 -x "$work/fdbox_bench" > "$logs/bench.log" 2>&1 ||
		{ cat "$logs/bench.log"; exit 1; }
	sed -n '/^FDBox benchmark/,/^Verdicts:/p' "$logs/bench.log"
	echo "==> bench    $((SECONDS - start)) s in the VM"
	;;
*)
	echo "usage: $0 check|demo|bench" >&2
	exit 2
	;;
esac
