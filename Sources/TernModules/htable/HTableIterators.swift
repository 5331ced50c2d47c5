import TernScript

/// sht_iterator_*: walks a snapshot of a table's keys taken at sht_iterator_start, so no slot
/// stays locked between script statements (Kamailio holds the slot lock while it walks).
struct HTableIteratorState {
    var table: String
    var keys: [String]
    /// Index of the current key; -1 before the first sht_iterator_next.
    var position = -1

    var current: String? { position >= 0 && position < keys.count ? keys[position] : nil }

    static let contextKey = ScriptContextKey<[String: HTableIteratorState]>()
}

extension ScriptContext {
    var htableIterators: [String: HTableIteratorState] {
        get { self[HTableIteratorState.contextKey] ?? [:] }
        set { self[HTableIteratorState.contextKey] = newValue }
    }
}
