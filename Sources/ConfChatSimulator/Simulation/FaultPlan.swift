/// A crash in the middle of handling one input: "crash `node` after `afterSteps` steps of
/// the next input it handles that writes to its store". A step is what the node driver does
/// one at a time: the transaction of the input's writes, or one other effect (a send, a
/// timer, a reply to the user), in order (`NodeDriver.armCrash(afterSteps:)`); a number past
/// the input's last step crashes the node right after it. Inputs that write nothing (most
/// heartbeats) pass by: a crash part way through them is no different from one before them.
///
/// Tests sweep `afterSteps` over every value to show that no crash point loses an
/// acknowledged message or delivers one twice; scenarios arm one with `alice crash mid-input
/// after step 2` (`Simulator.arm`), and chaos draws them.
public struct FaultPlan: Sendable, Hashable {
    public var node: String
    public var afterSteps: Int

    public init(node: String, afterSteps: Int) {
        self.node = node
        self.afterSteps = afterSteps
    }
}
