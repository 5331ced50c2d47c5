import SIPCore
import Testing

@testable import TernScript

@Suite struct PseudoVariableHeaderTests {
    @Test func fromAndToReads() {
        // Kamailio 5.6.3: fu=sip:alice@atlanta.example.com fU=alice fd=atlanta.example.com
        // fn="Alice" ft=1928301774 tu=sip:bob@example.com tU=bob td=example.com tn=<null>
        // tt=<null> fUl=5.
        #expect(expand("$fu|$fU|$fd|$fn|$ft|$fUl") == "sip:alice@atlanta.example.com|alice|atlanta.example.com|\"Alice\"|1928301774|5")
        #expect(expand("$tu|$tU|$td|$tn|$tt|$tUl") == "sip:bob@example.com|bob|example.com|<null>|<null>|3")
        #expect(expand("$from|$from.user|$from.domain|$to|$to.user|$to.domain")
                == "sip:alice@atlanta.example.com|alice|atlanta.example.com|sip:bob@example.com|bob|example.com")
        #expect(expand("$tt|$fn", message: PVTestMessages.reply) == "a6c85cf|<null>")
    }

    @Test func fromAndToWritesEditTheHeaders() {
        // Reads keep the received value (edits apply when the message is sent), as in Kamailio.
        guard let run = runRoute("""
            $fU = "carol"; $fd = "biloxi.example.com"; $fn = "\\"Carol C\\"";
            $tn = "\\"Bob B\\""; $tU = $null;
            record("$fU|$fn|$tn");
            """) else { return }
        #expect(run.values == ["alice|\"Alice\"|<null>"])
        let sent = edited(run)
        #expect(sent.contains("\r\nFrom: \"Carol C\" <sip:carol@biloxi.example.com>;tag=1928301774\r\n"))
        #expect(sent.contains("\r\nTo: \"Bob B\" <sip:example.com>\r\n"))

        // A whole URI; a display name on an address without brackets adds them.
        guard let second = runRoute("$fu = \"sip:x@y.org\"; $fn = \"Reg\";", message: PVTestMessages.register) else { return }
        #expect(edited(second).contains("\r\nFrom: Reg <sip:x@y.org>;tag=abc\r\n"))
        // Deleting the display name takes the blank after it; a second change of the same part is refused.
        guard let third = runRoute("$fn = $null; $fU = \"one\"; $fU = \"two\";") else { return }
        #expect(edited(third).contains("\r\nFrom: <sip:one@atlanta.example.com>;tag=1928301774\r\n"))
    }

    @Test func headersByName() {
        let message = PVTestMessages.parse([
            "INVITE sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2",
            "v: SIP/2.0/TCP c.example.com;branch=z9hG4bK3",
            "X-Token: one",
            "x-token: two",
            "To: <sip:bob@example.com>",
            "From: <sip:alice@example.com>;tag=1",
            "Call-ID: h1",
            "CSeq: 1 INVITE",
            "Contact: <sip:a@10.0.0.1>, <sip:b@10.0.0.2>",
            "Content-Length: 0",
        ])
        // Kamailio 5.6.3: $(hdr(X)[*]) joins with "," and no blank; compact forms match.
        #expect(expand("$hdr(X-Token)|$(hdr(x-token)[1])|$(hdr(X-TOKEN)[-1])|$(hdr(X-Token)[*])|$hdrc(X-Token)", message: message)
                == "one|two|two|one,two|2")
        #expect(expand("$(hdr(Via)[*])|$hdrc(v)|$hdr(X-None)|$hdrc(X-None)", message: message)
                == "SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2,SIP/2.0/TCP c.example.com;branch=z9hG4bK3|2|<null>|0")
        // $hfl splits list headers into their values.
        #expect(expand("$hflc(Via)|$(hfl(Via)[1])|$(hfl(Via)[-1])|$hflc(Contact)|$(hfl(Contact)[1])|$hflc(X-Token)", message: message)
                == "3|SIP/2.0/UDP b.example.com;branch=z9hG4bK2|SIP/2.0/TCP c.example.com;branch=z9hG4bK3|2|<sip:b@10.0.0.2>|2")
        #expect(runRoute("$var(h) = \"x-token\"; record(\"$hdr($var(h))\");", message: message)?.values == ["one"])
    }

    @Test func identityHeaders() {
        let message = PVTestMessages.parse([
            "INVITE sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1",
            "To: <sip:bob@example.com>",
            "From: <sip:alice@example.com>;tag=1",
            "Call-ID: i1",
            "CSeq: 1 INVITE",
            "Refer-To: <sip:carol@example.com?Replaces=abc>",
            "Diversion: <sip:dave@example.com>;reason=unconditional;privacy=off;counter=2",
            "P-Asserted-Identity: \"Alice\" <sip:alice@example.com>, <tel:+15551234>",
            "P-Preferred-Identity: \"Al\" <sip:al@pref.example.com>",
            "Remote-Party-ID: <sip:rpid@example.com>;party=calling",
            "Content-Length: 0",
        ])
        #expect(expand("$rt|$re|$di|$dir|$dip|$dic", message: message)
                == "sip:carol@example.com?Replaces=abc|sip:rpid@example.com|sip:dave@example.com|unconditional|off|2")
        #expect(expand("$ai|$(ai[1])|$(ai[2])|$pu|$pU|$pd|$pn", message: message)
                == "sip:alice@example.com|tel:+15551234|<null>|sip:al@pref.example.com|al|pref.example.com|\"Al\"")
        #expect(expand("$rt|$ai|$pu|$di") == "<null>|<null>|<null>|<null>")
    }

    @Test func digestCredentials() {
        // Kamailio 5.6.3 on this REGISTER: au=alice aU=alice@realm.org ad=realm.org
        // ar=example.com adu=sip:example.com aa=MD5 adn=n1 adc=c1 adr=r1 ado=o1.
        #expect(expand("$au|$aU|$ad|$ar|$adu|$aa|$adn|$adc|$adr|$ado", message: PVTestMessages.register)
                == "alice|alice@realm.org|realm.org|example.com|sip:example.com|MD5|n1|c1|r1|o1")
        // Kamailio 5.6.3: Proxy-Authorization wins over Authorization; absent parameters are "".
        let both = PVTestMessages.parse([
            "REGISTER sip:example.com SIP/2.0",
            "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1",
            "To: <sip:alice@example.com>",
            "From: <sip:alice@example.com>;tag=abc",
            "Call-ID: reg2",
            "CSeq: 2 REGISTER",
            "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"n1\", uri=\"sip:example.com\", response=\"r1\"",
            "Proxy-Authorization: Digest username=\"bob\", realm=\"proxy.org\", nonce=\"n2\", uri=\"sip:example.com\", response=\"r2\"",
            "Content-Length: 0",
        ])
        #expect(expand("$au|$aU|[$ad]|$ar|[$aa]|$adn|[$adc]|$adr|[$ado]", message: both) == "bob|bob|[]|proxy.org|[]|n2|[]|r2|[]")
        #expect(expand("$au|$ar") == "<null>|<null>")
    }
}
