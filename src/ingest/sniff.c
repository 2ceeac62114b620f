/*
 * sniff: finding an export's shape from its contents, for `merit init`.
 *
 * Order: the encoding from the raw bytes (byte-order marks, UTF-8
 * validity, else GB18030), the delimiter by reading the first rows with
 * each candidate and keeping the one that gives most rows the same width,
 * the header as the first row about as wide as the data (title rows above
 * a table have one or two cells), then every data row's cells are judged
 * with ingest's own parsers. Headers are mapped through a dictionary of
 * the names common HR and CRM exports use, then by close spelling.
 */
#include "ingest/sniff.h"
#include "util/utf8.h"
#include "ingest/csvread.h"
#include "ingest/encoding.h"
#include "ingest/loader.h"
#include "ingest/xlsxread.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------- dictionary */

/*
 * Header names per field, '|'-separated, as HR systems (钉钉, 飞书, 北森,
 * Moka, Workday) and CRMs (Salesforce, HubSpot, Dynamics, Zoho, 纷享销客,
 * 销售易) export them. Compared after normalising: ASCII lower case, with
 * spaces, '_', '-', '.' and brackets removed ("Close Date" = "close_date").
 */
struct header_names {
	enum input_kind in;
	int field;
	const char *names;
};

/* Chinese and English names of common exports, then German, French and
 * Spanish ones (SAP, Personio, DATEV, Sage and the like). */
