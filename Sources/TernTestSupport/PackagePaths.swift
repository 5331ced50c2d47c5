import Foundation

/// Where things are, found from this source file's location so tests work from any directory.
public enum PackagePaths {
    /// The package root: three levels above `Sources/TernTestSupport/PackagePaths.swift`.
    public static let root: String = {
        var url = URL(fileURLWithPath: "\(#filePath)")
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `TERN_BINARY` when set (e.g. a release build), else the debug build `swift build` makes.
    public static var ternBinary: String {
        if let path = ProcessInfo.processInfo.environment["TERN_BINARY"], !path.isEmpty {
            return path
        }
        return root + "/.build/debug/tern"
    }

    /// SIPp scenario files used by the integration tests.
    public static var scenarios: String { root + "/Tests/Scenarios" }

    /// The shared reference folder that sits beside the repository.
    public static var shared: String {
        URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("shared").path
    }

    /// RFC 4475 / RFC 5118 torture messages with their manifests.
    public static var conformance: String { shared + "/conformance" }

    /// The Kamailio configs of the benchmark harness (Tern must accept them unchanged).
    public static var benchConfigs: String { shared + "/bench/kamailio" }
}
