/*
 * strlist: a growable list of owned strings (util/strlist.h has the
 * contract).
 */
#include "util/strlist.h"
#include "util/xalloc.h"

#include <stdlib.h>

void strlist_push(struct strlist *l, const char *s)
{
	ALLOC_GROW(l->items, l->nr + 1, l->alloc);
	l->items[l->nr++] = xstrdup(s);
}

void strlist_release(struct strlist *l)
{
	size_t i;
	for (i = 0; i < l->nr; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->nr = l->alloc = 0;
}
