import TernScript

extension ScriptContext {
    /// The flags of branch `index` (Kamailio's numbering: 0 is the R-URI, 1… the branches
    /// appended after it); nil when there is no such branch.
    public func branchFlags(at index: Int) -> UInt32? {
        if index == 0 { return requestBranchFlags }
        guard index > 0, index <= branches.count else { return nil }
        return branches[index - 1].flags
    }

    /// Sets the flags of branch `index`; false when there is no such branch.
    @discardableResult
    public func setBranchFlags(_ flags: UInt32, at index: Int) -> Bool {
        if index == 0 {
            requestBranchFlags = flags
            return true
        }
        guard index > 0, index <= branches.count else { return false }
        branches[index - 1].flags = flags
        return true
    }
}
