import GRDB

/// A store's statements, each prepared the first time it runs and kept from then on: a
/// simulated run declares hundreds or thousands of nodes, most of which use a few kinds of
/// statement, so none is prepared before it is needed.
struct SQLiteStatements<Kind: RawRepresentable & CaseIterable> where Kind.RawValue == Int {
    private var prepared: [SQLiteStatement?] = Array(repeating: nil, count: Kind.allCases.count)
    private let sql: (Kind) -> String

    init(sql: @escaping (Kind) -> String) { self.sql = sql }

    mutating func callAsFunction(_ kind: Kind, _ db: Database) throws -> SQLiteStatement {
        if let s = prepared[kind.rawValue] { return s }
        let s = try SQLiteStatement(db, sql: sql(kind))
        prepared[kind.rawValue] = s
        return s
    }
}
