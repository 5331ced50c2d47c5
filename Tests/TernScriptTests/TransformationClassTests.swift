import SIPCore
import Testing

@testable import TernScript

/// uri., param., nameaddr., tobody. and line. transformations; "Kamailio 5.6.3" marks values
/// the real server printed for the same inputs.
@Suite struct TransformationClassTests {
    static let uriSetup = """
        $var(u) = "sip:alice:pw@atlanta.com:5061;transport=tls;lr;ttl=5;user=phone;maddr=1.2.3.4;method=INVITE;r2=on?subject=x&h=y";
        """

    @Test func uriParts() {
        func run(_ f: String) -> String? { expand(f, before: Self.uriSetup) }
        // Kamailio 5.6.3: user=alice host=atlanta.com port=5061 pw=pw
        // params=transport=tls;lr;ttl=5;user=phone;maddr=1.2.3.4;method=INVITE;r2=on param=5 headers=subject=x&h=y.
        #expect(run("$(var(u){uri.user})|$(var(u){uri.host})|$(var(u){uri.port})|$(var(u){uri.passwd})|$(var(u){uri.param,ttl})|$(var(u){uri.headers})")
                == "alice|atlanta.com|5061|pw|5|subject=x&h=y")
        #expect(run("$(var(u){uri.params})") == "transport=tls;lr;ttl=5;user=phone;maddr=1.2.3.4;method=INVITE;r2=on")
        // Kamailio 5.6.3: transport=tls ttl=5 uparam=phone maddr=1.2.3.4 method=INVITE lr=[] r2=on scheme=sip.
        #expect(run("$(var(u){uri.transport})|$(var(u){uri.ttl})|$(var(u){uri.uparam})|$(var(u){uri.maddr})|$(var(u){uri.method})|[$(var(u){uri.lr})]|$(var(u){uri.r2})|$(var(u){uri.scheme})")
                == "tls|5|phone|1.2.3.4|INVITE|[]|on|sip")
        // Kamailio 5.6.3: tosocket=tls:atlanta.com:5061 saor=sip:alice@atlanta.com; (duri and suri print
        // a stray byte after the scheme in 5.6.3: sip:latlanta.com…; these are the documented forms).
        #expect(run("$(var(u){uri.tosocket})|$(var(u){uri.saor})|$(var(u){uri.duri})|$(var(u){uri.suri})")
                == "tls:atlanta.com:5061|sip:alice@atlanta.com|sip:atlanta.com:5061;transport=tls|sip:alice@atlanta.com:5061;transport=tls")
        // Kamailio 5.6.3 on $ru = sip:bob@example.com: port empty, tosocket empty (no transport),
        // a missing parameter empty, user length 3.
        #expect(expand("[$(ru{uri.port})]|[$(ru{uri.tosocket})]|[$(ru{uri.param,foo})]|$(ru{uri.user}{s.len})") == "[]|[]|[]|3")
        // Not a URI: the transformation fails.
        #expect(expand("[$(var(x){uri.user})]", before: "$var(x) = \"not a uri\";") == "[]")
        #expect(expand("$(var(x){uri.user})|$(var(x){uri.host})", before: "$var(x) = \"tel:+15551234;phone-context=x\";") == "+15551234|")
    }

    @Test func parameterLists() {
        let setup = "$var(pl) = \"a=1;b=2;c;d=x\"; $var(pl2) = \";a=1;b=2\"; $var(pl3) = \"a=1,b=2\"; $var(pl4) = \"x=\\\"q v\\\" ; Y = 7\";"
        func run(_ f: String) -> String? { expand(f, before: setup) }
        // Kamailio 5.6.3: value=2 valueat,1=2 name,2=c count=4 in,c=1 in,z=0 valueat,-1=x name,-1=d.
        #expect(run("$(var(pl){param.value,b})|$(var(pl){param.valueat,1})|$(var(pl){param.name,2})|$(var(pl){param.count})|$(var(pl){param.in,c})|$(var(pl){param.in,z})|$(var(pl){param.valueat,-1})|$(var(pl){param.name,-1})")
                == "2|2|c|4|1|0|x|d")
        // Kamailio 5.6.3: a leading ';' is an empty first parameter (count 3, name 0 empty); a comma
        // ends the list, so "a=1,b=2"{param.count,,} is 1.
        #expect(run("$(var(pl2){param.count})|[$(var(pl2){param.name,0})]|$(var(pl3){param.count,,})") == "3|[]|1")
        // Quoted values lose their quotes; blanks around names and values go; names ignore case.
        #expect(run("$(var(pl4){param.value,x})|$(var(pl4){param.value,y})|[$(var(pl){param.value,nope})]|[$(var(pl){param.valueat,9})]") == "q v|7|[]|[]")
        #expect(expand("$(var(h){param.value,b,&})|$(var(h){param.count,&})", before: "$var(h) = \"a=1&b=2&c=3\";") == "2|3")
        #expect(loadErrors("request_route { $var(x) = $(var(y){param.value,b,,}); }").first?.message == "a comma cannot be the separator here")
    }

    @Test func nameAddrAndToBody() {
        let setup = "$var(na) = \"\\\"Bob\\\" <sip:bob@b.com>;tag=9\";"
        func run(_ f: String) -> String? { expand(f, before: setup) }
        // Kamailio 5.6.3: name=["Bob" ] uri=sip:bob@b.com len=21; on a bare URI the name is empty.
        #expect(run("[$(var(na){nameaddr.name})]|$(var(na){nameaddr.uri})|$(var(na){nameaddr.len})|$(ru{nameaddr.uri})|[$(ru{nameaddr.name})]")
                == "[\"Bob\" ]|sip:bob@b.com|21|sip:bob@example.com|[]")
        // Kamailio 5.6.3: uri=sip:bob@b.com display="Bob" tag=9 user=bob host=b.com params=tag=9,
        // and the From header's tag.
        #expect(run("$(var(na){tobody.uri})|$(var(na){tobody.display})|$(var(na){tobody.tag})|$(var(na){tobody.user})|$(var(na){tobody.host})|$(var(na){tobody.params})|$(hdr(From){tobody.tag})")
                == "sip:bob@b.com|\"Bob\"|9|bob|b.com|tag=9|1928301774")
        #expect(expand("[$(hdr(To){tobody.tag})]|[$(hdr(To){tobody.display})]|$(hdr(To){tobody.uri}{uri.user})") == "[]|[]|bob")
        #expect(expand("[$(var(x){tobody.uri})]", before: "$var(x) = \"<sip:broken\";") == "[]")
    }

    @Test func lines() {
        let setup = "$var(ln) = \"first line\\r\\nsecond\\r\\nthird\";"
        func run(_ f: String) -> String? { expand(f, before: setup) }
        // Kamailio 5.6.3: count=3 at,1=[second] at,-1=[third] sw,sec=[second]; the body
        // "hello\r\nworld" has 2 lines.
        #expect(run("$(var(ln){line.count})|[$(var(ln){line.at,1})]|[$(var(ln){line.at,-1})]|[$(var(ln){line.sw,sec})]|$(rb{line.count})")
                == "3|[second]|[third]|[second]|2")
        #expect(run("[$(var(ln){line.at,0})]|[$(var(ln){line.at,5})]|[$(var(ln){line.sw,zzz})]|[$(var(ln){line.at,-3})]") == "[first line]|[]|[]|[first line]")
        // line.count is string-typed in 5.6.3: + concatenates.
        #expect(runRoute("\(setup) $var(c) = $(var(ln){line.count}) + 1; record(\"$var(c)\");")?.values == ["31"])
    }
}
