import ConfChatCore
import ConfChatScenario

/// Where a scenario runs: the simulator (one process, simulated clock) or real processes
/// (`confchat run --processes`). The runner drives either through this, so statements and
/// expectations are carried out by one runner, written once.
public protocol ScenarioWorld: AnyObject {
    /// The scenario's clock: simulated, or real time times the run's time scale.
    var now: SimInstant { get }
    /// `peers NAME...`: makes the peers (processes: launches them).
    func declare(_ names: [String]) throws
    /// Carries out an action; returns why it was refused, or nil if it succeeded.
    func perform(_ action: Action) throws -> CommandFailure?
    /// What expectations read of one peer.
    func view(_ peer: String) throws -> PeerView
    /// The same, holding only the messages `texts` names: what one expectation reads.
    func view(_ peer: String, texts: PeerView.Texts) throws -> PeerView
    /// Whether an expectation holds, read in place (nil: the world reads it from a view).
    func holds(_ e: Expectation) throws -> Bool?
    /// Lets what the last action set off run its course before an expectation is checked.
    func settle() throws
    /// Lets time pass until the next check of an expectation that does not hold yet, no
    /// later than `deadline`.
    func awaitNextCheck(deadline: SimInstant) throws
    func emit(_ kind: @autoclosure () -> TraceEvent.Kind)
    /// Stops everything the world started.
    func shutDown()
}

extension ScenarioWorld {
    /// A world whose views come whole (the processes' control channel) gives the whole view.
    public func view(_ peer: String, texts: PeerView.Texts) throws -> PeerView { try view(peer) }
    /// A world whose views come whole reads every expectation from its view.
    public func holds(_ e: Expectation) throws -> Bool? { nil }
}

extension Simulator: ScenarioWorld {
    public func awaitNextCheck(deadline: SimInstant) throws {
        try advance(by: ScenarioRunner.nextPoll(now: now, deadline: deadline, nextTimer: nextTimerDue) - now)
    }
}
