/* Table-driven option parsing (see options.h). */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Whether the option name NAME equals the typed TEXT (LENGTH bytes), with
 * '_' and '-' the same. */
static bool name_equals(const char *name, const char *text, size_t length)
{
    if (strlen(name) != length)
        return false;
    for (size_t i = 0; i < length; i++) {
        char a = name[i] == '_' ? '-' : name[i];
        char b = text[i] == '_' ? '-' : text[i];
        if (a != b)
            return false;
    }
    return true;
}

static const struct hd_option *find_long(const struct hd_option *table, const char *text,
                                         size_t length)
{
    for (const struct hd_option *o = table; o->name; o++)
        if (name_equals(o->name, text, length))
            return o;
    return NULL;
}

static const struct hd_option *find_short(const struct hd_option *table, char ch)
{
    for (const struct hd_option *o = table; o->name; o++)
        if (o->short_name && o->short_name == ch)
            return o;
    return NULL;
}

/* Apply option O with its argument VALUE (NULL when none was given). */
static int apply(const struct hd_option *o, const char *value, const char *typed,
                 struct hd_error *err)
{
    bool takes_argument = o->argument != NULL;
    if (!takes_argument && value)
        return hd_error_set(err, NULL, 0, "option '%s' takes no argument", typed);
    if (takes_argument && !value)
        return hd_error_set(err, NULL, 0, "option '%s' needs %s", typed, o->argument);
    char *end;
    switch (o->kind) {
    case HD_OPTION_FLAG:
    case HD_OPTION_HELP:
        *(bool *)o->target = true;
        break;
    case HD_OPTION_CHOICE:
        *(int *)o->target = o->value;
        break;
    case HD_OPTION_CHOICE_ARGUMENT: {
        const struct hd_choice_argument *c = o->target;
        *c->choice = o->value;
        *c->argument = value;
        break;
    }
    case HD_OPTION_STRING:
        *(const char **)o->target = value;
        break;
    case HD_OPTION_LIST: {
        struct hd_string_list *list = o->target;
        if (list->n == sizeof list->items / sizeof *list->items)
            return hd_error_set(err, NULL, 0, "option '%s' given too often", typed);
        list->items[list->n++] = value;
        break;
    }
    case HD_OPTION_COUNT: {
        errno = 0;
        unsigned long long n = strtoull(value, &end, 10);
        if (errno || end == value || *end || value[0] == '-' || n > SIZE_MAX / 2)
            return hd_error_set(err, NULL, 0, "option '%s' needs a whole number, not '%s'",
                                typed, value);
        *(size_t *)o->target = (size_t)n;
        break;
    }
    case HD_OPTION_SIZE: {
        size_t bytes;
        if (!hd_option_parse_size(value, &bytes) || bytes == 0)
            return hd_error_set(err, NULL, 0,
                                "option '%s' needs a size in bytes (K, M and G suffixes allowed) "
                                "from 1 to %zu, not '%s' (K, KB, KiB: 1024)",
                                typed, SIZE_MAX, value);
        *(size_t *)o->target = bytes;
        break;
    }
    case HD_OPTION_THRESHOLD: {
        size_t bytes;
        if (!hd_option_parse_size(value, &bytes))
            return hd_error_set(err, NULL, 0,
                                "option '%s' needs a size (K, M and G suffixes allowed) from 0 "
                                "to %zu, not '%s' (K, KB, KiB: 1024)",
                                typed, SIZE_MAX, value);
        *(double *)o->target = (double)bytes;
        break;
    }
    case HD_OPTION_FRACTION: {
        errno = 0;
        double f = strtod(value, &end);
        if (errno || end == value || *end || !(f >= 0 && f <= 1))
            return hd_error_set(err, NULL, 0,
                                "option '%s' needs a fraction from 0 to 1, not '%s'", typed,
                                value);
        *(double *)o->target = f;
        break;
    }
    }
    return 0;
}

bool hd_option_parse_size(const char *text, size_t *bytes)
{
    static const struct {
        const char *name;
        int shift;
    } suffixes[] = {{"", 0},   {"B", 0},   {"K", 10},  {"KB", 10}, {"KiB", 10}, {"M", 20},
                    {"MB", 20}, {"MiB", 20}, {"G", 30}, {"GB", 30}, {"GiB", 30}};
    /* strtoull would take a sign or blanks and wrap "-1" around. */
    if (!isdigit((unsigned char)text[0]))
        return false;
    errno = 0;
    char *end;
    unsigned long long n = strtoull(text, &end, 10);
    if (errno || n > SIZE_MAX)
        return false;
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        if (strcasecmp(end, suffixes[i].name) != 0)
            continue;
        if (n > (SIZE_MAX >> suffixes[i].shift))
            return false;
        *bytes = (size_t)n << suffixes[i].shift;
        return true;
    }
    return false;
}

