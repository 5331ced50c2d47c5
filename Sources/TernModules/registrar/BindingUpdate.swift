/// save()'s flags (Kamailio's REG_SAVE_*).
struct SaveFlags: OptionSet, Sendable {
    let rawValue: Int
    /// The bindings are never written to the database.
    static let memoryOnly = SaveFlags(rawValue: 0x01)
    /// No reply is sent.
    static let noReply = SaveFlags(rawValue: 0x02)
    /// One contact per AOR: the saved one replaces all others.
    static let singleContact = SaveFlags(rawValue: 0x04)
    /// expires_range is not applied.
    static let noVariation = SaveFlags(rawValue: 0x08)
    /// With noReply: the reply is prepared for reg_send_reply().
    static let prepareReply = SaveFlags(rawValue: 0x10)
}

/// The outcome of applying a REGISTER to a record.
enum BindingOutcome: Sendable {
    /// Kamailio's save() codes: 1 inserted, 2 updated, 3 deleted, 4 only queried.
    case saved(Int)
    case failed(RegistrarError)
}

/// RFC 3261 §10.3 steps 6–8 on one AOR's record, with Kamailio's rules: a contact's expiry
/// from its `expires` parameter, else the Expires header, else default_expires, raised to
/// min_expires (or refused with 423) and capped at max_expires; 0 removes; a binding with
/// the same Call-ID and a lower CSeq — or the same CSeq after cseq_delay — is refused; the
/// same CSeq within cseq_delay is a retransmission and changes nothing. Runs under the bucket
/// lock; all or nothing (the record is only replaced when every contact went through).
struct BindingUpdate {
    let request: RegisterRequest
    let settings: RegistrarSettings
    let matching: ContactMatching
    let cseqDelay: Int
    let newestFirst: Bool
    let natFlagMask: Int
    let now: Int
    let flags: SaveFlags
    /// The source address to store when the Contact has no `received` (received_avp).
    let receivedFromAVP: String?
    let socket: String
    /// The request's branch flags, stored as the contacts' cflags.
    let branchFlags: Int
    let makeRUID: () -> String

    func apply(to record: inout LocationRecord) -> BindingOutcome {
        if request.isStar {
            record.removeAll()
            return .saved(3)
        }
        if request.contacts.isEmpty { return .saved(4) }
        var working = record
        let outcome = working.isEmpty ? insertAll(into: &working) : update(&working)
        if case .saved = outcome { record = working }
        return outcome
    }

    // MARK: expiry and contact data

    /// Absolute expiry (0 = remove) of one contact.
    func expires(of contact: RegisterContact) -> Result<Int, RegistrarError> {
        var seconds: Int
        var range = settings.expiresRange
        switch contact.expires {
        case .seconds(let value):
            seconds = value
        case .invalid:
            seconds = settings.defaultExpires
            range = settings.defaultExpiresRange
        case .absent:
            if let header = request.expiresHeader {
                seconds = header
            } else {
                seconds = settings.defaultExpires
                range = settings.defaultExpiresRange
            }
        }
        guard seconds != 0 else { return .success(0) }
        if seconds < settings.minExpires {
            if settings.minExpiresMode != 0 { return .failure(.intervalTooBrief) }
            seconds = settings.minExpires
        }
        if range > 0 && !flags.contains(.noVariation) {
            // Never longer than asked (RFC 3261 §10.3 step 7), at most `range` percent shorter.
            let lowest = seconds - seconds * min(range, 100) / 100
            seconds = lowest + (seconds - lowest) * Int.random(in: 0..<100) / 100
            seconds = max(seconds, settings.minExpires)
        }
        if settings.maxExpires > 0 && seconds > settings.maxExpires { seconds = settings.maxExpires }
        return .success(now + seconds)
    }

    private func binding(_ contact: RegisterContact, expires: Int, ruid: String) -> Result<LocationContact, RegistrarError> {
        if contact.qInvalid { return .failure(.invalidQ) }
        var received = contact.received ?? receivedFromAVP ?? ""
        var cflags = branchFlags
        if !request.pathReceived.isEmpty {
            received = request.pathReceived
            cflags |= natFlagMask
        }
        return .success(LocationContact(
            uri: contact.uri, expires: expires, q: contact.q ?? settings.defaultQ, callID: request.callID,
            cseq: request.cseq, path: request.path, received: received, userAgent: request.userAgent, socket: socket,
            flags: flags.contains(.memoryOnly) ? LocationContact.memoryOnlyFlag : 0, cflags: cflags,
            methods: request.methods, ruid: ruid, instance: contact.instance ?? "", regID: contact.regID ?? 0,
            lastModified: now))
    }

    // MARK: matching

    enum Match {
        case notFound
        case found(Int)
        /// Same Call-ID, CSeq not higher: refused.
        case invalidCSeq
        /// Same Call-ID and CSeq within cseq_delay: already done.
        case retransmission
    }

