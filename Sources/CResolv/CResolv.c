#include "CResolv.h"
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>

int cresolv_query(const char *name, int type, unsigned char *answer, int answer_length) {
    return res_query(name, ns_c_in, type, answer, answer_length);
}
