import Foundation
import Testing

/// Careless command lines a new user types, run as the built executable: each is refused at
/// once with one line that says what is wrong, rather than failing late, raw or never.
@Suite struct CarelessInputTests {
    @Test("chaos --out naming a file is refused before any seed runs, not with a raw error at the first violation")
    func chaosOutIsAFile() throws {
        let folder = try E2ESupport.temporaryFolder()
        defer { E2ESupport.remove(folder) }
        let file = folder + "/notes.txt"
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: file))
        guard let r = try E2ESupport.confchat(["chaos", "--seeds", "1", "--out", file]) else { return }
        #expect(r.status == 2, "\(r.output)")
        #expect(r.stderr.contains("--out \(file): it is a file; give a folder for the reproductions"), "\(r.output)")
        #expect(!r.output.contains("seeds,"), "no seed ran: \(r.output)")
        #expect(!r.output.contains("NSCocoaErrorDomain"))
    }

    @Test("chaos --seeds beyond the cap is refused at once instead of filling memory before the first seed")
    func chaosSeedsCapped() throws {
        guard let r = try E2ESupport.confchat(["chaos", "--seeds", "9223372036854775807"]) else { return }
        #expect(r.status == 2, "\(r.output)")
        #expect(r.stderr.contains("--seeds must be between 0 and 1,000,000"), "\(r.output)")
    }

    @Test("bench with absurd --messages or --peers says the range instead of crashing on a huge allocation",
          arguments: [("--messages", "99999999999", "--messages must be between 1 and 10,000,000"),
                      ("--peers", "99999999", "--peers must be between 2 and 100,000")])
    func benchSizesCapped(option: String, value: String, message: String) throws {
        guard let r = try E2ESupport.confchat(["bench", option, value, "--no-raw"]) else { return }
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stderr.contains("bench: \(message)"), "\(r.output)")
        #expect(!r.output.contains("Fatal error"))
    }
}
