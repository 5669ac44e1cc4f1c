import ConfChatScenario
import Foundation
import Testing

/// Behaviour that does not match the spec yet, found by the end-to-end scenarios. Each test
/// runs the scenario that shows the problem and expects it to pass inside `withKnownIssue`:
/// when the problem is fixed, the known issue is no longer recorded and the test fails,
/// which is the signal to drop the `withKnownIssue` wrapper (and to move the scenario into
/// `scenarios/`).
@Suite struct KnownIssueTests {
    /// Runs a scenario string; returns the failure report, empty if it passed.
    private func failures(_ source: String, transport: TransportKind = .inproc) throws -> String {
        guard let outcome = try E2ESupport.run(source: source, options: .init(transport: transport)) else { return "" }
        return E2ESupport.report(outcome)
    }

    /// docs/guarantees.md, guarantee 5: a wiped peer gets its data back "when the registry is down, from
    /// its online friends". A peer with no local credentials cannot log in without the registry.
    @Test("a wiped peer logs in and syncs from friends while the registry is down")
    func wipeWithRegistryDown() throws {
        let report = try failures(E2ESupport.twoFriends + """
            alice send bob "one"
            bob send alice "two"
            alice logout
            alice wipe
            registry crash
            alice login a
            expect alice friends bob
            expect alice sent bob "one"
            expect alice conversation bob "two"

            """)
        withKnownIssue("login with an empty data directory needs the registry") {
            #expect(report.isEmpty, "\(report)")
        }
    }

    /// docs/guarantees.md, guarantee 5, under a lossy network: a wiped peer whose friend
    /// holds its sent message gets it back only by the friend's HISTORY, which is sent once
    /// an answer to its HELLO. Here (chaos `--network`, 8 peers, 150 steps, seed 11657,
    /// shrunk) the HISTORY of dave's #1 to erin is lost four times at 29 % loss; dave has
    /// reserved #1 as held by erin (`sync`), and at its next LOGIN-REPLY `skipReservedGone`
    /// takes that reservation for a mailbox one that is gone and skips it. From then on
    /// nothing asks erin again, and dave's history lacks the message for good. Two fixes
    /// are needed: a reservation of what the friend holds is not skipped, and a HELLO goes
    /// again (at the retry cadence) while a friend holds messages of ours that we do not.
    @Test("a wiped peer whose friend's HISTORY is lost gets its sent message back")
    func historyLostAfterWipe() throws {
        let report = try failures("""
            seed 11657
            peers alice bob carol dave erin frank grace heidi
            alice register pw-alice
            bob register pw-bob
            carol register pw-carol
            dave register pw-dave
            erin register pw-erin
            frank register pw-frank
            grace register pw-grace
            heidi register pw-heidi
            alice login pw-alice
            bob login pw-bob
            carol login pw-carol
            dave login pw-dave
            erin login pw-erin
            frank login pw-frank
            grace login pw-grace
            heidi login pw-heidi
            alice add-friend bob
            bob accept alice
            alice add-friend carol
            carol accept alice
            carol add-friend dave
            dave accept carol
            erin add-friend dave
            dave accept erin
            dave add-friend frank
            frank accept dave
            erin add-friend grace
            grace accept erin
            heidi add-friend grace
            grace accept heidi
            frank add-friend heidi
            heidi accept frank
            alice create-group team
            alice invite team bob
            bob join team
            alice invite team carol
            carol join team
            dave send frank "s11657-m1"
            heidi send grace "s11657-m2"
            registry crash
            carol crash mid-input after step 0
            frank logout
            dave send frank "s11657-m9"
            ! carol send-group team "s11657-g10"
            erin send dave "s11657-m11"
            dave send frank "s11657-m12"
            dave send erin "s11657-m13"
            dave send frank "s11657-m15"
            carol restart
            dave send frank "s11657-m19"
            network loss 4%
            bob crash mid-input after step 3
            bob send-group team "s11657-g21"
            heidi logout
            registry restart
            alice send bob "s11657-m22"
            dave logout
            heidi wipe
            registry crash
            network loss 13%
            alice send carol "s11657-m24"
            grace logout
            alice send carol "s11657-m25"
            erin send grace "s11657-m26"
            erin send dave "s11657-m27"
            erin send grace "s11657-m28"
            wait 7200ms
            network duplicate 13%
            alice send carol "s11657-m29"
            alice send carol "s11657-m30"
            alice logout
            carol wipe
            erin send grace "s11657-m31"
            partition carol erin registry | alice bob dave frank grace heidi
            dave wipe
            registry restart
            ! dave login pw-dave
            erin send grace "s11657-m32"
            carol crash mid-input after step 1
            erin send dave "s11657-m34"
            network latency 23ms..118ms
            erin send grace "s11657-m35"
            ! heidi login pw-heidi
            wait 7700ms
            network reset
            erin logout
            partition dave | alice bob carol erin frank grace heidi registry
            network latency 10ms..44ms
            ! carol login pw-carol
            network loss 18%
            carol restart
            network latency 15ms..144ms
            heidi login pw-heidi
            wait 4200ms
            ! dave login pw-dave
            registry crash mid-input after step 0
            wait 2600ms
            erin login pw-erin
            carol login pw-carol
            registry restart
            frank crash
            wait 2600ms
            carol send alice "s11657-m42"
            heal
            wait 500ms
            carol send-group team "s11657-g44"
            carol send alice "s11657-m45"
            carol send alice "s11657-m46"
            carol send-group team "s11657-g47"
            alice login pw-alice
            alice send bob "s11657-m49"
            carol send-group team "s11657-g50"
            dave login pw-dave
            alice send carol "s11657-m51"
            network loss 29%
            wait 2s
            wait 2600ms
            network reset
            bob restart
            frank restart
            bob login pw-bob
            frank login pw-frank
            grace login pw-grace
            wait 1m
            expect dave sent erin "s11657-m13"

            """)
        withKnownIssue("HISTORY is sent once, and a reservation of what the friend holds is skipped at the next login") {
            #expect(report.isEmpty, "\(report)")
        }
    }
}
