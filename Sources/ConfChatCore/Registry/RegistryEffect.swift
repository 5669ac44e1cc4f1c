/// What a `RegistryMachine` asks its shell to do, in order (persist before the reply that follows).
public enum RegistryEffect: Hashable, Sendable {
    case send(Address, WireMessage)
    case persist(RegistryMutation)
    case note(String)
    /// Hash or check a password off the machine's loop, then hand the outcome back
    /// (`RegistryMachine.passwordChecked`).
    case checkPassword(PasswordCheck)
}