static const struct header_names dictionary[] = {
	{ INPUT_HR, HR_EMPLOYEE_ID, "工号|员工编号|员工工号|员工id|人员编号|职工号|员工号|employee id|employee number|employee no|emp id|emp no|staff id|staff no|staff number|staff #|worker id|employee code|person number|userid|personalnummer|mitarbeiternummer|mitarbeiter-id|pers.-nr.|matricule|numéro d'employé|id employé|número de empleado|id empleado|employee #|emp #|associate id|person id|worker number|badge number" },
	{ INPUT_HR, HR_NAME, "姓名|员工姓名|名字|人员姓名|full name|employee name|name|display name|legal name|nom|nom complet|nombre|nombre completo|mitarbeiter|emp name|staff name|associate name|worker name" },
	{ INPUT_HR, HR_EMAIL, "邮箱|电子邮箱|邮件|工作邮箱|企业邮箱|邮箱地址|e-mail|email address|work email|business email|primary email|e-mail-adresse|courriel|adresse e-mail|correo|correo electrónico" },
	{ INPUT_HR, HR_DEPARTMENT, "部门|所属部门|部门名称|一级部门|主部门|dept|department name|org unit|organization|business unit|supervisory organization|abteilung|bereich|département|service|departamento|division" },
	{ INPUT_HR, HR_DEPT_TYPE, "部门类型|部门类别|部门性质|department type|dept type|org type" },
	{ INPUT_HR, HR_ROLE, "岗位|职位|岗位名称|职务|职位名称|job title|title|position|job|job profile|business title|rolle|stelle|stellenbezeichnung|funktion|poste|intitulé du poste|fonction|puesto|cargo|job role|role name|designation|occupation|job name|position title" },
	{ INPUT_HR, HR_GRADE, "职级|级别|职等|职级名称|grade|level|job level|band|pay grade" },
	{ INPUT_HR, HR_MANAGER_ID, "直属上级|直属上级工号|上级工号|汇报对象|直接上级|直属领导|manager id|manager|reports to|supervisor id|line manager|manager employee id|vorgesetzter|führungskraft|responsable|jefe directo" },
	{ INPUT_HR, HR_BASE_SALARY, "月基本工资|基本工资|月薪|底薪|基本薪资|月基本薪资|基本月薪|base salary|monthly salary|monthly income|monthly pay|monthly wage|salary|base pay|monthly base|grundgehalt|monatsgehalt|gehalt|salaire de base|salaire mensuel|salaire|salario base|sueldo base|salario|annual salary|yearly salary|annual base salary|salary per annum|hourly rate|pay rate|hourly wage|年薪|时薪" },
	{ INPUT_HR, HR_HIRE_DATE, "入职日期|入职时间|入职|hire date|start date|date of joining|joined|date hired|original hire date|join date|eintrittsdatum|eintritt|date d'embauche|date d'entrée|fecha de alta|fecha de ingreso|date of hire|employment start date|seniority date|doj|date of employment" },
	{ INPUT_HR, HR_LEAVE_DATE, "离职日期|离职时间|最后工作日|leave date|termination date|end date|exit date|last working day|last day|austrittsdatum|austritt|date de sortie|date de départ|fecha de baja|date of termination|term date|separation date|date of leaving|leaving date|termination" },
	{ INPUT_HR, HR_STATUS, "状态|员工状态|在职状态|任职状态|人员状态|员工类型|employment status|status|worker status|employee status|beschäftigungsstatus|statut|estado|emp status|active status" },
	{ INPUT_HR, HR_GENDER, "性别|gender|sex" },
	{ INPUT_HR, HR_LOCALE, "语言|语种|信件语言|language|locale|preferred language" },
	{ INPUT_HR, HR_COST_CENTRE, "成本中心|成本中心编码|成本中心代码|cost centre|cost center|cost center code|cost centre code" },

	{ INPUT_SALES, SALES_RECORD_ID, "商机编号|商机id|机会编号|销售机会编号|订单编号|合同编号|opportunity id|deal id|record id|opportunity number|deal number|opportunityid|id|auftragsnummer|auftrag|belegnummer|numéro de commande|n° de commande|número de pedido|pedido|order id|order number|order no|invoice number|invoice no|invoice id|transaction id|订单号" },
	{ INPUT_SALES, SALES_EMPLOYEE_ID, "负责人工号|销售工号|负责人编号|所有人工号|销售员工号|owner employee id|owner id|sales rep id|deal owner id|owner|opportunity owner id|ownerid|verkäufer|vertriebsmitarbeiter|vendeur|commercial|vendedor|comercial|sales agent|agent|sales rep|sales representative|salesperson|sales person|seller|account owner|opportunity owner|deal owner|owner name|assigned to|rep|销售员|销售人员|负责人|跟进人|所有人|业务员|销售代表" },
	{ INPUT_SALES, SALES_CUSTOMER_ID, "客户编号|客户id|客户编码|account id|customer id|company id|account number|accountid|associated company id|kundennummer|kunden-id|numéro client|n° client|número de cliente|id cliente" },
	{ INPUT_SALES, SALES_DATE, "成交日期|关单日期|签约日期|结单日期|赢单日期|结束日期|close date|closed date|closing date|won date|date|closedate|actual close date|datum|abschlussdatum|auftragsdatum|date de clôture|fecha|fecha de cierre|order date|invoice date|transaction date|sale date|booking date|订单日期|下单日期" },
	{ INPUT_SALES, SALES_STAGE, "阶段|销售阶段|商机阶段|商机状态|stage|deal stage|sales stage|stagename|pipeline stage|status reason|phase|status|étape|etapa|estado" },
	{ INPUT_SALES, SALES_AMOUNT, "金额|成交金额|合同金额|商机金额|销售金额|amount|deal amount|opportunity amount|total amount|revenue|actual revenue|amount cny|betrag|umsatz|auftragswert|nettobetrag|montant|chiffre d'affaires|importe|monto|close value|deal value|opportunity value|value|sales amount|order value|order amount|order total|net amount|total|sales|line total|total price|成交额|订单金额|销售额|合同额" },
	{ INPUT_SALES, SALES_NEW_CUSTOMER, "是否新客户|新客户|新老客户|new customer|is new customer|new business|new logo" },
	{ INPUT_SALES, SALES_COST, "获客成本|获客费用|费用|成本|acquisition cost|cost|cac|spend" },

	{ INPUT_TARGETS, TARGETS_SCOPE, "范围|目标类型|层级|scope|level" },
	{ INPUT_TARGETS, TARGETS_KEY, "键|对象|对象编号|key|id|who" },
	{ INPUT_TARGETS, TARGETS_KPI, "指标|考核指标|kpi|measure" },
	{ INPUT_TARGETS, TARGETS_PERIOD, "期间|月份|周期|period|month" },
	{ INPUT_TARGETS, TARGETS_TARGET, "目标|目标值|指标值|target|quota|goal" },

	{ INPUT_METRICS, METRICS_EMPLOYEE_ID, "工号|员工编号|employee id|emp id" },
	{ INPUT_METRICS, METRICS_DEPARTMENT, "部门|department|dept" },
	{ INPUT_METRICS, METRICS_PERIOD, "期间|月份|周期|period|month" },
	{ INPUT_METRICS, METRICS_METRIC, "指标|指标名称|metric|measure" },
	{ INPUT_METRICS, METRICS_VALUE, "数值|值|value|actual" },

	{ INPUT_REVIEWS, REVIEWS_REVIEWER_ID, "评价人工号|评价人|评估人|评估人工号|reviewer|reviewer id|rater id" },
	{ INPUT_REVIEWS, REVIEWS_REVIEWEE_ID, "被评价人工号|被评价人|被评估人|被评估人工号|reviewee|reviewee id|ratee id|employee id" },
	{ INPUT_REVIEWS, REVIEWS_RELATION, "关系|评价关系|评估关系|relation|relationship|rater type" },
	{ INPUT_REVIEWS, REVIEWS_DIMENSION, "维度|评价维度|考核维度|dimension|competency" },
	{ INPUT_REVIEWS, REVIEWS_SCORE, "分数|评分|得分|score|rating" },
	{ INPUT_REVIEWS, REVIEWS_COMMENT, "评语|评价|备注|comment|comments|feedback" },

	{ INPUT_TRAINING, TRAINING_EMPLOYEE_ID, "工号|员工编号|employee id|emp id|learner id" },
	{ INPUT_TRAINING, TRAINING_COURSE, "课程|课程名称|培训课程|course|course name|training|course title" },
	{ INPUT_TRAINING, TRAINING_DATE, "日期|完成日期|培训日期|date|completion date|completed on" },
	{ INPUT_TRAINING, TRAINING_HOURS, "学时|课时|时长|hours|duration" },
	{ INPUT_TRAINING, TRAINING_PASSED, "是否通过|通过|考核结果|passed|pass|completed|result" },
};

/* Lower-case ASCII, drop spaces and _ - . ( ) （ ）: the form compared. */
static void normalise(const char *s, struct strbuf *out)
{
	strbuf_reset(out);
	for (; *s; s++) {
		if (strchr(" _-.()\t", *s))
			continue;
		if (!strncmp(s, "（", 3) || !strncmp(s, "）", 3)) {
			s += 2;
			continue;
		}
		/* Latin-1 capitals (À..Þ, not ×) as their small letters: "Étape" */
		if ((unsigned char)s[0] == 0xC3 && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9E && (unsigned char)s[1] != 0x97) {
			strbuf_addch(out, (char)0xC3);
			strbuf_addch(out, (char)((unsigned char)s[1] + 0x20));
			s++;
			continue;
		}
		strbuf_addch(out, tolower((unsigned char)*s));
	}
}

