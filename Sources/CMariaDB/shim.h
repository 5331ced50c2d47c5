// CMariaDB: Debian's MariaDB C client (libmariadb-dev) for TernStorage's mysql:// driver.
#ifndef TERN_CMARIADB_SHIM_H
#define TERN_CMARIADB_SHIM_H
#include <mariadb/mysql.h>
#include <mariadb/errmsg.h>

// Field flags and the binary charset are macros/values Swift sees awkwardly; name them here.
static inline int tern_mysql_field_is_binary(const MYSQL_FIELD *field) {
    return field->charsetnr == 63;
}
#endif
