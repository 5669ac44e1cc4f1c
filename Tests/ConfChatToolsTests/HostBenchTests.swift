@testable import ConfChatTools
import Testing

/// How `confchat bench --hosts` sums up its peers' outcomes: the figures it prints and when
/// it fails (a message missing, doubled or out of order, a peer that failed).
@Suite struct HostBenchTests {
    private func peer(_ name: String, sent: Int = 2, received: Int = 2, latencies: [UInt32] = [1000, 3000],
                      first: UInt64 = 1_000_000_000, last: UInt64 = 2_000_000_000) -> RingPeer.Outcome {
        var o = RingPeer.Outcome(name: name)
        o.sent = sent
        o.received = received
        o.latenciesMicros = latencies
        o.firstSendNs = first
        o.lastDeliveryNs = last
        return o
    }

    @Test("ring neighbours are on different hosts, also where the ring closes (1,000 peers on 3 hosts)",
          arguments: [(1000, 3), (999, 3), (12, 3), (1001, 4), (10, 5), (7, 3)])
    func neighboursCrossHosts(peers: Int, hosts: Int) {
        for i in 0..<peers {
            let next = (i + 1) % peers
            #expect(HostBench.host(ofPeer: i, peers: peers, hosts: hosts) != HostBench.host(ofPeer: next, peers: peers, hosts: hosts),
                    "peer \(i) and peer \(next) share a host")
            #expect((1...hosts).contains(HostBench.host(ofPeer: i, peers: peers, hosts: hosts)))
        }
    }

    @Test("every message in once: delivered a second over first send to last delivery, latency percentiles in ms")
    func allIn() {
        let r = HostBench.summarize([peer("p0"), peer("p1", first: 1_500_000_000, last: 3_000_000_000)],
                                    hosts: 2, peers: 2, sentExpected: 4, setupSeconds: 1)
        #expect(r.ok)
        #expect(r.delivered == 4 && r.seconds == 2.0 && r.deliveredPerSecond == 2.0)
        #expect(r.p50Ms == 3.0 && r.maxMs == 3.0)
        #expect(r.json.contains("\"delivered_per_second\": 2.0") && r.json.contains("\"ok\": true"))
    }

    @Test("a missing message, a doubled one, or a peer that reported nothing fails the bench")
    func failures() {
        #expect(!HostBench.summarize([peer("p0"), peer("p1", received: 1)], hosts: 2, peers: 2, sentExpected: 4, setupSeconds: 1).ok)
        var doubled = peer("p1")
        doubled.duplicates = 1
        #expect(!HostBench.summarize([peer("p0"), doubled], hosts: 2, peers: 2, sentExpected: 4, setupSeconds: 1).ok)
        let missing = HostBench.summarize([peer("p0")], hosts: 2, peers: 2, sentExpected: 4, setupSeconds: 1)
        #expect(!missing.ok && missing.errors == ["1 peers reported nothing"])
    }

    @Test("the counters: copies, retries and friends shown offline from the peers, repeated LOGINs and busy answers from the registry's log")
    func counters() {
        var a = peer("p0")
        a.seen = ["duplicate from pN": 7, "retrying unconfirmed messages to pN": 3, "pN offline: silent for Nms": 2, "pN online: hello": 5]
        var b = peer("p1")
        b.seen = ["duplicate from pN": 1, "pN offline: logged out": 4]
        let log = """
            repeated LOGIN req=3 from 3f2a: answered again
            repeated LOGIN req=4 from 3f2a: its password check is under way
            repeated REGISTER req=1 from 3f2a: answered again
            answer to key 3f2a...: refused: the registry is busy checking passwords: try again shortly
            answer to p0: ok
            """
        let c = HostBenchCounters(outcomes: [a, b], registryLog: log)
        #expect(c.copiesDropped == 8 && c.retryRounds == 3 && c.offlineDeclared == 2)
        #expect(c.repeatedLogins == 2 && c.busyAnswers == 1)
        var r = HostBench.summarize([a, b], hosts: 2, peers: 2, sentExpected: 4, setupSeconds: 1)
        r.counters = c
        #expect(r.json.contains("\"copies_dropped\": 8") && r.json.contains("\"busy_answers\": 1"))
    }

    @Test("an accept told 'no pending friend request' is done once the two are friends, not retried for 300 s")
    func lateAcceptAnswer() {
        // The first accept was carried out but answered after the peer's time-out; the retry finds no request.
        #expect(RingPeer.acceptDone("no pending friend request from p0", friends: true))
        #expect(!RingPeer.acceptDone("no pending friend request from p0", friends: false))
        #expect(RingPeer.acceptDone("p0 is already a friend", friends: true))
        #expect(!RingPeer.acceptDone("the registry is busy checking passwords", friends: false))
    }
}