/* Where normalised header h is among the '|'-separated names: 1 for the
 * first, 2 for the second, ...; 0 when it is none of them. */
static int names_rank(const char *names, const char *h, struct strbuf *tmp)
{
	const char *p = names;
	int rank = 1;
	while (*p) {
		size_t n = strcspn(p, "|");
		char *one = xstrndup(p, n);
		int eq;
		normalise(one, tmp);
		eq = !strcmp(tmp->buf, h);
		free(one);
		if (eq)
			return rank;
		p += n + (p[n] == '|');
		rank++;
	}
	return 0;
}

/* A header that could be a field, and how well: 0 is merit's own name,
 * then the dictionary's order of names. */
struct header_match {
	size_t col;
	int field, rank;
};

static int by_rank(const void *a, const void *b)
{
	const struct header_match *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/*
 * Maps the headers to fields by merit's own names and the dictionary. Where
 * two headers could be one field, the better name takes it, then the
 * earlier column ("MonthlyIncome" is the salary beside "HourlyRate" and
 * "DailyRate", wherever they stand), and the other header may still be
 * another field.
 */
static void map_headers(struct sniff *s)
{
	const struct input_schema *sc = &schema_inputs[s->in];
	struct strbuf nh = STRBUF_INIT, tmp = STRBUF_INIT;
	struct header_match *m = NULL;
	int taken[SCHEMA_MAX_FIELDS] = { 0 };
	size_t nm = 0, j, f, i;
	for (j = 0; j < s->ncols; j++) {
		if (!*s->cols[j].header)
			continue;
		normalise(s->cols[j].header, &nh);
		for (f = 0; f < sc->nfields; f++) {
			int rank = 0;
			normalise(sc->fields[f].name, &tmp);
			if (strcmp(tmp.buf, nh.buf)) {
				for (i = 0; i < sizeof(dictionary) / sizeof(dictionary[0]) && !rank; i++)
					if (dictionary[i].in == s->in && dictionary[i].field == (int)f)
						rank = names_rank(dictionary[i].names, nh.buf, &tmp);
				if (!rank)
					continue;
			}
			m = xrealloc(m, (nm + 1) * sizeof(*m));
			m[nm].col = j, m[nm].field = (int)f, m[nm++].rank = rank;
		}
	}
	if (nm)
		qsort(m, nm, sizeof(*m), by_rank);
	for (i = 0; i < nm; i++) {
		struct sniff_col *c = &s->cols[m[i].col];
		if (c->field >= 0 || taken[m[i].field])
			continue;
		c->field = m[i].field;
		c->how = xstrdup(m[i].rank ? "a name HR and CRM exports use" : "merit's own name");
		taken[c->field] = 1;
	}
	free(m);
	strbuf_release(&nh);
	strbuf_release(&tmp);
}

/* Do the column's cells fit field f? (Nine in ten: a typed column has a
 * stray note now and then.) An empty column fits anything; a column of
 * numbers is no name, department or other text but an identifier or grade. */
static int cells_fit(const struct sniff_col *c, const struct field_def *f)
{
	size_t ok;
	if (!c->filled)
		return 1;
	switch (f->type) {
	case FT_TEXT:
		if (schema_is_id_field(f->name) || !strcmp(f->name, "grade"))
			return 1;
		return c->numbers * 10 < c->filled * 9;
	case FT_MONEY:
	case FT_NUMBER:
		ok = c->money > c->numbers ? c->money : c->numbers;
		ok += c->decimal_comma;
		break;
	case FT_DATE:
		ok = c->dates_builtin > c->dmy_cells ? c->dates_builtin : c->dmy_cells;
		break;
	default:
		return 1;
	}
	return ok * 10 >= c->filled * 9;
}

/*
 * Headers neither merit's names nor the dictionary know, by close spelling
 * of a field no other header took ("emploee_id"; ASCII only). Done after
 * every header had its dictionary match and the cells were read, so that
 * "State" does not take status before "EmploymentStatus" is seen, and a
 * text column ("account") never becomes an amount.
 */
static void map_by_spelling(struct sniff *s)
{
	const struct input_schema *sc = &schema_inputs[s->in];
	int taken[SCHEMA_MAX_FIELDS] = { 0 };
	const char *cands[SCHEMA_MAX_FIELDS];
	const char *near;
	size_t j, f, nc;
	for (j = 0; j < s->ncols; j++)
		if (s->cols[j].field >= 0)
			taken[s->cols[j].field] = 1;
	for (j = 0; j < s->ncols; j++) {
		struct sniff_col *c = &s->cols[j];
		if (c->field >= 0 || !*c->header || c->in_wide)
			continue;
		for (f = nc = 0; f < sc->nfields; f++)
			if (!taken[f] && cells_fit(c, &sc->fields[f]))
				cands[nc++] = sc->fields[f].name;
		if (!nc || !(near = config_nearest(c->header, cands, nc)))
			continue;
		for (f = 0; f < sc->nfields; f++)
			if (!strcmp(sc->fields[f].name, near))
				c->field = (int)f;
		c->how = xstrfmt("close to '%s': check it", near);
		taken[c->field] = 1;
	}
}

/* ---------------------------------------------------------- values */

struct value_words {
	const char *set, *value, *words;
};

/* Words in unknown export values that suggest a canonical value. */
static const struct value_words value_words[] = {
	{ "stage", "won", "won|win|gagn|gewonnen|ganad|vinto|成交|赢|签约|签单|closed won|已签" },
	{ "stage", "lost", "lost|lose|perdu|verloren|perdid|丢|输|失败|关闭|dead" },
	{ "stage", "open", "open|negotiat|proposal|qualif|prospect|discovery|engag|pipeline|in progress|pending|lead|contact|demo|quote|跟进|商谈|谈判|意向|初步|方案|报价" },
	{ "yesno", "yes", "yes|new|是|新|true" },
	{ "yesno", "no", "no|existing|old|否|老|false|repeat" },
	{ "dept_type", "business", "业务|销售|市场|sales|business|market" },
	{ "dept_type", "service", "服务|客服|support|service" },
	{ "dept_type", "management", "管理|职能|行政|人力|财务|admin|manage|finance|hr" },
};

static int contains_ci(const char *hay, const char *needle, size_t n)
{
	size_t i, len = strlen(hay);
	for (i = 0; i + n <= len; i++)
		if (!strncasecmp(hay + i, needle, n))
			return 1;
	return 0;
}

const char *sniff_guess_value(const char *set, const char *text)
{
	size_t i;
	/* Negations first: "not won" is no win, "非新客户" no new customer. */
	if (!strcmp(set, "yesno") && (contains_ci(text, "not", 3) || !strncmp(text, "非", 3) ||
				      !strncmp(text, "不", 3)))
		return "no";
	for (i = 0; i < sizeof(value_words) / sizeof(value_words[0]); i++) {
		const char *p = value_words[i].words;
		if (strcmp(value_words[i].set, set))
			continue;
		while (*p) {
			size_t n = strcspn(p, "|");
			if (contains_ci(text, p, n))
				return value_words[i].value;
			p += n + (p[n] == '|');
		}
	}
	return NULL;
}

/* ---------------------------------------------------------- reading */

/* Either reader behind one next(). */
struct rows {
	struct csvread *csv;
	struct xlsxread *x;
};

static int rows_next(struct rows *r, struct csv_row *row, struct diag *d)
{
	return r->csv ? csvread_next(r->csv, row, d) : xlsxread_next(r->x, row, d);
}

static void rows_close(struct rows *r)
{
	csvread_free(r->csv);
	xlsxread_free(r->x);
	r->csv = NULL;
	r->x = NULL;
}

/* The encoding from the first bytes (up to 1 MiB). */
/* Do the whole lines of buf[0..n) decode as enc? */
static int decodes_as(enum encoding enc, const char *buf, size_t n)
{
	struct decoder dc;
	const char *out;
	size_t outlen, bad;
	int ok;
	while (n && buf[n - 1] != '\n')
		n--;        /* the 1 MiB read may end inside a character */
	decoder_init(&dc, enc);
	ok = decoder_feed(&dc, buf, n, &out, &outlen, &bad) == 0;
	decoder_release(&dc);
	return ok;
}

static int sniff_encoding(struct sniff *s, const char *path, enum encoding *enc,
			  struct diag *d)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n, bad, ascii = 1, i;
	if (!f)
		return diag_error(d, MERIT_NOINPUT, path, 0, 0, "cannot open: %s", strerror(errno));
	buf = xmalloc(1 << 20);
	n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	for (i = 0; i < n && ascii; i++)
		ascii = !(buf[i] & 0x80);
	bad = utf8_invalid_at(buf, n);
	*enc = ENC_AUTO;
	if (n >= 2 && (((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
		       ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff))) {
		s->encoding = "utf-16";
		s->encoding_why = xstrdup("a UTF-16 byte-order mark");
		*enc = ENC_UTF16;
	} else if (n >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		s->encoding = "utf-8";
		s->encoding_why = xstrdup("a UTF-8 byte-order mark");
		*enc = ENC_UTF8;
	} else if (ascii) {
		s->encoding = "auto";
		s->encoding_why = xstrdup("only ASCII so far: UTF-8 and GB18030 read it alike");
	} else if (bad == n || (n == 1 << 20 && bad + 4 > n)) {
		s->encoding = "utf-8";
		s->encoding_why = xstrfmt("the first %zu bytes are valid UTF-8", n);
		*enc = ENC_UTF8;
	} else if (decodes_as(ENC_GB18030, buf, n) || !decodes_as(ENC_CP1252, buf, n)) {
		s->encoding = "gb18030";
		s->encoding_why = xstrfmt("byte %zu is not UTF-8; Chinese Excel saves GB18030", bad + 1);
		*enc = ENC_GB18030;
	} else {
		/* `auto` never guesses this one (README): init may, with its evidence. */
		s->encoding = "windows-1252";
		s->encoding_why = xstrfmt("byte %zu (0x%02X) is neither UTF-8 nor GB18030; Excel on a "
					  "Western European Windows saves Windows-1252", bad + 1,
					  (unsigned char)buf[bad]);
		*enc = ENC_CP1252;
	}
	free(buf);
	return 0;
}

/* Rows whose width is the most common width, out of the first 20. */
static int delimiter_score(const char *path, enum encoding enc, char delim, int *width)
{
	struct diag d;
	struct csvread *r;
	struct csv_row row;
	int counts[64] = { 0 }, k = 0, best = 0, i;
	diag_init(&d);
	r = csvread_open(path, path, enc, delim, &d);
	while (r && k < 20 && csvread_next(r, &row, &d) > 0) {
		counts[row.n < 63 ? row.n : 63]++;
		k++;
	}
	csvread_free(r);
	diag_release(&d);
	*width = 1;
	for (i = 2; i < 64; i++)
		if (counts[i] > best)
			best = counts[i], *width = i;
	return best;
}

static void sniff_delimiter(struct sniff *s, const char *path, enum encoding enc)
{
	static const char cands[] = { ',', ';', '\t', '|' };
	static const char *const names[] = { "comma", "semicolon", "tab", "pipe" };
	int best = -1, bw = 0, i, w, sc, bscore = 0;
	for (i = 0; i < 4; i++) {
		sc = delimiter_score(path, enc, cands[i], &w);
		if (sc > bscore || (sc == bscore && sc && w > bw)) {
			best = i, bscore = sc, bw = w;
		}
	}
	if (best < 0)
		best = 0;
	s->delimiter = cands[best];
	s->delimiter_why = bscore ? xstrfmt("%d of the first rows split into %d cells by %s",
					    bscore, bw, names[best])
				  : xstrdup("no delimiter splits the rows: one column");
}

/* ---------------------------------------------------------- judging */

static const char *const null_words[] = {
	"-", "--", "—", "/", "N/A", "n/a", "NA", "#N/A", "NULL", "null", "None", "none", "nil",
	"无", "空", "暂无", "(blank)", "(空白)",
};

int sniff_is_null_word(const char *t)
{
	size_t i;
	for (i = 0; i < sizeof(null_words) / sizeof(null_words[0]); i++)
		if (!strcmp(t, null_words[i]))
			return 1;
	return 0;
}

static void add_value(struct sniff_col *c, const char *t)
{
	size_t i;
	for (i = 0; i < c->nvalues; i++)
		if (!strcmp(c->values[i].text, t)) {
			c->values[i].count++;
			return;
		}
	if (c->nvalues == SNIFF_MAX_DISTINCT) {
		c->values_overflow = 1;
		return;
	}
	c->values = xrealloc(c->values, (c->nvalues + 1) * sizeof(*c->values));
	c->values[c->nvalues].text = xstrdup(t);
	c->values[c->nvalues++].count = 1;
}

/* a/b/yyyy, a-b-yy, a.b.yyyy: the day-month evidence of one cell. */
static void dmy_evidence(struct sniff_col *c, const char *t)
{
	int a = 0, b = 0, y = 0, na = 0, nb = 0, ny = 0;
	char sep;
	while (isdigit((unsigned char)*t) && na < 3)
		a = a * 10 + (*t++ - '0'), na++;
	sep = *t;
	if (!na || na > 2 || !strchr("/-.", sep) || !sep)
		return;
	t++;
	while (isdigit((unsigned char)*t) && nb < 3)
		b = b * 10 + (*t++ - '0'), nb++;
	if (!nb || nb > 2 || *t != sep)
		return;
	t++;
	while (isdigit((unsigned char)*t) && ny < 5)
		y = y * 10 + (*t++ - '0'), ny++;
	if ((ny != 4 && ny != 2) || (*t && *t != ' ' && *t != 'T'))
		return;
	if (ny == 2)
		y += 2000;
	if (date_valid_ymd(y, b, a)) {
		c->ok_dm++;
		if (date_from_ymd(y, b, a) > c->latest_dm)
			c->latest_dm = date_from_ymd(y, b, a);
	}
	if (date_valid_ymd(y, a, b)) {
		c->ok_md++;
		if (date_from_ymd(y, a, b) > c->latest_md)
			c->latest_md = date_from_ymd(y, a, b);
	}
	c->dmy_cells++;
	c->dmy_sep = sep;
	c->dmy_short_year = ny == 2;
	if (a > c->max_first)
		c->max_first = a;
	if (b > c->max_second)
		c->max_second = b;
}

/* Saturating: a placeholder from an absurd export is still a number. */
static void add_money(const struct sniff *s, struct sniff_col *c, int64_t cents)
{
	if (s->in == INPUT_HR) {        /* init judges pay by its median */
		ALLOC_GROW(c->cents, c->ncents + 1, c->cents_alloc);
		c->cents[c->ncents++] = cents;
	}
	if ((cents > 0 && c->money_sum > INT64_MAX - cents) ||
	    (cents < 0 && c->money_sum < INT64_MIN - cents))
		c->money_sum = cents > 0 ? INT64_MAX : INT64_MIN;
	else
		c->money_sum += cents;
}

static void judge_cell(struct sniff *s, struct sniff_col *c, const char *t)
{
	double v;
	int64_t cents;
	int32_t day;
	if (!*t)
		return;
	if (sniff_is_null_word(t)) {
		size_t i;
		for (i = 0; i < s->nulls.nr; i++)
			if (!strcmp(s->nulls.items[i], t))
				break;
		if (i == s->nulls.nr)
			strlist_push(&s->nulls, t);
		return;
	}
	c->filled++;
	if (num_parse(t, &v) == NUM_OK) {
		c->numbers++;
	} else if (num_looks_decimal_comma(t)) {
		/* in the sum the placeholders are made of, as decimal = comma reads it */
		struct strbuf sb = STRBUF_INIT;
		c->decimal_comma++;
		num_from_decimal_comma(&sb, t);
		if (money_parse(sb.buf, &cents) == NUM_OK)
			add_money(s, c, cents);
		strbuf_release(&sb);
	}
	if (money_parse(t, &cents) == NUM_OK) {
		c->money++;
		add_money(s, c, cents);
	}
	if (date_parse(t, NULL, 0, &day) == DATE_OK) {
		c->dates_builtin++;
		if (day > c->latest_builtin)
			c->latest_builtin = day;
	}
	dmy_evidence(c, t);
	add_value(c, t);
	if (s->in == INPUT_HR) {
		struct strbuf k = STRBUF_INIT;
		loader_key_text(c->key_rule, t, &k);
		u64set_add(&c->keys, str_hash(k.buf, k.len));
		strbuf_release(&k);
	}
}

size_t sniff_key_hits(const struct sniff_col *hr, const struct sniff_col *col)
{
	struct strbuf k = STRBUF_INIT;
	size_t i, n = 0;
	for (i = 0; i < col->nvalues; i++) {
		loader_key_text(hr->key_rule, col->values[i].text, &k);
		n += u64set_has(&hr->keys, str_hash(k.buf, k.len));
	}
	strbuf_release(&k);
	return n;
}

/* Decides a date column's format from the evidence gathered. */
static void decide_date(struct sniff_col *c)
{
	char fmt[16];
	if (!c->filled)
		return;
	if (c->dates_builtin * 10 >= c->filled * 9 || !c->dmy_cells) {
		c->date_ok = c->dates_builtin;
		c->date_why = xstrfmt("%zu of %zu cells are dates as written (2026-10-05, 2026/10/05, "
				      "2026年10月5日)", c->dates_builtin, c->filled);
		c->latest = c->latest_builtin;
		return;
	}
	if (c->max_first > 12 && c->max_second <= 12)
		snprintf(fmt, sizeof(fmt), "%%d%c%%m%c%%%c", c->dmy_sep, c->dmy_sep,
			 c->dmy_short_year ? 'y' : 'Y');
	else
		snprintf(fmt, sizeof(fmt), "%%m%c%%d%c%%%c", c->dmy_sep, c->dmy_sep,
			 c->dmy_short_year ? 'y' : 'Y');
	c->date_format = xstrdup(fmt);
	c->latest = fmt[1] == 'd' ? c->latest_dm : c->latest_md;
	/* date_parse tries the format, then the built-ins */
	c->date_ok = (fmt[1] == 'd' ? c->ok_dm : c->ok_md) + c->dates_builtin;
	if (c->max_first > 12 && c->max_second <= 12)
		c->date_why = xstrfmt("%zu of %zu cells parse as %s; a first number up to %d "
				      "can only be a day", c->date_ok, c->filled, fmt, c->max_first);
	else if (c->max_second > 12)
		c->date_why = xstrfmt("%zu of %zu cells parse as %s; a second number up to %d "
				      "can only be a day (US order)", c->date_ok, c->filled, fmt,
				      c->max_second);
	else
		c->date_why = xstrfmt("%zu of %zu cells parse as %s, but AMBIGUOUS: no number "
				      "above 12 tells day from month; check against a known date",
				      c->date_ok, c->filled, fmt);
}

/* Picks the header among the first rows: the first row about as wide as
 * the widest row, all its cells text. */
static int pick_header(struct csv_row *rows, size_t nrows, size_t *widths, char **why)
{
	size_t i, j, maxw = 0;
	for (i = 0; i < nrows; i++) {
		widths[i] = 0;
		for (j = 0; j < rows[i].n; j++)
			widths[i] += rows[i].cell[j][0] != '\0';
		if (widths[i] > maxw)
			maxw = widths[i];
	}
	for (i = 0; i < nrows; i++) {
		double v;
		size_t numbers = 0;
		if (widths[i] * 4 < maxw * 3 || widths[i] < 2)
			continue;
		for (j = 0; j < rows[i].n; j++)
			numbers += num_parse(rows[i].cell[j], &v) == NUM_OK;
		if (numbers * 2 > widths[i])
			continue;
		*why = i ? xstrfmt("row %d is the first with %zu of the %zu columns filled, as text "
				   "(the rows above are titles)", rows[i].row_line, widths[i], maxw)
			 : xstrfmt("the first row names %zu columns", widths[i]);
		return (int)i;
	}
	*why = xstrdup("no row looks like a header: the first row is taken");
	return 0;
}

/* Copies a row (the reader's storage is reused by the next call). */
static void row_copy(struct csv_row *dst, const struct csv_row *src)
{
	size_t i;
	int *lines = xcalloc(src->n + 1, sizeof(*lines));
	dst->n = src->n;
	dst->cell = xcalloc(src->n + 1, sizeof(*dst->cell));
	for (i = 0; i < src->n; i++) {
		dst->cell[i] = xstrdup(src->cell[i]);
		lines[i] = src->line[i];
	}
	dst->line = lines;
	dst->row_line = src->row_line;
}

static void row_free(struct csv_row *r)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		free(r->cell[i]);
	free(r->cell);
	free((int *)r->line);
}

