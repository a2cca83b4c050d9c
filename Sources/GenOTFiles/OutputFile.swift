import Foundation

/// Checks on files about to be written, and the temporary names the atomic
/// writers use, so that an output never replaces an input and a write killed
/// half-way leaves nothing behind for long.
public enum OutputFile {
    /// Throws when `output` is the same file as one of `inputs` (after
    /// resolving `.`/`..` and symbolic links, or a hard link to it): writing
    /// it would destroy the input.
    public static func refuseInputs(_ output: URL, _ inputs: [URL], flag: String) throws {
        let target = canonical(output), node = fileNode(output)
        for input in inputs where canonical(input) == target || (node != nil && fileNode(input) == node) {
            throw FileError(.unwritable, output, expected: "\(flag) to name a new file", found: "the input \(input.relativePath)",
                            hint: "writing it would destroy the input; choose another name")
        }
    }

    /// Throws when an image or array written to `output` would destroy a
    /// checkpoint (an existing `.safetensors` file), a dataset (anything in
    /// `dataFolder`, the `--data-dir` the datasets live in, or an existing file
    /// named like an IDX file anywhere) or a file made with a checkpoint
    /// (`X-….png` beside `X.safetensors`).
    public static func refuseProtected(_ output: URL, dataFolder: URL? = nil, flag: String) throws {
        if output.pathExtension.lowercased() == "safetensors", FileManager.default.fileExists(atPath: output.path) {
            throw FileError(.unwritable, output, expected: "\(flag) to name an image, an array or a new file", found: "an existing checkpoint",
                            hint: "writing it would destroy the checkpoint; choose another name")
        }
        if let dataFolder, canonical(output).hasPrefix(canonical(dataFolder) + "/") {
            throw FileError(.unwritable, output, expected: "\(flag) outside the datasets folder \(dataFolder.relativePath)",
                            found: "a path inside it", hint: "writing there could replace a dataset file; choose another folder")
        }
        if isDatasetFile(output), FileManager.default.fileExists(atPath: output.path) {
            throw FileError(.unwritable, output, expected: "\(flag) to name an image, an array or a new file", found: "an existing IDX dataset file",
                            hint: "writing it would destroy the dataset; choose another name")
        }
        if let checkpoint = companionCheckpoint(of: output) {
            throw FileError(.unwritable, output, expected: "\(flag) to name a new file or one of your own outputs",
                            found: "an existing file that belongs to the checkpoint \(checkpoint.relativePath)",
                            hint: "writing it would replace what was made with the checkpoint; choose another name")
        }
    }

    /// Throws when `output` exists and `force` is false: training runs for
    /// minutes to hours and must not silently replace a checkpoint.
    ///
    /// With `force`, the existing file must be a checkpoint of the same kind
    /// (`kind`: the `kind` or `model` field of its metadata, e.g.
    /// "hj-transport", "vae"; nil: any checkpoint): `--force` replaces a
    /// checkpoint with a newer one, never a dataset, an image or another model.
    public static func refuseOverwrite(_ output: URL, force: Bool, what: String, kind: String? = nil) throws {
        guard FileManager.default.fileExists(atPath: output.path) else { return }
        guard force else {
            throw FileError(.unwritable, output, expected: "no existing \(what)", found: "one already there",
                            hint: "pass --force to replace it, or name another file")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output.path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        if isDatasetFile(output) {
            throw FileError(.unwritable, output, expected: "--force to replace a \(what)", found: "an IDX dataset file",
                            hint: "--force never replaces a dataset; name another file")
        }
        guard let found = checkpointKind(of: output) else {
            throw FileError(.unwritable, output, expected: "--force to replace a \(what) (.safetensors)", found: "a file that is not a checkpoint",
                            hint: "--force replaces checkpoints only; name another file")
        }
        if let kind, found != kind {
            throw FileError(.unwritable, output, expected: "--force to replace a \(what) (kind '\(kind)')", found: "a checkpoint of kind '\(found)'",
                            hint: "--force replaces a checkpoint of the same kind only; name another file")
        }
    }

    /// Whether `url` is named like an IDX dataset file (`…-idx3-ubyte`, `…-idx1-ubyte.gz`).
    public static func isDatasetFile(_ url: URL) -> Bool {
        var name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".gz") { name = String(name.dropLast(3)) }
        guard let range = name.range(of: "idx", options: .backwards) else { return false }
        let rest = name[range.upperBound...]
        return rest.count == 7 && rest.first!.isNumber && rest.hasSuffix("-ubyte")
    }

