import ConfChatCore

/// What `confchat --version` prints: the tool's version and the versions of the two contracts
/// it implements, the wire protocol (docs/protocol.md) and the scenario language.
enum ConfChatVersion {
    static let tool = "0.1.0"
    static let scenarioLanguage = "1.1"

    static var description: String {
        "confchat \(tool) (protocol \(WireCodec.version), scenario language \(scenarioLanguage))"
    }
}
