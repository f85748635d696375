import Foundation

/// `vector-bench`: the Swift side of `bench/vectorstore` (not part of the product).
///
///     vector-bench store-ingest --dir D --name C --vectors V.npy [--cuisines F] [--batch N]
///     vector-bench store-query  --dir D --name C --queries Q.npy [--k 10] [--where JSON] [--out R.json]
///     vector-bench store-cold   --dir D --name C --queries Q.npy
///     vector-bench index        --vectors V.npy --queries Q.npy [--ef 64,128] [--m 16] [--efc 200] [--out R.json]
@main
struct VectorBench {
    static func main() {
        let args = CommandLine.arguments
        do {
            guard args.count >= 2 else { throw BenchError("usage: vector-bench store-ingest|store-query|store-cold|index …") }
            let options = try Options(args.dropFirst(2))
            switch args[1] {
            case "store-ingest": try StoreBench.ingest(options)
            case "store-query": try StoreBench.query(options)
            case "store-cold": try StoreBench.cold(options)
            case "index": try IndexBench.run(options)
            default: throw BenchError("unknown mode \(args[1])")
            }
        } catch {
            FileHandle.standardError.write(Data("vector-bench: \(error)\n".utf8))
            exit(1)
        }
    }
}
