/// What a user asks their own peer to do with a group: the group verbs, a type of their own
/// so that the group code handles exactly these and nothing else.
public enum GroupCommand: Hashable, Sendable {
    case create(String)
    case invite(group: String, member: String)
    case join(String)
    case leave(String)
    case destroy(String)
    case send(group: String, text: String)
}
