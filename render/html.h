/* Pieces of the --html page (html.c) that other pages share
 * (memory_html.c). */
#ifndef HD_HTML_H
#define HD_HTML_H

#include <stdio.h>

/* TEXT as HTML character data or a quoted attribute value: & < > " '
 * escaped. */
void hd_html_put_escaped(FILE *out, const char *text);

#endif
