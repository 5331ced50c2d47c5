// TernModules holds every built-in module, one folder each, named as in Kamailio. Each
// folder's `<Name>Module.swift` declares the module; this file lists them for the server.

import TernRuntime

public enum BuiltinModules {
    public static let all: [ModuleDescriptor] = [
        ModuleDescriptor(name: "sl") { SLModule() },
    ]
}
