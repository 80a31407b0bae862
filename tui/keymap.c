#include "config.h"

#include "tui/keymap.h"

#include <string.h>

#include <curses.h>

static const struct keymap_entry keymap_table[KA_COUNT] = {
#define X(e, k, h, f, k1, k2, k3, act, how) [e] = { k, h, f, { k1, k2, k3 }, act, how },
	KEYMAP_ACTIONS(X)
#undef X
};
_Static_assert(sizeof keymap_table / sizeof keymap_table[0] == KA_COUNT, "one entry per action");

/* The action bound to a key (KF() for function keys), or KA_NONE. */
enum keymap_action
keymap_lookup(int key)
{
	if (key == 0)
		return KA_NONE;
	for (int a = KA_NONE + 1; a < KA_COUNT; a++)
		for (int i = 0; i < 3; i++)
			if (keymap_table[a].key[i] == key)
				return (enum keymap_action)a;
	return KA_NONE;
}

/* The table entry of an action, or NULL. */
const struct keymap_entry *
keymap_entry(enum keymap_action action)
{
	if (action <= KA_NONE || action >= KA_COUNT)
		return NULL;
	return &keymap_table[action];
}

/* The job action an action sends; false when it sends none. */
bool
keymap_job_action(enum keymap_action action, enum action_kind *kind, enum actions_pri *how)
{
	const struct keymap_entry *e = keymap_entry(action);

	if (e == NULL || e->act == KEYMAP_NO_ACTION)
		return false;
	*kind = e->act;
	*how = e->how;
	return true;
}

/* Does the key send an action? */
bool
keymap_is_action_key(enum keymap_action action)
{
	enum action_kind kind;
	enum actions_pri how;

	return keymap_job_action(action, &kind, &how) || action == KA_NEW || action == KA_PRI_PICK;
}

/* First word of the keys label: what the footer shows before the hint. */
const char *
keymap_hint_key(enum keymap_action action)
{
	static char buf[KA_COUNT][16];
	const struct keymap_entry *e = keymap_entry(action);
	size_t n;

	if (e == NULL)
		return "";
	if (buf[action][0] == '\0') {
		n = strcspn(e->keys, " ");
		if (n >= sizeof buf[action])
			n = sizeof buf[action] - 1;
		memcpy(buf[action], e->keys, n);
		buf[action][n] = '\0';
	}
	return buf[action];
}
