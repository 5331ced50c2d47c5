// TernModules holds every built-in module, one folder each, named as in Kamailio. Each
// folder's `<Name>Module.swift` declares the module; this file lists them for the server.

import TernRuntime

public enum BuiltinModules {
    public static let all: [ModuleDescriptor] = [
        ModuleDescriptor(name: "acc") { AccModule() },
        ModuleDescriptor(name: "auth") { AuthModule() },
        ModuleDescriptor(name: "auth_db") { AuthDBModule() },
        ModuleDescriptor(name: "cfgutils") { CfgUtilsModule() },
        ModuleDescriptor(name: "ctl") { CtlModule() },
        ModuleDescriptor(name: "db_mysql") { DBMySQLModule.make() },
        ModuleDescriptor(name: "db_postgres") { DBPostgresModule.make() },
        ModuleDescriptor(name: "db_sqlite") { DBSQLiteModule.make() },
        ModuleDescriptor(name: "exec") { ExecModule() },
        ModuleDescriptor(name: "htable") { HTableModule() },
        ModuleDescriptor(name: "jsonrpcs") { JsonrpcsModule() },
        ModuleDescriptor(name: "kex") { KexModule() },
        ModuleDescriptor(name: "maxfwd") { MaxFwdModule() },
        ModuleDescriptor(name: "mi_fifo") { MiFifoModule() },
        ModuleDescriptor(name: "pv") { PVModule() },
        ModuleDescriptor(name: "registrar") { RegistrarModule() },
        ModuleDescriptor(name: "rr") { RRModule() },
        ModuleDescriptor(name: "sanity") { SanityModule() },
        ModuleDescriptor(name: "siputils") { SIPUtilsModule() },
        ModuleDescriptor(name: "sl") { SLModule() },
        ModuleDescriptor(name: "textops") { TextOpsModule() },
        ModuleDescriptor(name: "tm") { TMModule(name: "tm") },
        ModuleDescriptor(name: "tmx") { TMModule(name: "tmx") },
        ModuleDescriptor(name: "usrloc") { UsrlocModule() },
        ModuleDescriptor(name: "xlog") { XLogModule() },
    ]
}
