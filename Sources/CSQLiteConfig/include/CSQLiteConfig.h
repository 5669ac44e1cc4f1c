#ifndef CSQLITECONFIG_H
#define CSQLITECONFIG_H

/// What `sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)` returned when this library was loaded
/// (SQLITE_OK: SQLite's allocator keeps no statistics in this process).
int confchat_sqlite_memstatus_result(void);

#endif
