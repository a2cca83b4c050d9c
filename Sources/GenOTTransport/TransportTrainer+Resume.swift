import Foundation
import GenOTFiles
import GenOTModels
import GenOTNN
import GenOTTensor

// What a transport checkpoint holds besides the map and Adam's moments, so
// that a run resumed from it continues bit for bit: the random generator, the
// class cycle, the running estimates of the y–y term, and the cached
// characteristics the collocation points are drawn on.
extension TransportTrainer {
    enum ResumeKey {
        static let random = "trainer.random", classOrder = "trainer.class_order",
                   targetTermSums = "trainer.target_term_sums", targetTermCounts = "trainer.target_term_counts"
        static func start(_ c: Int) -> String { "trainer.characteristics.\(c).start" }
        static func velocity(_ c: Int) -> String { "trainer.characteristics.\(c).velocity" }
    }

    /// Prefix of the tensors `save` adds for resuming (dropped by `gen-ot strip`).
    public static let resumeTensorPrefix = "trainer."

    var resumeState: (metadata: [String: String], tensors: [(name: String, tensor: Tensor)]) {
        func list(_ values: [some CustomStringConvertible]) -> String { values.map(\.description).joined(separator: ",") }
        let metadata = [ResumeKey.random: list(random.stateWords), ResumeKey.classOrder: list(classOrder),
                        ResumeKey.targetTermSums: list(targetTermSums), ResumeKey.targetTermCounts: list(targetTermCounts)]
        let tensors = characteristics.keys.sorted().flatMap { c -> [(name: String, tensor: Tensor)] in
            [(ResumeKey.start(c), characteristics[c]!.start), (ResumeKey.velocity(c), characteristics[c]!.velocity)]
        }
        return (metadata, tensors)
    }

    /// The trainer of an unfinished run, as `save` left it in `file`. The run
    /// must ask for the checkpoint's config (every field) and train all pairs.
    public static func resume(problem: TransportProblem, config: TransportConfig, from file: SafetensorsFile) throws -> TransportTrainer {
        let meta = try metadataInSharedSchema(file.metadata, url: file.url)
        func fail(_ expected: String, _ found: String) -> FileError { FileError(.badMetadata, file.url, expected: expected, found: found) }
        guard meta["stripped"] == nil else {
            throw FileError(.badMetadata, file.url, expected: "a training state to resume from", found: "a map stripped to its weights (gen-ot strip)")
        }
        guard meta[ResumeKey.random] != nil else {
            throw FileError(.badMetadata, file.url, expected: "a resume state (metadata '\(ResumeKey.random)')", found: "none",
                            hint: "it was written before train-transport could resume, or not by it")
        }
        try TrainingCheckpoint.requireSameConfig(meta, in: file.url, asked: config.fields, defaults: TransportConfig().fields)
        let allPairs = (0..<problem.pairCount).map(String.init).joined(separator: ",")
        guard meta["trained_classes"] == allPairs else {
            throw FileError(.mismatch, file.url, expected: "a run of all classes (\(allPairs)), which resuming continues",
                            found: "classes \(meta["trained_classes"] ?? "?")")
        }
        let trainer = try TransportTrainer(problem: problem, config: config, potential: try TransportPotential.load(from: file))

        func integers(_ key: String) throws -> [Int] {
            let text = meta[key] ?? ""
            let values = text.split(separator: ",").map { Int($0) }
            guard values.allSatisfy({ $0 != nil }) else { throw fail("metadata '\(key)' a list of integers", "'\(text)'") }
            return values.map { $0! }
        }
        let (stepsKey, adamKey) = (TrainingCheckpoint.stepsDoneKey, TrainingCheckpoint.adamStepKey)
        guard let step = Int(meta[stepsKey] ?? ""), (0...config.steps).contains(step), let adamStep = Int(meta[adamKey] ?? ""), adamStep >= 0 else {
            throw fail("metadata '\(stepsKey)' in 0...\(config.steps) and '\(adamKey)' ≥ 0", "'\(meta[stepsKey] ?? "none")' and '\(meta[adamKey] ?? "none")'")
        }
        let words = (meta[ResumeKey.random] ?? "").split(separator: ",").compactMap { UInt64($0) }
        guard let random = SeededRandom(stateWords: words) else { throw fail("metadata '\(ResumeKey.random)' 4 integers", "'\(meta[ResumeKey.random] ?? "")'") }
        let sums = (meta[ResumeKey.targetTermSums] ?? "").split(separator: ",").compactMap { Double($0) }
        let counts = try integers(ResumeKey.targetTermCounts), order = try integers(ResumeKey.classOrder)
        guard sums.count == problem.pairCount, counts.count == problem.pairCount, order.allSatisfy({ (0..<problem.pairCount).contains($0) }) else {
            throw fail("resume state of \(problem.pairCount) sums and counts, classes in 0..<\(problem.pairCount)",
                       "\(sums.count) sums, \(counts.count) counts, class order \(order)")
        }
        trainer.optimizer.restore(stepCount: adamStep,
                                  from: try TrainingCheckpoint.adamMoments(of: trainer.potential.parameters, stepCount: adamStep, in: file))
        trainer.stepIndex = step
        trainer.random = random
        trainer.classOrder = order
        trainer.targetTermSums = sums
        trainer.targetTermCounts = counts
        for c in 0..<problem.pairCount where file.tensors[ResumeKey.start(c)] != nil {
            let start = try file.tensor(ResumeKey.start(c))
            trainer.characteristics[c] = (start, try file.tensor(ResumeKey.velocity(c), shape: start.shape))
        }
        return trainer
    }

    /// `metadata` in the shared checkpoint schema (`TrainingCheckpoint`).
    /// Transport checkpoints written before it hold the config as one JSON
    /// object under `config` and the counters as `step` and `adam_step`: the
    /// shipped maps and partial runs of earlier versions, which must still
    /// load and resume. Keys in the shared schema win over the old ones.
    static func metadataInSharedSchema(_ metadata: [String: String], url: URL) throws -> [String: String] {
        var shared = metadata
        if let json = metadata["config"] {
            guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String] else {
                throw FileError(.badMetadata, url, expected: "metadata 'config' a JSON object of strings", found: "'\(json.prefix(120))'")
            }
            shared.merge(TrainingCheckpoint.configMetadata(object.map { (name: $0.key, value: $0.value) })) { own, _ in own }
        }
        if let step = metadata["step"] { shared[TrainingCheckpoint.stepsDoneKey] = shared[TrainingCheckpoint.stepsDoneKey] ?? step }
        if let step = metadata["adam_step"] { shared[TrainingCheckpoint.adamStepKey] = shared[TrainingCheckpoint.adamStepKey] ?? step }
        return shared
    }
}
