import Testing
@testable import SIPTransaction

final class Dummy {
    let id: TransactionID
    var value = 0
    init(_ id: TransactionID) { self.id = id }
}

@Suite("TransactionTable and ids")
struct TransactionTableTests {
    @Test("insert gives distinct labels in the hash's bucket; lookup and remove by id")
    func insertLookupRemove() {
        let table = TransactionTable<Dummy>(bucketCount: 16)
        let hash = table.hashIndex(0xABCD_1234)
        let a = table.withBucket(hash) { $0.insert { Dummy($0) } }
        let b = table.withBucket(hash) { $0.insert { Dummy($0) } }
        #expect(a.id.hashIndex == hash && b.id.hashIndex == hash)
        #expect(a.id.label != b.id.label)
        #expect(table.lookup(a.id) === a)
        #expect(table.count == 2)
        #expect(table.remove(a.id) === a)
        #expect(table.lookup(a.id) == nil)
        #expect(table.lookup(TransactionID(hashIndex: 999, label: 1)) == nil)
        #expect(table.count == 1)
    }

    @Test("bucket count rounds up to a power of two")
    func powerOfTwo() {
        #expect(TransactionTable<Dummy>(bucketCount: 1000).bucketCount == 1024)
    }

    @Test("many threads inserting and updating under bucket locks lose nothing")
    func concurrentUse() async {
        let table = TransactionTable<Dummy>(bucketCount: 8)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0 ..< 8 {
                group.addTask {
                    for i in 0 ..< 500 {
                        let hash = table.hashIndex(UInt32(worker * 1000 + i))
                        let t = table.withBucket(hash) { $0.insert { Dummy($0) } }
                        table.withBucket(t.id.hashIndex) { _ in t.value += 1 }
                    }
                }
            }
        }
        #expect(table.count == 4000)
        var total = 0
        table.forEach { total += $0.value }
        #expect(total == 4000)
    }

    @Test("transaction id prints and parses as hash:label")
    func idText() {
        let id = TransactionID(hashIndex: 1234, label: 56789)
        #expect(id.description == "1234:56789")
        #expect(TransactionID("1234:56789") == id)
        #expect(TransactionID("12x:1") == nil)
        #expect(TransactionID("1:2:3") == nil)
    }

    @Test("branch ids round-trip and foreign branches are refused")
    func branchIDs() {
        let b = TransactionBranchID(transaction: TransactionID(hashIndex: 0xfff, label: 0xdeadbeef), branch: 3)
        #expect(b.description == "z9hG4bKfff.deadbeef.3")
        #expect(TransactionBranchID(branchValue: Array(b.description.utf8)) == b)
        let edges = TransactionBranchID(transaction: TransactionID(hashIndex: 0, label: 0x10), branch: 120)
        #expect(edges.description == "z9hG4bK0.10.120")
        #expect(TransactionBranchID(branchValue: Array(edges.description.utf8)[...]) == edges)
        for foreign in ["z9hG4bK776asdhds", "z9hG4bKfff.deadbeef", "z9hG4bKfff.dead.beef", "abcfff.1.2",
                        "z9hG4bK1.2.3.4", "z9hG4bK123456789.1.1", "z9hG4bKfff..1"] {
            #expect(TransactionBranchID(branchValue: Array(foreign.utf8)) == nil, "\(foreign)")
        }
    }

    @Test("the hash is the same for Call-ID + CSeq number, and differs otherwise")
    func hash() {
        let a = TransactionHash.hash(callID: Array("abc@host".utf8), cseqNumber: 1)
        #expect(a == TransactionHash.hash(callID: Array("abc@host".utf8), cseqNumber: 1))
        #expect(a != TransactionHash.hash(callID: Array("abc@host".utf8), cseqNumber: 2))
        #expect(a != TransactionHash.hash(callID: Array("abd@host".utf8), cseqNumber: 1))
    }
}