#define HEAD_ROWS 12

static void judge_row(struct sniff *s, const struct csv_row *row)
{
	size_t j;
	s->rows++;
	for (j = 0; j < s->ncols && j < row->n; j++)
		judge_cell(s, &s->cols[j], row->cell[j]);
}

static void set_header(struct sniff *s, const struct csv_row *hdr)
{
	size_t j;
	s->ncols = hdr->n;
	while (s->ncols && !hdr->cell[s->ncols - 1][0])
		s->ncols--;
	s->cols = xcalloc(s->ncols + 1, sizeof(*s->cols));
	for (j = 0; j < s->ncols; j++) {
		struct sniff_col *c = &s->cols[j];
		c->header = xstrdup(hdr->cell[j]);
		c->field = -1;
		c->latest = c->latest_builtin = c->latest_dm = c->latest_md = DATE_NONE;
	}
	map_headers(s);
	/* Keys compare as the run will compare them: an id or alt_id as
	 * written, an e-mail in any case, a name also "Last, First". */
	for (j = 0; j < s->ncols; j++)
		s->cols[j].key_rule = s->cols[j].field >= 0 ? s->cols[j].field : HR_NAME;
}

/* ---------------------------------------------------------- wide quota sheets */

/*
 * The month (1-12) or quarter (1-4, *quarter set) a header names, or 0:
 * "Jan", "January", "Sept", "M01", "2026-01", "01/2026", "10月", "十月",
 * "Q4", "Qtr 4", "Quarter 4", "2026 Q4", "4季度", "第四季度". A bare number
 * counts only beside a year ("2026-10"), since "1" alone is anything.
 */
