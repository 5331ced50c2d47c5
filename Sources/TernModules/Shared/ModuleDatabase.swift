import TernRuntime
import TernStorage

/// How a module opens the database its `db_url` names: a pool sized for the workers, the
/// module's missing tables created, errors as config errors naming the module and the URL
/// (password hidden). Under `tern -c` the URL is only checked: nothing is connected.
enum ModuleDatabase {
    /// The pool, or nil under `tern -c`. `tables` nil creates none (the module makes its own).
    static func open(_ url: String, baseDirectory: String?, tables: [TableSchema]?, module: String,
                     services: RuntimeServices) throws(ConfigurationError) -> DatabasePool? {
        do throws(DatabaseError) {
            if services.isConfigCheck {
                _ = try DatabaseURL(parsing: url, baseDirectory: baseDirectory)
                return nil
            }
            let pool = try Database.open(url: url, maxConnections: max(2, services.settings.children + 1),
                                         baseDirectory: baseDirectory, logger: services.logger)
            if let tables { _ = try KamailioSchema.createMissingTables(on: pool, tables: tables) }
            return pool
        } catch {
            throw ConfigurationError("\(module) db_url \(DatabaseURL.redacted(url)): \(error.message)")
        }
    }
}
