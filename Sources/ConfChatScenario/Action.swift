/// Something a scenario line makes happen: a peer doing something, or the test harness
/// changing the network or the clock.
///
/// Peer actions are what a user of the chat app could do (or suffer, like `crash`); they
/// can fail, and `! ACTION` checks that they do. Network actions (`wait`, `partition`,
/// `heal`, `registry crash|restart`, `network ...`) are the harness playing god.
public enum Action: Sendable, Equatable {
    case register(peer: String, password: String)
    case login(peer: String, password: String)
    case logout(peer: String)
    case addFriend(peer: String, other: String)
    case accept(peer: String, other: String)
    case decline(peer: String, other: String)
    case removeFriend(peer: String, other: String)
    case send(peer: String, to: String, text: String)
    case crash(peer: String)
    case restart(peer: String)
    case wipe(peer: String)
    case createGroup(peer: String, group: String)
    case invite(peer: String, group: String, other: String)
    case join(peer: String, group: String)
    case leaveGroup(peer: String, group: String)
    case destroyGroup(peer: String, group: String)
    case sendGroup(peer: String, group: String, text: String)
    /// `wait 30s`: advance simulated time.
    case wait(ScenarioDuration)
    /// `partition alice bob | carol registry`: the groups as written; `registry` may be a
    /// member. Always at least two non-empty groups with no name twice.
    case partition([[String]])
    case heal
    case registryCrash
    case registryRestart
    /// `network loss 5%`, `network alice bob latency 1ms..80ms`, `network reset`.
    case network(NetworkSetting)

    /// The acting peer for peer actions, nil for network and clock actions, so the
    /// simulator can route an action to its peer without switching over every case.
    public var peer: String? {
        switch self {
        case .register(let peer, _), .login(let peer, _), .logout(let peer),
             .addFriend(let peer, _), .accept(let peer, _), .decline(let peer, _),
             .removeFriend(let peer, _), .send(let peer, _, _), .crash(let peer),
             .restart(let peer), .wipe(let peer), .createGroup(let peer, _),
             .invite(let peer, _, _), .join(let peer, _), .leaveGroup(let peer, _),
             .destroyGroup(let peer, _), .sendGroup(let peer, _, _):
            return peer
        case .wait, .partition, .heal, .registryCrash, .registryRestart, .network:
            return nil
        }
    }
}