static int period_of_header(const char *h, int *quarter)
{
	static const char *const months[] = { "january", "february", "march",     "april",
					      "may",     "june",     "july",      "august",
					      "september", "october", "november", "december" };
	static const char *const cn[] = { "一", "二", "三", "四", "五", "六",
					  "七", "八", "九", "十", "十一", "十二" };
	char t[64];
	size_t n = 0, i, len;
	int year = 0, num;
	*quarter = 0;
	/* lower case, without separators, a 4-digit year and 年 taken out */
	for (i = 0; h[i] && n + 1 < sizeof(t); i++) {
		unsigned char ch = (unsigned char)h[i];
		if (isdigit(ch) && isdigit((unsigned char)h[i + 1]) && isdigit((unsigned char)h[i + 2]) &&
		    isdigit((unsigned char)h[i + 3]) && !isdigit((unsigned char)h[i + 4]) &&
		    (ch == '1' || ch == '2') && (i == 0 || !isdigit((unsigned char)h[i - 1]))) {
			year = 1, i += 3;
			continue;
		}
		if (!strncmp(h + i, "年", strlen("年"))) {
			i += strlen("年") - 1;
			continue;
		}
		if (ch == ' ' || ch == '-' || ch == '/' || ch == '.' || ch == '_' || ch == '\'')
			continue;
		t[n++] = (char)tolower(ch);
	}
	t[n] = '\0';
	len = strlen(t);
	if (!len)
		return 0;
	for (i = 0; i < 12; i++)
		if (!strcmp(t, months[i]) || (len == 3 && !strncmp(t, months[i], 3)) ||
		    (i == 8 && !strcmp(t, "sept")))
			return (int)i + 1;
	/* quarters: q4, qtr4, quarter4, 4q, N季度 / 第N季度 with N a digit or 一-四 */
	{
		const char *d = !strncmp(t, "quarter", 7) ? t + 7 : !strncmp(t, "qtr", 3) ? t + 3
				: t[0] == 'q' ? t + 1 : NULL;
		if (d && d[0] >= '1' && d[0] <= '4' && !d[1])
			return *quarter = 1, d[0] - '0';
		if (len == 2 && t[0] >= '1' && t[0] <= '4' && t[1] == 'q')
			return *quarter = 1, t[0] - '0';
		d = !strncmp(t, "第", strlen("第")) ? t + strlen("第") : t;
		for (i = 0; i < 4; i++) {
			char a[32], b[32];
			snprintf(a, sizeof(a), "%zu季度", i + 1);
			snprintf(b, sizeof(b), "%s季度", cn[i]);
			if (!strcmp(d, a) || !strcmp(d, b))
				return *quarter = 1, (int)i + 1;
		}
	}
	/* months: m01, m1, month1, N月 / 十月, or a number beside a year */
	{
		const char *d = !strncmp(t, "month", 5) ? t + 5 : t[0] == 'm' ? t + 1 : t;
		char *end;
		for (i = 0; i < 12; i++) {
			char a[32];
			snprintf(a, sizeof(a), "%s月", cn[i]);
			if (!strcmp(t, a))
				return (int)i + 1;
		}
		if (!isdigit((unsigned char)d[0]))
			return 0;
		num = (int)strtol(d, &end, 10);
		if (num < 1 || num > 12 || end - d > 2)
			return 0;
		if (!strcmp(end, "月") || (!*end && (d != t || year)))
			return num;
	}
	return 0;
}

