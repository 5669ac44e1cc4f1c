/// Every statement `SQLiteRegistryStore` runs, one a kind of write or read, prepared once a
/// store (`SQLiteStatements`). The arguments are bound by position, in the order of the `?`s.
enum RegistrySQL: Int, CaseIterable {
    // Writes, one or more a mutation (`SQLiteRegistryStore.apply`).
    case addAccount, setEndpoint
    case addRequest, removeRequest, addFriendship, removeFriendship
    case addMail, removeMail, dropMail
    case addBackup
    case createGroup, addMember, addInvitation, removeInvitation, removeMember
    case destroyGroup, clearMembers, clearInvitations
    // Reads of the whole state (`SQLiteRegistryStore.load`), columns by position.
    case readAccounts, readFriendships, readRequests, readMailbox, readBackups, readGroups, readMembers, readInvitations

    var sql: String {
        switch self {
        case .addAccount: "INSERT OR REPLACE INTO accounts (name, password_hash, endpoint, public_key) VALUES (?, ?, ?, ?)"
        case .setEndpoint: "UPDATE accounts SET endpoint = ?, public_key = ? WHERE name = ?"
        case .addRequest: "INSERT OR IGNORE INTO friend_requests (from_user, to_user) VALUES (?, ?)"
        case .removeRequest: "DELETE FROM friend_requests WHERE from_user = ? AND to_user = ?"
        case .addFriendship: "INSERT OR IGNORE INTO friendships (a, b) VALUES (?, ?)"
        case .removeFriendship: "DELETE FROM friendships WHERE a = ? AND b = ?"
        case .addMail: "INSERT OR IGNORE INTO mailbox (to_user, from_user, seq, grp, body, proof) VALUES (?, ?, ?, ?, ?, ?)"
        case .removeMail: "DELETE FROM mailbox WHERE to_user = ? AND from_user = ? AND seq <= ?"
        case .dropMail: "DELETE FROM mailbox WHERE to_user = ? AND from_user = ? AND seq = ?"
        case .addBackup: "INSERT OR IGNORE INTO backups (user, peer, direction, seq, grp, body, proof) VALUES (?, ?, ?, ?, ?, ?, ?)"
        case .createGroup: "INSERT OR REPLACE INTO groups (name, owner) VALUES (?, ?)"
        case .addMember: "INSERT OR IGNORE INTO group_members (grp, member) VALUES (?, ?)"
        case .addInvitation: "INSERT OR IGNORE INTO group_invitations (grp, member) VALUES (?, ?)"
        case .removeInvitation: "DELETE FROM group_invitations WHERE grp = ? AND member = ?"
        case .removeMember: "DELETE FROM group_members WHERE grp = ? AND member = ?"
        case .destroyGroup: "DELETE FROM groups WHERE name = ?"
        case .clearMembers: "DELETE FROM group_members WHERE grp = ?"
        case .clearInvitations: "DELETE FROM group_invitations WHERE grp = ?"
        case .readAccounts: "SELECT name, password_hash, endpoint, public_key FROM accounts"
        case .readFriendships: "SELECT a, b FROM friendships"
        case .readRequests: "SELECT from_user, to_user FROM friend_requests ORDER BY id"
        case .readMailbox: "SELECT to_user, from_user, seq, grp, body, proof FROM mailbox ORDER BY rowid"
        case .readBackups: "SELECT user, peer, direction, seq, grp, body, proof FROM backups ORDER BY rowid"
        case .readGroups: "SELECT name, owner FROM groups"
        case .readMembers: "SELECT grp, member FROM group_members ORDER BY id"
        case .readInvitations: "SELECT grp, member FROM group_invitations"
        }
    }
}
