import SIPCore
import TernScript

/// lookup(): the AOR of the R-URI (or of the URI given) to where the request goes. The first
/// valid binding (best q, as usrloc orders them) becomes the R-URI, its `received` — or the
/// first hop of its Path — the destination URI ($du); the other valid bindings become branches
/// for tm to fork to (append_branches). Kamailio's codes: 1 found, -1 none, -2 found but
/// none accepts the method (method_filtering), -3 internal error.
struct LocationLookup {
    let settings: RegistrarSettings
    let now: Int
    /// This server's sockets (`udp:127.0.0.1:5060`): a binding saved through another node
    /// sharing the database names that node's socket, which is not forced here.
    var localSockets: Set<String> = []

    enum Mode {
        /// R-URI and branches.
        case normal
        /// Every binding as a branch, the R-URI untouched (lookup_to_dset).
        case branchesOnly
    }

    func run(_ context: ScriptContext, table: LocationTable, uri: String?, useDomain: Bool, mode: Mode = .normal) -> Int {
        guard let uriText = uri ?? Self.requestURI(context),
              let aor = LocationAOR.make(uriText, useDomain: useDomain, caseSensitive: settings.caseSensitive)
        else { return -3 }
        let contacts: [LocationContact]
        do throws(LocationStoreError) {
            contacts = try table.read(aor) { $0?.contacts ?? [] }
        } catch {
            context.worker.logger.error("lookup: \(error.message)")
            return -3
        }
        let methodBit = KamailioMethodID.of(context.message)
        let allowed = contacts.filter {
            $0.isValid(at: now) && (!settings.methodFiltering || $0.methods < 0 || $0.methods & methodBit != 0)
        }
        guard let first = allowed.first else {
            return contacts.contains { $0.isValid(at: now) } ? -2 : -1
        }
        var rest = allowed.dropFirst()
        if mode == .branchesOnly {
            rest = allowed[...]
        } else {
            context.newRequestURI = first.uri
            let (destination, path) = hop(first)
            if let destination { context.destinationURI = destination }
            context.pathVector = path
            context.requestBranchFlags |= UInt32(truncatingIfNeeded: first.cflags)
            if let socket = localSocket(first) { context.forcedSendSocket = socket }
            guard settings.appendBranches else { return 1 }
        }
        for contact in rest {
            let (destination, path) = hop(contact)
            context.branches.append(ScriptBranch(
                uri: contact.uri, destinationURI: destination, path: path, q: contact.q >= 0 ? contact.q : nil,
                flags: UInt32(truncatingIfNeeded: contact.cflags), socket: localSocket(contact)))
        }
        return 1
    }

    private func localSocket(_ contact: LocationContact) -> String? {
        contact.socket.isEmpty || !localSockets.contains(contact.socket) ? nil : contact.socket
    }

    /// Where a binding is reached: the first Path URI when there is a Path (the last proxy
    /// before the UA handles its NAT), else the `received` address.
    private func hop(_ contact: LocationContact) -> (destination: String?, path: String?) {
        if !contact.path.isEmpty {
            var destination = Self.firstURI(ofPath: contact.path)
            if settings.pathUseReceived && !contact.received.isEmpty { destination = contact.received }
            return (destination, contact.path)
        }
        return (contact.received.isEmpty ? nil : contact.received, nil)
    }

    static func firstURI(ofPath path: String) -> String? {
        guard let message = try? SIPMessage.parse(Array("OPTIONS sip:x SIP/2.0\r\nPath: \(path)\r\n\r\n".utf8)),
              let first = (try? message.nameAddrs(.path))?.first
        else {
            return path.isEmpty ? nil : path
        }
        return message.string(first.uri.whole)
    }

    static func requestURI(_ context: ScriptContext) -> String? {
        if let uri = context.newRequestURI { return uri }
        let message = context.message
        guard message.kind == .request else { return nil }
        return message.string(message.requestURIRange)
    }
}
