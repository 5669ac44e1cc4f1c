import ConfChatScenario
import ConfChatSimulator
import Foundation
import Testing

/// With a data directory, the registry and every peer keep SQLite databases on disk
/// (`DIR/registry/registry.sqlite`, `DIR/peers/NAME/peer.sqlite`), and no password is ever
/// written there: only Argon2id hashes.
@Suite struct DataDirectoryTests {
    /// Long, distinctive passwords, so finding one in a file cannot be a coincidence.
    static let passwords = [
        "alice": "correct-horse-battery-staple-A7Q",
        "bob": "Tr0ub4dor&3-hunter2-bob-ZX9",
        "carol": "carol's \"quoted\" pass phrase 🔑",
    ]

    /// A message text that must be on disk: shows that the scan reads the right files.
    static let marker = "this text is stored in plain words on disk 4711"

    static var source: String {
        let pw = { (name: String) in TraceFormatter.quote(passwords[name]!) }
        return """
            peers alice bob carol
            alice register \(pw("alice"))
            bob register \(pw("bob"))
            carol register \(pw("carol"))
            ! alice login "not-the-password"
            alice login \(pw("alice"))
            bob login \(pw("bob"))
            alice add-friend bob
            bob accept alice
            alice send bob "\(marker)"
            expect bob received alice "\(marker)"
            bob logout
            alice send bob "while bob is away"
            alice crash
            alice restart
            alice login \(pw("alice"))       # checked against the hash in alice's peer.sqlite
            registry crash
            registry restart
            bob login \(pw("bob"))           # the mailbox survived the registry restart
            expect bob conversation alice "\(marker)" "while bob is away"
            carol login \(pw("carol"))
            carol logout
            carol wipe
            carol login \(pw("carol"))       # checked by the registry, from registry.sqlite
            expect carol logged-in

            """
    }

