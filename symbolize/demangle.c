/* Demangling through libiberty and pprof-style shortening (sym_demangle.h). */
#include "sym_demangle.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

#include "array.h"

bool hd_sym_is_mangled(const char *name)
{
    return name && name[0] == '_' && (name[1] == 'Z' || name[1] == 'R') &&
           name[2] != '\0';
}

static bool is_operator_char(char c)
{
    return c && strchr("<>=!+-*/%^&|~,[]", c) != NULL;
}

/* Remove " [clone .constprop.0]" (libiberty) and ".constprop.0", ".isra.0",
 * ".part.1", ".cold", ".lto_priv.0" (raw GCC clone symbols) from the end. */
static void drop_clone_suffixes(char *name)
{
    for (;;) {
        size_t len = strlen(name);
        if (len > 0 && name[len - 1] == ']') {
            char *open = strstr(name, " [clone ");
            if (open) {
                *open = '\0';
                continue;
            }
        }
        char *dot = strrchr(name, '.');
        if (!dot || dot == name)
            return;
        /* ".<word>" or ".<word>.<digits>" at the end */
        char *word = dot + 1;
        bool digits = *word != '\0';
        for (char *p = word; *p; p++)
            digits = digits && isdigit((unsigned char)*p);
        if (digits) {
            char *prev = dot - 1;
            while (prev > name && *prev != '.')
                prev--;
            if (*prev != '.' || prev == name)
                return;
            word = prev + 1;
            dot = prev;
        }
        static const char *const clones[] = {"constprop", "isra", "part",
                                              "cold", "lto_priv", "localalias",
                                              "clone", "llvm"};
        bool known = false;
        for (size_t i = 0; i < sizeof clones / sizeof *clones; i++) {
            size_t n = strlen(clones[i]);
            if (strncmp(word, clones[i], n) == 0 &&
                (word[n] == '\0' || word[n] == '.'))
                known = true;
        }
        if (!known)
            return;
        *dot = '\0';
    }
}

void hd_sym_shorten_name(char *name)
{
    drop_clone_suffixes(name);
    char *out = name;
    int angle = 0, paren = 0;
    for (const char *p = name; *p;) {
        if (strncmp(p, "operator", 8) == 0 && !isalnum((unsigned char)p[8]) &&
            p[8] != '_' && (p == name || !isalnum((unsigned char)p[-1]))) {
            /* Copy the operator token whole: "operator<<", "operator()". */
            size_t n = 8;
            if (p[n] == ' ' && is_operator_char(p[n + 1]))
                n++;
            if (p[n] == '(' && p[n + 1] == ')')
                n += 2;
            else
                while (is_operator_char(p[n]))
                    n++;
            if (angle == 0 && paren == 0) {
                memmove(out, p, n);
                out += n;
            }
            p += n;
            continue;
        }
        if (*p == '{' && angle == 0 && paren == 0) {
            /* "{lambda()#1}" and the like are names: copy verbatim. */
            const char *close = strchr(p, '}');
            size_t n = close ? (size_t)(close - p) + 1 : strlen(p);
            memmove(out, p, n);
            out += n;
            p += n;
            continue;
        }
        char c = *p++;
        if (c == '<') {
            angle++;
        } else if (c == '>' && angle > 0) {
            angle--;
        } else if (c == '(' && angle == 0) {
            /* An argument list, but not "(anonymous namespace)" and not
             * the "{lambda()#1}" of a closure. */
            if (strncmp(p, "anonymous namespace)", 20) == 0 && paren == 0) {
                memmove(out, p - 1, 21);
                out += 21;
                p += 20;
                continue;
            }
            paren++;
        } else if (c == ')' && paren > 0) {
            paren--;
            /* " const" or " &&" after an argument list goes with it. */
            if (paren == 0 && strncmp(p, " const", 6) == 0 &&
                !isalnum((unsigned char)p[6]))
                p += 6;
        } else if (angle == 0 && paren == 0) {
            *out++ = c;
        }
    }
    *out = '\0';
}

char *hd_sym_display_name(const char *raw, bool demangle, bool full_names)
{
    char *name = NULL;
    if (demangle && hd_sym_is_mangled(raw)) {
        /* Without DMGL_PARAMS libiberty already leaves out arguments and
         * clone suffixes; shortening then only drops template arguments. */
        name = cplus_demangle(raw, full_names ? DMGL_PARAMS | DMGL_ANSI : DMGL_ANSI);
    }
    if (!name)
        name = hd_strdup(raw);
    if (demangle && !full_names)
        hd_sym_shorten_name(name);
    return name;
}
