import Foundation
import Observability
import Pipeline

extension PipelineOptions {
    /// Pushes the run's metrics when `--pushgateway` was given. A failed push is logged, not
    /// fatal: monitoring must never fail a batch whose outputs are already written.
    static func pushMetrics(_ arguments: ParsedArguments, report: RunReport, layout: RunLayout,
                            context: CommandContext) async {
        guard let text = arguments.value("--pushgateway") else { return }
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
            context.logger.warning("metrics.push_skipped", ["reason": .string("not an http(s) URL"), "url": .string(text)])
            return
        }
        do {
            try await RunArtifacts.push(report: report, layout: layout, to: url)
            context.logger.info("metrics.pushed", ["url": .string(text)])
        } catch {
            context.logger.warning("metrics.push_failed", ["url": .string(text), "error.message": .string("\(error)")])
        }
    }
}
