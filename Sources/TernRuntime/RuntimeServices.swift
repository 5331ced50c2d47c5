import Logging
import SIPCore

/// What modules and the router share at run time: settings, counters, the logger and the
/// local tag generator. Created once; immutable afterwards.
public final class RuntimeServices: @unchecked Sendable {
    public let settings: CoreSettings
    public let statistics: StatisticsRegistry
    public let core: CoreStatistics
    public let logger: Logger
    public let localTags: LocalTagGenerator

    public init(settings: CoreSettings, logger: Logger, statistics: StatisticsRegistry = StatisticsRegistry()) {
        self.settings = settings
        self.statistics = statistics
        self.core = CoreStatistics(statistics)
        self.logger = logger
        self.localTags = LocalTagGenerator(seed: settings.listens.map(\.description).joined(separator: ","))
    }
}
