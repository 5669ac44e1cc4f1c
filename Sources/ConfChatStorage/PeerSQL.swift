/// Every statement `SQLitePeerStore` runs, one a kind of write or read, prepared once a store
/// (`SQLiteStatements`). The arguments are bound by position, in the order of the `?`s.
enum PeerSQL: Int, CaseIterable {
    // Writes, one or more a mutation (`SQLitePeerStore.apply`).
    case setCredentials, setFriend, removeFriend, addRequest, removeRequest
    case storeMessage, overwriteMessage
    case setGroup, clearMembers, addMember, removeGroup
    case markUnsynced, markSynced
    case queue, dequeue
    case setKey
    case addInvitation, removeInvitation
    case setAcked, reserve
    // Reads of the whole state (`SQLitePeerStore.load`), columns by position.
    case readCredentials, readFriends, readRequests, readMessages, readGroups, readMembers
    case readUnsynced, readQueued, readKeys, readInvitations, readAcks, readReserved

    var sql: String {
        switch self {
        case .setCredentials: "INSERT OR REPLACE INTO account (id, password_hash) VALUES (1, ?)"
        case .setFriend: "INSERT OR REPLACE INTO friends (name, endpoint) VALUES (?, ?)"
        case .removeFriend: "DELETE FROM friends WHERE name = ?"
        case .addRequest: "INSERT OR IGNORE INTO friend_requests (from_user) VALUES (?)"
        case .removeRequest: "DELETE FROM friend_requests WHERE from_user = ?"
        // A real message replaces a SKIP placeholder; anything else already held stays.
        case .storeMessage: """
            INSERT INTO messages (peer, direction, seq, text, grp, kind, proof, stored_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (peer, direction, seq) DO UPDATE SET text = excluded.text, grp = excluded.grp, kind = excluded.kind,
                proof = excluded.proof, stored_at = excluded.stored_at
            WHERE messages.kind = 'skipped' AND excluded.kind <> 'skipped'
            """
        // An upsert, not INSERT OR REPLACE: the row keeps its rowid, its place in the history.
        case .overwriteMessage: """
            INSERT INTO messages (peer, direction, seq, text, grp, kind, proof) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (peer, direction, seq) DO UPDATE SET text = excluded.text, grp = excluded.grp, kind = excluded.kind,
                proof = excluded.proof
            """
        case .setGroup: "INSERT OR REPLACE INTO groups (name, owner) VALUES (?, ?)"
        case .clearMembers: "DELETE FROM group_members WHERE grp = ?"
        case .addMember: "INSERT INTO group_members (grp, name, endpoint) VALUES (?, ?, ?)"
        case .removeGroup: "DELETE FROM groups WHERE name = ?"
        case .markUnsynced: "INSERT OR IGNORE INTO unsynced (peer) VALUES (?)"
        case .markSynced: "DELETE FROM unsynced WHERE peer = ?"
        case .queue: "INSERT INTO queued (peer, grp, text) VALUES (?, ?, ?)"
        case .dequeue: "DELETE FROM queued WHERE peer = ?"
        case .setKey: "INSERT OR REPLACE INTO public_keys (name, public_key) VALUES (?, ?)"
        case .addInvitation: "INSERT OR REPLACE INTO group_invitations (grp, owner) VALUES (?, ?)"
        case .removeInvitation: "DELETE FROM group_invitations WHERE grp = ?"
        // An upsert: the row is updated in place, where OR REPLACE deleted it and its index entry first.
        case .setAcked: "INSERT INTO acks (peer, acked) VALUES (?, ?) ON CONFLICT (peer) DO UPDATE SET acked = excluded.acked"
        case .reserve: "INSERT OR REPLACE INTO reserved (peer, seq) VALUES (?, ?)"
        case .readCredentials: "SELECT password_hash FROM account WHERE id = 1"
        case .readFriends: "SELECT name, endpoint FROM friends"
        case .readRequests: "SELECT from_user FROM friend_requests"
        case .readMessages: "SELECT peer, direction, seq, text, grp, kind, proof FROM messages ORDER BY peer, direction, seq"
        case .readGroups: "SELECT name, owner FROM groups"
        case .readMembers: "SELECT grp, name, endpoint FROM group_members ORDER BY grp, name"
        case .readUnsynced: "SELECT peer FROM unsynced"
        case .readQueued: "SELECT peer, grp, text FROM queued ORDER BY id"
        case .readKeys: "SELECT name, public_key FROM public_keys"
        case .readInvitations: "SELECT grp, owner FROM group_invitations"
        case .readAcks: "SELECT peer, acked FROM acks"
        case .readReserved: "SELECT peer, seq FROM reserved"
        }
    }
}
