-- added for a complete script: htmlStats's last HTML line ends in "]]]" (long string, then index)
local asis = setmetatable({}, { __index = function(_, text) return text end })  -- added for a complete script

function htmlStats()
    htmlBody = [[
<html><head><title>Kamailio SIP Server</title>
<style type="text/css">
#tstats {
    font-family:Arial, Helvetica, sans-serif;
    width:50%;
    border-collapse:collapse;
}
#tstats td, #tstats th {
    font-size: 1em;
    border: 1px solid #98bf21;
    padding: 3px 7px 2px 7px;
}
#tstats th {
    font-size: 1.1em;
    text-align:left;
    padding-top:5px;
    padding-bottom:4px;
    background-color:#A7C942;
    color:#ffffff;
}
#tstats tr.alt td {
    color:#000000;
    background-color:#EAF2D3;
}
</style>
</head><body>
    <div align='center'>
        <strong>Kamailio Statistics</strong><br />
        <table width='50%' id='tstats'>
            <tr><th>Description</th><th>Value</th></th>
tr>
            <tr><td>SHM used</td><td>
]]  -- added for a complete script: closes the HTML head opened above
        .. sr.pv.get("$stat(used_size)")
        .. "</td></tr>"
        .. "<tr class='alt'><td>SHM real used</td><td>"
        .. sr.pv.get("$stat(real_used_size)")
        .. "</td></tr>"
        .. "<tr><td>SHM free</td><td>"
        .. sr.pv.get("$stat(free_size)")
        .. "</td></tr>"
        .. "<tr class='alt'><td>UL users</td><td>"
        .. sr.pv.get("$stat(location-users)")
        .. "</td></tr>"
        .. "<tr><td>UL contacts</td><td>"
        .. sr.pv.get("$stat(location-contacts)")
        .. "</td></tr>"
        .. "<tr class='alt'><td>Received reqs</td><td>"
        .. sr.pv.get("$stat(rcv_requests)")
        .. "</td></tr>"
        .. "</td></tr>"
        -- added for a complete script: the next line opens the closing HTML text
        .. asis[ [[
    </table></div></body></html>]]];

    sr.xhttp.reply(200, "OK", "text/html", htmlBody);
end
