/// What arrived for one seq of a sender's sequence: a message (CHAT, GROUP-CHAT, mail), or a
/// SKIP, the sender's word that it lost that seq for good.
///
/// `accept` and the hold-back buffer take either, so a skip keeps its place in the sequence
/// like any message; what it is stays in the type, not in a group name no group has.
enum Arrival: Hashable {
    case message(HistoryItem)
    case skip

    /// Octets of body it holds (what the hold-back buffer counts against its bounds).
    var size: Int {
        switch self {
        case let .message(item): item.body.count
        case .skip: 0
        }
    }
}
