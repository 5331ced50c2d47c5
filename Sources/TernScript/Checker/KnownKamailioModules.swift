/// The modules of Kamailio 5.6 (and the older ones the legacy examples load), by name. A
/// config that loads one of them which Tern does not have gets one clear error on its
/// `loadmodule` line ("not built into Tern yet") rather than a cascade of unknown-name errors
/// for every function and pseudo-variable that module would have brought.
enum KnownKamailioModules {
    static func contains(_ name: String) -> Bool { names.contains(name) }

    /// Every module directory of Kamailio 5.6.3's source tree.
    static let names: Set<String> = legacy.union([
        "acc", "acc_diameter", "acc_json", "acc_radius", "alias_db", "app_java", "app_jsdt", "app_lua",
        "app_lua_sr", "app_mono", "app_perl", "app_python", "app_python3", "app_ruby", "app_sqlang", "async",
        "auth", "auth_db", "auth_diameter", "auth_ephemeral", "auth_identity", "auth_radius", "auth_xkeys",
        "avp", "avpops", "benchmark", "blst", "call_control", "call_obj", "carrierroute", "cdp", "cdp_avp",
        "cfg_db", "cfg_rpc", "cfgt", "cfgutils", "cnxcc", "corex", "counters", "cplc", "crypto", "ctl",
        "db2_ldap", "db2_ops", "db_berkeley", "db_cassandra", "db_cluster", "db_flatstore", "db_mongodb",
        "db_mysql", "db_oracle", "db_perlvdb", "db_postgres", "db_redis", "db_sqlite", "db_text", "db_unixodbc",
        "debugger", "dialog", "dialplan", "dispatcher", "diversion", "dlgs", "dmq", "dmq_usrloc", "dnssec",
        "domain", "domainpolicy", "drouting", "enum", "erlang", "evapi", "evrexec", "exec", "geoip", "geoip2",
        "group", "gzcompress", "h350", "htable", "http_async_client", "http_client", "imc", "ims_auth",
        "ims_charging", "ims_dialog", "ims_diameter_server", "ims_icscf", "ims_ipsec_pcscf", "ims_isc",
        "ims_ocs", "ims_qos", "ims_registrar_pcscf", "ims_registrar_scscf", "ims_usrloc_pcscf",
        "ims_usrloc_scscf", "ipops", "jansson", "janssonrpcc", "json", "jsonrpcc", "jsonrpcs", "jwt", "kafka",
        "kazoo", "keepalive", "kemix", "kex", "lcr", "ldap", "log_custom", "log_systemd", "lost", "lrkproxy",
        "lwsc", "mangler", "matrix", "maxfwd", "mediaproxy", "memcached", "misc_radius", "misctest", "mohqueue",
        "mqtt", "mqueue", "msilo", "msrp", "mtree", "nat_traversal", "nathelper", "nats", "ndb_cassandra",
        "ndb_mongodb", "ndb_redis", "nosip", "nsq", "osp", "outbound", "p_usrloc", "path", "pdb", "pdt",
        "peering", "permissions", "phonenum", "pike", "pipelimit", "posops", "prefix_route", "presence",
        "presence_conference", "presence_dialoginfo", "presence_mwi", "presence_profile", "presence_reginfo",
        "presence_xml", "print", "pua", "pua_bla", "pua_dialoginfo", "pua_json", "pua_reginfo", "pua_rpc",
        "pua_usrloc", "pua_xmpp", "pv", "pv_headers", "qos", "rabbitmq", "ratelimit", "regex", "registrar",
        "rls", "rr", "rtimer", "rtjson", "rtp_media_server", "rtpengine", "rtpproxy", "ruxc", "sanity", "sca",
        "sctp", "sdpops", "seas", "secfilter", "secsipid", "secsipid_proc", "sipcapture", "sipdump", "sipjson",
        "siprepo", "sipt", "siptrace", "siputils", "sl", "slack", "sms", "smsops", "snmpstats", "speeddial",
        "sqlops", "ss7ops", "sst", "statistics", "statsc", "statsd", "stirshaken", "stun", "sworker",
        "systemdops", "tcpops", "textops", "textopsx", "timer", "tls", "tlsa", "tm", "tmrec", "tmx", "topoh",
        "topos", "topos_redis", "tsilo", "uac", "uac_redirect", "uid_auth_db", "uid_avp_db", "uid_domain",
        "uid_gflags", "uid_uri_db", "uri_db", "userblocklist", "usrloc", "utils", "uuid", "websocket",
        "xcap_client", "xcap_server", "xhttp", "xhttp_pi", "xhttp_prom", "xhttp_rpc", "xlog", "xmlops",
        "xmlrpc", "xmpp", "xprint",
    ])

    /// Modules of older releases that the legacy examples still load: `mi_fifo` served the
    /// management FIFO before Kamailio 5.0.
    private static let legacy: Set<String> = ["mi_fifo"]
}
