#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build steps behind `make demo` and `make check`. Each step prints one line;
# the full output of every step goes to $FDBOX_CACHE/logs/<variant>/<step>.log.
#
# Usage: fdbox-build.sh STEP...
#   deps      install the Debian packages the build and the VM need
#   fetch     fetch linux-source-7.3 with a private apt state (once)
#   unpack    unpack the pristine base tree (once)
#   sync      overlay our files and patches onto the build source tree
#   config    tinyconfig + our fragment, checked option by option
#   kernel    build bzImage and install UAPI headers
#   nolu      compile-test the driver with LIVEUPDATE=n and KEXEC_HANDOVER=n
#   lint      checkpatch --strict, kernel-doc, W=1 on our files
#   tools     build libfdbox and fdboxctl, install them into a scratch
#             DESTDIR and build a program against the installed library
#             with pkg-config
#   all       deps fetch unpack sync config kernel
#   docs      render, with Sphinx, the documentation subtrees that hold
#             ours and our ABI entries; fail on a warning from our files
#
# Environment: FDBOX_CACHE (default ~/.cache/fdbox), JOBS (default nproc),
# DEBUG=1 selects the debug kernel variant (KASAN, lockdep...), DEBUG=race
# the KCSAN one; each has its own build directory.

set -euo pipefail

repo=$(realpath "$(dirname "$0")/..")
cache=${FDBOX_CACHE:-$HOME/.cache/fdbox}
jobs=${JOBS:-$(nproc)}
variant=build
case "${DEBUG:-0}" in
1) variant=build-debug ;;
race) variant=build-race ;;
0) ;;
*) echo "DEBUG=${DEBUG}: use 1 (KASAN, lockdep...) or race (KCSAN)" >&2; exit 2 ;;
esac
pristine=$cache/linux-7.3
src=$cache/src
obj=$cache/$variant
logs=$cache/logs/$variant
fragment=$repo/tools/testing/selftests/fdbox/config
debug_fragment=$repo/tools/testing/selftests/fdbox/config.debug
race_fragment=$repo/tools/testing/selftests/fdbox/config.race

export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
export KBUILD_BUILD_TIMESTAMP=fdbox
export KBUILD_BUILD_USER=fdbox
export KBUILD_BUILD_HOST=fdbox

mkdir -p "$cache" "$logs"

# Debian packages: what the build, the tests and the VM need.
packages="gcc make flex bison bc libelf-dev libssl-dev cpio dwarves
	  qemu-system-x86 kexec-tools libfdt-dev busybox-static ccache perl
	  python3 git patch diffutils xz-utils pkg-config"

step() {
	local name=$1
	shift
	local t0=$SECONDS
	printf '==> %-8s ' "$name"
	local rc=0

	# A subshell outside any condition, so that set -e holds inside it.
	set +e
	(set -e; "$@") > "$logs/$name.log" 2>&1
	rc=$?
	set -e
	if [ $rc -eq 0 ]; then
		printf 'ok (%ds)\n' $((SECONDS - t0))
	else
		printf 'FAILED (%ds), log: %s\n' $((SECONDS - t0)) "$logs/$name.log"
		tail -n 40 "$logs/$name.log" | sed 's/^/    /'
		exit 1
	fi
}

kmake() {
	make -C "$src" O="$1" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"$jobs" "${@:2}"
}

# Only `make docs` needs Sphinx (Debian's, as the kernel's docs build takes);
# only `make series` needs what checkpatch's SPDX check imports.
docs_packages="python3-sphinx python3-sphinx-rtd-theme python3-yaml"
series_packages="python3-ply python3-git"

do_deps() {
	local missing=() p
	for p in $packages; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		echo "all packages present"
		return
	fi
	echo "installing: ${missing[*]}"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}"
}

do_fetch() {
	"$repo/devtools/fetch-kernel.sh" download "$cache"
}

do_unpack() {
	"$repo/devtools/fetch-kernel.sh" unpack "$cache"
}

do_sync() {
	"$repo/devtools/sync-tree.sh" "$repo" "$pristine" "$src"
}

# A key of the contents of the files @..., and of the compiler: what a
# cached step depends on.
inputs_key() {
	{ cat "$@" 2> /dev/null; gcc --version; } | sha1sum | cut -d' ' -f1
}

