/*
 * letter: the review letter's building blocks that other code and the tests
 * use directly; letters_write() itself is declared in render/render.h.
 *
 * Ownership: letter_wrap() fills a caller-owned struct wrap_lines, freed
 * with wrap_lines_release(); letter_file_name() appends to a caller's strbuf.
 */
#ifndef MERIT_LETTER_H
#define MERIT_LETTER_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* One wrapped line: bytes [off, off + len) of the text, `width` in 1/1000 em. */
struct wrap_line {
	size_t off, len;
	long width;
};

struct wrap_lines {
	struct wrap_line *v;
	size_t nr, alloc;
};

/* Advance width of a code point in 1/1000 em. */
typedef int (*wrap_width_fn)(void *ctx, uint32_t cp);

/*
 * Breaks UTF-8 text into lines no wider than max_width (1/1000 em; a line is
 * wider only when one character alone is). Latin text breaks at spaces,
 * Chinese between any two characters, never before closing punctuation
 * (，。、；：！？）》」 , . ; : ! ? ) %) nor after opening punctuation (（《「 ( ).
 * A word longer than a line is cut. '\n' forces a break; spaces at a break
 * are dropped. Returns the number of lines (0 for empty text).
 *   letter_wrap("你好，世界", 5, 2000, width, font, &lines);   // "你好，" / "世界"
 */
size_t letter_wrap(const char *text, size_t len, long max_width, wrap_width_fn width,
		   void *ctx, struct wrap_lines *out);
void wrap_lines_release(struct wrap_lines *l);

/*
 * The letter's file name for an employee id: "<id>.pdf" with every byte
 * that is a control character, '/', '\\', '%', ':', '*', '?', '"', '<', '>',
 * '|', '~', a leading '.' or a '.' right after another '.' written as %XX
 * (upper-case hex). A name that would be longer than LETTER_NAME_KEEP +
 * LETTER_NAME_HASH bytes before ".pdf" is cut (at a character boundary) to
 * at most LETTER_NAME_KEEP bytes followed by '~' and the first 16 hex digits
 * of the id's SHA-256, so every name is a valid file name (<= 121 bytes,
 * far below NAME_MAX with room for a temporary suffix). '~' appears only
 * in shortened names, so two ids never share a file.
 *   "E/001" -> "E%2F001.pdf", ".." -> "%2E%2E.pdf",
 *   300 x "/" -> 33 x "%2F" + "~" + 16 hex + ".pdf"
 */
#define LETTER_NAME_KEEP 100
#define LETTER_NAME_HASH 17     /* "~" + 16 hex */
void letter_file_name(const char *id, struct strbuf *out);

#endif
