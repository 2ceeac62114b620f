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

#include <stddef.h>
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

/* A median month's pay (cents) below the first looks like an hourly rate,
 * at or above the second like a year's pay: hr.c's check of a run, and
 * init's guess of salary_period, judge by the same figures. */
#define INGEST_PAY_HOURLY_BELOW 50000
#define INGEST_PAY_YEARLY_FROM 5000000
/* The median of v[0..n) (the upper one of an even count; 0 if none), v sorted. */
int64_t ingest_median_cents(int64_t *v, size_t n);

#endif
