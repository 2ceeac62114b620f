/*
 * encoding: turning an export's bytes into UTF-8 (the only iconv user).
 *
 * The CSV reader hands the decoder chunks that end on a line feed, so no
 * character is ever split between two chunks (0x0A is never part of a
 * multi-byte sequence in UTF-8 or GB18030) and an error offset converts to a
 * line number by counting line feeds.
 *
 * encoding = auto decides at the first line that holds a non-ASCII byte:
 * valid UTF-8 there means UTF-8 (a later invalid byte is then an error),
 * anything else means GB18030. Everything before that line is ASCII, which
 * both encodings spell the same, so nothing read so far needs redoing.
 *
 *   struct decoder dc;
 *   decoder_init(&dc, ENC_AUTO);
 *   if (decoder_feed(&dc, buf, len, &out, &outlen, &bad) < 0) ... bad offset
 *   decoder_release(&dc);
 */
#ifndef MERIT_INGEST_ENCODING_H
#define MERIT_INGEST_ENCODING_H

#include <stddef.h>

#include "config.h"
#include "util/strbuf.h"

struct decoder {
	enum encoding want;
	enum encoding got;      /* ENC_AUTO until decided */
	void *cd;               /* iconv_t once GB18030 is in use */
	struct strbuf out;      /* converted text (GB18030 only) */
};

void decoder_init(struct decoder *dc, enum encoding want);
void decoder_release(struct decoder *dc);

/*
 * Decodes len bytes (whole lines, or the file's tail) into UTF-8. Returns 0
 * and sets *out and *outlen (valid until the next call), or -1 with *bad set to
 * the offset in `in` of the first byte that cannot be decoded.
 */
int decoder_feed(struct decoder *dc, const char *in, size_t len, const char **out,
		 size_t *outlen, size_t *bad);

/* "utf-8" or "gb18030" (an all-ASCII file under auto reports "utf-8"). */
const char *decoder_name(const struct decoder *dc);

#endif
