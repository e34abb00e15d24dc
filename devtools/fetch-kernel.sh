#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch and unpack the pristine base kernel (Debian's linux-source-7.3) into
# a cache outside the work tree. apt runs with a private state directory so
# the machine's own apt configuration is never touched.
#
# Usage: fetch-kernel.sh download|unpack CACHE_DIR
#   download  fetch the .deb into CACHE_DIR (once)
#   unpack    unpack it into CACHE_DIR/linux-7.3 (once)

set -euo pipefail

mode=${1:?usage: fetch-kernel.sh download|unpack CACHE_DIR}
cache=${2:?usage: fetch-kernel.sh download|unpack CACHE_DIR}
pkg=linux-source-7.3
suite=trixie-backports
tree=$cache/linux-7.3

case "$mode" in
download | unpack) ;;
*) echo "usage: fetch-kernel.sh download|unpack CACHE_DIR" >&2; exit 2 ;;
esac

mkdir -p "$cache"
cd "$cache"

if [ "$mode" = unpack ]; then
	if [ -f "$tree/.fdbox-pristine" ]; then
		echo "$tree is unpacked already"
		exit 0
	fi
	rm -rf x "$tree.tmp"
	dpkg -x ${pkg}_*.deb x
	mkdir -p "$tree.tmp"
	tar -C "$tree.tmp" --strip-components=1 -xf x/usr/src/${pkg}.tar.xz
	rm -rf x "$tree"
	mv "$tree.tmp" "$tree"
	touch "$tree/.fdbox-pristine"
	echo "$tree"
	exit 0
fi

if ls ${pkg}_*.deb >/dev/null 2>&1; then
	echo "$(ls ${pkg}_*.deb) is there already"
	exit 0
fi
W=$cache/apt
mkdir -p "$W/lists/partial" "$W/cache/archives/partial" "$W/sources.d"

# The mirror is whatever the machine already uses; never hard-code it.
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
	 grep -v -- '-security' | head -n1 | awk '{print $1}')
if [ -z "$mirror" ]; then
	mirror=$(awk '$1 == "deb" && $3 !~ /security/ {print $2; exit}' \
		 /etc/apt/sources.list 2>/dev/null || true)
fi
if [ -z "$mirror" ]; then
	echo "fetch-kernel: no Debian mirror found in the apt sources" >&2
	exit 1
fi

cat > "$W/sources.d/k.sources" <<SRC
Types: deb
URIs: $mirror
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC

O=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$W/sources.d"
   -o "Dir::State::Lists=$W/lists" -o "Dir::Cache=$W/cache"
   -o Dir::State::status=/dev/null -o Debug::NoLocking=1)

apt-get -q "${O[@]}" update
apt-get -q "${O[@]}" download "$pkg"
ls -l ${pkg}_*.deb
