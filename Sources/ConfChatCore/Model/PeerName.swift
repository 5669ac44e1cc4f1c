/// Validation of user (peer) and group names.
///
/// Names become directory names under the data directory and routing ids on the wire, so the
/// pattern `[a-z][a-z0-9_-]{0,31}` is enforced wherever a name enters the system: no `/`, no
/// `..`, no empty name, nothing that starts with a zero byte (libzmq rejects such routing ids).
public enum PeerName {
    /// The name the registry goes by; no user may take it.
    public static let registry = "registry"

    /// Whether `name` matches the pattern above.
    ///
    /// The UTF-8 bytes are looked at where they lie, not copied into an array first: the
    /// scenario loader asks this of about two names a line, and the copy's allocation was
    /// most of it. (A native string always has contiguous UTF-8; the view is the fallback.)
    public static func isValid(_ name: String) -> Bool {
        name.utf8.withContiguousStorageIfAvailable(isValid) ?? isValid(name.utf8)
    }

    private static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        guard (1...32).contains(bytes.count), let first = bytes.first, (0x61...0x7A).contains(first) else { return false }
        for b in bytes.dropFirst() {
            let ok = (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x5F || b == 0x2D
            if !ok { return false }
        }
        return true
    }

    /// A valid name that is not reserved: what `register` accepts.
    public static func isValidUser(_ name: String) -> Bool { isValid(name) && name != registry }

    /// The rule in words, for error messages.
    public static let rule = "a lowercase letter, then up to 31 lowercase letters, digits, '_' or '-'"

    /// Why `name` cannot be a user's name, said as a user needs it, or nil when it can.
    public static func userNameProblem(_ name: String) -> String? {
        if name == registry { return "'registry' is the registry's own name; a user needs another" }
        return isValid(name) ? nil : "'\(name)' is not a valid peer name (\(rule))"
    }
}
