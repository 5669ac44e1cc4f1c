import ConfChatSimulator

/// Passes every event to several sinks: one run can print its trace, record it for a diagram
/// and keep it for a report at the same time.
public final class TraceTee: TraceSink {
    public let sinks: [any TraceSink]

    public init(_ sinks: [any TraceSink]) { self.sinks = sinks }

    public func record(_ event: TraceEvent) {
        for sink in sinks { sink.record(event) }
    }
}
