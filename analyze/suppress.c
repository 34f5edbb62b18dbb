/* Reading and matching suppressions files (see suppress.h). */
#include "suppress.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "file.h"
#include "regex.h"

struct hd_suppressions {
    pcre2_code **patterns;      /* n compiled patterns, in file order */
    size_t n;                   /* n <= HD_SUPPRESS_MAX_PATTERNS */
    pcre2_match_data *match;    /* shared by every pattern */
};

/* The whole of PATH, NUL-terminated, its length in *SIZE.  NULL with *ERR
 * set when it cannot be read or exceeds HD_SUPPRESS_MAX_BYTES. */
static char *read_file(const char *path, size_t *size, struct hd_error *err)
{
    int fd = hd_file_open_regular(path, NULL);
    if (fd == HD_FILE_NOT_REGULAR) {
        hd_error_set(err, path, 0, "not a regular file (--suppress)");
        return NULL;
    }
    if (fd < 0) {
        hd_error_set(err, path, 0, "cannot open: %s (--suppress)", strerror(errno));
        return NULL;
    }
    /* Read one byte past the limit, so that a file which grew since it
     * was opened is caught as well. */
    char *text = hd_malloc(HD_SUPPRESS_MAX_BYTES + 2, 1);
    size_t n = 0;
    while (n <= HD_SUPPRESS_MAX_BYTES) {
        ssize_t got = read(fd, text + n, HD_SUPPRESS_MAX_BYTES + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            hd_error_set(err, path, 0, "cannot read: %s (--suppress)", strerror(errno));
            close(fd);
            free(text);
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (n > HD_SUPPRESS_MAX_BYTES) {
        hd_error_set(err, path, 0, "more than %d bytes, too large for a suppressions file",
                     HD_SUPPRESS_MAX_BYTES);
        free(text);
        return NULL;
    }
    text[n] = '\0';
    *size = n;
    return text;
}

/* LINE (NUL-terminated, changed in place) without its surrounding blanks
 * and carriage return: the pattern, or "" for a blank or comment line. */
static char *pattern_of(char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    size_t n = strlen(line);
    while (n > 0 && isspace((unsigned char)line[n - 1]))
        line[--n] = '\0';
    return line[0] == '#' ? line + n : line;
}

int hd_suppressions_load(const char *path, struct hd_suppressions **out, struct hd_error *err)
{
    *out = NULL;
    size_t size;
    char *text = read_file(path, &size, err);
    if (!text)
        return -1;
    if (memchr(text, '\0', size)) {
        long line = 1;
        for (const char *c = text; *c; c++)
            line += *c == '\n';
        free(text);
        return hd_error_set(err, path, line, "a NUL byte: not a suppressions file");
    }
    struct hd_suppressions *s = hd_calloc(1, sizeof *s);
    size_t capacity = 0;
    long number = 0;
    int rc = 0;
    for (char *line = text, *next; line && rc == 0; line = next) {
        number++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        const char *pattern = pattern_of(line);
        if (!*pattern)
            continue;
        if (s->n == HD_SUPPRESS_MAX_PATTERNS) {
            rc = hd_error_set(err, path, number, "more than %d patterns in a suppressions file",
                              HD_SUPPRESS_MAX_PATTERNS);
            break;
        }
        pcre2_code *code = hd_regex_compile("suppress", pattern, 0, err);
        if (!code) {
            /* hd_regex_compile says what is wrong; the place is this line. */
            snprintf(err->file, sizeof err->file, "%s", path);
            err->line = number;
            rc = -1;
            break;
        }
        HD_ARRAY_RESERVE(s->patterns, capacity, s->n + 1);
        s->patterns[s->n++] = code;
    }
    free(text);
    if (rc != 0) {
        hd_suppressions_free(s);
        return -1;
    }
    s->match = pcre2_match_data_create(1, NULL);
    if (!s->match)
        abort();
    *out = s;
    return 0;
}

bool hd_suppressed(const struct hd_suppressions *s, const char *name)
{
    if (!s)
        return false;
    for (size_t i = 0; i < s->n; i++)
        if (pcre2_match(s->patterns[i], (PCRE2_SPTR)name, strlen(name), 0, 0, s->match, NULL) >= 0)
            return true;
    return false;
}

size_t hd_suppressions_count(const struct hd_suppressions *s)
{
    return s ? s->n : 0;
}

void hd_suppressions_free(struct hd_suppressions *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        pcre2_code_free(s->patterns[i]);
    free(s->patterns);
    pcre2_match_data_free(s->match);
    free(s);
}
