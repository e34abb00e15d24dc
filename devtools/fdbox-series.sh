#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make series`: the project as the patch series a maintainer would apply,
# written into series/ (ignored by git) by git format-patch against the
# pristine 7.3 tree, with a cover letter.
#
# The steps are the files of devtools/series named NN-*, in order; the
# file "cover" has the cover letter's subject, a blank line, and its text. Each names the
# patches of patches/ it applies and the files of ours it adds, and, if it
# adds files, its commit message ("subject:" and the lines after the first
# blank one); a step of one patch alone is that patch, message included.
# Every patch and every file of ours must be in exactly one step.
#
# Checked, each failure fatal: the series reproduces the overlaid source
# tree ($FDBOX_CACHE/src) file for file; it applies with git am onto the
# pristine tree to the same tree; each patch is checkpatch --strict clean;
# the kernel builds with the test configuration after each patch (in
# $FDBOX_CACHE/build-series, kept between runs, with ccache), and the last
# build has every option of the configuration.
#
# The git work tree, a copy of the pristine tree, is $FDBOX_CACHE/series-tree.

set -euo pipefail
# The steps are taken in the order of their names byte by byte (03b after
# 03-, 04ab after 04a-), whatever the locale collates.
export LC_ALL=C

repo=$(realpath "$(dirname "$0")/..")
cache=${FDBOX_CACHE:-$HOME/.cache/fdbox}
jobs=${JOBS:-$(nproc)}
pristine=$cache/linux-7.3
src=$cache/src
tree=$cache/series-tree
obj=$cache/build-series
out=$repo/series
steps=$repo/devtools/series
fragment=$repo/tools/testing/selftests/fdbox/config
logs=$cache/logs/series

export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
export KBUILD_BUILD_TIMESTAMP=fdbox KBUILD_BUILD_USER=fdbox
export KBUILD_BUILD_HOST=fdbox

g() {
	git -C "$tree" -c user.name="FDBox developers" \
		-c user.email="fdbox@localhost" -c core.autocrlf=false "$@"
}

die() {
	echo "series: $*" >&2
	exit 1
}

# Our files, as the overlay has them (sync-tree.sh copies the same set).
our_files() {
	(cd "$repo" && git ls-files -co --exclude-standard) |
		grep -v -E '^(devtools/|patches/|series/|\.ci/|\.gitignore$|Makefile$|README\.md$)'
}

# A field of step file $1: the words of every "$2:" line, or the message.
field() {
	sed -n "s/^$2: *//p" "$1" | tr '\n' ' '
}

message() {
	echo "$(field "$1" subject)" | sed 's/ *$//'
	echo
	sed '1,/^$/d' "$1"
}

mkdir -p "$logs"
[ -d "$pristine" ] || die "no pristine tree in $pristine: run make kernel first"
[ -f "$src/.fdbox-manifest" ] || die "no overlaid tree in $src: run make kernel first"

# 1. The pristine tree in git, once; then back to it.
if ! g rev-parse -q --verify refs/tags/base > /dev/null 2>&1; then
	echo "series: copying the pristine tree into git (once)"
	rm -rf "$tree"
	cp -a "$pristine" "$tree"
	g init -q
	# Debian's .gitignore ignores everything at the top: add by force.
	g add -A -f .
	g commit -q -m "Linux 7.3 (Debian linux-source-7.3)"
	g tag base
fi
g checkout -q -f -B series base
g clean -q -f -d -x

# 2. The steps.
declare -A used_patch=() used_file=()
nr=0
for step in "$steps"/[0-9]*; do
	nr=$((nr + 1))
	patches=$(field "$step" patches)
	files=$(field "$step" files)
	for p in $patches; do
		f=$(ls "$repo/patches/$p"-*.patch 2>/dev/null) ||
			die "${step##*/}: no patch $p"
		[ -z "${used_patch[$p]:-}" ] || die "patch $p is in two steps"
		used_patch[$p]=1
	done
	if [ -z "$files" ]; then
		set -- $patches
		[ $# -eq 1 ] || die "${step##*/}: several patches and no files"
		g am -q --keep-cr "$(ls "$repo/patches/$1"-*.patch)" ||
			die "${step##*/}: patch $1 does not apply"
		continue
	fi
	for p in $patches; do
		g apply --index "$(ls "$repo/patches/$p"-*.patch)" ||
			die "${step##*/}: patch $p does not apply"
	done
	for pattern in $files; do
		matched=0
		for f in $(our_files); do
			# shellcheck disable=SC2254
			case "$f" in
			$pattern) ;;
			*) continue ;;
			esac
			matched=1
			[ -z "${used_file[$f]:-}" ] || die "$f is in two steps"
			used_file[$f]=1
			mkdir -p "$tree/$(dirname "$f")"
			cp "$repo/$f" "$tree/$f"
			g add -f "$f"
		done
		[ $matched -eq 1 ] || die "${step##*/}: no file of ours is $pattern"
	done
	[ -n "$(field "$step" subject)" ] || die "${step##*/}: no subject"
	message "$step" | g commit -q -s -F -
