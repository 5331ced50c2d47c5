/// Every core global parameter Kamailio 5.6 accepts (`name = value` at the top level), with the
/// type of value it takes. Tern accepts all of them, including those that mean nothing for it,
/// so existing configs load unchanged; an unknown name is an error.
enum GlobalParameterTable {
    enum ValueType {
        /// A number; yes/no/on/off/true/false count as 1/0.
        case int
        /// A quoted string.
        case string
        /// A quoted string or a bare word (`user = kamailio`, `log_facility = LOG_LOCAL0`).
        case stringOrWord
        /// A number or a bare word (`tos = IPTOS_LOWDELAY`).
        case intOrWord
        /// `listen`: `[proto:]host[:port] [advertise host[:port]] [name "n"]`.
        case listen
        /// `alias`, `advertised_address`, `tcp_source_ipv4/6`: a host (and port), written bare or quoted.
        case address
        /// A transport name (`udp_mtu_try_proto = TCP`).
        case proto
    }

    /// Parameters whose value is one or more addresses joined from adjacent tokens.
    static let addressListParameters: Set<String> = ["listen", "alias"]

    static let types: [String: ValueType] = {
        var t: [String: ValueType] = [:]
        let ints = """
            debug advertised_port async_nonblock async_usleep async_workers auto_aliases auto_bind_ipv6 bind_ipv6_link_local
            check_via children disable_core_dump disable_sctp disable_tcp disable_tls tls_disable dns dns_cache_del_nonexp
            dns_cache_delete_nonexpired dns_cache_flags dns_cache_gc_interval dns_cache_init dns_cache_max_ttl dns_cache_mem
            dns_cache_min_ttl dns_cache_negative_ttl dns_cache_rec_pref dns_naptr_ignore_rfc dns_retr_no dns_retr_time
            dns_search_full_match dns_servers_no dns_slow_query_ms dns_srv_lb dns_srv_loadbalancing dns_try_ipv6
            dns_try_naptr dns_use_search_list dst_blocklist_expire dst_blocklist_ttl dst_blocklist_gc_interval
            dst_blocklist_init dst_blocklist_mem dst_blocklist_sctp_imask dst_blocklist_tcp_imask dst_blocklist_tls_imask
            dst_blocklist_udp_imask use_dst_blocklist dst_blacklist_init use_dst_blacklist enable_sctp enable_tls
            tls_enable exit_timeout ser_kill_timeout force_rport add_rport http_reply_hack http_reply_parse
            latency_limit_action latency_limit_cfg latency_limit_db local_rport log_color log_prefix_mode log_stderror
            log_stderr max_branches max_recursive_level max_while_loops maxbuffer maxsndbuffer mcast_loopback mcast_ttl
            mhomed mlock_pages msg_time onsend_route_reply open_files_limit phone2tel pmtu_discovery port
            pv_buffer_size pv_buffer_slots pv_cache_action pv_cache_limit real_time reply_to_via rev_dns
            route_locks_size rt_policy rt_prio rt_timer1_policy rt_ftimer_policy rt_timer1_prio rt_fast_timer_prio
            rt_ftimer_prio rt_timer2_policy rt_stimer_policy rt_timer2_prio rt_stimer_prio sctp_children server_id
            server_signature shm shm_mem shm_mem_size pkg_mem_size shm_force_alloc sip_warning socket_workers
            sql_buffer_size tcp_accept_aliases tcp_accept_haproxy tcp_accept_hep3 tcp_accept_no_cl tcp_accept_unique
            tcp_buf_write tcp_async tcp_children tcp_clone_rcvbuf tcp_conn_wq_max tcp_connection_match tcp_crlf_ping
            tcp_defer_accept tcp_delayed_ack tcp_fd_cache tcp_keepalive tcp_keepcnt tcp_keepidle tcp_keepintvl
            tcp_linger2 tcp_max_connections tcp_no_connect tcp_rd_buf_size tcp_reuse_port tcp_syncnt tcp_wq_blk_size
            tcp_wq_max tls_handshake_timeout tls_max_connections tls_port_no tls_require_certificate tls_send_timeout
            tls_verify tlslog tls_log udp4_raw_mtu udp4_raw_ttl udp_mtu use_dns_cache use_dns_failover verbose_startup
            wait_worker1_mode wait_worker1_time wait_worker1_usleep corelog core_log dns_sctp_pref dns_sctp_preference
            dns_tcp_pref dns_tcp_preference dns_tls_pref dns_tls_preference dns_udp_pref dns_udp_preference
            ip_free_bind ipfreebind ip_nonlocal_bind latency_cfg_log latency_log mem_join mem_safety mem_status_mode
            mem_summary memdbg mem_dbg memlog mem_log received_route_mode sip_parser_log sip_parser_log_oneline
            sip_parser_mode tcp_connect_timeout tcp_connection_lifetime tcp_script_mode tcp_send_timeout tcp_wait_data
            udp4_raw fork fork_delay modinit_delay return_mode sock_mode max_stats_len
            """
        let strings = """
            async_workers_group hdr_name_extra_chars ipv6_hex_style log_engine_data log_engine_type log_name log_prefix
            server_header stats_name_separator tls_ca_list tls_certificate tls_private_key uri_host_extra_chars
            user_agent_header version_table xavp_via_fields xavp_via_params mpath loadpath cfgengine
            tcp_accept_protocols kemi.onsend_route_callback kemi.reply_route_callback kemi.event_route_callback
            kemi.received_route_callback kemi.pre_routing_callback kemi.request_route_callback
            """
        let words = "chroot group gid mcast rundir run_dir tcp_poll_method user uid workdir wdir log_facility tls_method sock_user sock_group"
        // SER 0.8–0.9's core FIFO server (`fifo = "/tmp/ser_fifo"`), which Tern still serves.
        let legacyFIFO = "fifo fifo_dir fifo_user fifo_group"
        for n in ints.split(whereSeparator: { $0 == " " || $0 == "\n" }) { t[String(n)] = .int }
        for n in strings.split(whereSeparator: { $0 == " " || $0 == "\n" }) { t[String(n)] = .string }
        for n in words.split(separator: " ") { t[String(n)] = .stringOrWord }
        for n in legacyFIFO.split(separator: " ") { t[String(n)] = .stringOrWord }
        t["fifo_mode"] = .int
        t["tos"] = .intOrWord
        t["listen"] = .listen
        t["alias"] = .address
        t["advertised_address"] = .address
        t["tcp_source_ipv4"] = .address
        t["tcp_source_ipv6"] = .address
        t["udp_mtu_try_proto"] = .proto
        return t
    }()
}
