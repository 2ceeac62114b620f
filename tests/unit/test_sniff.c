/*
 * Unit tests of src/ingest/sniff (what `merit init` finds in an export):
 * title rows above the header, the delimiter, the encoding (GB18030,
 * UTF-16 by its byte-order mark), day/month order decided by a day above
 * 12 or flagged as ambiguous, null markers, header names from the
 * dictionary and by close spelling, and value guesses from their words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/sniff.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include "../support/fixture.h"

#define WRITE(name, lit) fixture_tmp_file(name, lit, sizeof(lit) - 1)

static void sniff_ok(struct sniff *s, const char *path, enum input_kind in)
{
	struct diag d;
	diag_init(&d);
	assert_int_equal(sniff_file(s, path, in, &d), 0);
	assert_int_equal(d.nr, 0);
	diag_release(&d);
}

/* A CRM export with two title rows, semicolons, European day-first dates
 * (31/10 settles it), a "-" for no amount and Salesforce-style headers. */
static void test_title_rows_semicolon_day_first(void **state)
{
	struct sniff s;
	const struct sniff_col *c;
	int y, m, d;
	(void)state;
	sniff_ok(&s, WRITE("crm.csv",
		"Opportunities export;;;\n"
		"Generated 2026-11-01;;;\n"
		"Opportunity ID;Opportunity Owner ID;Close Date;Amount;Stage\n"
		"O1;E1;05/10/2026;1200.50;Closed Won\n"
		"O2;E2;31/10/2026;-;Closed - Lost\n"
		"O3;E1;01/11/2026;300;Proposal\n"), INPUT_SALES);
	assert_int_equal(s.delimiter, ';');
	assert_int_equal(s.header_row, 3);
	assert_non_null(strstr(s.header_why, "row 3 is the first with 5 of the 5 columns filled"));
	assert_int_equal(s.rows, 3);
	c = sniff_field(&s, SALES_DATE);
	assert_non_null(c);
	assert_string_equal(c->header, "Close Date");
	assert_string_equal(c->date_format, "%d/%m/%Y");
	assert_int_equal(c->date_ok, 3);
	assert_non_null(strstr(c->date_why, "3 of 3 cells parse as %d/%m/%Y; a first number up to 31 can only be a day"));
	date_to_ymd(c->latest, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20261101);
	c = sniff_field(&s, SALES_AMOUNT);
	assert_int_equal(c->filled, 2);          /* "-" is a null marker, not a value */
	assert_int_equal(c->money, 2);
	assert_int_equal(c->money_sum, 150050);  /* 1200.50 + 300 = 1500.50 */
	assert_int_equal(s.nulls.nr, 1);
	assert_string_equal(s.nulls.items[0], "-");
	/* "Opportunity Owner ID" is no dictionary name: close enough to nothing */
	assert_string_equal(sniff_field(&s, SALES_RECORD_ID)->header, "Opportunity ID");
	assert_string_equal(sniff_field(&s, SALES_STAGE)->how, "merit's own name");
	sniff_release(&s);
}

/* US order decided by a second number above 12; no number above 12 is
 * flagged AMBIGUOUS (and m/d kept). */
static void test_us_dates_and_ambiguous(void **state)
{
	struct sniff s;
	const struct sniff_col *c;
	(void)state;
	sniff_ok(&s, WRITE("us.csv", "record_id,date\nA,10/05/2026\nB,10/25/2026\n"), INPUT_SALES);
	c = sniff_field(&s, SALES_DATE);
	assert_string_equal(c->date_format, "%m/%d/%Y");
	assert_non_null(strstr(c->date_why, "a second number up to 25 can only be a day (US order)"));
	sniff_release(&s);
	sniff_ok(&s, WRITE("amb.csv", "record_id,date\nA,10/05/2026\nB,11/06/2026\n"), INPUT_SALES);
	c = sniff_field(&s, SALES_DATE);
	assert_string_equal(c->date_format, "%m/%d/%Y");
	assert_non_null(strstr(c->date_why, "AMBIGUOUS: no number above 12 tells day from month"));
	sniff_release(&s);
	sniff_ok(&s, WRITE("iso.csv", "date\n2026-10-05\n2026/10/06\n2026年10月7日\n"), INPUT_TRAINING);
	c = sniff_field(&s, TRAINING_DATE);
	assert_null(c->date_format);
	assert_int_equal(c->date_ok, 3);
	sniff_release(&s);
}

/* GB18030 bytes (工号,姓名 in GBK) and a UTF-16 LE byte-order mark. */
static void test_encodings(void **state)
{
	struct sniff s;
	static const char gbk[] = "\xb9\xa4\xba\xc5,\xd0\xd5\xc3\xfb\nE1,\xcd\xf5\n";
	static const char u16[] = "\xff\xfe" "e\0m\0p\0l\0o\0y\0e\0e\0_\0i\0d\0\n\0E\0" "1\0\n\0";
	(void)state;
	sniff_ok(&s, fixture_tmp_file("gbk.csv", gbk, sizeof(gbk) - 1), INPUT_HR);
	assert_string_equal(s.encoding, "gb18030");
	assert_string_equal(sniff_field(&s, HR_EMPLOYEE_ID)->header, "工号");
	assert_string_equal(sniff_field(&s, HR_NAME)->header, "姓名");
	sniff_release(&s);
	sniff_ok(&s, fixture_tmp_file("u16.csv", u16, sizeof(u16) - 1), INPUT_HR);
	assert_string_equal(s.encoding, "utf-16");
	assert_non_null(strstr(s.encoding_why, "UTF-16 byte-order mark"));
	assert_string_equal(sniff_field(&s, HR_EMPLOYEE_ID)->header, "employee_id");
	sniff_release(&s);
}

