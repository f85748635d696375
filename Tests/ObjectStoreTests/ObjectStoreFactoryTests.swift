import Foundation
import Testing
@testable import ObjectStore

@Suite("ObjectStoreFactory")
struct ObjectStoreFactoryTests {
    @Test func opensEachScheme() throws {
        let cwd = URL(fileURLWithPath: "/srv/work")
        let factory = ObjectStoreFactory(environment: ["AWS_REGION": "ap-northeast-2"], currentDirectory: cwd)
        let s3 = try #require(try factory.open("s3://my-rag-bucket/chroma/backups") as? S3ObjectStore)
        #expect(s3.displayURL == "s3://my-rag-bucket/chroma/backups")
        #expect(s3.configuration.region == "ap-northeast-2")
        #expect(try factory.open("file:///var/backups/db") is LocalObjectStore)
        #expect(try factory.open("relative/dir") is LocalObjectStore)
        #expect(try factory.open("memory://unit") is InMemoryObjectStore)
        #expect(try factory.open("memory://unit").displayURL == "memory://unit")
        for bad in ["ftp://host/x", "s3://Bad_Bucket/x", "", "gs://bucket"] {
            let error = #expect(throws: ObjectStoreError.self) { try factory.open(bad) }
            #expect(error?.code == .invalidURL, "\(bad)")
        }
    }

    @Test func regionFallsBackToSharedConfig() throws {
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config")
        try "[profile team]\nregion = eu-west-3\n".write(to: config, atomically: true, encoding: .utf8)
        let factory = ObjectStoreFactory(environment: ["AWS_CONFIG_FILE": config.path, "AWS_PROFILE": "team"])
        let s3 = try #require(try factory.open("s3://bucket-x") as? S3ObjectStore)
        #expect(s3.configuration.region == "eu-west-3")
    }
}
