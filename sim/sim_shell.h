/*
 * sim_shell: the WinRS remote shell resource (…/windows/shell/cmd) of a
 * simulated host, and the simulated powershell.exe that serves bitstop's agent
 * protocol over the host's job model (sim_agent.c).
 */
#ifndef BITSIM_SIM_SHELL_H
#define BITSIM_SIM_SHELL_H

#include "sim/sim.h"
#include "sim/sim_wsman.h"
#include "src/strbuf.h"

#define SIM_SHELL_URI	"http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd"
#define SIM_NS_RSP	"http://schemas.microsoft.com/wbem/wsman/1/windows/shell"

/* One running command of a shell. */
struct sim_cmd {
	struct sim_cmd	*next;
	char		 id[37];
	int		 agent;		/* the bitstop agent (else a cmd built-in) */
	struct strbuf	 in;		/* stdin not yet a whole line */
	struct strbuf	 out;		/* stdout not yet received */
	struct strbuf	 err;		/* stderr not yet received */
	int		 done;		/* the process has ended */
	int		 exit_code;
	int		 reported;	/* Done has been received */
};

/* One shell. */
struct sim_shell {
	struct sim_shell *next;
	char		 id[37];
	char		*owner;		/* user who created it */
	double		 idle_timeout;	/* seconds */
	double		 last_used;	/* monotonic seconds */
	double		 created;
	struct sim_cmd	*cmds;
};

/* Handle a request on the shell resource. */
void sim_shell_handle(struct sim_req *rq, struct sim_reply *out);
/* Shells open on a site (expired ones are dropped first). */
unsigned sim_shell_count(struct sim_site *site);
/* Agent processes running on a site. */
unsigned sim_shell_agents(struct sim_site *site);
/* Drop every shell of a site (all, or only the idle-expired ones). */
void sim_shell_sweep(struct sim_site *site, int expired_only);
/* End the agent processes of a site's shells as if they had crashed. */
void sim_shell_kill_agents(struct sim_site *site);

/* sim_agent.c: feed one stdin line to the agent; its answer goes to cmd->out. */
void sim_agent_line(struct sim_req *rq, struct sim_cmd *cmd, const char *line);
/* The agent's start-up noise on stderr (a CLIXML progress record). */
void sim_agent_start(struct sim_cmd *cmd);

#endif
