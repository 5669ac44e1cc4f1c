/// One user's node as a pure state machine: inputs in, effects out, no I/O.
///
/// The shell (simulator or standalone process) feeds it commands, received messages and
/// fired timers, with the current simulated time, and carries out the returned effects in
/// order. Everything durable goes through `persist` effects; everything else is lost on
/// `crash`, which is simply dropping the machine.
public struct PeerMachine {
    public let name: String
    public let endpoint: String
    public private(set) var config: PeerConfig
    /// This peer's public key, announced to the registry (empty where keys are not in use).
    public let publicKey: [UInt8]
    public private(set) var durable: PeerDurableState
    var session: PeerSession?
    var pending: [UInt32: PendingRequest] = [:]
    var nextRequest: UInt32 = 1
    /// How long copies of an unanswered request wait, learnt from the registry's answers.
    var pace = RegistryPace()
    var nextEpoch: UInt64
    /// Checks the password hash an older data directory holds as credentials (`login`); new
    /// credentials come from the `prover`'s derivation.
    var hasher: any PasswordHasher
    let prover: any MessageProver
    /// Effects of the input being handled: while `handle` runs, the caller's buffer (swapped
    /// in and back out, so no array is made an input); empty between inputs.
    var out: [PeerEffect] = []
    var now = SimInstant.zero

    public init(name: String, endpoint: String, config: PeerConfig, durable: PeerDurableState,
                hasher: any PasswordHasher, prover: any MessageProver, publicKey: [UInt8] = [], epochBase: UInt64 = 0) {
        self.prover = prover
        self.publicKey = publicKey
        self.name = name
        self.endpoint = endpoint
        self.config = config
        self.durable = durable
        self.hasher = hasher
        self.nextEpoch = epochBase + 1
    }

    public enum Input: Hashable, Sendable {
        case command(CommandID, PeerCommand)
        case received(from: String, WireMessage)
        case timer(PeerTimer)
        /// Mail item (`from`, `seq`) came from the registry but does not open with our key (the
        /// shell opens sealed mail): dropped, and the registry told to delete it.
        case unopenedMail(from: String, seq: UInt64)
    }

    /// Handles one input and appends its effects to `effects`, after what it already holds.
    /// The driver hands the same buffer to every input of a batch, so handling an input
    /// makes no array of its own (a fresh array an input was an allocation and a free).
    public mutating func handle(_ input: Input, now: SimInstant, into effects: inout [PeerEffect]) {
        swap(&out, &effects)
        defer { swap(&out, &effects) }
        self.now = now
        switch input {
        case let .command(id, command): run(command, id: id)
        case let .received(from, message):
            if from == PeerName.registry { fromRegistry(message) } else { fromPeer(from, message) }
        case let .timer(timer): fire(timer)
        case let .unopenedMail(from, seq): dropMail(from: from, seq: seq)
        }
    }

    /// Handles one input and returns its effects: `handle(_:now:into:)` into a new array.
    public mutating func handle(_ input: Input, now: SimInstant) -> [PeerEffect] {
        var effects: [PeerEffect] = []
        handle(input, now: now, into: &effects)
        return effects
    }

    // MARK: - Queries the shell and the expectations use

    public var isLoggedIn: Bool { session != nil }

    /// The password of the session, or else of a login or registration under way (the
    /// latest): what the shell derives the backup key from, to encrypt backup entries and to
    /// decrypt the backup a LOGIN-REPLY brings. nil when there is neither.
    public var password: String? {
        // The field in place: `if let session` would copy the whole session (its presence
        // table, ledgers, hold-back buffer), and this is asked at every backup entry sent.
        if let password = session?.password { return password }
        for req in pending.keys.sorted(by: >) {
            switch pending[req]?.kind {
            case let .login(password, _)?, let .register(password)?, let .restore(password, _)?: return password
            default: continue
            }
        }
        return nil
    }

    /// Whether the registry answers: nil while logged out (nothing is asked of it then) and
    /// while the LOGIN of a local login is in flight (not known yet); false once a LOGIN or a
    /// PING went unanswered, until the registry answers again.
    public var registryAnswers: Bool? {
        session.flatMap { $0.awaitingFirstAnswer ? nil : $0.announced && $0.pingsUnanswered == 0 }
    }

    /// This peer's view of a friend: nil if not a friend.
    public func sees(_ friend: String) -> Bool? {
        guard let n = durable.contact(friend), durable.friendEndpoint(n) != nil else { return nil }
        return session?.presence[n]?.online ?? false
    }

    // MARK: - Helpers shared by the extensions

