/* /proc/PID/status (proc(5)): "Key:\tvalue" lines; only Threads: is read
 * (thread stacks are anonymous mappings in smaps since Linux 4.5, which
 * stopped naming them "[stack:TID]"). */
#include "inputs.h"

int hd_mem_parse_status(const char *name, const char *data, size_t size, size_t *threads,
                        struct hd_error *err)
{
    struct hd_lines lines;
    struct hd_line line;
    hd_lines_init(&lines, data, size);
    while (hd_lines_next(&lines, &line)) {
        struct hd_cursor c;
        uint64_t n;
        hd_cursor_init(&c, &line);
        if (!hd_cursor_accept(&c, "Threads:"))
            continue;
        if (hd_mem_cursor_u64(&c, name, lines.number, "Threads", &n, err) != 0)
            return -1;
        if (n == 0 || n > 1 << 22)
            return hd_error_set(err, name, lines.number, "Threads: %llu is not a process's",
                                (unsigned long long)n);
        *threads = (size_t)n;
        return 0;
    }
    return hd_error_set(err, name, 0, "status without a Threads: line");
}
