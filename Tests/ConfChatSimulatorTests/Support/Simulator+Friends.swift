import ConfChatCore
import ConfChatSimulator
import Testing

extension Simulator {
    /// A simulator with alice and bob registered, logged in and friends: the start of tests
    /// that look at what one message does.
    static func twoFriends(_ options: SimOptions, trace: (any TraceSink)? = nil) throws -> Simulator {
        let sim = try Simulator(options: options, trace: trace)
        try sim.declare(["alice", "bob"])
        for (name, pw) in [("alice", "a"), ("bob", "b")] {
            #expect(try sim.command(name, .register(password: pw)) == nil)
            #expect(try sim.command(name, .login(password: pw)) == nil)
        }
        #expect(try sim.command("alice", .addFriend("bob")) == nil)
        #expect(try sim.command("bob", .accept("alice")) == nil)
        return sim
    }
}
