// Module state kept on a ScriptContext under typed keys: each key its own slot and type.
import SIPCore
import Testing

@testable import TernScript

@Suite("ScriptContext keys")
struct ScriptContextKeyTests {
    private struct Branch: Equatable {
        var index: Int
        var label: String
    }

    private final class Transaction {
        let id: Int
        init(id: Int) { self.id = id }
    }

    private static let branchKey = ScriptContextKey<Branch>()
    private static let transactionKey = ScriptContextKey<Transaction>()
    private static let countKey = ScriptContextKey<Int>()

    @Test func valuesAreKeptPerKeyReplacedAndCleared() {
        let ctx = makeContext(sipRequest())
        #expect(ctx[Self.branchKey] == nil)
        #expect(ctx[Self.countKey] == nil)

        ctx[Self.countKey] = 3
        ctx[Self.branchKey] = Branch(index: 1, label: "first")
        #expect(ctx[Self.countKey] == 3)
        #expect(ctx[Self.branchKey] == Branch(index: 1, label: "first"))

        // In-place changes through the subscript and replacement both stick.
        ctx[Self.branchKey]?.label = "changed"
        ctx[Self.countKey] = 4
        #expect(ctx[Self.branchKey] == Branch(index: 1, label: "changed"))
        #expect(ctx[Self.countKey] == 4)

        ctx[Self.countKey] = nil
        #expect(ctx[Self.countKey] == nil)
        #expect(ctx[Self.branchKey]?.index == 1)
    }

    @Test func objectsComeBackAsTheSameInstanceAndContextsDoNotShare() {
        let first = makeContext(sipRequest())
        let second = makeContext(sipRequest())
        let transaction = Transaction(id: 7)
        first[Self.transactionKey] = transaction
        #expect(first[Self.transactionKey] === transaction)
        #expect(second[Self.transactionKey] == nil)
        // A key made after values were stored on the context still reads as absent.
        let lateKey = ScriptContextKey<String>()
        #expect(first[lateKey] == nil)
        first[lateKey] = "late"
        #expect(first[lateKey] == "late")
        #expect(first[Self.transactionKey]?.id == 7)
    }
}
