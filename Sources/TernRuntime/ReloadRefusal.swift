import TernScript

/// Why a reloaded config was not put in service; the old script keeps serving.
public struct ReloadRefusal: Error, CustomStringConvertible, Sendable {
    public var reasons: [String]
    public var description: String {
        "reload refused: " + reasons.joined(separator: "; ") + " (these need a restart)"
    }
}

/// A global setting compared by name and value, not by where it was written.
struct GlobalComparison: Equatable {
    let name: String
    let value: GlobalValue
    init(_ setting: GlobalSetting) {
        name = setting.name
        value = setting.value
    }
}

struct ParameterComparison: Equatable {
    let module: String
    let parameter: String
    let value: ScriptValue
    init(_ setting: ModuleParameterSetting) {
        module = setting.module
        parameter = setting.parameter
        value = setting.value
    }
}
