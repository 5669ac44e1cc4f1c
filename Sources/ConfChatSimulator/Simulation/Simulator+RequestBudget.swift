import ConfChatCore

extension Simulator {
    /// How long every peer retries a registry request before the action fails (simulated
    /// milliseconds): the scenario's `timeout`, at most `maxRequestBudget`. Setting it (a
    /// `timeout` statement) applies to the running peers' requests sent from then on and to
    /// peers started later; a command of the simulator waits that long, and a second more,
    /// for its answer.
    public var requestBudget: Int64 {
        get { config.requestTimeout }
        set {
            let budget = min(newValue, Self.maxRequestBudget)
            config.requestTimeout = budget
            for p in peers.values { p.driver.machine?.setRequestTimeout(budget) }
        }
    }

    /// The longest a request is retried: half the time the registry remembers a request
    /// (`RegistryLimits.requestMemoryMs`), so that every repeat of a request it carried out
    /// is known to it as one, whatever `timeout` a scenario sets.
    public static let maxRequestBudget = RegistryLimits.requestMemoryMs / 2
}