    /// The checkpoint an existing file beside it belongs to: `X-something.png`
    /// next to `X.safetensors` (what `train-vae` writes beside its checkpoint).
    static func companionCheckpoint(of output: URL) -> URL? {
        guard output.pathExtension.lowercased() != "safetensors", FileManager.default.fileExists(atPath: output.path) else { return nil }
        let folder = output.deletingLastPathComponent(), name = output.lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return nil }
        for other in names where other.hasSuffix(".safetensors") {
            let stem = String(other.dropLast(".safetensors".count))
            if !stem.isEmpty, name.hasPrefix(stem + "-") { return folder.appendingPathComponent(other) }
        }
        return nil
    }

    /// The kind a checkpoint's metadata records (`kind`, else `model`), "" for
    /// a checkpoint that records none; nil when `url` is not a safetensors file.
    public static func checkpointKind(of url: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let prefix = try? handle.read(upToCount: 8), prefix.count == 8 else { return nil }
        let length = prefix.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
        guard length >= 2, length <= 1 << 24, let header = try? handle.read(upToCount: Int(length)), header.count == Int(length),
              let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else { return nil }
        let metadata = json["__metadata__"] as? [String: Any] ?? [:]
        return (metadata["kind"] as? String) ?? (metadata["model"] as? String) ?? ""
    }

    /// Throws when the folder `url` holds datasets or checkpoints: reports and
    /// exported sets written there would mix with them (or replace them).
    public static func refuseProtectedFolder(_ url: URL, flag: String) throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return }
        if let name = names.sorted().first(where: { $0.hasSuffix(".safetensors") || isDatasetFile(URL(fileURLWithPath: $0)) }) {
            throw FileError(.unwritable, url, expected: "\(flag) to name a folder without datasets or checkpoints",
                            found: "a folder holding \(name)", hint: "files written there could replace them; choose another folder")
        }
    }

    /// Checks, before any work, that a file can be written at `output`: its
    /// folder exists, and `output` is not a folder itself.
    public static func checkWritable(_ output: URL, flag: String) throws {
        let folder = output.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(.unwritable, output, expected: "\(flag) in an existing folder", found: "no folder '\(folder.relativePath)'",
                            hint: "create the folder first")
        }
        if FileManager.default.fileExists(atPath: output.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw FileError(.unwritable, output, expected: "\(flag) to name a file", found: "a folder")
        }
    }

    /// Checks, before a long run, that the folder `url` can be written or
    /// made: a file in its place (or in the place of a parent) or a read-only
    /// folder fails at once instead of after the run. Creates nothing.
    public static func checkFolder(_ url: URL, flag: String) throws {
        var folder = url.standardizedFileURL
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return }
            folder = parent
        }
        guard isDirectory.boolValue else {
            throw FileError(.unwritable, folder == url.standardizedFileURL ? url : folder,
                            expected: "\(flag) to name a folder (the reports go in it)", found: "a file",
                            hint: "give a folder name, e.g. reports/mine")
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw FileError(.unwritable, folder, expected: "a folder \(flag) can write in", found: "no permission to write there")
        }
    }

    /// A temporary name beside `file` that records this process's id, so a
    /// later write can tell a dead writer's leftovers from a live one's.
    public static func temporary(for file: URL) -> URL {
        file.deletingLastPathComponent().appendingPathComponent(
            ".\(file.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)")
    }

    /// Removes temporaries of `file` (named by `temporary(for:)`) whose
    /// writing process is gone: what a killed write left behind.
    public static func removeStaleTemporaries(of file: URL) {
        let folder = file.deletingLastPathComponent()
        let prefix = ".\(file.lastPathComponent).tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
            // kill(pid, 0) fails with ESRCH only when no such process exists.
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
        // Earlier builds named them `.<file>.<UUID>.tmp`, without the writer's
        // id: those untouched for an hour are taken as abandoned.
        let older = ".\(file.lastPathComponent)."
        for name in names where name.hasPrefix(older) && name.hasSuffix(".tmp")
            && UUID(uuidString: String(name.dropFirst(older.count).dropLast(4))) != nil {
            let url = folder.appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
            if let modified, Date().timeIntervalSince(modified) > 3600 { try? FileManager.default.removeItem(at: url) }
        }
    }

    /// Device and inode of an existing file: the same for every name of it.
    static func fileNode(_ url: URL) -> [UInt64]? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    /// The path with `.`/`..` and symbolic links resolved (of the folder when
    /// the file does not exist yet).
    static func canonical(_ url: URL) -> String {
        let absolute = url.standardizedFileURL
        if FileManager.default.fileExists(atPath: absolute.path) { return absolute.resolvingSymlinksInPath().path }
        return absolute.deletingLastPathComponent().resolvingSymlinksInPath()
            .appendingPathComponent(absolute.lastPathComponent).path
    }
}
