/// What a registry REPLY says to the peer, read once where the machine takes the reply in
/// (`fromRegistry`): done, refused, or busy. Busy is no verdict (the registry had no room to
/// check a password now, `RegistryLimits.busyRefusal`, or is checking this client's already,
/// `checkUnderWayRefusal`): the request goes again later, and the registry's pace counts it as
/// behind. The wire carries the refusal as text; deciding from the text once, here, spares the
/// steps after it a comparison of strings each.
enum ReplyVerdict {
    case done
    case refused(CommandFailure)
    case busy(CommandFailure)

    /// The verdict of a REPLY whose error is `error` (nil: done).
    init(_ error: String?) {
        guard let error else {
            self = .done
            return
        }
        self = RegistryLimits.isBusy(error) ? .busy(CommandFailure(error)) : .refused(CommandFailure(error))
    }

    var isBusy: Bool { if case .busy = self { true } else { false } }

    /// The command's failure, if the request is not done (busy included: a request the registry
    /// is still busy for when its time runs out fails with the refusal).
    var failure: CommandFailure? {
        switch self {
        case .done: nil
        case let .refused(f), let .busy(f): f
        }
    }
}
