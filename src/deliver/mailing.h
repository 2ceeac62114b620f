/*
 * mailing: `merit mail` without the command line: for each in-scope
 * employee (or the --only ids), decide from the mail ledger whether their
 * letter is due, build the message and send it (or, in a dry run, write it
 * as an .eml file), and record each delivery the moment the server took it.
 *
 * Privacy rule, asserted in code: a message goes to the HR address of one
 * employee (plus the optional [mail] bcc as an envelope recipient only) and
 * carries that employee's letter and nothing else.
 */
#ifndef MERIT_MAILING_H
#define MERIT_MAILING_H

#include "util/shard.h"

#include <stddef.h>

struct company;
struct config;
struct diag;

struct mailing_opts {
	const char *output_root;     /* letters in <root>/<period>/letters/ */
	const char *const *only;     /* employee ids, or NULL for everyone in scope */
	size_t nonly;
	int resend;                  /* also send letters changed since they were sent */
	int dry_run;                 /* write <root>/<period>/mail/<id>.eml, record nothing */
	int managers;                /* the team packs (<root>/<period>/managers/) to
	                                each manager instead of the letters; dry runs
	                                write mail/managers/<id>.eml */
	struct shard shard;          /* only this shard's employees (SPEC 12); n 0: all */
};

struct mailing_stats {
	size_t sent, written, already_sent, changed, failed, bad_address, no_letter;
};

/*
 * Returns MERIT_OK, or the exit status: a data problem (bad address 65,
 * missing letter 66, changed letter not resent 65) outranks a delivery
 * failure (MERIT_TEMPFAIL 75: running again sends only what is missing).
 * Every problem is a diag message naming the employee and address.
 */
int mailing_run(const struct config *cfg, const struct company *c,
		const struct mailing_opts *o, struct mailing_stats *st, struct diag *d);

#endif
