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

#include <stdint.h>

struct company;
struct config;
struct diag;
struct input_conf;

/* Loads every declared input. Returns 0, or -1 with d->status set. */
int ingest_load(struct company *c, const struct config *cfg, struct diag *d);

/* base_salary in cents as the HR input exports it -> a month's pay
 * (salary_period, hours_per_year; rounded to the cent once). -1 past int64. */
int ingest_monthly_cents(const struct input_conf *ic, int64_t *cents);

#endif