    func match(_ contact: RegisterContact, in record: LocationRecord, checkCSeq: Bool = true) -> Match {
        let index: Int?
        var callIDMatched = false
        if let instance = contact.instance, !instance.isEmpty {
            let regID = contact.regID ?? 0
            index = record.contacts.firstIndex { $0.instance == instance && $0.regID == regID }
        } else {
            switch matching {
            case .contact:
                index = record.contacts.firstIndex { $0.uri == contact.uri }
            case .contactAndCallID:
                index = record.contacts.firstIndex { $0.uri == contact.uri && $0.callID == request.callID }
                callIDMatched = true
            case .contactAndPath:
                index = record.contacts.firstIndex { $0.uri == contact.uri && $0.path == request.path }
            case .callID:
                index = record.contacts.firstIndex { $0.callID == request.callID }
                callIDMatched = true
            }
        }
        guard let index else { return .notFound }
        let stored = record.contacts[index]
        if checkCSeq && (callIDMatched || stored.callID == request.callID) {
            if request.cseq < stored.cseq { return .invalidCSeq }
            if request.cseq == stored.cseq {
                return stored.lastModified + cseqDelay > now ? .retransmission : .invalidCSeq
            }
        }
        return .found(index)
    }

    // MARK: a new AOR

    private func insertAll(into record: inout LocationRecord) -> BindingOutcome {
        var count = 0
        for contact in request.contacts {
            let expiry: Int
            switch expires(of: contact) {
            case .success(let value): expiry = value
            case .failure(let error): return .failed(error)
            }
            if expiry == 0 { continue }
            if settings.maxContacts > 0 && count >= settings.maxContacts { return .failed(.tooMany) }
            count += 1
            // The same Contact twice in one REGISTER updates the first.
            if case .found(let index) = match(contact, in: record, checkCSeq: false) {
                switch binding(contact, expires: expiry, ruid: record.contacts[index].ruid) {
                case .success(let value): record.update(at: index, to: value, newestFirst: newestFirst)
                case .failure(let error): return .failed(error)
                }
            } else {
                switch binding(contact, expires: expiry, ruid: makeRUID()) {
                case .success(let value): record.insert(value, newestFirst: newestFirst)
                case .failure(let error): return .failed(error)
                }
            }
        }
        return .saved(1)
    }

    // MARK: an AOR with bindings

    private func update(_ record: inout LocationRecord) -> BindingOutcome {
        let single = flags.contains(.singleContact)
        if !single && settings.maxContacts > 0 {
            var count = record.contacts.filter { $0.isValid(at: now) }.count
            for contact in request.contacts {
                let expiry = (try? expires(of: contact).get()) ?? 0
                switch match(contact, in: record) {
                case .invalidCSeq: return .failed(.invalidCSeq)
                case .retransmission: continue
                case .notFound: if expiry != 0 { count += 1 }
                case .found: if expiry == 0 { count -= 1 }
                }
            }
            if count > settings.maxContacts { return .failed(.tooMany) }
        }
        var code = 0
        for contact in request.contacts {
            let expiry: Int
            switch expires(of: contact) {
            case .success(let value): expiry = value
            case .failure(let error): return .failed(error)
            }
            switch match(contact, in: record) {
            case .invalidCSeq:
                return .failed(.invalidCSeq)
            case .retransmission:
                if expiry != 0 && single { return .saved(code == 0 ? 1 : code) }
                continue
            case .notFound:
                if expiry == 0 { continue }
                guard case .success(let value) = binding(contact, expires: expiry, ruid: makeRUID()) else {
                    return .failed(.invalidQ)
                }
                record.insert(value, newestFirst: newestFirst)
                code = 1
                if single {
                    removeAll(except: value.ruid, from: &record)
                    return .saved(code)
                }
            case .found(let index):
                if expiry == 0 {
                    record.remove(at: index)
                    code = 3
                    continue
                }
                let stored = record.contacts[index]
                guard case .success(let value) = binding(contact, expires: expiry, ruid: stored.ruid) else {
                    return .failed(.invalidQ)
                }
                if !value.instance.isEmpty && stored.callID != request.callID {
                    // A new Call-ID from the same instance: its older registrations are stale.
                    removeAll(where: { $0.ruid != stored.ruid && $0.instance == value.instance }, from: &record)
                }
                if let current = record.index(ofRUID: stored.ruid) {
                    record.update(at: current, to: value, newestFirst: newestFirst)
                }
                code = 2
                if single {
                    removeAll(except: value.ruid, from: &record)
                    return .saved(code)
                }
            }
        }
        return .saved(code == 0 ? 1 : code)
    }

    private func removeAll(except ruid: String, from record: inout LocationRecord) {
        removeAll(where: { $0.ruid != ruid }, from: &record)
    }

    private func removeAll(where predicate: (LocationContact) -> Bool, from record: inout LocationRecord) {
        var index = record.contacts.count - 1
        while index >= 0 {
            if predicate(record.contacts[index]) { record.remove(at: index) }
            index -= 1
        }
    }
}
