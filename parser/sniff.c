/* Recognizing formats that are not heap profiles (see sniff.h). */
#include "sniff.h"

#include <stdint.h>
#include <string.h>

/* Heap profiles of the kinds heapdiff reads, said in every hint that has
 * nothing better to suggest. */
#define READS "heapdiff reads heap profiles (gperftools, jemalloc, pprof's profile.proto), " \
              "valgrind massif and memcheck XML, and LeakSanitizer reports"

static bool starts_with(const char *data, size_t size, const char *prefix)
{
    size_t n = strlen(prefix);
    return size >= n && memcmp(data, prefix, n) == 0;
}

/* Whether NEEDLE occurs in the first LIMIT bytes of DATA. */
static bool contains_early(const char *data, size_t size, const char *needle, size_t limit)
{
    return memmem(data, size < limit ? size : limit, needle, strlen(needle)) != NULL;
}

/* ---- ELF (the System V gABI, "ELF Header" and "Program Header") ---- */

/* The unsigned LENGTH-byte number at DATA + AT in the file's byte order. */
static uint64_t elf_number(const unsigned char *data, size_t at, int length, bool big_endian)
{
    uint64_t value = 0;
    for (int i = 0; i < length; i++) {
        int byte = big_endian ? i : length - 1 - i;
        value = value << 8 | data[at + (size_t)byte];
    }
    return value;
}

/* Whether the ELF file DATA has a PT_INTERP program header, as a
 * position-independent executable does and a shared library does not.
 * False when the headers lie outside DATA. */
static bool elf_has_interpreter(const unsigned char *data, size_t size)
{
    bool is64 = data[4] == 2, big = data[5] == 2;
    size_t header = is64 ? 64 : 52;
    if (size < header)
        return false;
    uint64_t phoff = elf_number(data, is64 ? 32 : 28, is64 ? 8 : 4, big);
    uint64_t entsize = elf_number(data, is64 ? 54 : 42, 2, big);
    uint64_t count = elf_number(data, is64 ? 56 : 44, 2, big);
    if (entsize < 4 || phoff > size)
        return false;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = phoff + i * entsize;
        if (at > size - 4)
            return false;
        if (elf_number(data, (size_t)at, 4, big) == 3 /* PT_INTERP */)
            return true;
    }
    return false;
}

static bool sniff_elf(const unsigned char *data, size_t size, struct hd_sniffed *out)
{
    if (size < 18 || memcmp(data, "\177ELF", 4) != 0)
        return false;
    switch (elf_number(data, 16, 2, data[5] == 2)) {
    case 1: /* ET_REL */
        *out = (struct hd_sniffed){"an ELF object file", "give the linked program first, "
                                                         "as BINARY, then its profiles"};
        return true;
    case 2: /* ET_EXEC */
        *out = (struct hd_sniffed){"an ELF executable", "give it first, as BINARY, then the "
                                                        "profiles"};
        return true;
    case 3: /* ET_DYN: a PIE executable has an interpreter, a library not */
        if (elf_has_interpreter(data, size))
            *out = (struct hd_sniffed){"an ELF executable (PIE)",
                                       "give it first, as BINARY, then the profiles"};
        else
            *out = (struct hd_sniffed){"an ELF shared library",
                                       "heapdiff finds libraries through the profile's maps "
                                       "section; give the program first, as BINARY"};
        return true;
    case 4: /* ET_CORE */
        *out = (struct hd_sniffed){"an ELF core file",
                                   READS " (HEAPPROFILE=prefix, or MALLOC_CONF=prof:true)"};
        return true;
    default:
        *out = (struct hd_sniffed){"an ELF file", READS};
        return true;
    }
}

/* ---- pprof's profile.proto (github.com/google/pprof, proto/profile.proto) ---- */

/* A protobuf varint at *AT (advanced past it); false when it runs past
 * SIZE or over 10 bytes. */
