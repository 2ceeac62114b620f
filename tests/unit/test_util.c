/*
 * Unit tests of src/util: diag grouping of row problems, strmap/u64set,
 * money formatting, UTF-8 decoding and width, and the atomic output folder
 * with its lock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/num.h"
#include "util/file.h"
#include "util/outdir.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/utf8.h"

static void test_diag_row_limit(void **state)
{
	struct diag d;
	struct strbuf sb = STRBUF_INIT;
	int i;
	(void)state;
	diag_init(&d);
	for (i = 1; i <= 25; i++)
		diag_row(&d, "bad_number", 1, "sales.csv", i + 1, 6, "amount 'x%d' is not a number", i);
	diag_row(&d, "unknown_owner", 0, "sales.csv", 99, 2, "owner 'E9' is not in the HR export");
	/* 20 kept + 1 warning; 25 errors counted; status 65 from the first error. */
	assert_int_equal(d.nr, 21);
	assert_int_equal(d.errors, 25);
	assert_int_equal(d.warnings, 1);
	assert_int_equal(d.status, MERIT_DATAERR);
	assert_int_equal(diag_kind_count(&d, "bad_number"), 25);
	diag_format(&d, &sb, DIAG_WARNING);
	assert_non_null(strstr(sb.buf, "sales.csv:2:6: error: amount 'x1' is not a number\n"));
	assert_null(strstr(sb.buf, "'x21'"));
	assert_non_null(strstr(sb.buf, "5 more 'bad_number' problems not shown (25 in all)"));
	assert_non_null(strstr(sb.buf, "sales.csv:99:2: warning: owner 'E9'"));
	strbuf_release(&sb);
	diag_release(&d);
}

/*
 * The hint of a row problem past its kind's limit is dropped with it, even
 * when the last stored message is of another kind still under its limit
 * (found while reviewing the loaders for tests/fuzz/fuzz_csv: a bad date's
 * "expected 2026-10-05 ..." hint used to replace a bad value's hint).
 */
static void test_diag_hint_of_dropped_row(void **state)
{
	struct diag d;
	struct strbuf sb = STRBUF_INIT;
	int i;
	(void)state;
	diag_init(&d);
	for (i = 1; i <= DIAG_ROW_SHOW; i++)
		diag_row(&d, "bad_date", 1, "sales.csv", i + 1, 4, "date 'x%d' is not a date", i);
	diag_row(&d, "bad_value", 1, "sales.csv", 50, 5, "stage 'maybe' is not one of won, lost");
	diag_hint(&d, "map it to one of them in [values.stage]");
	diag_row(&d, "bad_date", 1, "sales.csv", 51, 4, "date 'x21' is not a date");
	diag_hint(&d, "expected 2026-10-05");
	diag_format(&d, &sb, DIAG_NOTE);
	assert_non_null(strstr(sb.buf, "stage 'maybe' is not one of won, lost\n"
				       "  hint: map it to one of them in [values.stage]\n"));
	assert_null(strstr(sb.buf, "expected 2026-10-05"));
	/* A message stored after the dropped one takes hints again. */
	diag_warn(&d, "sales.csv", 52, 0, "something else");
	diag_hint(&d, "a hint");
	assert_string_equal(d.msgs[d.nr - 1].hint, "a hint");
	strbuf_release(&sb);
	diag_release(&d);
}

/*
 * A stage run on another thread (results.csv beside the workbook) reports
 * into a diag of its own, moved into the run's after the join: messages
 * after the run's own, in their order, with hints; problems counted past
 * a kind's limit still counted; the run's first status kept.
 */
