/* Reading one capture (a file or a directory) into struct hd_mem_snapshot.
 * A stub for now: the parsers come next. */
#include "memory.h"

#include <stdlib.h>
#include <string.h>

int hd_mem_read_snapshot(const char *path, struct hd_mem_snapshot *out, struct hd_error *err)
{
    memset(out, 0, sizeof *out);
    return hd_error_set(err, path, 0, "reading memory captures is not implemented yet");
}

void hd_mem_snapshot_free(struct hd_mem_snapshot *snap)
{
    if (!snap)
        return;
    free(snap->regions);
    memset(snap, 0, sizeof *snap);
}
