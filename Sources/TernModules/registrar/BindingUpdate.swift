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

/// What save() applies: the registrar's parameters and usrloc's, gathered once when the
/// module is configured (plain values: copying it per REGISTER costs no retain).
struct BindingRules: Sendable {
    var registrar = RegistrarSettings()
    var matching: ContactMatching = .contact
    var cseqDelay = 20
    var newestFirst = false
    var natFlagMask = 0
    var useDomain = false

    init() {}

    init(_ settings: RegistrarSettings, _ usrloc: UsrlocSettings) {
        registrar = settings
        matching = usrloc.matching
        cseqDelay = usrloc.cseqDelay
        newestFirst = usrloc.newestFirst
        natFlagMask = usrloc.natFlagMask
        useDomain = usrloc.useDomain
    }
}

/// RFC 3261 §10.3 steps 6–8 on one AOR's record, with Kamailio's rules: a contact's expiry
/// from its `expires` parameter, else the Expires header, else default_expires, raised to
/// min_expires (or refused with 423) and capped at max_expires; 0 removes; a binding with
/// the same Call-ID and a lower CSeq — or the same CSeq after cseq_delay — is refused; the
/// same CSeq within cseq_delay is a retransmission and changes nothing. Runs under the bucket
/// lock; all or nothing (the record only changes when every contact went through).
struct BindingUpdate {
    let request: RegisterRequest
    let rules: BindingRules
    let now: Int
    let flags: SaveFlags
    /// The source address to store when the Contact has no `received` (received_avp).
    let receivedFromAVP: String?
    let socket: String
    /// The request's branch flags, stored as the contacts' cflags.
    let branchFlags: Int
    /// Makes the ids of new bindings. Not retained: the registrar holds the location service
    /// for the server's life, and both workers retaining it per REGISTER made their cores
    /// trade its cache line.
    unowned(unsafe) let ruids: UserLocation
    /// The request's Call-ID and User-Agent as Strings, made on first need and shared by
    /// its bindings.
    private var callIDText: String?
    private var userAgentText: String?

    init(
        request: consuming RegisterRequest, rules: BindingRules, now: Int, flags: SaveFlags, receivedFromAVP: String?,
        socket: String, branchFlags: Int, ruids: UserLocation
    ) {
        self.request = request
        self.rules = rules
        self.now = now
        self.flags = flags
        self.receivedFromAVP = receivedFromAVP
        self.socket = socket
        self.branchFlags = branchFlags
        self.ruids = ruids
    }

    mutating func apply(to record: inout LocationRecord) -> BindingOutcome {
        if request.isStar {
            record.removeAll()
            return .saved(3)
        }
        if request.contacts.isEmpty { return .saved(4) }
        // With one contact every refusal comes before the first change, so the record is
        // edited where it lies; with more, a copy is edited and kept only when all went through.
        if request.contacts.count == 1 {
            return record.isEmpty ? insertAll(into: &record) : update(&record)
        }
        var working = record
        let outcome = working.isEmpty ? insertAll(into: &working) : update(&working)
        if case .saved = outcome { record = working }
        return outcome
    }

    // MARK: expiry and contact data

    /// Absolute expiry (0 = remove) of one contact.
    func expires(of contact: RegisterContact) -> Result<Int, RegistrarError> {
        var seconds: Int
        var range = rules.registrar.expiresRange
        switch contact.expires {
        case .seconds(let value):
            seconds = value
        case .invalid:
            seconds = rules.registrar.defaultExpires
            range = rules.registrar.defaultExpiresRange
        case .absent:
            if let header = request.expiresHeader {
                seconds = header
            } else {
                seconds = rules.registrar.defaultExpires
                range = rules.registrar.defaultExpiresRange
            }
        }
        guard seconds != 0 else { return .success(0) }
        if seconds < rules.registrar.minExpires {
            if rules.registrar.minExpiresMode != 0 { return .failure(.intervalTooBrief) }
            seconds = rules.registrar.minExpires
        }
        if range > 0 && !flags.contains(.noVariation) {
            // Never longer than asked (RFC 3261 §10.3 step 7), at most `range` percent shorter.
            let lowest = seconds - seconds * min(range, 100) / 100
            seconds = lowest + (seconds - lowest) * Int.random(in: 0..<100) / 100
            seconds = max(seconds, rules.registrar.minExpires)
        }
        if rules.registrar.maxExpires > 0 && seconds > rules.registrar.maxExpires { seconds = rules.registrar.maxExpires }
        return .success(now + seconds)
    }

