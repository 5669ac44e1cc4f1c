/// The facts a scenario's expectations check, read in place: what a polled expectation asks
/// at every check, without the copies a `PeerView` makes (`Simulator.holds`). Thin over the
/// state's own tables, so each answer is the one the view gives.
extension PeerDurableState {
    /// Whether `text` is among the one-to-one messages held from `other` (shown ones),
    /// looked for from the last: a scenario mostly asks about what was sent lately.
    public func holdsReceived(_ text: String, from other: String) -> Bool {
        // By number, in place: the view by name (`conversations`) would hand back a copy.
        guard let n = contact(other), let received = conversation(n, { $0?.received }) else { return false }
        let body = Array(text.utf8)
        return received.lastIndex { $0.group == nil && $0.isShown && $0.body == body } != nil
    }
}