static void test_diag_take(void **state)
{
	struct diag d, part;
	struct strbuf sb = STRBUF_INIT;
	int i;
	(void)state;
	diag_init(&d);
	diag_init(&part);
	diag_warn(&d, "hr.csv", 3, 0, "first");
	diag_error(&part, MERIT_CANTCREAT, "out/results.csv", 0, 0, "cannot write: disk full");
	diag_hint(&part, "free some space");
	for (i = 1; i <= 25; i++)
		diag_row(&part, "bad_date", 0, "sales.csv", i + 1, 4, "date 'x%d' is not a date", i);
	diag_take(&d, &part);
	assert_int_equal(part.nr, 0);
	assert_int_equal(part.errors + part.warnings, 0);
	/* 1 + 1 + 20 kept; 1 error; 1 + 25 warnings (5 only counted). */
	assert_int_equal(d.nr, 22);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.warnings, 26);
	assert_int_equal(d.status, MERIT_CANTCREAT);
	assert_int_equal(diag_kind_count(&d, "bad_date"), 25);
	diag_format(&d, &sb, DIAG_NOTE);
	assert_non_null(strstr(sb.buf, "hr.csv:3: warning: first\n"
				       "out/results.csv: error: cannot write: disk full\n"
				       "  hint: free some space\n"
				       "sales.csv:2:4: warning: date 'x1' is not a date\n"));
	assert_non_null(strstr(sb.buf, "5 more 'bad_date' problems not shown (25 in all)"));
	/* The run's status stays the first one. */
	diag_error(&part, MERIT_DATAERR, NULL, 0, 0, "later");
	diag_take(&d, &part);
	assert_int_equal(d.status, MERIT_CANTCREAT);
	assert_int_equal(d.errors, 2);
	strbuf_release(&sb);
	diag_release(&d);
}

static void test_diag_config_place(void **state)
{
	struct diag d;
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	diag_init(&d);
	assert_int_equal(diag_config(&d, "merit.ini", 42, "bonus", "pol", "unknown key"), -1);
	diag_hint(&d, "did you mean 'pool'?");
	assert_int_equal(d.status, MERIT_CONFIG);
	diag_format(&d, &sb, DIAG_ERROR);
	assert_string_equal(sb.buf, "merit.ini:42: error: [bonus] pol: unknown key\n"
			    "  hint: did you mean 'pool'?\n");
	strbuf_release(&sb);
	diag_release(&d);
}

static void test_strmap_many(void **state)
{
	struct strmap m;
	char keys[5000][12];
	size_t i, v;
	(void)state;
	strmap_init(&m);
	for (i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "E%05zu", i);
		assert_int_equal(strmap_put(&m, keys[i], i * 3), 1);
	}
	assert_int_equal(strmap_put(&m, keys[7], 1), 0);   /* replace */
	for (i = 0; i < 5000; i++) {
		assert_int_equal(strmap_get(&m, keys[i], &v), 1);
		assert_int_equal(v, i == 7 ? 1 : i * 3);
	}
	assert_int_equal(strmap_get(&m, "E99999", &v), 0);
	{
		/* The frozen copy finds the same values through keys of its own
		 * (the originals overwritten first), and nothing else. */
		struct strmap_frozen frozen, none;
		struct strmap empty;
		strmap_freeze(&frozen, &m);
		for (i = 0; i < 5000; i++)
			keys[i][0] = 'X';
		for (i = 0; i < 5000; i++) {
			char k[12];
			snprintf(k, sizeof(k), "E%05zu", i);
			assert_int_equal(strmap_frozen_get(&frozen, k, &v), 1);
			assert_int_equal(v, i == 7 ? 1 : i * 3);
		}
		assert_int_equal(strmap_frozen_get(&frozen, "E99999", &v), 0);
		assert_int_equal(strmap_frozen_get(&frozen, "E0000", &v), 0);    /* a prefix */
		assert_int_equal(strmap_frozen_get(&frozen, "E000001", &v), 0);  /* one more byte */
		assert_int_equal(strmap_frozen_get(&frozen, "", &v), 0);
		assert_int_equal(frozen.nr, 5000);
		/* 5000 keys at most 70 % full: 8192 slots (4096 would be 122 %) */
		assert_int_equal(frozen.cap, 8192);
		assert_int_equal((uintptr_t)frozen.slots % 64, 0);
		strmap_frozen_release(&frozen);
		strmap_init(&empty);
		strmap_freeze(&none, &empty);
		assert_int_equal(strmap_frozen_get(&none, "E00001", &v), 0);
		strmap_frozen_release(&none);
	}
	strmap_release(&m);
}

/*
 * Keys around the inline size (15 bytes in the slot, longer ones in the
 * copy's block): each is found with its value, a key differing only in its
 * last byte or one byte shorter or longer is not, and the hash that
 * strmap_frozen_prefetch() returns is the key's str_hash(), which
 * strmap_frozen_get_hashed() takes.
 */
/*
 * A map whose slots reach 2 MiB (65,536 slots of 32 bytes: 30,000 keys at
 * most 70 % full) takes the mmap'd, 2 MiB-aligned path: every key is found
 * there too, long (arena) keys among them, and release unmaps it.
 */