    /// The binding a contact makes; `refreshed` is the index in `contacts` of the binding it
    /// refreshes, whose Strings are kept where the request repeats them (read in place: a
    /// copy of the binding would retain all its Strings). The caller has refused an invalid q.
    private mutating func binding(
        _ contact: RegisterContact, expires: Int, ruid: String, refreshing refreshed: Int?, of contacts: [LocationContact]
    ) -> LocationContact {
        var received: String
        if let range = contact.received {
            received = request.text(range)
        } else {
            received = receivedFromAVP ?? ""
        }
        var cflags = branchFlags
        if !request.pathReceived.isEmpty {
            received = request.pathReceived
            cflags |= rules.natFlagMask
        }
        let uri: String
        let callID: String
        let userAgent: String
        var instance = ""
        if let range = contact.instance {
            if let refreshed, request.same(range, as: contacts[refreshed].instance) {
                instance = contacts[refreshed].instance
            } else {
                instance = request.text(range)
            }
        }
        if let refreshed {
            uri = request.same(contact.uri, as: contacts[refreshed].uri) ? contacts[refreshed].uri : request.text(contact.uri)
            callID = request.same(request.callID, as: contacts[refreshed].callID) ? contacts[refreshed].callID : requestCallID()
            if let range = request.userAgent {
                userAgent = request.same(range, as: contacts[refreshed].userAgent) ? contacts[refreshed].userAgent : requestUserAgent()
            } else {
                userAgent = "n/a"
            }
        } else {
            uri = request.text(contact.uri)
            callID = requestCallID()
            userAgent = requestUserAgent()
        }
        return LocationContact(
            uri: uri, expires: expires, q: contact.q ?? rules.registrar.defaultQ, callID: callID,
            cseq: request.cseq, path: request.path, received: received, userAgent: userAgent, socket: socket,
            flags: flags.contains(.memoryOnly) ? LocationContact.memoryOnlyFlag : 0, cflags: cflags,
            methods: request.methods, ruid: ruid, instance: instance, regID: contact.regID ?? 0,
            lastModified: now)
    }

    private mutating func requestCallID() -> String {
        if let callIDText { return callIDText }
        let text = request.callIDText
        callIDText = text
        return text
    }

    private mutating func requestUserAgent() -> String {
        if let userAgentText { return userAgentText }
        let text = request.userAgentText
        userAgentText = text
        return text
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
        var index: Int?
        var callIDMatched = false
        let contacts = record.contacts
        if let instance = contact.instance, !instance.isEmpty {
            let regID = contact.regID ?? 0
            for i in contacts.indices where contacts[i].regID == regID && request.same(instance, as: contacts[i].instance) {
                index = i
                break
            }
        } else {
            let callID = request.callID
            switch rules.matching {
            case .contact:
                for i in contacts.indices where request.same(contact.uri, as: contacts[i].uri) {
                    index = i
                    break
                }
            case .contactAndCallID:
                for i in contacts.indices
                where request.same(contact.uri, as: contacts[i].uri) && request.same(callID, as: contacts[i].callID) {
                    index = i
                    break
                }
                callIDMatched = true
            case .contactAndPath:
                for i in contacts.indices where request.same(contact.uri, as: contacts[i].uri) && contacts[i].path == request.path {
                    index = i
                    break
                }
            case .callID:
                for i in contacts.indices where request.same(callID, as: contacts[i].callID) {
                    index = i
                    break
                }
                callIDMatched = true
            }
        }
        guard let index else { return .notFound }
        if checkCSeq && (callIDMatched || request.same(request.callID, as: contacts[index].callID)) {
            let stored = contacts[index]
            if request.cseq < stored.cseq { return .invalidCSeq }
            if request.cseq == stored.cseq {
                return stored.lastModified + rules.cseqDelay > now ? .retransmission : .invalidCSeq
            }
        }
        return .found(index)
    }

