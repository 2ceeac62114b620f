/*
 * cmd_history: `merit history EMPLOYEE_ID` — the employee's past periods
 * from the ledger (scores, ratings, bonuses, flags). Reads only the config
 * and the ledger.
 */
#include "cmd.h"
#include "config.h"
#include "deliver/ledger.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <stdio.h>

int cmd_history(const struct cmd_opts *o, struct diag *d)
{
	struct config cfg;
	struct strbuf sb = STRBUF_INIT;
	int status = MERIT_OK;

	if (config_load(&cfg, o->config, d) < 0)
		return d->status ? d->status : MERIT_CONFIG;
	if (ledger_history(&cfg, o->args[0], &sb, d) < 0)
		status = d->status ? d->status : MERIT_SOFTWARE;
	else
		fputs(sb.buf, stdout);
	strbuf_release(&sb);
	config_release(&cfg);
	return status;
}
