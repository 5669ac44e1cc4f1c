// setns(2) for a network namespace, which Swift's Glibc module does not import (it is a
// _GNU_SOURCE function). Used by ConfChatHosts.NamespaceThread: a thread of the runner that
// enters a host's namespace, so the sockets it opens belong to that host.
#include <errno.h>

extern int setns(int fd, int nstype);

// CLONE_NEWNET (linux/sched.h).
static inline int cnetnamespace_enter(int fd) { return setns(fd, 0x40000000); }
