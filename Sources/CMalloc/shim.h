// glibc's heap statistics and trimming (malloc.h), which Swift's Glibc module does not
// import. Used by ConfChatTools.ProcessMemory (the bench's memory a peer is the heap the
// network holds, mallinfo2, and each phase starts from a trimmed heap) and by the standalone
// hosts' HeapTrim (freed heap given back after many connections have closed).
#include <malloc.h>

// Bytes of the heap in use, every arena (mallinfo2 sums them): the chunks handed out by
// malloc, their headers included, plus the blocks malloc mapped on their own.
static inline size_t cmalloc_heap_in_use(void) {
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

static inline int cmalloc_trim(void) { return malloc_trim(0); }