static void test_strmap_frozen_big(void **state)
{
	enum { N = 30000 };
	struct strmap m;
	struct strmap_frozen f;
	char (*keys)[32] = malloc(N * sizeof(*keys));
	size_t i, v;
	(void)state;
	assert_non_null(keys);
	strmap_init(&m);
	for (i = 0; i < N; i++) {
		/* every third key past the 15 inline bytes */
		snprintf(keys[i], sizeof(keys[i]), i % 3 ? "E%06zu" : "employee-long-%06zu", i);
		assert_int_equal(strmap_put(&m, keys[i], i), 1);
	}
	strmap_freeze(&f, &m);
	assert_int_equal(f.cap, 65536);
	assert_true(f.mapped);   /* 2 MiB of anonymous memory: mmap'd, not calloc'd */
	assert_int_equal((uintptr_t)f.slots % (2u << 20), 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(strmap_frozen_get(&f, keys[i], &v), 1);
		assert_int_equal(v, i);
	}
	assert_int_equal(strmap_frozen_get(&f, "employee-long-030000", &v), 0);
	strmap_frozen_release(&f);
	strmap_release(&m);
	free(keys);
}

static void test_strmap_frozen_long_keys(void **state)
{
	static const char *keys[] = {
		"", "E1", "E0000614", "ABCDEFGHIJKLMN", "ABCDEFGHIJKLMNO",
		"ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOPQ",
		"sales.team.lead.north-east@example-trading.cn",
		"sales.team.lead.north-east@example-trading.co",
	};
	size_t n = sizeof(keys) / sizeof(keys[0]), i, v;
	char buf[64];
	struct strmap m;
	struct strmap_frozen f;
	(void)state;
	strmap_init(&m);
	for (i = 0; i < n; i++)
		strmap_put(&m, keys[i], 100 + i);
	strmap_freeze(&f, &m);
	strmap_release(&m);   /* the frozen copy needs nothing of m */
	assert_int_equal(f.nr, n);
	for (i = 0; i < n; i++) {
		size_t len = strlen(keys[i]);
		uint64_t h = strmap_frozen_prefetch(&f, keys[i], len);
		assert_true(h == str_hash(keys[i], len));
		v = 0;
		assert_int_equal(strmap_frozen_get_hashed(&f, keys[i], len, h, &v), 1);
		assert_int_equal(v, 100 + i);
		if (!len)
			continue;
		/* the last byte changed: not found */
		snprintf(buf, sizeof(buf), "%s", keys[i]);
		buf[len - 1] = '#';
		assert_int_equal(strmap_frozen_get(&f, buf, &v), 0);
		/* one byte longer ('#'): not found */
		snprintf(buf, sizeof(buf), "%s#", keys[i]);
		assert_int_equal(strmap_frozen_get(&f, buf, &v), 0);
	}
	/* one byte shorter: found only where that is a key itself (the
	 * 15-byte key less its 'O' is the 14-byte key, 104 - 1 = 103) */
	assert_int_equal(strmap_frozen_get(&f, "ABCDEFGHIJKLMN", &v), 1);
	assert_int_equal(v, 103);
	assert_int_equal(strmap_frozen_get(&f, "E000061", &v), 0);
	assert_int_equal(strmap_frozen_get(&f, "sales.team.lead.north-east@example-trading.c", &v),
			 0);
	/* a long key is looked up by its bytes, not by where it was */
	snprintf(buf, sizeof(buf), "%s", keys[7]);
	assert_int_equal(strmap_frozen_get(&f, buf, &v), 1);
	assert_int_equal(v, 107);
	strmap_frozen_release(&f);
}

static void test_u64set(void **state)
{
	struct u64set s;
	uint64_t i;
	(void)state;
	u64set_init(&s);
	for (i = 0; i < 1000; i++)
		assert_int_equal(u64set_add(&s, i * 7919), 1);   /* includes 0 */
	for (i = 0; i < 1000; i++)
		assert_int_equal(u64set_add(&s, i * 7919), 0);
	assert_int_equal(u64set_count(&s), 1000);
	assert_true(u64set_has(&s, 0));
	assert_false(u64set_has(&s, 1));
	u64set_release(&s);
}

