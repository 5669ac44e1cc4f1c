import ConfChatCore

/// A mutation the memory stores may keep in their log until the state is read
/// (`MutationLog`): the message path's, which come several a message and whose application
/// to the store's copy no one reads until a restart. The rest are applied at once, so the
/// log never holds more than the state would.
protocol LoggedLater {
    var isLoggedLater: Bool { get }
}

extension PeerMutation: LoggedLater {
    /// A message stored and its acknowledgement: the two a delivered message makes.
    var isLoggedLater: Bool {
        switch self {
        case .store, .markAcked: true
        default: false
        }
    }
}

extension RegistryMutation: LoggedLater {
    /// A message's backup entry and the mail a recipient away is deposited and takes.
    var isLoggedLater: Bool {
        switch self {
        case .addBackup, .addMail, .removeMail: true
        default: false
        }
    }
}
