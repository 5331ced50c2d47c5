// Shared by db_sqlite, db_postgres and db_mysql: Kamailio configs load a driver module before
// any module with a db_url. In Tern the URL's scheme alone picks the driver (all three are built
// in through TernStorage), so these modules only accept their load line and parameters.
import TernRuntime
import TernScript

final class DatabaseDriverModule: TernModule, @unchecked Sendable {
    let name: String
    private let intParameters: [String]
    private let stringParameters: [String]

    init(name: String, intParameters: [String], stringParameters: [String] = []) {
        self.name = name
        self.intParameters = intParameters
        self.stringParameters = stringParameters
    }

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: intParameters.map { ParameterDeclaration(name: $0, type: .int) }
                + stringParameters.map { ParameterDeclaration(name: $0, type: .string) },
            functions: [], pseudoVariables: [])
    }
}
