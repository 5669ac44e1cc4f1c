/// A crash in the middle of handling one input: "crash `node` after `afterSteps` steps of
/// the next input it handles". A step is what the node driver does one at a time: the
/// transaction of the input's writes, or one other effect (a send, a timer, a reply to the
/// user), in order (`NodeDriver.armCrash(afterSteps:)`). Tests sweep `afterSteps` over every
/// value to show that no crash point loses an acknowledged message or delivers one twice.
public struct FaultPlan: Sendable, Hashable {
    public var node: String
    public var afterSteps: Int

    public init(node: String, afterSteps: Int) {
        self.node = node
        self.afterSteps = afterSteps
    }
}
