// SQLite's process-wide configuration, which Swift cannot set: `sqlite3_config` is variadic.
//
// SQLITE_CONFIG_MEMSTATUS off: with it on (SQLite's default), every allocation and free of
// SQLite's takes a process-wide mutex to count the memory in use, which nothing in conf-chat
// reads (docs/performance.md, "What was changed for speed", 71). `sqlite3_config` works only
// before SQLite initializes, which the first connection opened does, so it runs when the
// program is loaded (a constructor), before any code of the process can open a database,
// whichever module or test opens the first.

#include <sqlite3.h>
#include "CSQLiteConfig.h"

static int memstatus_result = -1;

__attribute__((constructor)) static void confchat_sqlite_configure(void) {
    memstatus_result = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int confchat_sqlite_memstatus_result(void) { return memstatus_result; }
