/*
 * xlsx_internal: what the files of the workbook writer share (xlsx.c,
 * xlsx_cells.c, xlsx_stats.c, xlsx_summary.c, xlsx_people.c,
 * xlsx_finance.c, xlsx_zip.c). Not a public API: render.h has xlsx_write().
 */
#ifndef MERIT_XLSX_INTERNAL_H
#define MERIT_XLSX_INTERNAL_H

/* Only the compression level below is needed by xlsx_zip.c. */
void xlsx_zip_level_set(int level);

#endif
