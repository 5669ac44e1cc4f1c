import ConfChatCore

extension RegistryMachine {
    /// Handles a message and runs the password checks it asks for at once, with `FakeHasher`,
    /// as the simulator does. Returns every effect but the checks themselves.
    mutating func handleChecked(from sender: String, _ message: WireMessage, now: SimInstant = .zero) -> [RegistryEffect] {
        var effects: [RegistryEffect] = []
        var pending = handle(from: sender, message, now: now)
        var hasher = FakeHasher()
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if case let .checkPassword(check) = effect {
                pending += passwordChecked(check.id, check.run(&hasher), now: now)
            } else {
                effects.append(effect)
            }
        }
        return effects
    }
}