/* A quota sheet by month or quarter: when no column is the target or the
 * period and the headers name all twelve months (or all four quarters),
 * each once. */
static void find_wide(struct sniff *s)
{
	size_t mcol[13], qcol[5], j;
	int mseen[13] = { 0 }, qseen[5] = { 0 }, k, nm = 0, nq = 0;
	if (s->in != INPUT_TARGETS || sniff_field(s, TARGETS_TARGET) || sniff_field(s, TARGETS_PERIOD))
		return;
	for (j = 0; j < s->ncols; j++) {
		int q, p = s->cols[j].field < 0 ? period_of_header(s->cols[j].header, &q) : 0;
		if (!p)
			continue;
		if (q)
			nq += !qseen[p]++, qcol[p] = j;
		else
			nm += !mseen[p]++, mcol[p] = j;
	}
	for (k = 1; k <= 12; k++)
		if (mseen[k] > 1)
			return;             /* two "Jan" columns: which one? */
	for (k = 1; k <= 4; k++)
		if (qseen[k] > 1)
			return;
	if (nm == 12)
		for (s->nwide = 12, k = 0; k < 12; k++)
			s->wide[k] = mcol[k + 1];
	else if (nq == 4)
		for (s->nwide = 4, k = 0; k < 4; k++)
			s->wide[k] = qcol[k + 1];
	for (k = 0; k < s->nwide; k++)
		s->cols[s->wide[k]].in_wide = 1;
}