static void test_money_format(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	money_format(&sb, 123456789, NULL);
	assert_string_equal(sb.buf, "1234567.89");
	strbuf_reset(&sb);
	money_format(&sb, -5, NULL);
	assert_string_equal(sb.buf, "-0.05");
	strbuf_reset(&sb);
	money_format(&sb, 123456789, "¥");
	assert_string_equal(sb.buf, "¥1,234,567.89");
	strbuf_reset(&sb);
	money_format(&sb, -100000, "$");
	assert_string_equal(sb.buf, "-$1,000.00");
	strbuf_release(&sb);
}

static void test_file_dirname(void **state)
{
	static const char *const cases[][2] = {
		{ "config/merit.ini", "config" }, { "merit.ini", "." }, { "/merit.ini", "/" },
		{ "/etc/merit/merit.ini", "/etc/merit" }, { "../a/b/c.xlsx", "../a/b" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = file_dirname(cases[i][0]);
		assert_string_equal(d, cases[i][1]);
		free(d);
	}
}

static char *make_root(void)
{
	char *root = xstrdup("/tmp/merit-outdir-XXXXXX");
	assert_non_null(mkdtemp(root));
	return root;
}

static void test_outdir_commit_replaces(void **state)
{
	struct outdir od = OUTDIR_INIT;
	struct diag d;
	char *root = make_root(), *f, buf[16] = { 0 };
	FILE *fp;
	(void)state;
	diag_init(&d);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(outdir_lock(&od, root, &d), 0);
		assert_int_equal(outdir_begin(&od, "2026-10", &d), 0);
		f = xstrfmt("%s/a.txt", od.tmp);
		assert_int_equal(file_write(f, round ? "new" : "old", 3, 0600), 0);
		free(f);
		assert_int_equal(outdir_commit(&od, &d), 0);
		outdir_release(&od);
	}
	f = xstrfmt("%s/2026-10/a.txt", root);
	fp = fopen(f, "r");
	assert_non_null(fp);
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, fp), 3);
	fclose(fp);
	assert_string_equal(buf, "new");
	free(f);
	assert_int_equal(d.status, 0);
	file_remove_tree(root);
	free(root);
	diag_release(&d);
}

static void test_outdir_uncommitted_leaves_previous(void **state)
{
	struct outdir od = OUTDIR_INIT;
	struct diag d;
	char *root = make_root(), *f;
	struct stat st;
	(void)state;
	diag_init(&d);
	assert_int_equal(outdir_lock(&od, root, &d), 0);
	assert_int_equal(outdir_begin(&od, "2026-10", &d), 0);
	f = xstrfmt("%s/a.txt", od.tmp);
	file_write(f, "v1", 2, 0600);
	free(f);
	assert_int_equal(outdir_commit(&od, &d), 0);
	outdir_release(&od);
	/* A second run that fails before commit. */
	assert_int_equal(outdir_lock(&od, root, &d), 0);
	assert_int_equal(outdir_begin(&od, "2026-10", &d), 0);
	f = xstrfmt("%s/a.txt", od.tmp);
	file_write(f, "v2-partial", 10, 0600);
	free(f);
	outdir_release(&od);
	f = xstrfmt("%s/2026-10/a.txt", root);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, 2);
	free(f);
	file_remove_tree(root);
	free(root);
	diag_release(&d);
}