done

for p in $(sed 's/-.*//' "$repo/patches/series"); do
	[ -n "${used_patch[$p]:-}" ] || die "patch $p is in no step"
done
for f in $(our_files); do
	[ -n "${used_file[$f]:-}" ] || die "$f is in no step"
done

# 3. The series is the project: every file it touches as the overlay has it.
for f in $(g diff --name-only base series); do
	cmp -s "$tree/$f" "$src/$f" ||
		die "$f differs from $src/$f (run make kernel to sync)"
done

# 4. The patches, and the cover letter.
rm -rf "$out"
g format-patch -q --zero-commit --cover-letter --filename-max-length=100 \
	-o "$out" base..series
cover=$out/0000-cover-letter.patch
python3 - "$cover" "$steps/cover" <<'EOF'
import sys
cover, text = sys.argv[1:]
subject, _, blurb = open(text).read().partition('\n\n')
s = open(cover).read()
s = s.replace('*** SUBJECT HERE ***', subject.strip(), 1)
s = s.replace('*** BLURB HERE ***', blurb.rstrip(), 1)
open(cover, 'w').write(s)
EOF
echo "series: $nr patches and a cover letter in series/"

# 5. They apply with git am, to the same tree.
g checkout -q -f -B series-am base
# shellcheck disable=SC2046
g am -q --keep-cr $(ls "$out"/*.patch | grep -v 0000-cover-letter) ||
	die "git am of series/ failed"
[ "$(g rev-parse 'series-am^{tree}')" = "$(g rev-parse 'series^{tree}')" ] ||
	die "git am of series/ gives another tree"
echo "series: git am onto the pristine tree gives the same tree"

# 6. checkpatch --strict, each patch.
fail=0
for p in "$out"/*.patch; do
	case "$p" in *0000-cover-letter.patch) continue ;; esac
	# spdxcheck.py needs Debian's python3-ply and python3-git: Debian's python3.
	res=$(cd "$tree" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --terse --no-summary \
	      "$p" 2>&1 || true)
	if [ -n "$res" ]; then
		echo "checkpatch: ${p##*/}"
		echo "$res"
		fail=1
	fi
done
[ $fail -eq 0 ] || die "checkpatch --strict is not clean"
echo "series: checkpatch --strict clean"

# 7. Each patch builds with the test configuration.
mkdir -p "$obj"
i=0
for c in $(g rev-list --reverse base..series); do
	i=$((i + 1))
	t0=$SECONDS
	g checkout -q -f "$c"
	log=$logs/build-$i.log
	{
		make -C "$tree" O="$obj" ARCH=x86_64 tinyconfig
		"$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" \
			"$obj/.config" "$fragment"
		make -C "$tree" O="$obj" ARCH=x86_64 olddefconfig
		make -C "$tree" O="$obj" ARCH=x86_64 CC="ccache gcc" \
			HOSTCC="ccache gcc" -j"$jobs" bzImage
	} > "$log" 2>&1 || { tail -n 30 "$log"; die "patch $i does not build (log: $log)"; }
	if grep -E '(warning|error):' "$log" | grep -v -E 'merge_config|Kconfig' > /dev/null; then
		grep -E '(warning|error):' "$log"
		die "patch $i builds with warnings (log: $log)"
	fi
	echo "series: patch $i builds ($((SECONDS - t0)) s): $(g log -1 --format=%s "$c")"
done
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx "$line" "$obj/.config" ||
			die "the whole series lacks $line of the test configuration"
		;;
	esac
done < "$fragment"
g checkout -q -f series
echo "series: every patch applies, builds and is checkpatch clean"
