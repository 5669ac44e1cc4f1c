import ConfChatCore
import ConfChatStandalone
import Foundation

/// The control channel's requests for a peer (`confchat peer --control`): the prompt's own
/// lines, so an action over the channel is typed exactly as at the prompt, plus `view`.
extension PeerPrompt {
    /// Answers one control request:
    /// - `view`: what scenario expectations read (`PeerView`), as JSON;
    /// - any prompt line (`send bob "hi"`, `login PASSWORD`...): `ok` with its result lines,
    ///   or `refused` with its error lines.
    /// (`ping`, the peer's name and bound endpoint, is answered by `confchat peer` itself.)
    public func controlReply(_ line: String) -> ControlChannel.Reply {
        let trimmed = PromptLexer.trim(line)
        switch trimmed {
        case "view":
            do {
                let view = PeerView(try console.state(), loggedIn: try console.isLoggedIn(), sees: { try? self.console.sees($0) ?? nil })
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                return .init(.ok, String(decoding: try encoder.encode(view), as: UTF8.self))
            } catch {
                return .init(.error, "\(error)")
            }
        case "quit", "exit":
            return .init(.error, "'\(trimmed)' is not a control request: close the runner's pipe (stdin) or send SIGTERM")
        default:
            var lines: [Line] = []
            let previous = (output, showEvents)
            output = { lines.append($0) }
            showEvents = false
            execute(trimmed)
            (output, showEvents) = previous
            let errors = lines.filter { $0.kind == .error }
            return errors.isEmpty ? .init(.ok, lines.map(\.text).joined(separator: "\n"))
                : .init(.refused, errors.map(\.text).joined(separator: "\n"))
        }
    }
}
