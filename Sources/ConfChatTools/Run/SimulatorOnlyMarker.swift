import Foundation

/// The comment line that keeps a scenario off `run --processes`: `# simulator-only: REASON`,
/// for the few scenarios that need the simulator's determinism (an exact clock, one
/// message's fate). The runner skips such a file on processes and prints the reason.
package enum SimulatorOnlyMarker {
    static let prefix = "# simulator-only:"

    /// The reason the file at `path` gives, nil when it has no marker (or cannot be read:
    /// the loader has read it already, so that does not happen in a run).
    package static func reason(inFileAt path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return reason(in: text)
    }

    package static func reason(in text: String) -> String? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(prefix) else { continue }
            let reason = trimmed.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            return reason.isEmpty ? "no reason given" : reason
        }
        return nil
    }
}
