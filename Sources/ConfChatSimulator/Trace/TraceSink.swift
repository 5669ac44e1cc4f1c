import ConfChatCore
import Foundation

/// Receives trace events. The simulator calls `record` for each event as it happens.
public protocol TraceSink: AnyObject {
    func record(_ event: TraceEvent)
}

/// Collects events in memory: tests and the determinism check compare these.
public final class TraceRecorder: TraceSink {
    public private(set) var events: [TraceEvent] = []
    public init() {}
    public func record(_ event: TraceEvent) { events.append(event) }
}

/// Prints events as they happen, as aligned text or as JSON Lines.
public final class TracePrinter: TraceSink {
    public enum Format: String, Sendable, CaseIterable { case text, json }

    private let format: Format
    private let color: Bool
    private let write: (String) -> Void

    public init(format: Format, color: Bool, write: @escaping (String) -> Void) {
        self.format = format
        self.color = color
        self.write = write
    }

    /// Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org).
    public static func wantsColor(fileDescriptor: Int32 = STDOUT_FILENO) -> Bool {
        isatty(fileDescriptor) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    public func record(_ event: TraceEvent) {
        write(format == .json ? TraceFormatter.json(event) : TraceFormatter.text(event, color: color))
    }
}
