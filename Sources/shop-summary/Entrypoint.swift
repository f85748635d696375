import Foundation
import ShopSummaryCLI

/// Thin executable: all logic lives in `ShopSummaryCLI` so it can be tested.
@main
struct Entrypoint {
    static func main() async {
        let code = await RootCommand.main(arguments: Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }
}
