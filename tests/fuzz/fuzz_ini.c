/*
 * fuzz_ini: libFuzzer harness for config_load() on arbitrary INI text.
 *
 * The text is written to merit.ini in a private temporary folder (paths in
 * it resolve against that folder, so a fuzzed `file =` never reaches the
 * source tree). Checked: no crash, no UB, no leak (LeakSanitizer), and the
 * contract of config.h: 0, or -1 with d.status MERIT_NOINPUT (66) or
 * MERIT_CONFIG (78) and at least one error. A loaded config must answer
 * the lookups the pipeline makes and release cleanly.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_common.h"
#include "util/diag.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walks what the compute stages index into: every index must be in range. */
static void check_loaded(const struct config *cfg)
{
	size_t i, j;
	for (i = 0; i < cfg->nkpis; i++) {
		const struct kpi_def *k = &cfg->kpis[i];
		CHECK(k->metric >= 0 && (size_t)k->metric < cfg->nmetrics);
		CHECK(config_kpi_index(cfg, k->name) >= 0);
		for (j = 1; j < k->nbands; j++)
			CHECK(k->bands[j - 1].threshold >= k->bands[j].threshold);
	}
	for (i = 0; i < cfg->nmetrics; i++) {
		const struct metric_def *m = &cfg->metrics[i];
		CHECK(config_metric_index(cfg, m->name) >= 0);
		if (m->agg == AGG_RATIO) {
			CHECK(m->num >= 0 && (size_t)m->num < cfg->nmetrics);
			CHECK(m->den >= 0 && (size_t)m->den < cfg->nmetrics);
		}
	}
	for (i = 0; i < cfg->nroles; i++) {
		const struct role_def *r = &cfg->roles[i];
		CHECK(config_role_find(cfg, r->name) >= 0);
		for (j = 0; j < r->nkpis; j++)
			CHECK(r->kpis[j].kpi >= 0 && (size_t)r->kpis[j].kpi < cfg->nkpis);
	}
	for (i = 0; i < cfg->nbands; i++) {
		CHECK(label_get(&cfg->bands[i].label, LOCALE_ZH));
		CHECK(label_get(&cfg->bands[i].label, LOCALE_EN));
	}
	for (i = 0; i < cfg->nvaluesets; i++) {
		const struct valueset *vs = &cfg->valuesets[i];
		CHECK(config_valueset(cfg, vs->name) == vs);
		for (j = 0; j < vs->nr; j++)
			CHECK(valueset_map(vs, vs->values[j].canonical));
	}
	CHECK(label_get(&cfg->company, LOCALE_EN));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct diag d;
	struct strbuf sb = STRBUF_INIT;
	const char *path = fuzz_write("merit.ini", data, size);
	int rc;
	diag_init(&d);
	rc = config_load(&cfg, path, &d);
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		check_loaded(&cfg);
		config_release(&cfg);
	} else {
		CHECK(d.status == MERIT_NOINPUT || d.status == MERIT_CONFIG);
		CHECK(d.errors > 0);
	}
	diag_format(&d, &sb, DIAG_NOTE);
	strbuf_release(&sb);
	diag_release(&d);
	return 0;
}
