// What save() stores for a binding and how the reply's Contact line is written: a refresh
// takes the request's new Call-ID and User-Agent while keeping its ruid, Allow becomes the
// method mask whatever its case, a REGISTER refused on one contact leaves every binding as it
// was, and the Contact line holds q, expires, received, +sip.instance and reg-id as Kamailio
// writes them.
import Testing

@testable import TernModules

@Suite struct SaveStorageTests {
    private func stored(_ script: RegistrarScript, _ aor: String = "bob") -> [LocationContact] {
        (try? script.table?.read(aor) { $0?.contacts ?? [] }) ?? []
    }

    @Test func aRefreshStoresTheNewCallIDAndUserAgentAndKeepsTheRUID() {
        guard let script = RegistrarScript() else { return }
        script.register(
            contacts: ["<sip:bob@192.0.2.10:5060>"], callID: "first@ua", extra: ["User-Agent: phone/1", "Allow: INVITE, BYE"])
        let before = stored(script)
        #expect(before.count == 1)
        #expect(before.first?.callID == "first@ua")
        #expect(before.first?.userAgent == "phone/1")
        #expect(before.first?.methods == 1 | 8)

        let (reply, code) = script.register(
            contacts: ["<sip:bob@192.0.2.10:5060>"], callID: "second@ua", extra: ["User-Agent: phone/2"])
        #expect(code == 2)
        #expect(RegistrarScript.contacts(reply) == ["<sip:bob@192.0.2.10:5060>;expires=3600"])
        let after = stored(script)
        #expect(after.count == 1)
        #expect(after.first?.uri == "sip:bob@192.0.2.10:5060")
        #expect(after.first?.callID == "second@ua")
        #expect(after.first?.userAgent == "phone/2")
        #expect(after.first?.methods == -1)
        #expect(after.first?.ruid == before.first?.ruid)

        // Without a User-Agent the binding says "n/a".
        script.register(contacts: ["<sip:bob@192.0.2.10:5060>"], callID: "second@ua", cseq: 2)
        #expect(stored(script).first?.userAgent == "n/a")
    }

    @Test func anInstanceIsStoredUnquotedAndItsRefreshFromANewAddressReplacesIt() {
        guard let script = RegistrarScript() else { return }
        let instance = "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"
        script.register(contacts: ["<sip:bob@192.0.2.10>;+sip.instance=\"\(instance)\";reg-id=1"], callID: "a")
        #expect(stored(script).first?.instance == instance)
        #expect(stored(script).first?.regID == 1)
        // The same instance and reg-id from another address is the same flow (RFC 5626).
        let (reply, code) = script.register(
            contacts: ["<sip:bob@192.0.2.99>;+sip.instance=\"\(instance)\";reg-id=1"], callID: "a", cseq: 2)
        #expect(code == 2)
        let after = stored(script)
        #expect(after.count == 1)
        #expect(after.first?.uri == "sip:bob@192.0.2.99")
        #expect(after.first?.instance == instance)
        #expect(RegistrarScript.contacts(reply) == ["<sip:bob@192.0.2.99>;expires=3600;+sip.instance=\"\(instance)\";reg-id=1"])
    }

    @Test func allowMethodsAreMatchedWithoutCase() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.10>"], extra: ["Allow: invite, Ack,BYE", "Allow: message, FOO"])
        // INVITE 1, ACK 4, BYE 8, MESSAGE 256; an unknown method sets Kamailio's "other" bit.
        let methods = stored(script).first?.methods ?? 0
        #expect(methods & (1 | 4 | 8 | 256) == 1 | 4 | 8 | 256)
        #expect(methods & 2 == 0)
        #expect(methods & 32 == 0)
    }

    @Test func aRefusedContactLeavesEveryBindingAsItWas() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.10>"], callID: "desk", cseq: 1, expires: 600)
        let before = stored(script)

        // Two contacts, the second refused: the first is not added either.
        let (two, _) = script.register(
            contacts: ["<sip:bob@192.0.2.20>", "<sip:bob@192.0.2.30>;q=7"], callID: "phone", cseq: 1)
        #expect(two?.statusCode == 400)
        // One contact refused: the stored binding is not touched.
        let (one, _) = script.register(contacts: ["<sip:bob@192.0.2.10>;q=7"], callID: "desk", cseq: 2)
        #expect(one?.statusCode == 400)

        let after = stored(script)
        #expect(after == before)
        #expect(script.statistic("location-contacts") == 1)
    }

    @Test func theContactLineListsEachBindingAsKamailioWritesIt() {
        let now = 1_800_000_000
        func binding(_ uri: String, q: Int, expires: Int, received: String = "", instance: String = "", regID: Int = 0)
            -> LocationContact
        {
            LocationContact(
                uri: uri, expires: expires, q: q, callID: "c", cseq: 1, received: received, ruid: "r-\(uri)",
                instance: instance, regID: regID, lastModified: now)
        }
        let contacts = [
            binding("sip:a@192.0.2.1", q: 1000, expires: now + 3600),
            binding("sip:b@192.0.2.2", q: 500, expires: now + 60, received: "sip:198.51.100.7:40000"),
            binding("sip:c@192.0.2.3", q: 250, expires: 0),
            binding("sip:d@192.0.2.4", q: 125, expires: now + 1, instance: "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", regID: 12),
            binding("sip:e@192.0.2.5", q: 0, expires: now - 5),
            binding("sip:f@192.0.2.6", q: -1, expires: now + 1_000_000_000),
            binding("sip:g@192.0.2.7", q: 0, expires: now + 10),
        ]
        let line = String(decoding: RegistrarReply.contactHeader(contacts, now: now, receivedParam: "received"), as: UTF8.self)
        #expect(line == "Contact: <sip:a@192.0.2.1>;q=1;expires=3600, "
            + "<sip:b@192.0.2.2>;q=0.5;expires=60;received=\"sip:198.51.100.7:40000\", "
            + "<sip:c@192.0.2.3>;q=0.25;expires=0, "
            + "<sip:d@192.0.2.4>;q=0.125;expires=1;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=12, "
            + "<sip:f@192.0.2.6>;expires=1000000000, "
            + "<sip:g@192.0.2.7>;q=0;expires=10\r\n")
        #expect(RegistrarReply.contactHeader([], now: now, receivedParam: "received").isEmpty)
        #expect(RegistrarReply.contactHeader([contacts[4]], now: now, receivedParam: "received").isEmpty)
        // Without received_param the source address is not listed.
        let plain = String(decoding: RegistrarReply.contactHeader([contacts[1]], now: now, receivedParam: ""), as: UTF8.self)
        #expect(plain == "Contact: <sip:b@192.0.2.2>;q=0.5;expires=60\r\n")
    }
}
