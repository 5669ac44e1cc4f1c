@testable import ConfChatHosts
import Testing

@Suite("Hosts: what --hosts needs, refused at once without it")
struct HostPrivilegesTests {
    private static let both: UInt64 = 1 << 12 | 1 << 21

    private func privileges(_ mask: UInt64?, ip: String? = "/usr/sbin/ip") -> HostPrivileges {
        HostPrivileges(effectiveCapabilities: { mask }, ipPath: { ip })
    }

    private func refusal(_ p: HostPrivileges) -> String {
        do {
            _ = try HostNetwork(hosts: 3, privileges: p)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func anUnprivilegedUserIsToldWhichCapabilitiesAreMissing() {
        let said = refusal(privileges(0))
        #expect(said.contains("CAP_NET_ADMIN and CAP_SYS_ADMIN"))
        #expect(said.contains("run as root"))
        #expect(said.contains("nothing was changed"))
        #expect(!said.contains("iproute2"))
    }

    @Test func onlyTheMissingCapabilityIsNamed() {
        let said = refusal(privileges(1 << 12))
        #expect(said.contains("CAP_SYS_ADMIN"))
        #expect(!said.contains("CAP_NET_ADMIN"))
    }

    @Test func anUnreadableCapabilityMaskCountsAsNone() {
        #expect(refusal(privileges(nil)).contains("CAP_NET_ADMIN and CAP_SYS_ADMIN"))
    }

    @Test func withoutTheIpToolTheInstallScriptIsNamed() {
        let said = refusal(privileges(Self.both, ip: nil))
        #expect(said.contains("`ip` tool of iproute2"))
        #expect(said.contains("scripts/install-deps.sh"))
        #expect(!said.contains("CAP_"))
    }

    @Test func bothMissingAreSaidTogether() {
        let said = refusal(privileges(0, ip: nil))
        #expect(said.contains("CAP_NET_ADMIN") && said.contains("iproute2"))
    }

    @Test func theEffectiveMaskIsReadFromProcStatus() {
        let status = "Name:\tconfchat\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t0000000000201000\n"
        #expect(HostPrivileges.parseCapEff(status) == Self.both)
        #expect(HostPrivileges.parseCapEff("Name:\tx\n") == nil)
        #expect(HostPrivileges.parseCapEff(nil) == nil)
    }

    @Test func noHostsOrTooManyAreRefusedBeforeAnything() {
        for count in [0, HostNetwork.maxHosts + 1] {
            do {
                _ = try HostNetwork(hosts: count, privileges: privileges(Self.both))
                Issue.record("\(count) hosts accepted")
            } catch {
                #expect("\(error)" == "--hosts \(count): between 1 and 253 hosts")
            }
        }
    }
}

@Suite("Hosts: namespace names carry their run's owner")
struct HostNamesTests {
    @Test func aRunsNamespacesParseBackToItsOwnerAndSerial() {
        let run = HostNames(owner: 4_194_304, serial: 12)
        #expect(run.hub == "confchat-4194304-12-hub")
        #expect(run.host(253) == "confchat-4194304-12-h253")
        #expect(HostNames.parse(run.hub) == run)
        #expect(HostNames.parse(run.host(3)) == run)
    }

    @Test func othersNamespacesAreNotOurs() {
        for name in ["confchat", "confchat-12-hub", "confchat-x-1-hub", "confchat-12-1-h", "confchat-12-1-hx", "netns-1-1-hub", "confchat-12-1-hub-2"] {
            #expect(HostNames.parse(name) == nil, "\(name)")
        }
    }

    @Test func interfaceNamesFitIFNAMSIZ() {
        for name in [HostNames.bridge, HostNames.hostEnd, HostNames.hubEnd(HostNetwork.maxHosts)] { #expect(name.utf8.count <= 15) }
    }
}
