import Foundation

/// One torture message from the shared conformance folder, with its manifest row.
public struct ConformanceVector: CustomStringConvertible, Sendable {
    /// "rfc4475" or "rfc5118".
    public let suite: String
    public let file: String
    public let section: String
    public let title: String
    /// valid, invalid, semantic, semantic-reject or tolerate.
    public let classification: String
    /// The handling the RFC requires, in words.
    public let expectedHandling: String
    public let bytes: [UInt8]

    public var message: RawSIPMessage { RawSIPMessage(bytes: bytes) }
    /// True for a response (status line), false for a request.
    public var isResponse: Bool { message.startLine.hasPrefix("SIP/") }

    public var description: String { "\(suite)/\(file)" }
}

public enum ConformanceError: Error, CustomStringConvertible {
    case folderMissing(String)
    case badManifest(String, line: Int)

    public var description: String {
        switch self {
        case .folderMissing(let path):
            return "conformance folder missing: \(path) (expected the shared folder beside the repository)"
        case .badManifest(let path, let line):
            return "\(path):\(line): manifest row does not have file/section/title/class/handling columns"
        }
    }
}

/// Reads `<shared>/conformance/<suite>/MANIFEST.tsv` and the message files it names.
public enum ConformanceCorpus {
    public static let suites = ["rfc4475", "rfc5118"]

    public static func load(suite: String) throws -> [ConformanceVector] {
        let folder = PackagePaths.conformance + "/" + suite
        let manifestPath = folder + "/MANIFEST.tsv"
        guard let manifest = FileManager.default.contents(atPath: manifestPath) else {
            throw ConformanceError.folderMissing(folder)
        }
        let lines = String(decoding: manifest, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        var vectors: [ConformanceVector] = []
        for (number, line) in lines.enumerated().dropFirst() {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 5 else { throw ConformanceError.badManifest(manifestPath, line: number + 1) }
            let path = folder + "/" + columns[0]
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConformanceError.folderMissing(path)
            }
            vectors.append(ConformanceVector(suite: suite, file: columns[0], section: columns[1],
                                             title: columns[2], classification: columns[3],
                                             expectedHandling: columns[4], bytes: Array(data)))
        }
        return vectors
    }

    /// Every vector of every suite; throws when the shared folder is missing.
    public static func loadAll() throws -> [ConformanceVector] {
        try suites.flatMap(load(suite:))
    }
}
