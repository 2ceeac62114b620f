/*
 * ledger_mail: which review letters were mailed, in the history database
 * (<state_dir>/history.db) next to ledger.c's results tables but in a table
 * of its own:
 *
 *   mail_sent(period, employee_id, message_id, letter_sha256, sent_at,
 *             PRIMARY KEY(period, employee_id))
 *
 * A row is written right after the SMTP server accepted the message, in its
 * own transaction, so a killed run has recorded every message it delivered
 * and re-sends none of them.
 *
 * Ownership: ledger_mail_open() returns a heap object that ledger_mail_free()
 * closes (NULL is fine).
 */
#ifndef MERIT_LEDGER_MAIL_H
#define MERIT_LEDGER_MAIL_H

#include <stdint.h>

struct diag;

struct ledger_mail;

/* What is mailed: review letters (table mail_sent) or the managers' team
 * packs (table pack_sent, same columns; `merit mail --managers`). */
enum ledger_mail_kind { LEDGER_MAIL_LETTERS, LEDGER_MAIL_PACKS };

struct ledger_mail_entry {
	char message_id[256];
	char letter_sha256[65];
	char sent_at[32];          /* "2026-11-01T08:00:00Z" */
};

/*
 * Opens state_dir/history.db. create=1 creates the folder (0700), the file
 * and the table as needed; create=0 (dry runs) opens read-only and gives an
 * empty ledger when the file or table does not exist yet. NULL on error.
 */
struct ledger_mail *ledger_mail_open(const char *state_dir, int create, struct diag *d);
/* The same for one kind of document: ledger_mail_open() is LEDGER_MAIL_LETTERS. */
struct ledger_mail *ledger_mail_open_kind(const char *state_dir, int create,
					  enum ledger_mail_kind kind, struct diag *d);
void ledger_mail_free(struct ledger_mail *l);

/* 1 and *e filled if (period, employee_id) was sent, 0 if not, -1 on error. */
int ledger_mail_lookup(struct ledger_mail *l, const char *period, const char *employee_id,
		       struct ledger_mail_entry *e, struct diag *d);

/* Records (or replaces, for a resend) one sent message; committed on return. */
int ledger_mail_record(struct ledger_mail *l, const char *period, const char *employee_id,
		       const char *message_id, const char *letter_sha256, int64_t sent_at,
		       struct diag *d);

/*
 * Shards (SPEC 12) share no SQLite writer: a shard's ledger reads history.db
 * read-only and records into a journal file of its own (one line per
 * message, appended and fdatasync'ed when the server accepted it; lookups
 * see both). The next `merit mail` without --shard merges every journal
 * of the period into history.db and removes it: INSERT OR REPLACE of the
 * same rows, so a merge cut short is simply done again, never doubled.
 */
struct ledger_mail *ledger_mail_open_journal(const char *state_dir, enum ledger_mail_kind kind,
					     const char *journal, struct diag *d);
/* Merges the journal file into l (opened with create = 1) and removes it;
 * 0 also when there is no such file, -1 on error. */
int ledger_mail_merge(struct ledger_mail *l, const char *journal, struct diag *d);

/* Rows recorded for a period (tests, summaries); -1 on error. */
long ledger_mail_count(struct ledger_mail *l, const char *period, struct diag *d);

#endif
