// TernModules holds every built-in module, one folder each, named as in Kamailio. Each
// folder's `<Name>Module.swift` declares the module; this file lists them for the server.

import TernRuntime

public enum BuiltinModules {
    public static let all: [ModuleDescriptor] = [
        ModuleDescriptor(name: "cfgutils") { CfgUtilsModule() },
        ModuleDescriptor(name: "kex") { KexModule() },
        ModuleDescriptor(name: "maxfwd") { MaxFwdModule() },
        ModuleDescriptor(name: "pv") { PVModule() },
        ModuleDescriptor(name: "sanity") { SanityModule() },
        ModuleDescriptor(name: "siputils") { SIPUtilsModule() },
        ModuleDescriptor(name: "sl") { SLModule() },
        ModuleDescriptor(name: "textops") { TextOpsModule() },
        ModuleDescriptor(name: "xlog") { XLogModule() },
    ]
}
