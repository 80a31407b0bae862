/*
 * app: what main() (bitstop.c) hands the interactive front end, and the
 * front end's entry point. The core (src/) knows nothing of it.
 */
#ifndef BITSTOP_APP_H
#define BITSTOP_APP_H

#include <stdbool.h>

struct config;
struct poller;
struct audit;

struct app {
	struct config *cfg;	/* hosts, refresh, theme, readonly */
	struct poller *poller;	/* started */
	struct audit *audit;	/* may be NULL when the log could not be opened */
	char	*audit_error;	/* why, when audit is NULL */
	const char *theme;	/* theme name from --theme or config */
	bool	 no_color;
	bool	 insecure;	/* some host has TLS verification off */
	bool	 readonly;
	bool	 demo;		/* monitoring the embedded simulated fleet */
	double	 refresh;	/* seconds */
};

/* Check that theme `name` exists and parses before the screen starts. -1 with *cause. */
int app_check_theme(const char *name, char **cause);
/* Run the full-screen UI until the user quits. Returns the exit status. */
int app_run_tui(struct app *app);

#endif