    // MARK: a new AOR

    private mutating func insertAll(into record: inout LocationRecord) -> BindingOutcome {
        var count = 0
        for position in request.contacts.indices {
            let contact = request.contacts[position]
            let expiry: Int
            switch expires(of: contact) {
            case .success(let value): expiry = value
            case .failure(let error): return .failed(error)
            }
            if expiry == 0 { continue }
            if rules.registrar.maxContacts > 0 && count >= rules.registrar.maxContacts { return .failed(.tooMany) }
            count += 1
            if contact.qInvalid { return .failed(.invalidQ) }
            // The same Contact twice in one REGISTER updates the first.
            if case .found(let index) = match(contact, in: record, checkCSeq: false) {
                let value = binding(
                    contact, expires: expiry, ruid: record.contacts[index].ruid, refreshing: index, of: record.contacts)
                record.update(at: index, to: value, newestFirst: rules.newestFirst)
            } else {
                let value = binding(contact, expires: expiry, ruid: ruids.nextRUID(), refreshing: nil, of: [])
                record.insert(value, newestFirst: rules.newestFirst)
            }
        }
        return .saved(1)
    }

    // MARK: an AOR with bindings

    private mutating func update(_ record: inout LocationRecord) -> BindingOutcome {
        let single = flags.contains(.singleContact)
        if !single && rules.registrar.maxContacts > 0 {
            var count = 0
            for stored in record.contacts where stored.isValid(at: now) { count += 1 }
            for position in request.contacts.indices {
                let contact = request.contacts[position]
                let expiry = (try? expires(of: contact).get()) ?? 0
                switch match(contact, in: record) {
                case .invalidCSeq: return .failed(.invalidCSeq)
                case .retransmission: continue
                case .notFound: if expiry != 0 { count += 1 }
                case .found: if expiry == 0 { count -= 1 }
                }
            }
            if count > rules.registrar.maxContacts { return .failed(.tooMany) }
        }
        var code = 0
        for position in request.contacts.indices {
            let contact = request.contacts[position]
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
                if contact.qInvalid { return .failed(.invalidQ) }
                let ruid = ruids.nextRUID()
                let value = binding(contact, expires: expiry, ruid: ruid, refreshing: nil, of: [])
                record.insert(value, newestFirst: rules.newestFirst)
                code = 1
                if single {
                    removeAll(except: ruid, from: &record)
                    return .saved(code)
                }
            case .found(let index):
                if expiry == 0 {
                    record.remove(at: index)
                    code = 3
                    continue
                }
                if contact.qInvalid { return .failed(.invalidQ) }
                let ruid = record.contacts[index].ruid
                let newCallID = !request.same(request.callID, as: record.contacts[index].callID)
                let value = binding(contact, expires: expiry, ruid: ruid, refreshing: index, of: record.contacts)
                var current: Int? = index
                if !value.instance.isEmpty && newCallID {
                    // A new Call-ID from the same instance: its older registrations are stale.
                    let instance = value.instance
                    removeAll(where: { $0.ruid != ruid && $0.instance == instance }, from: &record)
                    current = record.index(ofRUID: ruid)
                }
                if let current {
                    record.update(at: current, to: value, newestFirst: rules.newestFirst)
                }
                code = 2
                if single {
                    removeAll(except: ruid, from: &record)
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
