/// The zero-set-up database: an SQLite file beside the config, made with Kamailio's tables on
/// first use. Modules whose `db_url` is not set use it.
public enum DefaultDatabase {
    /// Relative to the config file's directory.
    public static let url = "sqlite://tern.db"

    /// The directory part of a config file path ("" for a bare name, meaning the working directory).
    public static func directory(ofConfigFile path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
