import ConfChatCore
import ConfChatSimulator
import ConfChatStandalone
import Foundation

/// A `PeerConsole` for one virtual peer of a running `Simulator` (`confchat attach NAME`).
///
/// Commands go through `Simulator.command`, exactly as a scenario line `NAME VERB ...` does,
/// so they settle the network and wait (in simulated time) for the registry's answer.
/// While the user is at the prompt, `pump` keeps the whole network running: it advances the
/// simulated clock by the real time that passed, so heartbeats, retries and presence timeouts
/// fire as they would in a real deployment, and their events reach `onEvent` at once.
///
/// The console owns the simulator's `eventObserver`: events of `name` go to `onEvent`,
/// events of every peer go to `observeAll` (nil by default).
public final class SimulatorConsole: PeerConsole {
    public let simulator: Simulator
    public let name: String
    public var onEvent: ((PeerEvent) -> Void)?
    /// Sees every peer's events (peer, event), after `onEvent` for this console's own.
    public var observeAll: ((String, PeerEvent) -> Void)?
    /// Milliseconds on a monotonic clock. The real clock by default; tests inject their own.
    public var clock: () -> Int64
    /// Longest single step of simulated time `pump` takes, so a long idle stretch
    /// still fires timers one slice at a time and events show up promptly.
    public var slice: Int = 100
    private var lastTick: Int64

    /// - Parameter observing: whether the console takes the simulator's `eventObserver`;
    ///   a console that only reads another peer's state (`@bob messages alice`) does not.
    public init(simulator: Simulator, name: String, clock: @escaping () -> Int64 = HostClock.monotonicMilliseconds,
                observing: Bool = true) {
        self.simulator = simulator
        self.name = name
        self.clock = clock
        self.lastTick = clock()
        guard observing else { return }
        simulator.eventObserver = { [weak self] peer, event in
            guard let self else { return }
            if peer == self.name { self.onEvent?(event) }
            self.observeAll?(peer, event)
        }
    }

    /// Stops listening to the simulator.
    public func detach() { simulator.eventObserver = nil }

    public func run(_ command: PeerCommand) throws -> CommandFailure? {
        let failure = try simulator.command(name, command)
        return failure
    }

    public func state() throws -> PeerDurableState { try simulator.durableState(name) }

    public func sees(_ friend: String) throws -> Bool? { try simulator.sees(name, friend) }

    public func isLoggedIn() throws -> Bool { try simulator.isLoggedIn(name) }

    public func registryAnswers() throws -> Bool? { try simulator.registryAnswers(name) }

    /// Forgets the real time that passed since the last pump (the scenario's own run, a long
    /// command), so the next `pump` does not make up for it in one jump.
    public func resetClock() { lastTick = clock() }

    /// Advances simulated time by the real time elapsed since the last tick.
    public func tick() throws {
        let now = clock()
        let elapsed = now - lastTick
        guard elapsed > 0 else { return }
        lastTick = now
        try simulator.advance(by: elapsed)
    }

    public func pump(until fd: Int32, timeoutMs: Int) throws -> Bool {
        let deadline = clock() + Int64(max(0, timeoutMs))
        while true {
            try tick()
            let left = deadline - clock()
            let wait = Int32(clamping: max(0, min(Int64(slice), left)))
            if fd >= 0 {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let n = poll(&p, 1, wait)
                if n > 0 {
                    try tick()
                    return true
                }
                if n < 0 { return false }  // a signal (EINTR): let the caller look at it
            } else if wait > 0 {
                usleep(UInt32(wait) * 1000)
            }
            if clock() >= deadline {
                try tick()
                return false
            }
        }
    }
}
