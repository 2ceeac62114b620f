/*
 * utf16: a UTF-16 export read as UTF-8 (Excel's "Unicode text" is UTF-16 LE
 * with a byte-order mark, tab-separated).
 *
 * The CSV reader cuts its blocks at line feeds and libcsv reads bytes, so
 * UTF-16 cannot go through them as is (0x0A 0x00 is a line feed and half
 * of one). utf16_wrap() puts a stdio stream in front of the file that
 * converts as it reads (iconv), so everything above sees UTF-8; the
 * SHA-256 is still of the bytes as stored.
 *
 *   struct utf16 *u = NULL;
 *   FILE *in = utf16_wrap(fp, ENC_AUTO, &u);   // NULL: not UTF-16, use fp
 *   ... fread(in) ...; fclose(in);             // closes fp too
 *   utf16_sha256(u); utf16_free(u);
 */
#ifndef MERIT_INGEST_UTF16_H
#define MERIT_INGEST_UTF16_H

#include <stdio.h>

#include "config.h"

struct utf16;

/*
 * When want is a UTF-16 encoding or ENC_CP1252, or auto and fp starts with
 * a UTF-16 byte-order mark (or, without one, has the NUL bytes of UTF-16
 * text): a stream of fp's text as UTF-8 (the mark becomes EF BB BF) and *u
 * set. Otherwise NULL and fp rewound, untouched.
 * Undecodable input (a lone surrogate, an odd last byte) makes the
 * stream's read fail with EILSEQ; utf16_bad_offset() then says where.
 */
FILE *utf16_wrap(FILE *fp, enum encoding want, struct utf16 **u);
/* "utf-16le", "utf-16be" or "windows-1252". */
const char *utf16_name(const struct utf16 *u);
/* The SHA-256 of the file's bytes once the stream reached its end, else "". */
const char *utf16_sha256(const struct utf16 *u);
/* The byte offset of the first undecodable unit, or -1. */
long long utf16_bad_offset(const struct utf16 *u);
/* After fclose() of the stream. */
void utf16_free(struct utf16 *u);

#endif
