/* The second core (README, "Threads").
 *
 * While the calling thread parses the currents, a worker thread parses
 * the bases (or, for a series, the next snapshot), then readies the
 * binary: it opens it, finds its debug file
 * and decompresses the DWARF sections lookups read (shared by every open
 * of the file, symbolize/inflated.c).
 * Then the lookups of the locations the run's symbolizer names, sorted by
 * module and offset, are shared: the calling thread takes them from one
 * end and the worker from the other, each with a symbolizer of its own,
 * so that two libdwarf handles decode two sets of compilation units at
 * once.
 *
 * Output stays that of the serial run, byte for byte.  The run's own
 * symbolizer is only ever used from the calling thread, in the serial
 * order; the two scratch symbolizers hand over an answer only when its
 * module has made them say nothing at all so far (hd_warning_capture:
 * their warnings are counted, never said; their summaries too).  Any
 * other lookup is made again by the run's symbolizer, in its place in the
 * serial order, where it warns as it always did.
 *
 * HEAPDIFF_THREADS in the environment: "1" turns threads off; "2" (or
 * more) uses them even for small work, on one core or a busy machine
 * (the tests compare both); unset, they are used when a second core is
 * there and idle (load average) and there is enough work. */
#ifndef HD_PARALLEL_H
#define HD_PARALLEL_H

#include "annotate.h"
#include "core.h"

struct hd_parallel;

/* Ready the second core for REQUEST's diff: NULL when threads are off
 * or REQUEST is a series. */
struct hd_parallel *hd_parallel_new(const struct hd_request *request);

/* Ready the second core for REQUEST's series: the worker parses the N
 * snapshots PATHS in order, one ahead of the caller, who takes each with
 * hd_parallel_parse(); they are not symbolized ahead.  NULL when threads
 * are off or the work is small. */
struct hd_parallel *hd_parallel_series(const struct hd_request *request,
                                       const char *const *paths, size_t n);

/* hd_core_read_one, PATH parsed through PAR (hd_parallel_parse). */
struct hd_model *hd_core_read_one_through(const struct hd_request *request,
                                          struct hd_parallel *par, const char *path,
                                          struct hd_symbolizer *sym, struct hd_error *err);

/* PATH parsed as hd_parse_file(PATH, LIMITS, ERR) parses it: by the
 * worker, ahead of the caller, when PATH is the next of the profiles it
 * parses ahead (the same pointer: the request's bases, a series'
 * snapshots), its warnings said now, where parsing it here would say
 * them; else here.  PAR NULL: here. */
struct hd_model *hd_parallel_parse(struct hd_parallel *par, const char *path,
                                   const struct hd_parse_limits *limits, struct hd_error *err);

/* What the scratch symbolizers found for MODEL's locations: an array of
 * model->n_locations entries, each what a lookup of the location by SYM
 * would answer, or NULL where SYM must look it up itself (for
 * hd_sym_annotate_found()).  OTHER_BUILD: the model's other_build
 * locations are named by another symbolizer and left to it.  The answers
 * live until hd_parallel_free(); the caller frees the array.  NULL when
 * PAR is NULL or the work is too small to share. */
const struct hd_sym_location **hd_parallel_lookups(struct hd_parallel *par,
                                                   const struct hd_model *model,
                                                   bool other_build);

/* Stop the worker and free the scratch symbolizers; call once the frames
 * they named are no longer used.  NULL is fine. */
void hd_parallel_free(struct hd_parallel *par);

#endif
