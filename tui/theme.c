#include "config.h"

#include "tui/theme.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/bits_job.h"
#include "src/slurp.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

#define THEME_MAX_BYTES (64 * 1024)
#define THEME_SUFFIX ".theme"

struct theme_default {
	const char *name;
	short	 fg, bg;
	attr_t	 attrs;
	attr_t	 mono;
};

static const struct theme_default theme_defaults[] = {
#define X(e, n, f, b, a, m) [e] = { n, f, b, a, m },
	THEME_ROLES(X)
#undef X
};
_Static_assert(sizeof theme_defaults / sizeof theme_defaults[0] == THEME_ROLE_COUNT,
    "one default per theme role");

static const struct {
	const char *name;
	short	 value;
} theme_colors[] = {
	{ "default", THEME_DEF }, { "black", 0 }, { "red", 1 }, { "green", 2 }, { "yellow", 3 },
	{ "blue", 4 }, { "magenta", 5 }, { "cyan", 6 }, { "white", 7 },
	{ "brightblack", 8 }, { "gray", 8 }, { "grey", 8 }, { "brightred", 9 },
	{ "brightgreen", 10 }, { "brightyellow", 11 }, { "brightblue", 12 },
	{ "brightmagenta", 13 }, { "brightcyan", 14 }, { "brightwhite", 15 },
};

static const struct {
	const char *name;
	attr_t	 value;
} theme_attrs[] = {
	{ "normal", A_NORMAL }, { "bold", A_BOLD }, { "dim", A_DIM }, { "underline", A_UNDERLINE },
	{ "reverse", A_REVERSE }, { "standout", A_STANDOUT }, { "blink", A_BLINK },
	{ "italic", A_ITALIC },
};

/* Role that colours each BITS job state, indexed by enum bits_state. */
static const enum theme_role theme_state_roles[BITS_STATE_COUNT] = {
	[BITS_STATE_QUEUED] = THEME_STATE_QUEUED,
	[BITS_STATE_CONNECTING] = THEME_STATE_CONNECTING,
	[BITS_STATE_TRANSFERRING] = THEME_STATE_TRANSFERRING,
	[BITS_STATE_SUSPENDED] = THEME_STATE_SUSPENDED,
	[BITS_STATE_ERROR] = THEME_STATE_ERROR,
	[BITS_STATE_TRANSIENT_ERROR] = THEME_STATE_TRANSIENT,
	[BITS_STATE_TRANSFERRED] = THEME_STATE_TRANSFERRED,
	[BITS_STATE_ACKNOWLEDGED] = THEME_STATE_ACKNOWLEDGED,
	[BITS_STATE_CANCELLED] = THEME_STATE_CANCELLED,
};

/* Reset to the compiled-in colour default, or the monochrome one. */
void
theme_reset(struct theme *t, bool mono)
{
	for (int i = 0; i < THEME_ROLE_COUNT; i++) {
		t->style[i].fg = mono ? THEME_DEF : theme_defaults[i].fg;
		t->style[i].bg = mono ? THEME_DEF : theme_defaults[i].bg;
		t->style[i].attrs = mono ? theme_defaults[i].mono : theme_defaults[i].attrs;
		t->attr[i] = t->style[i].attrs;
	}
	free(t->name);
	t->name = xstrdup(mono ? "mono" : "default");
}

/* A theme with the compiled-in colour styles. */
struct theme *
theme_new(void)
{
	struct theme *t = xcalloc(1, sizeof *t);

	theme_reset(t, false);
	return t;
}

/* Free a theme; NULL is a no-op. */
void
theme_free(struct theme *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t);
}

/* Role of a theme-file name, or -1. */
int
theme_role_from_name(const char *name)
{
	for (int i = 0; i < THEME_ROLE_COUNT; i++)
		if (strcmp(name, theme_defaults[i].name) == 0)
			return i;
	return -1;
}

/* Theme-file name of a role. */
const char *
theme_role_name(enum theme_role role)
{
	return (unsigned)role < THEME_ROLE_COUNT ? theme_defaults[role].name : "?";
}

/* The role colouring a BITS job state. */
enum theme_role
theme_state_role(unsigned state)
{
	return state < BITS_STATE_COUNT ? theme_state_roles[state] : THEME_NORMAL;
}

