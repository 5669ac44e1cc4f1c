import ConfChatStandalone

/// A standalone peer is what `confchat peer`'s prompt drives: `PeerHost` has every member a
/// console needs; the conformance lives here so that the hosts do not depend on the prompt.
extension PeerHost: PeerConsole {}
