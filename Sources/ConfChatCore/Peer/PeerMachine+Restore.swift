/// A login without local credentials (a new machine, a wiped data directory): the registry
/// checks the password and hands the backup back in pages (LOGIN-REPLY carries the first,
/// BACKUP-FETCH asks for each next one, 5.6 of docs/protocol.md), so a backup of any size
/// fits frames a peer takes.
///
/// The session starts only once the last page is restored, and the credentials are stored
/// only then: a peer that crashes (or whose fetch times out) half way has no credentials, so
/// its next login asks for the whole backup again (restoring an entry twice changes nothing)
/// rather than starting a session on half its history, which would never fetch the rest.
extension PeerMachine {
    /// The LOGIN-REPLY of such a login: the registry's view of friends and groups first (a
    /// restored group message is discarded if its group is gone), then the backup.
    mutating func restoreLogin(_ snapshot: LoginSnapshot, password: String, command: CommandID?) {
        adopt(snapshot)
        restorePage(snapshot.backup, waiting: snapshot.backupWaiting, snapshot: snapshot, password: password, command: command)
    }

    /// Restores one page of the backup, then asks for the next, or, after the last, starts
    /// the session. Each BACKUP-FETCH is a request of its own (retried, and failing the login
    /// command if the registry stops answering).
    mutating func restorePage(_ entries: [BackupEntry], waiting: BackupWaiting, snapshot: LoginSnapshot, password: String,
                              command: CommandID?) {
        guard session == nil else { return complete(command, CommandFailure("\(name) is already logged in")) }
        restore(entries)
        guard waiting.entries == 0 else {
            var rest = snapshot
            rest.backup = []
            return request(.restore(password: password, snapshot: rest), command: command) { req in
                .backupFetch(req: req, from: waiting.next)
            }
        }
        persist(.setCredentials(hash: prover.credentials(user: name, password: password)))
        // Restored from a backup that may miss what the registry never saw: compare notes
        // with each contact (friends and fellow group members alike) before giving new
        // messages a seq.
        let contacts = durable.contacts(except: name)
        if !contacts.isEmpty { persist(.markUnsynced(contacts)) }
        // Our messages still in the mailbox: not lost, and their seqs not free. Kept on disk,
        // as what to skip is decided later (`sync`), maybe in another session.
        for m in snapshot.mailMarks { persist(.reserve(peer: m.peer, seq: m.seq)) }
        startSession(password: password)
        complete(command, nil)
        takeNews(snapshot)
    }

    /// Entries of a wiped peer's conversations, as the registry backed them up, in
    /// conversation and seq order (a conversation takes a record at any seq, so pages need
    /// not come in order).
    private mutating func restore(_ backup: [BackupEntry]) {
        let sorted = backup.sorted { ($0.peer, $0.outgoing ? 1 : 0, $0.seq) < ($1.peer, $1.outgoing ? 1 : 0, $1.seq) }
        for b in sorted {
            let discarded = !b.outgoing && b.group.map { durable.groups[$0] == nil } ?? false
            persist(.restore(ChatRecord(peer: b.peer, outgoing: b.outgoing, seq: b.seq, body: b.body, group: b.group,
                                      kind: discarded ? .discarded : .message,
                                      proof: b.outgoing ? [] : b.proof)))
        }
    }
}