/* Parse a colour word: a name or 0-255. */
static int
theme_parse_color(const char *w, short *out, char **cause)
{
	char *end;
	long v;

	for (size_t i = 0; i < sizeof theme_colors / sizeof theme_colors[0]; i++) {
		if (strcasecmp(w, theme_colors[i].name) == 0) {
			*out = theme_colors[i].value;
			return 0;
		}
	}
	errno = 0;
	v = strtol(w, &end, 10);
	if (*w == '\0' || *end != '\0' || errno != 0) {
		*cause = xasprintf("unknown colour '%s' (a name like red or brightblue, or 0-255)", w);
		return -1;
	}
	if (v < 0 || v > 255) {
		*cause = xasprintf("colour %ld out of range (0-255)", v);
		return -1;
	}
	*out = (short)v;
	return 0;
}

/* Parse one attribute word. */
static int
theme_parse_attr(const char *w, attr_t *out, char **cause)
{
	for (size_t i = 0; i < sizeof theme_attrs / sizeof theme_attrs[0]; i++) {
		if (strcasecmp(w, theme_attrs[i].name) == 0) {
			*out |= theme_attrs[i].value;
			return 0;
		}
	}
	*cause = xasprintf("unknown attribute '%s' (bold dim underline reverse standout blink italic normal)", w);
	return -1;
}

/* Parse one non-empty line `role = fg bg [attrs...]` (comment already cut) into t. */
static int
theme_parse_line(struct theme *t, char *line, char **cause)
{
	char *eq = strchr(line, '='), *save = NULL, *w, *role = line;
	struct theme_style st = { THEME_DEF, THEME_DEF, A_NORMAL };
	int r, nw = 0;

	if (eq == NULL) {
		*cause = xstrdup("expected 'role = fg bg [attrs...]'");
		return -1;
	}
	*eq = '\0';
	while (isspace((unsigned char)*role))
		role++;
	for (char *e = role + strlen(role); e > role && isspace((unsigned char)e[-1]); )
		*--e = '\0';
	if ((r = theme_role_from_name(role)) < 0) {
		*cause = xasprintf("unknown role '%s'", role);
		return -1;
	}
	for (w = strtok_r(eq + 1, " \t\r", &save); w != NULL; w = strtok_r(NULL, " \t\r", &save), nw++) {
		int rc;

		if (nw == 0)
			rc = theme_parse_color(w, &st.fg, cause);
		else if (nw == 1)
			rc = theme_parse_color(w, &st.bg, cause);
		else
			rc = theme_parse_attr(w, &st.attrs, cause);
		if (rc != 0)
			return -1;
	}
	if (nw < 2) {
		*cause = xasprintf("'%s' needs a foreground and a background colour", role);
		return -1;
	}
	t->style[r] = st;
	return 0;
}

/* Apply the lines of a theme text. */
int
theme_parse(struct theme *t, const char *text, const char *origin, char **cause)
{
	char *copy = xstrdup(text), *line = copy, *next;
	unsigned lineno = 0;
	int rc = 0;

	for (; line != NULL; line = next) {
		char *hash, *why = NULL;

		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		if (strspn(line, " \t\r") == strlen(line))
			continue;
		if (theme_parse_line(t, line, &why) != 0) {
			/* Report the first bad line; keep applying the good ones. */
			if (rc == 0 && cause != NULL)
				*cause = xasprintf("%s:%u: %s", origin, lineno, why);
			free(why);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

/* True for a theme name that is a plain file stem (no path, no hidden file). */
static bool
theme_name_plain(const char *name)
{
	if (*name == '\0' || *name == '.')
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
	return true;
}

/* The user's theme directory ($XDG_CONFIG_HOME or ~/.config), malloc'd, or NULL. */
static char *
theme_user_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg != NULL && *xdg == '/')
		return xasprintf("%s/bitstop/themes", xdg);
	if (home != NULL && *home != '\0')
		return xasprintf("%s/.config/bitstop/themes", home);
	return NULL;
}

/* Where themes are looked for, in order. */
#define THEME_NDIRS 4

/*
 * The theme directories: the user's, the installed ones, then, for a bitstop
 * run from its build tree before it is installed, themes/ next to the binary
 * and in the source tree. Entries may be NULL; free with theme_dirs_free().
 */
static void
theme_dirs(char *dirs[THEME_NDIRS])
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	dirs[0] = theme_user_dir();
	dirs[1] = xstrdup(PKGDATADIR "/themes");
	dirs[2] = NULL;
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			dirs[2] = xasprintf("%s/themes", exe);
		}
	}
	dirs[3] = xstrdup(THEME_SRCDIR);
}

/* Free what theme_dirs() gave. */
static void
theme_dirs_free(char *dirs[THEME_NDIRS])
{
	for (size_t i = 0; i < THEME_NDIRS; i++)
		free(dirs[i]);
}

