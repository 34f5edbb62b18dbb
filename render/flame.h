/* The flame graph's SVG writer (flame.c), behind --flame and the --html
 * page. */
#ifndef HD_FLAME_H
#define HD_FLAME_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "report.h"

/* Write REPORT's flame graph to OUT as SVG, every id starting with
 * ID_PREFIX ("" for none) and its script's names in a scope of their own,
 * so that it can be inlined in an HTML page next to other ids and
 * scripts; STANDALONE: an XML document (with the XML declaration), else
 * only the <svg> element.  Returns 0, or -1 with *ERR set when writing
 * failed. */
int hd_flame_write(FILE *out, const struct hd_report *report, const char *id_prefix,
                   bool standalone, struct hd_error *err);

#endif
