#include "config.h"

#include "tui/newjob.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/bits_job.h"
#include "src/cfg.h"
#include "src/xalloc.h"
#include "tui/dialog.h"
#include "tui/ui.h"

/* The form's text fields and rows of choices, in order. */
enum newjob_field {
	NEWJOB_NAME,
	NEWJOB_URL,
	NEWJOB_FILE,
	NEWJOB_TYPE,		/* the first row of choices */
	NEWJOB_PRIORITY,
	NEWJOB_SUSPENDED,
	NEWJOB_COUNT
};

#define NEWJOB_TEXTS 3

/* CreateJob's types (enum bits_job_type order). */
static const char *const newjob_types[] = { "download", "upload" };
/* Priorities (enum bits_priority order). */
static const char *const newjob_pris[] = { "FOREGROUND", "HIGH", "NORMAL", "LOW" };
static const char *const newjob_yesno[] = { "no", "yes" };

/* Is s an http:// or https:// URL with a host? */
static bool
newjob_url_ok(const char *s)
{
	size_t skip = strncasecmp(s, "https://", 8) == 0 ? 8 : strncasecmp(s, "http://", 7) == 0 ? 7 : 0;

	return skip > 0 && s[skip] != '\0' && s[skip] != '/';
}

/* Is s an absolute Windows path: C:\... or \\server\share\...? */
static bool
newjob_path_ok(const char *s)
{
	if (isalpha((unsigned char)s[0]) && s[1] == ':' && s[2] == '\\' && s[3] != '\0')
		return true;
	if (s[0] == '\\' && s[1] == '\\' && s[2] != '\0' && s[2] != '\\') {
		const char *share = strchr(s + 2, '\\');

		return share != NULL && share[1] != '\0' && share[1] != '\\';
	}
	return false;
}

/* Check the form: which field is wrong and why (malloc'd), or NULL. */
static char *
newjob_check(struct ui *ui, void *arg, int choice, char *const *texts, size_t *field)
{
	(void)ui;
	(void)arg;
	(void)choice;
	if (texts[NEWJOB_NAME][0] == '\0') {
		*field = NEWJOB_NAME;
		return xstrdup("Display name: give the job a name");
	}
	if (!newjob_url_ok(texts[NEWJOB_URL])) {
		*field = NEWJOB_URL;
		return xstrdup("Remote URL: must be an http:// or https:// URL with a host");
	}
	if (!newjob_path_ok(texts[NEWJOB_FILE])) {
		*field = NEWJOB_FILE;
		return xstrdup("Local file: must be an absolute Windows path (C:\\dir\\file or \\\\server\\share\\file)");
	}
	return NULL;
}

/* Index of text in v, or 0. */
static size_t
newjob_index(const char *const *v, size_t n, const char *text)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], text) == 0)
			return i;
	return 0;
}

/* The new-job form answered (checked already). */
static void
newjob_done(struct ui *ui, void *arg, int choice, char *const *texts)
{
	size_t host = *(size_t *)arg;
	struct actions_create_then then;
	struct action_req *req;

	free(arg);
	if (ui == NULL || choice < 0)
		return;
	req = action_req_new(ACTION_CREATE, host, NULL, NULL);
	req->display_name = xstrdup(texts[NEWJOB_NAME]);
	req->remote_url = xstrdup(texts[NEWJOB_URL]);
	req->local_file = xstrdup(texts[NEWJOB_FILE]);
	req->type = (unsigned)newjob_index(newjob_types, 2, texts[NEWJOB_TYPE]);
	then.priority = (unsigned)newjob_index(newjob_pris, BITS_PRIORITY_COUNT, texts[NEWJOB_PRIORITY]);
	req->suspended = strcmp(texts[NEWJOB_SUSPENDED], "yes") == 0;
	actions_submit_create(ui->actions, ui->model, req, &then, ui_now_wall(ui));
	ui_status(ui, false, "create %s '%s' on %s: sent", texts[NEWJOB_TYPE], texts[NEWJOB_NAME],
	    model_host(ui->model, host)->name);
}

/* Open the new-job form for host, unless actions are refused there. */
void
newjob_open(struct ui *ui, size_t host)
{
	static const char *const labels[NEWJOB_TEXTS] = { "Display name", "Remote URL", "Local file" };
	static const struct dialog_choice rows[] = {
		{ "Type", newjob_types, 2, 0 },
		{ "Priority", newjob_pris, BITS_PRIORITY_COUNT, BITS_PRIORITY_NORMAL },
		{ "Start suspended", newjob_yesno, 2, 0 },
	};
	const struct config *cfg = ui->policy.cfg;
	struct screen *form;
	size_t *arg;
	char *why, *title;

	if ((why = ui_refusal(ui)) != NULL) {
		ui_status(ui, true, "%s", why);
		free(why);
		return;
	}
	if (cfg != NULL && host < cfg->nhosts && cfg->hosts[host].settings.readonly) {
		ui_status(ui, true, "read-only: %s is read-only in the config", model_host(ui->model, host)->name);
		return;
	}
	arg = xmalloc(sizeof *arg);
	*arg = host;
	title = xasprintf("New job on %s", model_host(ui->model, host)->name);
	form = dialog_form(title, labels, NULL, NEWJOB_TEXTS, rows, sizeof rows / sizeof rows[0], newjob_done,
	    arg);
	dialog_set_check(form, newjob_check);
	ui_push(ui, form);
	free(title);
}