/* Path of a theme in the search path, or NULL. */
char *
theme_find(const char *name)
{
	char *dirs[THEME_NDIRS];
	char *found = NULL;
	struct stat sb;

	theme_dirs(dirs);
	if (strchr(name, '/') != NULL) {
		found = stat(name, &sb) == 0 && S_ISREG(sb.st_mode) ? xstrdup(name) : NULL;
	} else if (theme_name_plain(name)) {
		for (size_t i = 0; i < THEME_NDIRS && found == NULL; i++) {
			char *p;

			if (dirs[i] == NULL)
				continue;
			p = xasprintf("%s/%s" THEME_SUFFIX, dirs[i], name);
			if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
				found = p;
			else
				free(p);
		}
	}
	theme_dirs_free(dirs);
	return found;
}

/* Read a whole (small) text file. NULL with *cause. */
static char *
theme_read_file(const char *path, char **cause)
{
	size_t len;
	char *text = slurp_file(path, THEME_MAX_BYTES, &len, cause);

	if (text != NULL && memchr(text, '\0', len) != NULL) {
		free(text);
		*cause = xasprintf("%s: not a text file", path);
		return NULL;
	}
	return text;
}

/* Load theme `name` over the compiled-in defaults. */
int
theme_load(struct theme *t, const char *name, char **cause)
{
	char *path = theme_find(name), *text;
	bool mono = strcmp(name, "mono") == 0;
	int rc;

	if (path == NULL) {
		if (mono || strcmp(name, "default") == 0) {
			theme_reset(t, mono);
			return 0;
		}
		char **names;
		size_t nn;
		struct strbuf sb;

		names = theme_list(&nn);
		strbuf_init(&sb);
		for (size_t i = 0; i < nn; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "", names[i]);
		theme_list_free(names, nn);
		*cause = xasprintf("theme '%s' not found (themes: %s)", name, sb.s);
		strbuf_done(&sb);
		return -1;
	}
	if ((text = theme_read_file(path, cause)) == NULL) {
		free(path);
		return -1;
	}
	theme_reset(t, mono);
	rc = theme_parse(t, text, path, cause);
	free(t->name);
	t->name = xstrdup(name);
	free(text);
	free(path);
	return rc;
}

/* Add the theme names found in dir to a list. */
static void
theme_list_dir(const char *dir, char ***list, size_t *n)
{
	DIR *d = dir != NULL ? opendir(dir) : NULL;
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), sl = strlen(THEME_SUFFIX);
		char *stem;

		if (len <= sl || strcmp(de->d_name + len - sl, THEME_SUFFIX) != 0)
			continue;
		stem = xstrndup(de->d_name, len - sl);
		if (!theme_name_plain(stem)) {
			free(stem);
			continue;
		}
		*list = xreallocarray(*list, *n + 1, sizeof **list);
		(*list)[(*n)++] = stem;
	}
	closedir(d);
}

/* qsort comparator for names. */
static int
theme_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted unique names of every theme found, plus "default". */
char **
theme_list(size_t *n)
{
	char *dirs[THEME_NDIRS];
	char **list = xmalloc(sizeof *list);
	size_t out = 0;

	*n = 0;
	list[(*n)++] = xstrdup("default");
	theme_dirs(dirs);
	for (size_t i = 0; i < THEME_NDIRS; i++)
		theme_list_dir(dirs[i], &list, n);
	theme_dirs_free(dirs);
	qsort(list, *n, sizeof *list, theme_name_cmp);
	for (size_t i = 0; i < *n; i++) {
		if (out > 0 && strcmp(list[out - 1], list[i]) == 0) {
			free(list[i]);
			continue;
		}
		list[out++] = list[i];
	}
	*n = out;
	return list;
}

/* Free a theme_list() result. */
void
theme_list_free(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* A colour the terminal can show: bright colours fold to their base, others to default. */
static short
theme_clamp_color(short c)
{
	if (c < 0 || c < COLORS)
		return c;
	if (c < 16 && c - 8 < COLORS)
		return (short)(c - 8);
	return THEME_DEF;
}

/* Resolve the roles into curses attributes. */
void
theme_apply(struct theme *t, bool color)
{
	t->color = color;
	for (int i = 0; i < THEME_ROLE_COUNT; i++) {
		t->attr[i] = t->style[i].attrs;
		if (color && i + 1 < COLOR_PAIRS) {
			init_pair((short)(i + 1), theme_clamp_color(t->style[i].fg),
			    theme_clamp_color(t->style[i].bg));
			t->attr[i] |= COLOR_PAIR(i + 1);
		}
	}
}

/* The curses attribute of a role. */
attr_t
theme_attr(const struct theme *t, enum theme_role role)
{
	return (unsigned)role < THEME_ROLE_COUNT ? t->attr[role] : A_NORMAL;
}
