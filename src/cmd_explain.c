/*
 * cmd_explain: `merit explain EMPLOYEE_ID` — every step from the employee's
 * input rows to their rating and bonus, as text a finance person can check
 * by hand. Computes the whole company (normalisation and the bonus depend on
 * everyone) and writes nothing.
 */
#include "cmd.h"
#include "pipeline.h"
#include "render/render.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <stdio.h>

int cmd_explain(const struct cmd_opts *o, struct diag *d)
{
	struct pipeline p;
	struct strbuf sb = STRBUF_INIT;
	long idx;
	int status = MERIT_OK, rc;

	rc = pipeline_load(&p, o->config, o->period, o->output_dir, d);
	if (rc == 0) {
		p.keep_details = 1;    /* turnover and review360 are shown with their parts */
		rc = pipeline_compute(&p, d);
	}
	if (rc < 0 || d->status) {
		status = d->status ? d->status : MERIT_SOFTWARE;
		goto out;
	}
	idx = company_find(&p.company, o->args[0]);
	if (idx < 0) {
		diag_error(d, MERIT_USAGE, NULL, 0, 0, "employee '%s' is not in the HR export",
			   o->args[0]);
		diag_hint(d, "give an employee_id as written in %s",
			  p.cfg.inputs[INPUT_HR].file);
		status = MERIT_USAGE;
		goto out;
	}
	explain_employee(&p.company, &p.cfg, (size_t)idx, &sb);
	fputs(sb.buf, stdout);
out:
	strbuf_release(&sb);
	pipeline_release(&p);
	return status;
}
