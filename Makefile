# SPDX-License-Identifier: GPL-2.0
#
# FDBox: `make demo` shows it working, `make check` runs every test and lint
# gate. Both set up a fresh Debian machine by themselves (see README.md).
#
# Variables: FDBOX_CACHE (default ~/.cache/fdbox) holds the pristine source,
# the build trees and ccache; JOBS (default nproc); DEBUG=1 for the debug
# kernel variant.

BUILD := devtools/fdbox-build.sh
VM := devtools/fdbox-vm.sh

.PHONY: all kernel demo check bench lint docs series clean distclean

all: kernel

kernel:
	@$(BUILD) all

demo: kernel
	@$(VM) demo

# The VM run comes last so that its "N passed, N failed" line ends the output.
check: kernel
	@rc=0; \
	$(BUILD) nolu tools lint || rc=1; \
	$(VM) check || rc=1; \
	exit $$rc

# Boots the VM through three live updates and prints the figures.
bench: kernel
	@$(VM) bench

lint:
	@$(BUILD) sync lint

# The upstream patch series, in series/: each patch applied, built, checked.
series:
	@$(BUILD) all series-deps
	@devtools/fdbox-series.sh

# Renders our documents and ABI entries with Sphinx; fails on our warnings.
docs:
	@$(BUILD) deps docs-deps fetch unpack sync docs

# Build trees go, the pristine source and ccache stay.
clean:
	rm -rf "$${FDBOX_CACHE:-$$HOME/.cache/fdbox}"/build* \
	       "$${FDBOX_CACHE:-$$HOME/.cache/fdbox}"/vm-*

distclean:
	rm -rf "$${FDBOX_CACHE:-$$HOME/.cache/fdbox}"
