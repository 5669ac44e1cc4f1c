import ConfChatCore
import ConfChatScenario

/// Told what a running scenario is doing, for a progress line (`confchat run` on a
/// terminal): each statement as it starts, and the simulated clock as timers fire.
package protocol RunProgress: AnyObject {
    func statement(_ s: Statement)
    func tick(_ now: SimInstant?)
}