    /// Every file below `folder` that holds one of the passwords, as "FILE: NAME".
    private func leaks(in folder: String) throws -> [String] {
        var found: [String] = []
        for file in E2ESupport.files(below: folder) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            for (name, password) in Self.passwords.sorted(by: { $0.key < $1.key })
            where bytes.range(of: Data(password.utf8)) != nil {
                found.append("\(file): \(name)'s password")
            }
        }
        return found
    }

    private func contains(_ folder: String, _ text: String) throws -> Bool {
        try E2ESupport.files(below: folder).contains { file in
            try Data(contentsOf: URL(fileURLWithPath: file)).range(of: Data(text.utf8)) != nil
        }
    }

    @Test("the runner keeps SQLite files in the data directory, without passwords", arguments: TransportKind.allCases)
    func runnerDataDirectory(transport: TransportKind) throws {
        let dir = try E2ESupport.temporaryFolder()
        defer { E2ESupport.remove(dir) }
        do {
            guard let outcome = try E2ESupport.run(
                source: Self.source, path: "data.scenario", options: .init(transport: transport, dataDirectory: dir))
            else { return }
            #expect(outcome.passed, "\(E2ESupport.report(outcome))")
        }
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: dir + "/registry/registry.sqlite"))
        for name in ["alice", "bob", "carol"] {
            #expect(fm.fileExists(atPath: dir + "/peers/\(name)/peer.sqlite"), "\(name)'s database")
        }
        #expect(try contains(dir, Self.marker), "the scan sees what the databases hold")
        #expect(try contains(dir, "$argon2id$"), "passwords are stored as Argon2id hashes")
        #expect(try leaks(in: dir) == [])
    }

    /// The simulator holds each database alone while it runs (`SQLiteDurability.simulated`,
    /// an exclusive lock): once the run is over, any other program must open them.
    @Test("after a run, sqlite3 opens every database and reads its messages")
    func databasesOpenAfterTheRun() throws {
        let sqlite3 = "/usr/bin/sqlite3"
        guard FileManager.default.isExecutableFile(atPath: sqlite3) else { return }
        let dir = try E2ESupport.temporaryFolder()
        defer { E2ESupport.remove(dir) }
        let source = E2ESupport.twoFriends + """
            alice send bob "one"
            bob send alice "two"
            expect bob received alice "one"

            """
        guard let outcome = try E2ESupport.run(source: source, options: .init(dataDirectory: dir)) else { return }
        #expect(outcome.passed, "\(E2ESupport.report(outcome))")
        func query(_ file: String, _ sql: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: sqlite3)
            process.arguments = [file, sql]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            try process.run()
            process.waitUntilExit()
            return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        for name in ["alice", "bob"] {
            #expect(try query(dir + "/peers/\(name)/peer.sqlite", "SELECT count(*) FROM messages") == "2\n", "\(name)'s messages")
        }
        #expect(try query(dir + "/registry/registry.sqlite", "SELECT count(*) FROM backups") == "4\n")
    }

    @Test("a peer restarted from disk has what it had before its crash")
    func restartReadsTheDisk() throws {
        let dir = try E2ESupport.temporaryFolder()
        defer { E2ESupport.remove(dir) }
        let source = E2ESupport.twoFriends + """
            alice send bob "one"
            bob send alice "two"
            alice crash
            bob crash
            expect alice sent bob "one"
            expect bob received alice "one"
            alice restart
            bob restart
            expect alice friends bob
            expect alice conversation bob "two"
            alice login a
            bob login b
            expect alice sees bob online

            """
        guard let outcome = try E2ESupport.run(source: source, options: .init(dataDirectory: dir)) else { return }
        #expect(outcome.passed, "\(E2ESupport.report(outcome))")
    }

    /// After a restore, dave's seqs still in the registry's mailbox are kept in peer.sqlite:
    /// restarted from it, he still knows not to skip #2 (it waits in the mailbox), only the
    /// #1 that went with both wipes, and carol gets #2.
    @Test("a restored peer's reserved seqs survive a restart from disk")
    func reservedSeqsOnDisk() throws {
        let dir = try E2ESupport.temporaryFolder()
        defer { E2ESupport.remove(dir) }
        let source = """
            peers carol dave
            carol register c
            dave register d
            carol login c
            dave login d
            carol add-friend dave
            dave accept carol
            registry crash
            dave send carol "m92"
            partition carol | dave registry
            dave send carol "m96"
            registry restart
            carol logout
            dave logout
            carol wipe
            dave wipe
            dave login d
            dave crash
            dave restart
            heal
            carol login c
            dave login d
            wait 10s
            expect carol conversation dave "m96"

            """
        guard let outcome = try E2ESupport.run(source: source, options: .init(dataDirectory: dir)) else { return }
        #expect(outcome.passed, "\(E2ESupport.report(outcome))")
    }

    @Test("`confchat run --data DIR` keeps the databases there, without passwords")
    func commandLineData() throws {
        let folder = try E2ESupport.folder(with: ["data.scenario": Self.source, "two.scenario": E2ESupport.twoFriends])
        defer { E2ESupport.remove(folder) }

        // One scenario: its data goes straight into DIR.
        let one = folder + "/one-run"
        guard let single = try E2ESupport.confchat(["run", folder + "/data.scenario", "--data", one]) else { return }
        #expect(single.status == 0, "\(single.output)")
        #expect(FileManager.default.fileExists(atPath: one + "/registry/registry.sqlite"))
        for name in ["alice", "bob", "carol"] {
            #expect(FileManager.default.fileExists(atPath: one + "/peers/\(name)/peer.sqlite"))
        }
        #expect(try leaks(in: one) == [])

        // Several: one subfolder a scenario, named after the file.
        let many = folder + "/many-runs"
        guard let both = try E2ESupport.confchat(
            ["run", folder + "/data.scenario", folder + "/two.scenario", "--data", many]) else { return }
        #expect(both.status == 0, "\(both.output)")
        #expect(FileManager.default.fileExists(atPath: many + "/data/registry/registry.sqlite"))
        #expect(FileManager.default.fileExists(atPath: many + "/two/peers/bob/peer.sqlite"))
        #expect(try leaks(in: many) == [])
    }

    /// `--data DIR` with several scenarios: one folder each, even for equal file names, and a
    /// second run starts from empty data again (no accounts left from the first).
    @Test("--data keeps scenarios with the same file name apart, and reruns start fresh")
    func dataFolderPerScenario() throws {
        let scenario = "peers alice\nalice register a\n"
        let folder = try E2ESupport.folder(with: ["a/x.scenario": scenario, "b/x.scenario": scenario])
        defer { E2ESupport.remove(folder) }
        for _ in 0..<2 {
            guard let r = try E2ESupport.confchat(["run", folder, "--data", folder + "/data"]) else { return }
            #expect(r.status == 0, "\(r.output)")
        }
        #expect(FileManager.default.fileExists(atPath: folder + "/data/x/registry/registry.sqlite"))
        #expect(FileManager.default.fileExists(atPath: folder + "/data/x-2/registry/registry.sqlite"))
    }
}
