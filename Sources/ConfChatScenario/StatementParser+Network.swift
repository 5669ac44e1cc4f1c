import ConfChatCore

/// `network ...` statements (language version 1.2): a property for the whole network or one
/// link, or `reset`. Kept apart from the other statements: they are the simulator's, not a
/// peer's, and their arguments (percentages, duration ranges) have rules of their own.
extension StatementParser {
    static let networkProperties = ["latency", "loss", "duplicate", "reset"]

    mutating func networkSetting() throws(LineError) -> NetworkSetting {
        let expecting = "a property (\(Vocabulary.list(Self.networkProperties))) or the two nodes of a link"
        let first = try word(after: "network", expecting: expecting)
        var link: [String]?
        var propertyToken = first
        if !Self.networkProperties.contains(first.text) {
            // `network lattency 20ms` is a misspelt property, not a link to a node `20ms`.
            if let second = peek(), second.kind == .word, second.text != PeerName.registry, !PeerName.isValid(second.text) {
                throw LineError(column: first.column, message: "unknown network property '\(first.text)' (expected \(expecting))")
            }
            let a = try linkNode(first)
            guard let second = next() else {
                throw LineError(column: endColumn, message: "expected a second node after '\(a)' (a link joins two nodes, as in: network alice bob loss 100%)")
            }
            let b = try linkNode(second)
            guard a != b else { throw LineError(column: second.column, message: "a link joins two different nodes, not '\(a)' and itself") }
            link = [a, b]
            let choices = Array(Self.networkProperties.dropLast())
            propertyToken = try word(after: b, expecting: "a property", choices: choices)
            guard choices.contains(propertyToken.text) else {
                let hint = propertyToken.text == "reset" ? " ('network reset' resets the whole network)" : ""
                throw LineError(column: propertyToken.column,
                                message: "unknown link property '\(propertyToken.text)' (expected one of: \(Vocabulary.list(choices)))\(hint)")
            }
        }
        let property: NetworkSetting.Property
        switch propertyToken.text {
        case "reset": property = .reset
        case "latency":
            let (lo, hi) = try latency(try word(after: "latency", expecting: "a delay or a range (as in 20ms or 1ms..80ms)"))
            property = .latency(min: lo, max: hi)
        case "loss": property = .loss(try percentage(try word(after: "loss", expecting: "a percentage (as in 5% or 0.5%)")))
        default: property = .duplicate(try percentage(try word(after: "duplicate", expecting: "a percentage (as in 5% or 0.5%)")))
        }
        try end()
        return NetworkSetting(link: link, property: property)
    }

    /// One end of a link: a peer (the loader checks it is declared), or `registry`.
    private mutating func linkNode(_ token: Token) throws(LineError) -> String {
        token.text == PeerName.registry ? token.text : try peerArgument(token)
    }

    /// `20ms` or `1ms..80ms`: a fixed delay or a range, its ends in order.
    private func latency(_ token: Token) throws(LineError) -> (ScenarioDuration, ScenarioDuration) {
        let parts = token.text.components(separatedBy: "..")
        guard parts.count <= 2, !parts.contains(where: \.isEmpty) else {
            throw LineError(column: token.column,
                            message: "bad latency '\(token.text)' (expected a duration or a range of two, as in 20ms or 1ms..80ms)")
        }
        let lo = try duration(Token(kind: .word, text: parts[0], column: token.column, endColumn: token.column + parts[0].count))
        guard parts.count == 2 else { return (lo, lo) }
        let column = token.column + parts[0].count + 2
        let hi = try duration(Token(kind: .word, text: parts[1], column: column, endColumn: column + parts[1].count))
        guard lo <= hi else {
            throw LineError(column: token.column, message: "the latency range '\(token.text)' ends before it starts (write the shorter delay first)")
        }
        return (lo, hi)
    }

    private func percentage(_ token: Token) throws(LineError) -> Percentage {
        if let p = Percentage(parsing: token.text) { return p }
        let digits = token.text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        if token.text.hasSuffix("%"), digits.count == token.text.count - 1, let value = Double(digits), value > 100 {
            throw LineError(column: token.column, message: "percentage '\(token.text)' is over 100%")
        }
        throw LineError(column: token.column,
                        message: "bad percentage '\(token.text)' (expected a number from 0 to 100 with at most four decimals, then '%', as in 5% or 0.5%)")
    }
}
