/// Something a scenario line makes happen: a peer doing something, or the test harness
/// changing the network or the clock.
///
/// Peer actions are what a user of the chat app could do (or suffer, like `crash`); they
/// can fail, and `! ACTION` checks that they do. Network actions (`wait`, `partition`,
/// `heal`, `registry crash|restart`, `network ...`) and fault points (`alice crash mid-input
/// after step 2`) are the harness playing god.
public enum Action: Sendable, Equatable {
    /// `alice VERB ARGS`: the named peer does what one of the verbs of `Verb.all` says.
    case peer(String, PeerAction)
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
    /// `alice crash mid-input after step 2`, `registry crash mid-input after step 0` (a
    /// conf-chat extension beyond version 1.2): the node crashes part way through the next
    /// input it handles that writes to its data, once `afterStep` steps of carrying that
    /// input out are done. `node` is a peer or `registry`.
    case crashMidInput(node: String, afterStep: Int)

    /// The acting peer for peer actions, nil for network and clock actions, so the
    /// simulator can route an action to its peer without switching over every case.
    public var actor: String? {
        if case let .peer(name, _) = self { name } else { nil }
    }
}
