/// The mailbox: bounded per recipient, handed out in pages that fit a frame.
///
/// A recipient holds at most `RegistryLimits.mailboxItems` items and
/// `RegistryLimits.mailboxOctets` of bodies; a DEPOSIT beyond that is refused with
/// DEPOSIT-REFUSED, and the sender keeps the message and tries again later. Mail goes out in
/// pages of at most `RegistryLimits.mailPageOctets`: the first with LOGIN-REPLY (or a
/// MAIL-PAGE after a PING), each saying how much waits after it, the rest on MAIL-FETCH.
extension RegistryMachine {
    mutating func deposit(from x: String, to: String, _ item: MailItem) {
        let t = durable.users.number(of: to)
        let held = t.map { durable.users.mailbox($0).contains { $0.from == item.from && $0.seq == item.seq } } ?? false
        if !held {
            guard t.map({ durable.mailboxHasRoom($0, size: item.body.count) }) ?? true else {
                out.append(.note("refused mail \(x)#\(item.seq) for \(to): mailbox full"))
                return send(x, .depositRefused(to: to, seq: item.seq, reason: "\(to)'s mailbox is full: try again later"))
            }
            persist(.addMail(to: to, item))
        }
        send(x, .depositAck(to: to, seq: item.seq))
        // A recipient the registry sees online gets it now: this also bridges a link that
        // is cut between two peers who both still reach the registry.
        if let t { push(t, .mailbox([item])) }
    }

    /// Sends user `n` the page of its mail after `cursor` (from the start if nil), if its mail
    /// budget covers it; otherwise nothing (the next PING after the budget refills offers it).
    mutating func offerMail(_ n: Int, after cursor: (String, UInt64)?) {
        guard let page = budgetedPage(n, after: cursor) else { return }
        send(n, .mailPage(waiting: page.waiting, items: page.items))
    }

    /// The page of user `n`'s mail after `cursor`, charged to the user's `MailBudget`; nil if
    /// the budget does not cover its bodies (noted once a run of refusals).
    mutating func budgetedPage(_ n: Int, after cursor: (String, UInt64)?) -> (items: [MailItem], waiting: MailWaiting)? {
        let page = durable.mailPage(n, after: cursor)
        var budget = mailBudgets[n] ?? MailBudget(now: now)
        defer { mailBudgets[n] = budget }
        if budget.take(page.items.reduce(0) { $0 + $1.body.count }, now: now) {
            budget.refusing = false
            return page
        }
        if !budget.refusing {
            out.append(.note("mail for \(durable.users.name(n)) held back: more than \(RegistryLimits.mailBudgetOctets) octets of pages asked for; a page every \(RegistryLimits.mailBudgetRefillMs / 1000) s"))
        }
        budget.refusing = true
        return nil
    }
}
