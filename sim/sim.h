/* sim: types shared by bitsim's modules (configuration, hosts, the server). */
#ifndef BITSIM_SIM_H
#define BITSIM_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sim/sim_host.h"
#include "sim/sim_timer.h"

#define SIM_MAX_HOSTS	2000	/* per process */
#define SIM_MAX_WORKERS	32

/* Where a fault-injection rule sends the request. */
enum sim_fault_kind {
	SIM_FK_NONE = 0,
	SIM_FK_TIMEOUT,		/* w:TimedOut after a delay */
	SIM_FK_REFUSED,		/* listener closed */
	SIM_FK_RESET,		/* connection reset in the middle of the body */
	SIM_FK_500,		/* WMI generic failure fault */
	SIM_FK_401,		/* authentication refused */
	SIM_FK_503,		/* HTTP.sys service unavailable */
	SIM_FK_NOPROVIDER,	/* BITS provider not installed */
	SIM_FK_DENIED,		/* access denied fault */
	SIM_FK_TRUNCATE,	/* body shorter than Content-Length */
	SIM_FK_MALFORMED,	/* 200 with broken XML */
	SIM_FK_TRICKLE,		/* body sent a few bytes at a time */
	SIM_FK_COUNT
};

/* Fault-injection state of one host. */
struct sim_fault_state {
	enum sim_fault_kind kind;
	unsigned	 latency_ms;	/* added before every answer */
	unsigned	 ms;		/* kind parameter (timeout delay, trickle period) */
	unsigned	 bytes;		/* trickle chunk size */
	double		 prob;		/* chance that a request is affected */
	unsigned	 count;		/* requests left to affect; 0 = no limit */
};

/* Process-wide settings from the command line. */
struct sim_config {
	int		 nhosts;
	int		 jobs;
	int		 max_jobs;	/* MaxJobsPerMachine */
	uint64_t	 seed;
	double		 speed;
	double		 churn;		/* mean seconds between new jobs per host; 0 = off */
	double		 epoch;		/* simulated Unix time at start */
	int		 auth_none;
	int		 auth_negotiate;	/* Kerberos and NTLM through GSS-API */
	int		 require_encryption;	/* plain bodies on HTTP refused */
	const char	*user;
	char		*password;	/* from $BITSIM_PASSWORD */
	const char	*tls_cert;
	const char	*tls_key;
	int		 batching_all;	/* 0: first-one (2008 R2/2012) */
	int		 method_faults;	/* 1: BITS errors as SOAP faults */
	int		 create_suspended;
	size_t		 max_envelope;	/* server MaxEnvelopeSizekb * 1024 */
	unsigned	 enum_timeout_ms;
	unsigned	 max_enum_per_user;
	unsigned	 max_timeout_ms;
	size_t		 pull_bytes;	/* about this much item data per Pull */
	int		 client_hosts;	/* the last K hosts are clients */
	unsigned	 max_shells;	/* MaxShellsPerUser */
	double		 shell_idle_max; /* Winrs IdleTimeout, seconds */
	size_t		 shell_chunk;	/* most stdout bytes per ReceiveResponse */
	int		 workers;	/* processes serving the hosts (--workers) */
	int		 worker;	/* this process's share: hosts i % workers == worker */
};

/* An open enumeration: the rendered items still to be pulled. */
struct sim_enum {
	struct sim_enum	*next;
	char		 id[42];	/* "uuid:..." */
	char		*user;
	double		 expires;	/* monotonic seconds */
	char		**items;
	size_t		 nitems;
	size_t		 pos;
};

struct MHD_Daemon;
struct sim_pending;
struct sim_shell;
struct sim_net_ops;

/* One simulated Windows host: its jobs, enumerations, faults and listener. */
struct sim_server;

struct sim_site {
	struct sim_server *srv;
	int		 index;
	char		 machine[16];	/* "SIM-<n>" */
	struct sim_host	 host;
	struct sim_enum	*enums;
	struct sim_fault_state fault;
	uint64_t	 requests;
	uint64_t	 connections;
	uint64_t	 handshakes;	/* Negotiate handshakes completed */
	uint64_t	 encrypted;	/* requests that arrived sealed */
	uint64_t	 get_errors;	/* GetError invocations among the requests */
	/* network */
	struct sockaddr_storage addr;
	socklen_t	 addrlen;
	char		 addrstr[64];	/* "ADDR:PORT" */
	struct MHD_Daemon *daemon;
	int		 epfd;		/* the daemon's epoll fd, or -1 */
	int		 listening;
	struct sim_pending *pending;	/* delayed requests of this host */
	/* Windows 10/11 client (no BITS provider) and its WinRS shells */
	int		 client;
	struct sim_shell *shells;
	int		 not_logged_on;	/* create/resume from a shell: 0x800704DD */
	uint64_t	 shells_created;	/* WinRS shells ever created */
};

/* The whole simulator. */
struct sim_server {
	struct sim_config cfg;
	struct sim_site	*sites;
	int		 nsites;
	uint64_t	 rng;		/* message ids, contexts, fractions */
	/* clock */
	double		 mono_start;
	double		 time_offset;	/* simulated seconds added by /advance */
	/* control listener */
	struct sockaddr_storage ctl_addr;
	socklen_t	 ctl_addrlen;
	char		 ctl_addrstr[64];
	struct MHD_Daemon *ctl_daemon;
	int		 ctl_epfd;
	/* event loop */
	int		 epfd;
	int		 sigfd;
	int		 quit;
	const struct sim_net_ops *ops;	/* what the loop calls (sim_net.h) */
	struct sim_timers timers;	/* held-back requests, by due time */
	char		*tls_cert_pem;
	char		*tls_key_pem;
};

#endif