    // The effects' payloads are taken `consuming`: made by the caller for the effect, they
    // move into it. Borrowed, each was copied into the list (a retain of every string and
    // array in it) and the caller's released.
    mutating func emit(_ e: consuming PeerEffect) { out.append(e) }
    /// Applies a write to the machine's state and asks the driver to commit it. A message
    /// newly stored (`.store`) goes to the registry's backup from here, the one place: the
    /// BACKUP follows the write in the effects, and the driver commits every write of a batch
    /// before it sends anything, so the backup never holds what the disk does not.
    /// `contact`: the number of the contact whose conversation `m` changes, when the caller
    /// has it (`ContactBook`); nil to look the name up.
    ///
    /// `m` is consumed: a stored record is copied once, into its conversation, and moved into
    /// the effect (`switch consume` binds it as a value of its own). Bound out of a borrowed
    /// mutation and put back into the effect, it was copied twice more, each copy a retain of
    /// its name, body, group and proof.
    mutating func persist(_ m: consuming PeerMutation, contact: Int? = nil) {
        switch consume m {
        case let .store(r): persist(storing: r, contact: contact)
        case let other:
            durable.apply(other, contact: contact)
            out.append(.persist(other))
        }
    }

    /// `persist(.store(r))`, for the callers on a message's path, which have the record on its
    /// own: wrapped in the mutation and bound out of it again, the record was copied (a
    /// retain of its name, body, group and proof) and the mutation destroyed. It moves into
    /// its effect here (`consume`): without it, the compiler copied it there and destroyed
    /// the parameter after.
    mutating func persist(storing r: consuming ChatRecord, contact: Int? = nil) {
        // `apply` as for any mutation, but told whether the record is now the one held at its
        // seq (not a copy it left alone): only then does it go to the backup, whose entry is
        // made before the record moves on.
        guard durable.store(r, contact: contact), !r.isSkip else { return out.append(.persist(.store(consume r))) }
        let entry = backupEntry(r)
        out.append(.persist(.store(consume r)))
        toRegistry(.backup(consume entry))
    }
    /// The number of contact `name` in the durable state, a new one if it had none
    /// (`ContactBook`): the one look-up by name of an input, its arrays read by number after.
    mutating func number(_ name: String) -> Int { durable.enter(name) }

    /// Whether the session sees contact `n` online (false outside a session).
    func online(_ n: Int) -> Bool { session?.presence[n]?.online == true }

    /// How the session sees friend `name`: nil outside a session, or for anyone it does not follow.
    func presence(of name: String) -> FriendPresence? { durable.contact(name).flatMap { session?.presence[$0] } }
    mutating func event(_ e: consuming PeerEvent) { out.append(.event(e)) }
    mutating func complete(_ id: CommandID?, _ failure: CommandFailure?) {
        if let id { out.append(.completed(id, failure)) }
    }
    mutating func toRegistry(_ m: consuming WireMessage) { out.append(.send(.registry, m)) }

    /// Sends the registry a stored message for the user's backup. The entry is made from the
    /// record as stored: the backup holds what the disk holds (a received message with its
    /// sender's proof; a sent one without, it is our own). Called for each message as it is
    /// stored (`persist`), and at login for those stored while the registry did not answer.
    mutating func backUp(_ r: ChatRecord) { toRegistry(.backup(backupEntry(r))) }

    /// The backup entry of a stored record.
    func backupEntry(_ r: ChatRecord) -> BackupEntry {
        BackupEntry(peer: r.peer, outgoing: r.outgoing, seq: r.seq, body: r.body, group: r.group,
                    proof: r.outgoing ? [] : r.proof)
    }
    /// To a friend whose endpoint the caller read already (by number): no look-up by name.
    mutating func toFriend(_ name: String, at endpoint: String, _ m: consuming WireMessage) {
        out.append(.send(.peer(name: name, endpoint: endpoint), m))
    }
    mutating func toPeer(_ name: String, _ m: consuming WireMessage) {
        guard let ep = durable.endpoint(of: name) else { return }
        out.append(.send(.peer(name: name, endpoint: ep), m))
    }

    /// Sends a registry request under a fresh number, arms its retries and its timeout.
    /// `message` builds the request from its number; a retry sends the same message again.
    mutating func request(_ kind: PendingRequest.Kind, command: CommandID?, _ message: (UInt32) -> WireMessage) {
        let req = nextRequest
        nextRequest &+= 1
        let m = message(req)
        pending[req] = PendingRequest(command: command, kind: kind, message: m, sentAt: now, wait: config.requestRetryInterval)
        toRegistry(m)
        emit(.schedule(.requestRetry(req: req), at: now + config.requestRetryInterval))
        emit(.schedule(.requestTimeout(req: req), at: now + config.requestTimeout))
    }

    /// Sets how long registry requests sent from now on are retried before they fail
    /// (`PeerConfig.requestTimeout`): a simulated peer's budget is its scenario's `timeout`,
    /// which a statement may change while the peer runs.
    public mutating func setRequestTimeout(_ milliseconds: Int64) {
        config.requestTimeout = milliseconds
    }

