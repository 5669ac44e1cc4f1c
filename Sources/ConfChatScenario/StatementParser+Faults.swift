import ConfChatCore

/// Fault points, a conf-chat extension beyond version 1.2: `alice crash mid-input after step 2`
/// and `registry crash mid-input after step 0`. A plain `crash` stops a node between two
/// inputs, when everything it acknowledged is already on disk; a fault point stops it in the
/// middle of one, after its commit and some of its sends but not the others, which is where
/// a node that acknowledges before it writes would lose a message. Version 1.2 has no words
/// after `crash`, so no scenario written against it reads differently.
extension StatementParser {
    /// The words between `crash` and the step number, as the printer writes them too.
    static let midInputWords = ["mid-input", "after", "step"]

    /// How the statement is written, for the hints of messages.
    static func midInputExample(_ node: String) -> String {
        "\(node) crash mid-input after step N"
    }

    /// Whether the next token opens a fault point (`mid-input` after `crash`).
    func startsMidInput() -> Bool {
        guard let token = peek(), token.kind == .word else { return false }
        return token.text == Self.midInputWords[0]
    }

    /// After `crash`: fails on anything but nothing or `mid-input after step N`, with a hint
    /// at the fault point's form for a line that looks like an attempt at one.
    mutating func endOfCrash(_ node: String) throws(LineError) {
        if let extra = peek() {
            throw LineError(column: extra.column,
                            message: "unexpected \(extra.quoted) after 'crash' (a crash part way through an input is written: \(Self.midInputExample(node)))")
        }
    }

    /// Reads `mid-input after step N` and the end of the line: the fault point of `node`.
    mutating func midInputCrash(_ node: String) throws(LineError) -> Action {
        var previous = "crash"
        for word in Self.midInputWords {
            guard let token = next() else {
                throw LineError(column: endColumn, message: "expected '\(word)' after '\(previous)' (as in: \(Self.midInputExample(node)))")
            }
            guard token.kind == .word, token.text == word else {
                throw LineError(column: token.column,
                                message: "expected '\(word)', found \(token.quoted) (as in: \(Self.midInputExample(node)))")
            }
            previous = word
        }
        let step = try stepNumber(try word(after: "step", expecting: "a step number (0 to \(ScenarioLimits.maxFaultStep))"))
        try end()
        return .crashMidInput(node: node, afterStep: step)
    }

    /// A whole number of steps, 0 to `ScenarioLimits.maxFaultStep`.
    private func stepNumber(_ token: Token) throws(LineError) -> Int {
        guard !token.text.isEmpty, token.text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw LineError(column: token.column,
                            message: "bad step '\(token.text)' (expected a whole number from 0 to \(ScenarioLimits.maxFaultStep): how many steps of the input are carried out before the crash)")
        }
        guard let value = Int(token.text), value <= ScenarioLimits.maxFaultStep else {
            throw LineError(column: token.column,
                            message: "step '\(token.text)' is too large (the largest is \(ScenarioLimits.maxFaultStep); a step past an input's last crashes the node right after it)")
        }
        return value
    }
}
