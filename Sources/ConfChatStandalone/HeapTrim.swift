import CMalloc

/// glibc's `malloc_trim(0)`: returns the free memory of every malloc arena to the system.
/// Through `CMalloc`, the one place the project reaches glibc's malloc.h (the bench's heap
/// figure uses it too).
enum HeapTrim {
    static func trim() { _ = cmalloc_trim() }
}
