#include "config.h"

#include "tui/newjob.h"

#include <stdlib.h>

#include "src/cfg.h"
#include "src/xalloc.h"
#include "tui/dialog.h"
#include "tui/ui.h"

/* The new-job form answered. */
static void
newjob_done(struct ui *ui, void *arg, int choice, char *const *texts)
{
	size_t host = *(size_t *)arg;
	struct action_req *req;

	free(arg);
	if (ui == NULL || choice < 0)
		return;
	for (size_t i = 0; i < 3; i++) {
		if (texts[i][0] == '\0') {
			ui_status(ui, true, "new job not created: every field is needed");
			return;
		}
	}
	req = action_req_new(ACTION_CREATE, host, NULL, NULL);
	req->display_name = xstrdup(texts[0]);
	req->remote_url = xstrdup(texts[1]);
	req->local_file = xstrdup(texts[2]);
	req->type = (unsigned)choice;
	actions_submit_create(ui->actions, ui->model, req, ui_now_wall(ui));
	ui_status(ui, false, "create '%s' on %s: sent", texts[0], model_host(ui->model, host)->name);
}

/* Open the new-job form for host, unless actions are refused there. */
void
newjob_open(struct ui *ui, size_t host)
{
	static const char *const labels[] = { "Display name", "Remote URL", "Local file" };
	/* CreateJob's types the poller sends (enum bits_job_type order). */
	static const char *const types[] = { "download", "upload" };
	const struct config *cfg = ui->policy.cfg;
	size_t *arg;
	char *why, *title;

	if ((why = ui_refusal(ui)) != NULL) {
		ui_status(ui, true, "%s", why);
		free(why);
		return;
	}
	if (cfg != NULL && host < cfg->nhosts && cfg->hosts[host].readonly) {
		ui_status(ui, true, "read-only: %s is read-only in the config", model_host(ui->model, host)->name);
		return;
	}
	arg = xmalloc(sizeof *arg);
	*arg = host;
	title = xasprintf("New job on %s", model_host(ui->model, host)->name);
	ui_push(ui, dialog_form(title, labels, 3, "Type", types, 2, newjob_done, arg));
	free(title);
}