# Configure objdir $1 from tinyconfig plus fragments $2..., in a scratch
# directory; the real .config is replaced only if it changed, so an unchanged
# configuration never causes a rebuild.
configure() {
	local dir=$1 cfg=$1.cfg frag opt val key
	shift
	mkdir -p "$dir" "$cfg"
	# Not again if nothing it depends on changed and the tree has it.
	key=$(inputs_key "$@" "$repo"/patches/*.patch "$src/Makefile")
	if [ "$(cat "$cfg/fdbox.key" 2>/dev/null)" = "$key" ] &&
	   cmp -s "$cfg/.config" "$dir/.config"; then
		return 0
	fi
	rm -f "$cfg/fdbox.key"
	kmake "$cfg" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$cfg" "$cfg/.config" "$@"
	kmake "$cfg" olddefconfig

	for frag in "$@"; do
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=*)
				opt=${line%%=*}
				val=${line#*=}
				grep -qx "$opt=$val" "$cfg/.config" || {
					echo "config: $opt=$val from $frag is not set" \
					     "after olddefconfig (unmet dependency?)"
					return 1
				}
				;;
			"# CONFIG_"*" is not set")
				opt=${line#\# }
				opt=${opt%% *}
				if grep -q "^$opt=" "$cfg/.config"; then
					echo "config: $opt from $frag should be off"
					return 1
				fi
				;;
			esac
		done < "$frag"
	done

	if ! cmp -s "$cfg/.config" "$dir/.config"; then
		cp "$cfg/.config" "$dir/.config"
		echo "configuration changed"
	fi
	echo "$key" > "$cfg/fdbox.key"
}

do_config() {
	local frags=("$fragment")
	[ "$variant" = build-debug ] && frags+=("$debug_fragment")
	[ "$variant" = build-race ] && frags+=("$race_fragment")
	configure "$obj" "${frags[@]}"
}

# configure() left a complete .config; kbuild syncs its own state from it
# when it changed, so no olddefconfig here (4 s a tree).
do_kernel() {
	kmake "$obj" bzImage
	kmake "$obj" headers
	ls -l "$obj/arch/x86/boot/bzImage"
}

# FDBox must build as plain fd parking, without KHO and LUO.
do_nolu() {
	local dir=$cache/build-nolu frag=$cache/config-nolu
	grep -v -E 'KEXEC_HANDOVER|LIVEUPDATE|FDBOX_LUO' "$fragment" > "$frag"
	printf '# CONFIG_KEXEC_HANDOVER is not set\n# CONFIG_LIVEUPDATE is not set\n# CONFIG_FDBOX_LUO is not set\n' >> "$frag"
	configure "$dir" "$frag"
	rm -f "$dir"/drivers/misc/fdbox*.o
	kmake "$dir" W=1 drivers/misc/fdbox.o drivers/misc/fdbox_test.o \
		drivers/misc/fdbox_kunit.o 2>&1 |
		tee "$dir/w1.log"
	! grep -E 'warning:|error:' "$dir/w1.log"
}

# Our files, as they sit in the kernel tree.
our_files() {
	(cd "$repo" && git ls-files -co --exclude-standard -- \
		drivers include kernel mm tools/fdbox tools/testing/selftests/fdbox) |
		grep -E '\.(c|h)$'
}

# What a file's lint verdict depends on: the file, the lint scripts and the
# compiler, and for W=1 our headers, the patches and the configuration
# fragment.
lint_key() {
	inputs_key "$@" "$src/scripts/checkpatch.pl" "$src/scripts/kernel-doc"
}

# Each attribute that @file defines (the names @pattern, a sed expression,
# prints) is a "What:" of ABI file @abi, under @dir.
abi_check() {
	local file=$1 pattern=$2 dir=$3 abi=$4 attr

	for attr in $(sed -n "$pattern" "$file"); do
		grep -qx "What:[[:space:]]*$dir/$attr" "$abi" ||
			echo "no entry for $dir/$attr"
	done
}

# Our sysfs files against our ABI files; then the kernel's own check of
# those files.
lint_abi() {
	local abi=$repo/Documentation/ABI/testing

	abi_check "$repo/drivers/misc/fdbox.c" \
		's/^static DEVICE_ATTR_[A-Z_]*(\([a-z_]*\));/\1/p' \
		"/sys/class/fdbox/<box>" "$abi/sysfs-class-fdbox"
	abi_check "$repo/kernel/liveupdate/luo_state.c" \
		's/.*__ATTR_RO(\([a-z_]*\));/\1/p' \
		/sys/kernel/liveupdate "$abi/sysfs-kernel-liveupdate"
	python3 "$src/tools/docs/get_abi.py" -D "$repo/Documentation/ABI" validate
}

# Lint every file of ours, but not again one that passed as it is now: the
# keys of the files that passed are kept in $cache/lint-passed, so that a
# warm `make check` lints only what changed since the last run.
do_lint() {
	local f fail=0 out key headers passed=$cache/lint-passed
	local next=$cache/lint-passed.new skipped=0 configured

	touch "$passed"
	: > "$next"
	# Skip a file whose key passed before; remember it as passing again.
	lint_skip() {
		if grep -qxF "$1" "$passed"; then
			echo "$1" >> "$next"
			skipped=$((skipped + 1))
			return 0
		fi
		return 1
	}

	for f in $(our_files) "$repo"/patches/*.patch; do
		f=${f#"$repo"/}
		key="checkpatch $f $(lint_key "$repo/$f")"
		lint_skip "$key" && continue
		case "$f" in
		patches/*) out=$(cd "$src" && scripts/checkpatch.pl --strict --no-tree \
				   --terse "$repo/$f" 2>&1) || true ;;
		*) out=$(cd "$src" && scripts/checkpatch.pl --strict --terse \
			 --no-summary -f "$f" 2>&1) || true ;;
		esac
		if [ -n "$out" ] && ! grep -q 'total: 0 errors, 0 warnings, 0 checks' <<< "$out"; then
			echo "checkpatch: $f"
			echo "$out"
			fail=1
		else
			echo "$key" >> "$next"
		fi
	done

	for f in $(our_files | grep -v '^tools/'); do
		key="kernel-doc $f $(lint_key "$repo/$f")"
		lint_skip "$key" && continue
		out=$("$src/scripts/kernel-doc" -none -Wall "$src/$f" 2>&1)
		if [ -n "$out" ]; then
			echo "kernel-doc: $f"
			echo "$out"
			fail=1
		else
			echo "$key" >> "$next"
		fi
	done

	# Every sysfs file we add has its ABI entry, and the entries parse.
	out=$(lint_abi 2>&1) || true
	if [ -n "$out" ]; then
		echo "ABI: $out"
		fail=1
	fi

	# W=1 on our objects, in a scratch objdir with the main configuration so
	# that the main build is not relinked.
	headers=$(our_files | grep '\.h$' | grep -v '^tools/' | sed "s|^|$repo/|")
	configured=
	kunits=$(our_files | { grep '_kunit\.c$' || true; })
	# A *_kunit.c file that a file of its directory includes (to reach its
	# static functions) is checked with the files of that directory.
	for f in $(our_files | grep '\.c$' | grep -v '^tools/'); do
		case "$f" in
		*_kunit.c)
			grep -q "^#include \"${f##*/}\"" "$repo/$(dirname "$f")"/*.c &&
				continue ;;
		esac
		kunit=$({ grep "^$(dirname "$f")/[^/]*_kunit\.c\$" || true; } \
			<<< "$kunits" | sed "s|^|$repo/|")
		# shellcheck disable=SC2086
		key="w1 $f $(lint_key "$repo/$f" $kunit $headers \
			      "$repo"/patches/*.patch "$fragment")"
		lint_skip "$key" && continue
		if [ -z "$configured" ]; then
			configure "$cache/build-w1" "$fragment" > /dev/null
			configured=1
		fi
		rm -f "$cache/build-w1/${f%.c}.o"
		out=$(kmake "$cache/build-w1" W=1 "${f%.c}.o" 2>&1 |
		      grep -E 'warning:|error:' || true)
		if [ -n "$out" ]; then
			echo "W=1: $f"
			echo "$out"
			fail=1
		else
			echo "$key" >> "$next"
		fi
	done
	# The selftests as kselftest builds them, from their Makefile (vmtest.sh
	# builds its own, static): with warnings as errors.
	# shellcheck disable=SC2046
	key="kselftest $(lint_key $(ls "$repo"/tools/testing/selftests/fdbox/* \
		"$repo"/tools/fdbox/libfdbox.[ch] "$repo"/include/uapi/linux/*.h))"
	if ! lint_skip "$key"; then
		rm -rf "$cache/kselftest"
		mkdir -p "$cache/kselftest"
		if out=$(make -s -C "$src/tools/testing/selftests/fdbox" \
			 KHDR_INCLUDES="-isystem $obj/usr/include" \
			 USERCFLAGS=-Werror OUTPUT="$cache/kselftest" 2>&1); then
			echo "$key" >> "$next"
		else
			echo "kselftest build of tools/testing/selftests/fdbox:"
			echo "$out"
			fail=1
		fi
	fi

	mv "$next" "$passed"
	echo "lint done: $skipped checks unchanged since they passed, not run again"
	return $fail
}

do_tools() {
	local out=$cache/tools dest=$cache/tools-install

	rm -rf "$out" "$dest"
	mkdir -p "$out"
	make -C "$repo/tools/fdbox" KHDR="$obj/usr/include" OUTPUT="$out" \
		CFLAGS="-O2 -Werror"
	make -C "$repo/tools/fdbox" KHDR="$obj/usr/include" OUTPUT="$out" \
		PREFIX=/usr DESTDIR="$dest" install
	# A consumer of the installed library, through pkg-config.
	cat > "$out/consumer.c" <<-'EOF'
	#include <libfdbox.h>
	int main(void) { return fdbox_luo_state_name(1)[0] != 'n'; }
	EOF
	PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_LIBDIR="$dest/usr/lib/pkgconfig" \
		pkg-config --cflags --libs libfdbox > "$out/pc.flags"
	gcc -isystem "$obj/usr/include" -o "$out/consumer" "$out/consumer.c" \
		$(cat "$out/pc.flags") -Wl,-rpath,"$dest/usr/lib"
	"$out/consumer"
	echo "installed: $(cd "$dest" && find . -type f -o -type l | sort | tr '\n' ' ')"
}

# do_deps for the packages $1 names, instead of those of the build.
do_deps_of() {
	local packages=$1

	do_deps
}

# Our documents are in core-api; our ABI entries are rendered alone, as
# get_abi.py would render them into the admin-guide, in a scratch subtree.
do_docs() {
	local out=$cache/build-docs abi=$cache/build-docs.abi ours rc=0
	local ours_re='fdbox|liveupdate_state|luo_state|linux/liveupdate\.h'

	# From scratch: Sphinx does not repeat the warnings of a document it
	# does not rebuild. The scratch subtree goes, whatever happens.
	trap 'rm -rf "$src/Documentation/fdbox-abi"' EXIT
	rm -rf "$out" "$abi" "$src/Documentation/fdbox-abi"
	mkdir -p "$abi/testing" "$src/Documentation/fdbox-abi"
	cp "$repo"/Documentation/ABI/testing/* "$abi/testing/"
	python3 "$src/tools/docs/get_abi.py" --dir "$abi" rest \
		> "$src/Documentation/fdbox-abi/index.rst"
	kmake "$out" htmldocs SPHINXDIRS="core-api fdbox-abi" \
		DOCS_THEME=sphinx_rtd_theme 2>&1 | tee "$out.log" || rc=1
	# The source tree's path is $cache/src: drop it before looking for ours.
	grep -E 'WARNING|ERROR|CRITICAL' "$out.log" | sed "s|$src/||g" \
		> "$out.warnings" || true
	ours=$(grep -E "$ours_re" "$out.warnings" || true)
	echo "warnings outside our files (base tree, or links out of the subtree):" \
	     "$(grep -c -v -E "$ours_re" "$out.warnings")"
	if [ -n "$ours" ]; then
		echo "warnings from our files:"
		echo "$ours"
		rc=1
	fi
	for f in core-api/kho/fdbox.html core-api/liveupdate_state.html \
		 fdbox-abi/index.html; do
		[ -s "$out/Documentation/output/$f" ] ||
			{ echo "not rendered: $f"; rc=1; }
	done
	echo "rendered: $out/Documentation/output/{core-api,fdbox-abi}"
	return $rc
}

for s in "$@"; do
	case "$s" in
	deps)	step deps do_deps ;;
	fetch)	step fetch do_fetch ;;
	unpack)	step unpack do_unpack ;;
	sync)	step sync do_sync ;;
	config)	step config do_config ;;
	kernel)	step build do_kernel ;;
	nolu)	step nolu do_nolu ;;
	lint)	step lint do_lint ;;
	tools)	step tools do_tools ;;
	docs-deps) step sphinx do_deps_of "$docs_packages" ;;
	series-deps) step spdx do_deps_of "$series_packages" ;;
	docs)	step docs do_docs ;;
	all)	step deps do_deps; step fetch do_fetch; step unpack do_unpack
		step sync do_sync
		step config do_config; step build do_kernel ;;
	*)	echo "unknown step $s" >&2; exit 2 ;;
	esac
done
