#ifndef SYM_SYMLIB_H
#define SYM_SYMLIB_H

#include <stddef.h>

void *lib_alloc(size_t n);
void *lib_outer(size_t n);

#endif
