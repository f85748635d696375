extension VectorDatabase {
    /// Checks every collection: each manifest's checksum, every file it names (existence, size,
    /// SHA-256), every segment's structure and bounds, tombstones, that live ids are unique and
    /// that the manifest's count matches. Reads everything; slower than ``stats()``.
    /// - Returns: a report; ``VerifyReport/isHealthy`` is false when anything is wrong.
    public func verify() throws -> VerifyReport {
        var report = VerifyReport()
        report.problems += markerProblems()
        for name in try collectionNames() {
            let log = context.log(for: name)
            let base = StoreFormat.collectionsDirectory + "/" + name + "/"
            func problem(_ file: String?, _ message: String) {
                report.problems.append(.init(collection: name, file: file.map { base + $0 }, message: message))
            }
            guard let latest = try log.latestVersion() else {
                report.notes.append("collection folder '\(name)' has no manifest yet (creation in progress or interrupted)")
                continue
            }
            let manifestFile = "manifests/" + ManifestLog.name(version: latest)
            let manifest: Manifest
            do {
                manifest = try log.read(version: latest)
            } catch {
                problem(manifestFile, "\(error)")
                continue
            }
            report.filesChecked += 1
            if manifest.deleted { continue }
            report.collectionsChecked += 1
            var filesOK = true
            for f in manifest.files {
                let path = log.directory + "/" + f.file
                do {
                    let (checksum, size) = try log.restoringIfQuarantined(f.file) { try POSIXFile.checksum(path) }
                    report.filesChecked += 1
                    if size != f.bytes {
                        problem(f.file, "size \(size) bytes, manifest says \(f.bytes) (truncated or replaced)")
                        filesOK = false
                    } else if checksum != f.checksum {
                        problem(f.file, "checksum mismatch (manifest \(f.checksum), file \(checksum))")
                        filesOK = false
                    }
                } catch let error as StorageError where error.code == .missingFile {
                    problem(f.file, "named by \(manifestFile) but missing")
                    filesOK = false
                }
            }
            guard filesOK else { continue }
            do {
                // Parse from disk, bypassing the cache, so structure is re-validated.
                let fresh = StoreContext(root: context.root, configuration: context.configuration, logger: context.logger)
                let snap = try Snapshot.load(manifest, log: log, context: fresh)
                var ids = Set<String>(minimumCapacity: manifest.count)
                for live in snap.segments {
                    if let index = live.entry.index {
                        do {
                            _ = try SegmentIndexes.load(index, segment: live.segment, metric: manifest.metric, log: log)
                        } catch let error as StorageError {
                            problem(index.file, "segment index unusable (queries rebuild it from the segment's rows): \(error.message)")
                        }
                    }
                    let all = live.segment.allIDs()
                    _ = try live.segment.allMetadata()
                    for r in 0..<live.segment.rowCount where live.isLive(r) {
                        if !ids.insert(all[r]).inserted { problem(live.entry.data.file, "id '\(all[r])' is live twice") }
                    }
                }
                report.rowsChecked += ids.count
                if ids.count != manifest.count {
                    problem(manifestFile, "manifest count \(manifest.count) but \(ids.count) live ids")
                }
            } catch let error as StorageError {
                problem(error.path.map { p in p.hasPrefix(log.directory + "/") ? String(p.dropFirst(log.directory.count + 1)) : p },
                        error.message)
            }
            let referenced = Set(manifest.files.map(\.file))
            let stray = (try POSIXFile.list(log.dataDirectory)).filter { !referenced.contains("data/" + $0) }
            if !stray.isEmpty {
                report.notes.append("\(name): \(stray.count) file(s) not named by the newest manifest (older versions or interrupted writes; removed by garbage collection after the grace period)")
            }
        }
        return report
    }

    private func markerProblems() -> [VerifyReport.Problem] {
        let marker = context.root + "/" + StoreFormat.markerFile
        guard let bytes = try? POSIXFile.readAll(marker, maxBytes: 4096), let json = try? JSONValue(parsing: bytes),
              json["format"] == .string("shop-summary-vector-store")
        else { return [.init(collection: nil, file: StoreFormat.markerFile, message: "store marker missing or damaged")] }
        return []
    }
}
