/*
 * strlist: a growable list of owned strings (git's string-list, without
 * the sorting): the values of a comma list in the INI, the names a
 * summary counts. The list owns every item; strlist_release() frees them.
 *
 *   struct strlist l = { 0 };
 *   strlist_push(&l, "sales");
 *   ... l.items[0 .. l.nr) ...
 *   strlist_release(&l);
 */
#ifndef MERIT_STRLIST_H
#define MERIT_STRLIST_H

#include <stddef.h>

struct strlist {
	char **items;
	size_t nr, alloc;
};

/* Appends a copy of s. */
void strlist_push(struct strlist *l, const char *s);
/* Frees every item and the array; the list is empty and reusable after. */
void strlist_release(struct strlist *l);

#endif
