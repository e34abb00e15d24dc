#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make SRC the pristine base tree plus our overlay files plus patches/series.
# Only files whose contents changed are rewritten, so make's timestamps stay
# meaningful and a warm rebuild recompiles only what we touched.
#
# Usage: sync-tree.sh REPO PRISTINE SRC

set -euo pipefail

repo=$(realpath "$1")
pristine=$(realpath "$2")
src=$3

# Directories of the repo that are kernel-tree paths (everything we overlay).
overlay_dirs="Documentation drivers include kernel mm tools"

if [ ! -f "$src/.fdbox-manifest" ]; then
	rm -rf "$src"
	cp -a "$pristine" "$src.tmp"
	: > "$src.tmp/.fdbox-manifest"
	mv "$src.tmp" "$src"
fi
src=$(realpath "$src")

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# 1. Our own files.
(cd "$repo" && git ls-files -co --exclude-standard -- $overlay_dirs) |
while read -r f; do
	[ -f "$repo/$f" ] || continue
	mkdir -p "$stage/$(dirname "$f")"
	cp -p "$repo/$f" "$stage/$f"
done

# 2. Patches, applied on pristine copies of the files they touch.
series=$repo/patches/series
if [ -f "$series" ]; then
	grep -v '^[[:space:]]*\(#\|$\)' "$series" | while read -r p; do
		sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$repo/patches/$p" |
		while read -r f; do
			[ -e "$stage/$f" ] && continue
			mkdir -p "$stage/$(dirname "$f")"
			if [ -f "$pristine/$f" ]; then
				cp -p "$pristine/$f" "$stage/$f"
			fi
		done
		if ! patch -s -p1 -N -d "$stage" < "$repo/patches/$p"; then
			echo "sync-tree: patch $p does not apply" >&2
			exit 1
		fi
	done
fi
find "$stage" -name '*.orig' -delete

# 3. Copy what changed; restore what we no longer touch.
(cd "$stage" && find . -type f | sed 's|^\./||' | sort) > "$stage.manifest"
while read -r f; do
	if ! cmp -s "$stage/$f" "$src/$f"; then
		mkdir -p "$src/$(dirname "$f")"
		cp "$stage/$f" "$src/$f"
		echo "  sync $f"
	fi
done < "$stage.manifest"
comm -23 <(sort "$src/.fdbox-manifest") "$stage.manifest" | while read -r f; do
	if [ -f "$pristine/$f" ]; then
		cp "$pristine/$f" "$src/$f"
	else
		rm -f "$src/$f"
	fi
	echo "  restore $f"
done
mv "$stage.manifest" "$src/.fdbox-manifest"