/* A header one typo away from a canonical name is mapped and says so. */
static void test_close_spelling(void **state)
{
	struct sniff s;
	(void)state;
	sniff_ok(&s, WRITE("typo.csv", "emploee_id,hire_dat\nE1,2026-01-01\n"), INPUT_HR);
	assert_string_equal(sniff_field(&s, HR_EMPLOYEE_ID)->header, "emploee_id");
	assert_non_null(strstr(sniff_field(&s, HR_EMPLOYEE_ID)->how, "close to 'employee_id'"));
	assert_string_equal(sniff_field(&s, HR_HIRE_DATE)->header, "hire_dat");
	sniff_release(&s);
}

/* Spelling comes after every dictionary match and must fit the cells:
 * "State" does not take status from EmploymentStatus, a text column
 * "account" never becomes the amount ("amout", numbers, does). */
static void test_spelling_after_dictionary_and_cells(void **state)
{
	struct sniff s, hr, crm;
	(void)state;
	sniff_ok(&s, WRITE("state.csv", "EmpID,State,EmploymentStatus\nE1,MA,Active\n"), INPUT_HR);
	assert_string_equal(sniff_field(&s, HR_STATUS)->header, "EmploymentStatus");
	assert_int_equal(s.cols[1].field, -1);
	sniff_release(&s);
	/* The better dictionary name takes a field wherever it stands; a
	 * column of numbers is no name, however close "Age" is to it. */
	sniff_ok(&s, WRITE("ibm.csv", "Age,HourlyRate,EmployeeNumber,MonthlyIncome\n41,94,1,5993\n"
			   "49,61,2,5130\n"), INPUT_HR);
	assert_string_equal(sniff_field(&s, HR_BASE_SALARY)->header, "MonthlyIncome");
	assert_null(sniff_field(&s, HR_NAME));
	sniff_release(&s);
	sniff_ok(&s, WRITE("account.csv", "account,amout\nAcme,100\nBeta,250.50\n"), INPUT_SALES);
	assert_string_equal(sniff_field(&s, SALES_AMOUNT)->header, "amout");
	assert_int_equal(s.cols[0].field, -1);
	sniff_release(&s);
	/* Who a CRM names, as employee keys compare: "Last, First" = "First
	 * Last", any case, runs of spaces (a no-break one too) as one. */
	sniff_ok(&hr, WRITE("people.csv", "Employee_Name,EmpID\n\"Frase, Moses\",1\n\"Levy, Zane\",2\n"),
		 INPUT_HR);
	sniff_ok(&crm, WRITE("owners.csv", "agent,x\nmoses  FRASE,1\nZane\xC2\xA0Levy,2\nNobody Here,3\n"),
		 INPUT_SALES);
	assert_int_equal(sniff_key_hits(sniff_field(&hr, HR_NAME), &crm.cols[0]), 2);
	assert_int_equal(sniff_key_hits(sniff_field(&hr, HR_EMPLOYEE_ID), &crm.cols[0]), 0);
	sniff_release(&hr);
	sniff_release(&crm);
	/* ... and each field by its own rule, as the run compares: an id is
	 * as written ("e1002" is not "E1002"), an e-mail in any case. */
	sniff_ok(&hr, WRITE("ids.csv", "EmpID,Email\nE1001,Ann@x.example\nE1002,bo@x.example\n"),
		 INPUT_HR);
	sniff_ok(&crm, WRITE("ids-crm.csv", "owner,mail\ne1001,ANN@X.EXAMPLE\ne1002,Bo@X.example\n"
			     "E1002,bo@x.example\n"), INPUT_SALES);
	assert_int_equal(sniff_key_hits(sniff_field(&hr, HR_EMPLOYEE_ID), &crm.cols[0]), 1);
	assert_int_equal(sniff_key_hits(sniff_field(&hr, HR_EMAIL), &crm.cols[1]), 3);
	sniff_release(&hr);
	sniff_release(&crm);
}

static void test_value_guesses(void **state)
{
	(void)state;
	assert_string_equal(sniff_guess_value("stage", "Closed - Won"), "won");
	assert_string_equal(sniff_guess_value("stage", "已成交"), "won");
	assert_string_equal(sniff_guess_value("stage", "丢单"), "lost");
	assert_string_equal(sniff_guess_value("stage", "Proposal/Price Quote"), "open");
	assert_string_equal(sniff_guess_value("yesno", "新客户"), "yes");
	assert_string_equal(sniff_guess_value("yesno", "非新客户"), "no");
	assert_string_equal(sniff_guess_value("yesno", "Existing Business"), "no");
	assert_string_equal(sniff_guess_value("dept_type", "客服中心"), "service");
	assert_null(sniff_guess_value("stage", "Q3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_title_rows_semicolon_day_first),
		cmocka_unit_test(test_us_dates_and_ambiguous),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_close_spelling),
		cmocka_unit_test(test_spelling_after_dictionary_and_cells),
		cmocka_unit_test(test_value_guesses),
	};
	return cmocka_run_group_tests(tests, fixture_tmp_setup, fixture_tmp_teardown);
}