static bool read_varint(const unsigned char *data, size_t size, size_t *at, uint64_t *value)
{
    *value = 0;
    for (int shift = 0; shift < 70 && *at < size; shift += 7) {
        unsigned char byte = data[(*at)++];
        *value |= (uint64_t)(byte & 0x7f) << (shift < 64 ? shift : 63);
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

/* Whether DATA[0..SIZE) is a ValueType message: only fields 1 (type) and
 * 2 (unit), both varints. */
static bool is_value_type(const unsigned char *data, size_t size)
{
    size_t at = 0;
    while (at < size) {
        uint64_t key, value;
        if (!read_varint(data, size, &at, &key) || (key != 0x08 && key != 0x10) ||
            !read_varint(data, size, &at, &value))
            return false;
    }
    return true;
}

/* Whether the wire type WIRE suits field NUMBER of a Profile message:
 * messages and strings (1-6, 11) are length-delimited, the int64 fields
 * (7-10, 12, 14, 15) varints, and comment (13) either (packed or not). */
static bool profile_field_fits(uint64_t number, uint64_t wire)
{
    if ((number >= 1 && number <= 6) || number == 11)
        return wire == 2;
    if ((number >= 7 && number <= 10) || number == 12 || number == 14 || number == 15)
        return wire == 0;
    return number == 13 && (wire == 0 || wire == 2);
}

/* A Profile message starts with its sample types (field 1), as Go pprof's
 * and prost's encoders write them, or with its period type (field 11), as
 * Go's runtime writes them: the first field must be such a ValueType, and
 * the first fields after it (up to 16, or to the end) must be Profile
 * fields of the right wire type.  A length that runs past the end after
 * the first field is a truncated profile: it is one, for the reader to
 * refuse as truncated. */
bool hd_sniff_profile_proto(const char *text, size_t size)
{
    const unsigned char *data = (const unsigned char *)text;
    size_t at = 0;
    for (int field = 0; field < 16 && at < size; field++) {
        uint64_t key, value;
        /* Cut off after a whole first field: a truncated profile. */
        if (!read_varint(data, size, &at, &key))
            return field > 0 && at == size;
        uint64_t number = key >> 3, wire = key & 7;
        if ((field == 0 && number != 1 && number != 11) || !profile_field_fits(number, wire))
            return false;
        if (!read_varint(data, size, &at, &value))
            return field > 0 && at == size;
        if (wire == 2) {
            if (value > size - at)
                return field > 0;
            if ((number == 1 || number == 11) && !is_value_type(data + at, (size_t)value))
                return false;
            at += (size_t)value;
        }
    }
    return size > 0;
}

/* ---- the rest ---- */

/* gperftools' CPU profile (docs/cpuprofile-fileformat.html): a header of
 * five words 0, 3, 0, sampling period, 0, in the program's word size. */
static bool sniff_cpu_profile(const unsigned char *data, size_t size, struct hd_sniffed *out)
{
    for (int word = 4; word <= 8; word += 4) {
        if (size < (size_t)word * 5)
            continue;
        uint64_t w[5];
        for (int i = 0; i < 5; i++)
            w[i] = elf_number(data, (size_t)(i * word), word, false);
        if (w[0] == 0 && w[1] == 3 && w[2] == 0 && w[3] != 0 && w[4] == 0) {
            *out = (struct hd_sniffed){"a gperftools CPU profile (CPUPROFILE)",
                                       READS " (HEAPPROFILE=prefix)"};
            return true;
        }
    }
    return false;
}

bool hd_sniff_valgrind_xml(const char *text, size_t size)
{
    return starts_with(text, size, "<?xml") && contains_early(text, size, "<valgrindoutput>", 4096);
}

bool hd_sniff_format(const char *text, size_t size, struct hd_sniffed *out)
{
    const unsigned char *data = (const unsigned char *)text;
    if (sniff_elf(data, size, out))
        return true;
    if (starts_with(text, size, "PERFILE2") || starts_with(text, size, "2ELIFREP")) {
        *out = (struct hd_sniffed){"perf data (perf record)", READS};
        return true;
    }
    if (starts_with(text, size, "Total:")) {
        *out = (struct hd_sniffed){"a text report (pprof's, jeprof's or heapdiff's)",
                                   "give the profile it was made from"};
        return true;
    }
    return sniff_cpu_profile(data, size, out);
}
