// SPDX-License-Identifier: GPL-2.0
/*
 * Print the host's TSC rate in kHz, for vmtest.sh to give the guest
 * (tsc_early_khz=): the guest's TSC runs at the host's rate, but under
 * emulation its calibration against the emulated PIT fails now and then.
 *
 * Five measurements of 50 ms against CLOCK_MONOTONIC_RAW; the median is
 * printed if the middle three agree and it is a plausible rate, nothing
 * (exit 1) otherwise, so that preempted measurements never reach the
 * guest.
 */

#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double measure_khz(void)
{
	struct timespec a, b, d = { 0, 50000000 };
	unsigned long long t0, t1;
	double ns;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	t0 = __rdtsc();
	nanosleep(&d, NULL);
	t1 = __rdtsc();
	clock_gettime(CLOCK_MONOTONIC_RAW, &b);
	ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
	return (t1 - t0) / ns * 1e6;
}

int main(void)
{
	double k[5], t;
	int i, j;

	for (i = 0; i < 5; i++)
		k[i] = measure_khz();
	for (i = 0; i < 5; i++)
		for (j = i + 1; j < 5; j++)
			if (k[j] < k[i]) {
				t = k[i];
				k[i] = k[j];
				k[j] = t;
			}
	/* 100 MHz to 20 GHz, and the middle three within 1 %. */
	if (k[2] < 1e5 || k[2] > 2e7 || k[3] - k[1] > k[2] / 100)
		return 1;
	printf("%.0f\n", k[2]);
	return 0;
}