    /// Takes a registry request off the pending table, nil if it is not there (answered or
    /// timed out already). The table's storage goes with its last request: a peer has one or
    /// two in flight, and storage kept at the size of its set-up's burst was about 350
    /// octets a peer for nothing.
    mutating func takePending(_ req: UInt32) -> PendingRequest? {
        guard let p = pending.removeValue(forKey: req) else { return nil }
        if pending.isEmpty { pending = [:] }
        return p
    }

    /// Takes the request an answer answers off the pending table, as `takePending`, and reads
    /// in the answer how the registry keeps up (`RegistryPace`): an answer to no waiting
    /// request, or a busy one, says it is behind; one that came before any copy went again
    /// says it keeps up.
    mutating func answered(_ req: UInt32, busy: Bool = false) -> PendingRequest? {
        guard let p = takePending(req) else {
            pace.fellBehind()
            return nil
        }
        if busy { pace.fellBehind() } else if !p.retried { pace.keptUp() }
        return p
    }

    /// Sends an unanswered request again, while its timeout has not run out, and waits twice
    /// as long for the next, up to the longest wait the registry's answers allow
    /// (`RegistryPace`, protocol.md 5.1).
    mutating func retryRequest(_ req: UInt32) {
        guard var p = pending[req] else { return }
        toRegistry(p.message)
        p.wait = min(p.wait * 2, pace.longestWait(config.requestRetryInterval))
        p.retried = true
        pending[req] = p
        let next = now + p.wait
        if next < p.deadline(config) { emit(.schedule(.requestRetry(req: req), at: next)) }
    }

    /// The registry answered `p` "busy" (`ReplyVerdict.busy`): no verdict, so a REGISTER or
    /// LOGIN stays and goes again, later than a lost one would (`PendingRequest.busyWait`,
    /// doubling), and under a new number, as the registry answers a repeat of the old one with
    /// the same refusal. A request that is still refused when its timeout runs out fails with
    /// the refusal. Returns false if `p` is neither: its refusal is its answer.
    mutating func waitAfterBusy(_ p: PendingRequest, refusal: CommandFailure) -> Bool {
        guard let renumbered = p.renumbered(nextRequest) else { return false }
        var p = renumbered
        let req = nextRequest
        nextRequest &+= 1
        p.wait = max(p.wait * 2, PendingRequest.busyWait)
        p.refusal = refusal
        pending[req] = p
        event(.note("the registry is busy: asking again in \(p.wait)ms"))
        let next = now + p.wait
        if next < p.deadline(config) { emit(.schedule(.requestRetry(req: req), at: next)) }
        emit(.schedule(.requestTimeout(req: req), at: max(now, p.deadline(config))))
        return true
    }
}

/// A registry request waiting for its reply.
struct PendingRequest {
    enum Kind {
        case register(password: String)
        /// `local`: the session already started against local credentials; this only fetches news.
        case login(password: String, local: Bool)
        case addFriend(String)
        case answer(String, accept: Bool)
        case unfriend(String)
        case group
        /// CREATE-GROUP or JOIN-GROUP: done once we hold the group (its GROUP-UPDATE).
        case enterGroup(String)
        case leaveGroup(String)
        /// BACKUP-FETCH of a login without local credentials: the snapshot of its LOGIN-REPLY
        /// (without the backup) waits with it, for the session that starts after the last page.
        case restore(password: String, snapshot: LoginSnapshot)
    }
    /// The first wait after a "busy" answer: 1 s, doubling at each one after.
    static let busyWait: Int64 = 1000

    var command: CommandID?
    var kind: Kind
    /// The request as sent: a retry sends it again, unchanged, so the registry knows it.
    var message: WireMessage
    var sentAt = SimInstant.zero
    /// How long until the request goes again, from its last send.
    var wait: Int64 = 0
    /// Whether a copy went again: an answer to a request sent once is a clean sign of how fast
    /// the registry answers (`RegistryPace`); one to a request sent twice may answer either.
    var retried = false
    /// The registry's last "busy" answer: what the command fails with if no other comes in time.
    var refusal: CommandFailure?

    func deadline(_ config: PeerConfig) -> SimInstant { sentAt + config.requestTimeout }

    /// The same REGISTER or LOGIN under number `req`; nil for any other request (none of them
    /// is ever answered "busy").
    func renumbered(_ req: UInt32) -> PendingRequest? {
        var p = self
        switch message {
        case let .register(_, name, password, endpoint, key):
            p.message = .register(req: req, name: name, password: password, endpoint: endpoint, key: key)
        case let .login(_, name, password, endpoint, wantBackup, key):
            p.message = .login(req: req, name: name, password: password, endpoint: endpoint, wantBackup: wantBackup, key: key)
        default:
            return nil
        }
        return p
    }
}
