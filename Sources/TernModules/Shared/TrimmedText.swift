// Shared by sanity, textops, xlog and kex: trimming the text of a parameter list item.
extension Substring {
    /// The text without the characters of `set` at either end (parameter lists such as
    /// `a, b` or `l_err=cr; l_warn=yx`).
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
