import Foundation

/// glibc's `malloc_trim(0)`: returns the free memory of every malloc arena to the system.
///
/// Looked up at run time (Swift's Glibc module does not declare it), so a C library without
/// it (musl, Darwin) just does nothing.
enum HeapTrim {
    private typealias Trim = @convention(c) (Int) -> Int32

    private static let function: Trim? = {
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
    }()

    static func trim() { _ = function?(0) }
}