/* Whether TEXT is a whole number, as HD_OPTION_COUNT takes it. */
static bool is_count(const char *text)
{
    return text[0] >= '0' && text[0] <= '9' && text[strspn(text, "0123456789")] == '\0';
}

/* The options already applied, to tell a repeated choice from a
 * conflicting one. */
struct applied {
    const void *target;
    const struct hd_option *option;
    const char *typed;
    const char *value;
};

/* What O sets, for telling conflicts: a choice with an argument sets the
 * choice it shares with its group. */
static const void *target_of(const struct hd_option *o)
{
    if (o->kind == HD_OPTION_CHOICE_ARGUMENT)
        return ((const struct hd_choice_argument *)o->target)->choice;
    return o->target;
}

static bool is_choice(const struct hd_option *o)
{
    return o->kind == HD_OPTION_CHOICE || o->kind == HD_OPTION_CHOICE_ARGUMENT;
}

/* Refuse O (typed as TYPED, with VALUE) when an earlier option set its
 * target otherwise: another choice of the same group, the same choice
 * with another argument, or the same string option with another value.
 * Flags and lists may repeat. */
static int check_conflict(const struct applied *done, size_t n, const struct hd_option *o,
                          const char *typed, const char *value, struct hd_error *err)
{
    if (!is_choice(o) && o->kind != HD_OPTION_STRING && o->kind != HD_OPTION_COUNT &&
        o->kind != HD_OPTION_FRACTION && o->kind != HD_OPTION_SIZE &&
        o->kind != HD_OPTION_THRESHOLD)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (done[i].target != target_of(o))
            continue;
        bool same_choice = is_choice(o) && done[i].option->value == o->value;
        if (same_choice && (o->kind == HD_OPTION_CHOICE || strcmp(done[i].value, value) == 0))
            return 0;
        if (!is_choice(o) && strcmp(done[i].value, value) == 0)
            return 0;
        if (is_choice(o) && !same_choice)
            return hd_error_set(err, NULL, 0, "'%s' and '%s' contradict each other: choose one",
                                done[i].typed, typed);
        return hd_error_set(err, NULL, 0, "'%s' is given twice ('%s' and '%s'): choose one",
                            typed, done[i].value, value);
    }
    return 0;
}

int hd_options_parse(const struct hd_option *table, int argc, char **argv,
                     const char **positional, int *n_positional, struct hd_error *err)
{
    *n_positional = 0;
    bool options_ended = false;
    struct applied *done = calloc((size_t)argc + 1, sizeof *done);
    size_t n_done = 0;
    int rc = 0;
    if (!done)
        abort();
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *arg = argv[i];
        if (options_ended || arg[0] != '-' || arg[1] == '\0') {
            positional[(*n_positional)++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_ended = true;
            continue;
        }
        const struct hd_option *o;
        const char *value = NULL;
        if (arg[1] != '-' && arg[2] == '\0') {
            o = find_short(table, arg[1]);
        } else {
            const char *name = arg + (arg[1] == '-' ? 2 : 1);
            const char *equals = strchr(name, '=');
            size_t length = equals ? (size_t)(equals - name) : strlen(name);
            o = find_long(table, name, length);
            if (equals)
                value = equals + 1;
        }
        if (!o) {
            rc = hd_error_set(err, NULL, 0, "unknown option '%s' (see --help)", arg);
            break;
        }
        if (o->bare && !value && (i + 1 >= argc || !is_count(argv[i + 1])))
            o = find_long(table, o->bare, strlen(o->bare));
        else if (o->argument && !value) {
            if (i + 1 >= argc) {
                rc = hd_error_set(err, NULL, 0, "option '%s' needs %s", arg, o->argument);
                break;
            }
            value = argv[++i];
        }
        if (check_conflict(done, n_done, o, arg, value, err) != 0 ||
            apply(o, value, arg, err) != 0)
            rc = -1;
        else
            done[n_done++] = (struct applied){target_of(o), o, arg, value};
    }
    free(done);
    return rc;
}

void hd_options_print_help(FILE *out, const struct hd_option *table)
{
    for (const struct hd_option *o = table; o->name; o++) {
        if (!o->help)
            continue;
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->argument ? " " : "", o->argument ? o->argument : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->argument ? "=" : "",
                     o->argument ? o->argument : "");
        fprintf(out, "  %-30s %s\n", left, o->help);
    }
}
