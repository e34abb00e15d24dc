// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit test of the LUO state machine's transition table, included by
 * luo_state.c (CONFIG_LIVEUPDATE_STATE_KUNIT_TEST) so that it sees the
 * table and its check as they are built.
 *
 * The expectations are written out here a second time, from the diagram of
 * the DOC block, so that a change to the table that the diagram does not
 * make fails the test.
 */

#include <kunit/test.h>

/* Every state there is: each has a name, the first is 1. */
#define LUO_STATE_FIRST		LIVEUPDATE_STATE_NORMAL
#define LUO_STATE_END		ARRAY_SIZE(luo_state_names)

/* The diagram: the one state each event is taken in, and where it leads. */
static const struct {
	u32 event;
	enum liveupdate_state from;
	enum liveupdate_state to;
} luo_state_diagram[] = {
	{ LIVEUPDATE_PREPARE, LIVEUPDATE_STATE_NORMAL,
	  LIVEUPDATE_STATE_PREPARED },
	{ LIVEUPDATE_FREEZE, LIVEUPDATE_STATE_PREPARED,
	  LIVEUPDATE_STATE_FROZEN },
	{ LIVEUPDATE_FINISH, LIVEUPDATE_STATE_UPDATED,
	  LIVEUPDATE_STATE_NORMAL },
	{ LIVEUPDATE_CANCEL, LIVEUPDATE_STATE_PREPARED,
	  LIVEUPDATE_STATE_NORMAL },
};

/* Each event in each state: taken in its own state only, -EBUSY elsewhere. */
static void luo_state_test_events(struct kunit *test)
{
	unsigned int i, state;

	for (i = 0; i < ARRAY_SIZE(luo_state_diagram); i++) {
		u32 event = luo_state_diagram[i].event;

		for (state = LUO_STATE_FIRST; state < LUO_STATE_END; state++) {
			int want = state == luo_state_diagram[i].from ?
				   0 : -EBUSY;

			KUNIT_EXPECT_EQ_MSG(test, luo_state_check(state, event),
					    want, "event %u in state %s", event,
					    luo_state_names[state]);
		}
		KUNIT_EXPECT_EQ_MSG(test, luo_state_transitions[event].to,
				    luo_state_diagram[i].to, "event %u", event);
	}
}

/* What is not an event is refused in every state, never taken. */
static void luo_state_test_unknown_events(struct kunit *test)
{
	static const u32 bad[] = { 0, LIVEUPDATE_CANCEL + 1, 255, U32_MAX };
	unsigned int i, state;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		for (state = LUO_STATE_FIRST; state < LUO_STATE_END; state++)
			KUNIT_EXPECT_EQ_MSG(test, luo_state_check(state, bad[i]),
					    -EINVAL, "event %u", bad[i]);
}

/*
 * Every state has a name, and from every state the events (and the kexec,
 * FROZEN to UPDATED) lead back to NORMAL: no live update can get stuck.
 */
static void luo_state_test_way_back(struct kunit *test)
{
	unsigned int start, state, j, steps;

	for (start = LUO_STATE_FIRST; start < LUO_STATE_END; start++) {
		state = start;
		KUNIT_EXPECT_NOT_NULL(test, luo_state_names[state]);
		for (steps = 0; state != LIVEUPDATE_STATE_NORMAL &&
		     steps < ARRAY_SIZE(luo_state_names); steps++) {
			enum liveupdate_state next = state;

			if (state == LIVEUPDATE_STATE_FROZEN)
				next = LIVEUPDATE_STATE_UPDATED;
			for (j = 0; j < ARRAY_SIZE(luo_state_transitions); j++)
				if (!luo_state_check(state, j))
					next = luo_state_transitions[j].to;
			state = next;
		}
		KUNIT_EXPECT_EQ_MSG(test, state, LIVEUPDATE_STATE_NORMAL,
				    "stuck from %s", luo_state_names[start]);
	}
}

static struct kunit_case luo_state_test_cases[] = {
	KUNIT_CASE(luo_state_test_events),
	KUNIT_CASE(luo_state_test_unknown_events),
	KUNIT_CASE(luo_state_test_way_back),
	{}
};

static struct kunit_suite luo_state_test_suite = {
	.name = "liveupdate_state",
	.test_cases = luo_state_test_cases,
};

kunit_test_suite(luo_state_test_suite);
