import Foundation

/// The host networks this process has up, so that an exit or a signal that skips their
/// deinit still removes them. Weak references: a network that went away on its own is not kept alive.
final class LiveNetworks: @unchecked Sendable {
    static let shared = LiveNetworks()

    private let lock = NSLock()
    private var networks: [ObjectIdentifier: Weak] = [:]
    private var serial = 0
    private var exitHookInstalled = false
    private var signalSources: [any DispatchSourceSignal] = []

    private struct Weak { weak var network: HostNetwork? }

    /// The next serial number for a network of this process.
    func nextSerial() -> Int {
        lock.withLock { defer { serial += 1 }; return serial }
    }

    /// Remembers a network that is up; the first time, arranges for `exit` to tear down whatever is still up.
    func add(_ network: HostNetwork) {
        lock.withLock {
            networks[ObjectIdentifier(network)] = Weak(network: network)
            if !exitHookInstalled {
                exitHookInstalled = true
                atexit { LiveNetworks.shared.tearDownAll() }
            }
        }
    }

    func remove(_ network: HostNetwork) {
        _ = lock.withLock { networks.removeValue(forKey: ObjectIdentifier(network)) }
    }

    /// Tears down every network still up.
    func tearDownAll() {
        let live = lock.withLock { networks.values.compactMap(\.network) }
        for network in live { network.tearDown() }
    }

    /// On SIGINT, SIGTERM or SIGHUP: tear down every network, then exit with 128 + the signal,
    /// as the default action would have. Replaces any earlier handler of those signals.
    func tearDownOnSignals() {
        lock.withLock {
            guard signalSources.isEmpty else { return }
            for sig in [SIGINT, SIGTERM, SIGHUP] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    LiveNetworks.shared.tearDownAll()
                    exit(128 + sig)
                }
                source.resume()
                signalSources.append(source)
            }
        }
    }
}
