import Foundation

/// Ctrl-C and SIGTERM while the interactive prompt runs a command.
///
/// The terminal's signal handlers only set these flags (nothing else is safe in a signal
/// handler); whatever runs long checks them: the simulator between two timers of a
/// `wait 999999h` (`AttachedNetwork`), a standalone peer while it waits for the
/// registry's answer (`PeerHost.run`). Ctrl-C cancels the command and the prompt goes on;
/// SIGTERM (or SIGHUP) cancels it and the prompt exits.
package enum PromptInterrupt {
    nonisolated(unsafe) static var interrupted: sig_atomic_t = 0
    nonisolated(unsafe) static var terminated: sig_atomic_t = 0

    /// Whether the command in progress is to stop; consumes a Ctrl-C (a SIGTERM stays set:
    /// the prompt exits on it).
    static func takeStop() -> Stop? {
        if terminated != 0 { return .terminated }
        if interrupted != 0 {
            interrupted = 0
            return .interrupted
        }
        return nil
    }

    /// What a standalone peer asks while it waits for the registry (`PeerHost.stopRequest`):
    /// the stop asked for, if any, taking a Ctrl-C only when `consume` says so.
    package static func stopRequest(consume: Bool) -> (any Error)? {
        if consume { return takeStop() }
        return terminated != 0 ? Stop.terminated : interrupted != 0 ? Stop.interrupted : nil
    }

    enum Stop: Error, CustomStringConvertible {
        case interrupted, terminated
        var description: String {
            switch self {
            case .interrupted: "interrupted (Ctrl-C)"
            case .terminated: "stopped: the process was asked to end (SIGTERM)"
            }
        }
    }
}
