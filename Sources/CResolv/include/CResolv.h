// CResolv: the one DNS call Swift cannot reach through Glibc's module — res_query, for the
// SRV lookups of RFC 3263. The answer is parsed in Swift (TernRuntime/Forwarding).
#ifndef CRESOLV_H
#define CRESOLV_H

/// Sends one DNS query of `type` (33 = SRV) for `name` through the system resolver
/// (/etc/resolv.conf); returns the answer length, or -1 when there is none.
int cresolv_query(const char *name, int type, unsigned char *answer, int answer_length);

#endif
