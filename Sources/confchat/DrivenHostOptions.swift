import ArgumentParser
import ConfChatCore
import ConfChatStandalone
import Foundation

/// The options of a host driven by a test runner (`confchat run --processes`), shared by
/// `confchat registry` and `confchat peer`.
struct DrivenHostOptions: ParsableArguments {
    @Flag(help: "Open the control channel (docs/protocol.md, \"Control channel\") and take no prompt; the process ends when its stdin does. For test runners.")
    var control = false

    @Flag(name: .customLong("control-ipc"), help: "With --control: bind the control channel to the ipc socket control.ipc in the data directory instead of 127.0.0.1 (a runner in another network namespace reaches it through the file system).")
    var controlIPC = false

    @Option(name: .customLong("time-scale"), help: ArgumentHelp("Run timers this many times faster than real time: heartbeats, presence time-outs, retries (tests). A peer's command still waits up to 2 s of real time for the registry.", valueName: "k"))
    var timeScale: Int64 = 1

    @Option(name: .customLong("connect-from"), help: ArgumentHelp("Make outgoing tcp connections from this local IPv4 address (a runner's proxy tells the nodes apart by it).", valueName: "ip"))
    var connectFrom: String?

    func check() throws {
        if !(1...1000).contains(timeScale) { throw ValidationError("--time-scale must be 1 to 1000 (got \(timeScale))") }
        if controlIPC, !control { throw ValidationError("--control-ipc needs --control") }
        if let connectFrom {
            var address = in_addr()
            if inet_pton(AF_INET, connectFrom, &address) != 1 { throw ValidationError("--connect-from needs an IPv4 address such as 127.0.0.7 (got '\(connectFrom)')") }
        }
    }

    /// The host's clock: monotonic milliseconds, `timeScale` times faster.
    var clock: () -> Int64 {
        let k = timeScale
        return { HostClock.monotonicMilliseconds() * k }
    }

    /// `config` with its requests to the registry on real time, on this host's clock.
    /// --time-scale K runs the protocol's timers K times faster, but a loaded machine answers
    /// no faster for it: a command waits as long as at --time-scale 1 (2 s of real time), at
    /// most half the time the registry remembers a request (`RegistryLimits.requestMemoryMs`,
    /// on the registry's own scaled clock), so that a request retried within it is still
    /// known to the registry as one (up to --time-scale 7 that is the full 2 s); and it sends
    /// its request again as often as at --time-scale 1 (every 100 ms), not K times as often.
    func registryRequestsOnRealTime(_ config: PeerConfig) -> PeerConfig {
        var c = config
        c.requestTimeout = min(config.requestTimeout * timeScale, RegistryLimits.requestMemoryMs / 2)
        c.requestRetryInterval = config.requestRetryInterval * timeScale
        return c
    }

    func open(in dataDirectory: String, log: @escaping (String) -> Void) throws -> ControlChannel {
        let channel = try ControlChannel(dataDirectory: dataDirectory, ipc: controlIPC)
        channel.log = log
        return channel
    }
}
