/*
 * ingest: reading the six CSV exports into the model (SPEC section 3).
 *
 * HR first (employees), then sales, streamed: every sales metric of the
 * config (`from = sales`) is aggregated per employee as rows arrive, so
 * memory grows with employees, never with sales rows. The small inputs
 * (targets, metrics, reviews, training) are kept as rows in the company.
 *
 * Per-row problems are collected in the diag (file:line:col, kind from
 * enum row_problem, error or warning by [policy]); a missing file is
 * MERIT_NOINPUT, a missing column or undecodable file MERIT_DATAERR.
 */
#ifndef MERIT_INGEST_H
#define MERIT_INGEST_H

struct company;
struct config;
struct diag;

/* Loads every declared input. Returns 0, or -1 with d->status set. */
int ingest_load(struct company *c, const struct config *cfg, struct diag *d);

#endif