/* Sniffs one file, or one sheet (a number, "1" the first) of a workbook. */
static int sniff_one(struct sniff *s, const char *path, const char *sheet, enum input_kind in,
		     struct diag *d)
{
	struct rows r = { 0 };
	struct csv_row head[HEAD_ROWS], row;
	size_t widths[HEAD_ROWS], nhead = 0, i, j;
	enum encoding enc = ENC_AUTO;
	int rc, h;

	memset(s, 0, sizeof(*s));
	s->in = in;
	s->delimiter = ',';
	if (sheet) {
		s->xlsx = 1;
		r.x = xlsxread_open(path, path, sheet, d);
		if (!r.x)
			return -1;
		s->sheet = xstrdup(xlsxread_sheet(r.x));
		s->encoding = "xlsx";
	} else {
		if (sniff_encoding(s, path, &enc, d) < 0)
			return -1;
		sniff_delimiter(s, path, enc);
		r.csv = csvread_open(path, path, enc, s->delimiter, d);
		if (!r.csv)
			return -1;
	}
	while (nhead < HEAD_ROWS && (rc = rows_next(&r, &row, d)) > 0)
		row_copy(&head[nhead++], &row);
	if (!nhead) {
		rows_close(&r);
		return diag_error(d, MERIT_DATAERR, path, 0, 0, "the export has no rows");
	}
	h = pick_header(head, nhead, widths, &s->header_why);
	s->header_row = head[h].row_line;
	set_header(s, &head[h]);
	for (i = (size_t)h + 1; i < nhead; i++)
		judge_row(s, &head[i]);
	for (i = 0; i < nhead; i++)
		row_free(&head[i]);
	rc = 1;
	while (s->rows < SNIFF_MAX_ROWS && (rc = rows_next(&r, &row, d)) > 0)
		judge_row(s, &row);
	if (rc > 0 && rows_next(&r, &row, d) > 0)
		s->more_rows = 1;
	rows_close(&r);
	if (rc < 0)
		return -1;
	find_wide(s);
	map_by_spelling(s);
	for (j = 0; j < s->ncols; j++) {
		struct sniff_col *c = &s->cols[j];
		int date_field = c->field >= 0 && schema_inputs[in].fields[c->field].type == FT_DATE;
		if (date_field)
			decide_date(c);
	}
	return 0;
}