static void test_outdir_lock_busy(void **state)
{
	struct outdir od = OUTDIR_INIT;
	struct diag d;
	char *root = make_root(), *lock;
	int fd;
	(void)state;
	diag_init(&d);
	lock = xstrfmt("%s/.merit.lock", root);
	fd = open(lock, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	/* flock locks belong to the open file description: a second open()
	 * in the same process conflicts just as another process would. */
	assert_int_equal(outdir_lock(&od, root, &d), -1);
	assert_int_equal(d.status, MERIT_TEMPFAIL);
	outdir_release(&od);
	close(fd);
	free(lock);
	file_remove_tree(root);
	free(root);
	diag_release(&d);
}

/* One rule for every reader of text: strict RFC 3629. */
static void test_utf8_decode(void **state)
{
	static const struct {
		const char *s;
		size_t n, len;          /* bytes given, sequence length (0 = invalid) */
		uint32_t cp;
	} cases[] = {
		{ "A", 1, 1, 0x41 },
		{ "\xC3\xA9", 2, 2, 0xE9 },                  /* é */
		{ "\xE7\x8E\x8B", 3, 3, 0x738B },           /* 王 */
		{ "\xF0\x9F\x98\x80", 4, 4, 0x1F600 },
		{ "\xF4\x8F\xBF\xBF", 4, 4, 0x10FFFF },    /* the last code point */
		{ "\xC0\xAF", 2, 0, 0 },                     /* overlong '/' */
		{ "\xE0\x80\xAF", 3, 0, 0 },                 /* overlong, 3 bytes */
		{ "\xF0\x80\x80\xAF", 4, 0, 0 },             /* overlong, 4 bytes */
		{ "\xED\xA0\x80", 3, 0, 0 },                 /* surrogate U+D800 */
		{ "\xF4\x90\x80\x80", 4, 0, 0 },             /* U+110000 */
		{ "\xE7\x8E", 2, 0, 0 },                     /* truncated */
		{ "\xE7\x8E\x8B", 2, 0, 0 },                 /* truncated by n */
		{ "\x80", 1, 0, 0 },                         /* lone continuation */
	};
	size_t i, used;
	uint32_t cp;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cp = 0;
		assert_int_equal(utf8_decode(cases[i].s, cases[i].n, &cp), cases[i].len);
		if (cases[i].len)
			assert_int_equal(cp, cases[i].cp);
	}
	assert_int_equal(utf8_next("\xED\xA0\x80", 3, &used), 0xFFFD);
	assert_int_equal(used, 1);
	assert_int_equal(utf8_invalid_at("ok \xE7\x8E\x8B \xED\xA0\x80", 10), 7);
	assert_true(utf8_valid("\xE7\x8E\x8B", 3));
}

static void test_utf8_width_and_put(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	/* 3 CJK x 2 + "ab" + the fullwidth comma U+FF0C (2) = 10 */
	assert_int_equal(utf8_width("王建国ab\xEF\xBC\x8C"), 10);
	/* an invalid byte counts one column: "a" + 0xFF + "b" = 3 */
	assert_int_equal(utf8_width("a\xFF" "b"), 3);
	assert_int_equal(utf8_width(""), 0);
	utf8_put(&sb, 0x41);
	utf8_put(&sb, 0xE9);
	utf8_put(&sb, 0x738B);
	utf8_put(&sb, 0x1F600);
	assert_string_equal(sb.buf, "A\xC3\xA9\xE7\x8E\x8B\xF0\x9F\x98\x80");
	strbuf_release(&sb);
}

/* Runs fn in a child; its exit status (-1 when killed by a signal). */
static int exit_of(void (*fn)(void))
{
	int st = 0;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void grow_past_size_max(void)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "abc");
	/* 3 + (SIZE_MAX - 2) + 1 wraps to 2: no growth, then writes past. */
	strbuf_grow(&sb, SIZE_MAX - 2);
	strbuf_release(&sb);
}

static void alloc_grow_past_size_max(void)
{
	uint64_t *a = NULL;
	size_t alloc = 0;
	/* 2^62 entries of 8 bytes: 2^65 bytes, 0 once wrapped. */
	ALLOC_GROW(a, (size_t)1 << 62, alloc);
	free(a);
}

/* Issue 15 item 12: sizes never wrap; past SIZE_MAX is exit 70. */
static void test_size_overflow(void **state)
{
	(void)state;
	fflush(NULL);
	assert_int_equal(exit_of(grow_past_size_max), 70);
	assert_int_equal(exit_of(alloc_grow_past_size_max), 70);
	assert_int_equal(st_add(3, 4), 7);
	assert_int_equal(st_mult(3, 4), 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diag_row_limit),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_diag_hint_of_dropped_row),
		cmocka_unit_test(test_diag_config_place),
		cmocka_unit_test(test_diag_take),
		cmocka_unit_test(test_strmap_many),
		cmocka_unit_test(test_strmap_frozen_long_keys),
		cmocka_unit_test(test_strmap_frozen_big),
		cmocka_unit_test(test_u64set),
		cmocka_unit_test(test_money_format),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_utf8_width_and_put),
		cmocka_unit_test(test_file_dirname),
		cmocka_unit_test(test_outdir_commit_replaces),
		cmocka_unit_test(test_outdir_uncommitted_leaves_previous),
		cmocka_unit_test(test_outdir_lock_busy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
