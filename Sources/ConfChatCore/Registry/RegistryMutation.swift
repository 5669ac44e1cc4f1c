/// One change to the registry's durable state; see `PeerMutation` for the pattern.
public enum RegistryMutation: Hashable, Sendable {
    case addAccount(name: String, hash: String, endpoint: String, key: [UInt8])
    /// A login from (possibly) a new place: the endpoint and key it announced.
    case setEndpoint(name: String, endpoint: String, key: [UInt8])
    case addRequest(from: String, to: String)
    case removeRequest(from: String, to: String)
    case addFriendship(String, String)
    case removeFriendship(String, String)
    case addMail(to: String, MailItem)
    case removeMail(to: String, from: String, upTo: UInt64)
    /// One item the recipient could not open (MAIL-DROP).
    case dropMail(to: String, from: String, seq: UInt64)
    case addBackup(user: String, BackupEntry)
    case createGroup(name: String, owner: String)
    case addInvitation(group: String, member: String)
    case joinGroup(group: String, member: String)
    case leaveGroup(group: String, member: String)
    case destroyGroup(String)
}
