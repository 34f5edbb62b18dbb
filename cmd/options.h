/* Command-line options declared as data: one table gives both parsing and
 * --help, in the manner of git's parse-options. */
#ifndef HD_OPTIONS_H
#define HD_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"

enum hd_option_kind {
    HD_OPTION_FLAG,   /* sets *(bool *)target = true */
    HD_OPTION_CHOICE, /* sets *(int *)target = value; several options share a target */
    HD_OPTION_STRING, /* *(const char **)target = the argument */
    HD_OPTION_LIST,   /* appends the argument to *(struct hd_string_list *)target */
    HD_OPTION_COUNT,  /* *(size_t *)target = the argument, a whole number */
    HD_OPTION_FRACTION, /* *(double *)target = the argument, in [0, 1] */
    HD_OPTION_SIZE,   /* *(size_t *)target = the argument, a SIZE
                         (hd_option_parse_size), > 0 */
    HD_OPTION_HELP,   /* sets *(bool *)target; the caller prints help */
    HD_OPTION_CHOICE_ARGUMENT, /* a choice that takes an argument (--list RE):
                         target is a struct hd_choice_argument; sets
                         *choice = value and *argument = the argument */
    HD_OPTION_THRESHOLD, /* *(double *)target = the argument, a SIZE
                         (hd_option_parse_size), >= 0: a gate's limit,
                         where 0 means "any growth" */
};

/* Where an HD_OPTION_CHOICE_ARGUMENT puts the choice and its argument.
 * CHOICE is shared with the HD_OPTION_CHOICE options of the same group,
 * so that choosing two of them is an error that names both. */
struct hd_choice_argument {
    int *choice;
    const char **argument;
};

/* The arguments of a repeatable option, in command-line order. */
struct hd_string_list {
    const char *items[32]; /* pointers into argv */
    size_t n;              /* n <= 32 */
};

struct hd_option {
    const char *name;     /* long name with dashes, e.g. "inuse-space"; also
                             matched with '_' for '-' and with one dash */
    char short_name;      /* e.g. 'o', or 0 */
    enum hd_option_kind kind;
    void *target;
    int value;            /* for HD_OPTION_CHOICE */
    const char *argument; /* for options with an argument: what --help calls it */
    const char *help;     /* one line; NULL hides the option from --help
                             (an alias of the option above it) */
    const char *bare;     /* for an option with an argument: the option it
                             means when no argument follows (Go pprof's
                             "-top" alone is its text report); or NULL */
};

/* Parse ARGV[1..ARGC) against TABLE (ended by an entry with a NULL name).
 * Accepts --name, -name, --name=value, --name value, -o value, and "--" to
 * end options; '_' and '-' are the same in names.  Non-options are stored,
 * in order, into POSITIONAL (room for ARGC entries), their count into
 * *N_POSITIONAL.  Returns 0, or -1 with *ERR set: an unknown option, a
 * missing or unexpected argument, or two options that set one target
 * differently (--text and --svg, --base given twice), named both. */
int hd_options_parse(const struct hd_option *table, int argc, char **argv,
                     const char **positional, int *n_positional, struct hd_error *err);

/* Parse TEXT, a SIZE: a whole number of bytes (or of objects, where the
 * value counts objects), with an optional suffix, any case: B; K, KB or
 * KiB; M, MB or MiB; G, GB or GiB, every one a power of 1024, as jeprof,
 * Go pprof's -unit and zstd's CLI take them ("MB" is jeprof's MB, 2^20).
 * No sign, blank or fraction.  Returns false, leaving *BYTES alone, for
 * anything else or for a size that overflows size_t. */
bool hd_option_parse_size(const char *text, size_t *bytes);

/* Print the options of TABLE, one per line with their help, to OUT. */
void hd_options_print_help(FILE *out, const struct hd_option *table);

#endif