static size_t mapped_fields(const struct sniff *s)
{
	size_t j, n = 0;
	for (j = 0; j < s->ncols; j++)
		n += s->cols[j].field >= 0;
	return n;
}

int sniff_file(struct sniff *s, const char *path, enum input_kind in, struct diag *d)
{
	struct sniff next;
	struct diag quiet;
	char num[16];
	size_t best = 0, k;
	if (!xlsxread_is_xlsx(path))
		return sniff_one(s, path, NULL, in, d);
	/* A workbook: the sheet whose header names most fields (exports put
	 * a cover or notes sheet first). */
	if (sniff_one(s, path, "1", in, d) < 0)
		return -1;
	best = mapped_fields(s);
	s->nsheets = 1;
	for (k = 2; k <= 50; k++) {
		snprintf(num, sizeof(num), "%zu", k);
		diag_init(&quiet);
		if (sniff_one(&next, path, num, in, &quiet) < 0) {
			diag_release(&quiet);
			sniff_release(&next);
			break;
		}
		diag_release(&quiet);
		s->nsheets++;
		if (mapped_fields(&next) > best) {
			int n = s->nsheets;
			best = mapped_fields(&next);
			sniff_release(s);
			*s = next;
			s->nsheets = n;
		} else {
			sniff_release(&next);
		}
	}
	return 0;
}

const struct sniff_col *sniff_field(const struct sniff *s, int f)
{
	size_t j;
	for (j = 0; j < s->ncols; j++)
		if (s->cols[j].field == f)
			return &s->cols[j];
	return NULL;
}

void sniff_release(struct sniff *s)
{
	size_t j, k;
	for (j = 0; j < s->ncols; j++) {
		struct sniff_col *c = &s->cols[j];
		free(c->header);
		free(c->how);
		free(c->date_format);
		free(c->date_why);
		for (k = 0; k < c->nvalues; k++)
			free(c->values[k].text);
		free(c->values);
		u64set_release(&c->keys);
		free(c->cents);
	}
	free(s->cols);
	free(s->sheet);
	free(s->encoding_why);
	free(s->delimiter_why);
	free(s->header_why);
	strlist_release(&s->nulls);
	memset(s, 0, sizeof(*s));
}
