import Foundation
import GenOTFiles
import GenOTNN
import GenOTTensor

// A transport map in one safetensors file: the network's parameters (`u.…`),
// the normalisation (`normalization.source_centers` and `…target_centers`
// [k, d] with k = 1 or classes, `normalization.scale` [1]),
// and the architecture in the metadata so `load` can rebuild it. Trainers add
// their config (and optimiser state) beside these.

extension TransportPotential {
    /// Metadata keys that describe the architecture.
    public enum MetadataKey {
        public static let kind = "kind", dimension = "dimension", classes = "classes", width = "width",
                          depth = "depth", activation = "activation", cost = "cost", finalTime = "final_time",
                          gaussianBase = "gaussian_base", classNetworks = "class_networks",
                          convexWidth = "convex_width", convexDepth = "convex_depth"
    }

    /// The value of `MetadataKey.kind` for a transport map.
    public static let checkpointKind = "hj-transport"

    /// Parameters plus normalisation tensors, named as in the file.
    public var checkpointTensors: [(name: String, tensor: Tensor)] {
        parameters + classNetworkParameters + [
            ("normalization.source_centers", Tensor(shape: [normalization.sourceCenters.count, dimension],
                                                    storage: normalization.sourceCenters.flatMap { $0 })),
            ("normalization.target_centers", Tensor(shape: [normalization.targetCenters.count, dimension],
                                                    storage: normalization.targetCenters.flatMap { $0 })),
            ("normalization.scale", Tensor(shape: [1], storage: [normalization.scale])),
        ] + (normalization.targetScale == normalization.scale ? []
             : [("normalization.target_scale", Tensor(shape: [1], storage: [normalization.targetScale]))]) + (gaussianBase ?? []).enumerated().flatMap { c, base in base.tensors(prefix: "gaussian_base.\(c)") }
    }

    public var checkpointMetadata: [String: String] {
        [MetadataKey.kind: Self.checkpointKind, MetadataKey.dimension: "\(dimension)",
         MetadataKey.classes: "\(classes)", MetadataKey.width: "\(width)", MetadataKey.depth: "\(depth)",
         MetadataKey.activation: activation.rawValue, MetadataKey.cost: cost.description,
         MetadataKey.finalTime: "\(finalTime)", MetadataKey.gaussianBase: gaussianBase == nil ? "false" : "true",
         MetadataKey.classNetworks: classNetworks.keys.sorted().map(String.init).joined(separator: ","),
         MetadataKey.convexWidth: "\(convexPart?.width ?? 0)", MetadataKey.convexDepth: "\(convexPart?.depth ?? 0)"]
    }

    /// Writes the map, with `extraMetadata` (e.g. the trainer's config) and
    /// `extraTensors` (e.g. optimiser state), atomically.
    public func save(to url: URL, extraMetadata: [String: String] = [:],
                     extraTensors: [(name: String, tensor: Tensor)] = []) throws {
        try Safetensors.requireFinite(checkpointTensors, writing: url)
        try Safetensors.write(checkpointTensors + extraTensors,
                              metadata: checkpointMetadata.merging(extraMetadata) { own, _ in own }, to: url)
    }

    /// Reads a map written by `save`.
    public static func load(from url: URL) throws -> TransportPotential {
        try load(from: try Safetensors.read(from: url))
    }

    /// Rebuilds the map from an already-read file; errors name the file and
    /// what is missing or wrong.
    public static func load(from file: SafetensorsFile) throws -> TransportPotential {
        func fail(_ expected: String, _ found: String, _ kind: FileError.Kind = .badMetadata) -> FileError {
            FileError(kind, file.url, expected: expected, found: found)
        }
        let meta = file.metadata
        guard meta[MetadataKey.kind] == checkpointKind else {
            throw fail("a transport map (metadata '\(MetadataKey.kind)' '\(checkpointKind)', written by `gen-ot fit`)",
                       meta[MetadataKey.kind].map { "'\($0)'" } ?? "no '\(MetadataKey.kind)'", .mismatch)
        }
        func integer(_ key: String) throws -> Int {
            guard let text = meta[key], let value = Int(text), value >= 0 else {
                throw fail("metadata '\(key)' a non-negative integer", meta[key].map { "'\($0)'" } ?? "none")
            }
            return value
        }
        let dimension = try integer(MetadataKey.dimension), classes = try integer(MetadataKey.classes)
        let width = try integer(MetadataKey.width), depth = try integer(MetadataKey.depth)
        guard dimension > 0, width > 0, depth > 0 else { throw fail("a positive d, depth and width", "d \(dimension), \(depth) × \(width)") }
        try checkNetworkTensors(file, dimension: dimension, classes: classes, width: width, depth: depth)
        guard let activation = Activation(rawValue: meta[MetadataKey.activation] ?? "") else {
            throw fail("metadata '\(MetadataKey.activation)' one of \(Activation.allCases.map(\.rawValue))", meta[MetadataKey.activation] ?? "none")
        }
        let cost: Cost
        do { cost = try Cost(parsing: meta[MetadataKey.cost] ?? "") } catch { throw fail("metadata '\(MetadataKey.cost)' 'quadratic' or 'power:Q' with Q > 1", "'\(meta[MetadataKey.cost] ?? "")'") }
        guard let finalTime = Float(meta[MetadataKey.finalTime] ?? ""), finalTime > 0 else {
            throw fail("metadata '\(MetadataKey.finalTime)' a positive number", meta[MetadataKey.finalTime] ?? "none")
        }
        // Maps written before per-side centres hold one common `normalization.center` [d].
        let legacy = file.tensors["normalization.center"] == nil ? nil : try file.tensor("normalization.center")
        let shared = legacy.flatMap { $0.shape == [dimension] ? $0.reshaped([1, dimension]) : nil }
        let sources = try shared ?? file.tensor("normalization.source_centers")
        let targets = try shared ?? file.tensor("normalization.target_centers")
        let rows = sources.shape.first ?? 0
        guard sources.shape == [rows, dimension], targets.shape == sources.shape, rows == 1 || (rows == classes && rows > 0) else {
            throw fail("normalization centres of shape [1 or \(classes), \(dimension)]", "\(sources.shape) and \(targets.shape)", .wrongShape)
        }
        func table(_ t: Tensor) -> [[Float]] { (0..<rows).map { Array(t.storage[($0 * dimension)..<(($0 + 1) * dimension)]) } }
        let scale = try file.tensor("normalization.scale", shape: [1])
        guard scale.storage[0] > 0, scale.storage[0].isFinite else { throw fail("a positive normalization.scale", "\(scale.storage[0])", .badValues) }
        // Maps with one scale for both sides have no target_scale.
        let targetScale = file.tensors["normalization.target_scale"] == nil ? scale
            : try file.tensor("normalization.target_scale", shape: [1])
        guard targetScale.storage[0] > 0, targetScale.storage[0].isFinite else {
            throw fail("a positive normalization.target_scale", "\(targetScale.storage[0])", .badValues)
        }

        var random = SeededRandom(seed: 0)
        let potential = TransportPotential(dimension: dimension, classes: classes, width: width, depth: depth,
                                           activation: activation, cost: cost, finalTime: finalTime,
                                           normalization: Normalization(sourceCenters: table(sources), targetCenters: table(targets),
                                                                          scale: scale.storage[0], targetScale: targetScale.storage[0]),
                                           using: &random)
        var values: [String: Tensor] = [:]
        for (name, parameter) in potential.parameters { values[name] = try file.tensor(name, shape: parameter.shape) }
        try potential.load(values)
        var loaded = potential
        for text in (meta[MetadataKey.classNetworks] ?? "").split(separator: ",") {
            guard let c = Int(text), (0..<classes).contains(c) else { throw fail("metadata '\(MetadataKey.classNetworks)' classes in 0..<\(classes)", "'\(text)'") }
            let classNetwork = TransportPotential(dimension: dimension, classes: classes, width: width, depth: depth,
                                                  activation: activation, cost: cost, finalTime: finalTime, using: &random).network
            var classValues: [String: Tensor] = [:]
            for (name, parameter) in classNetwork.parameters { classValues[name] = try file.tensor("u_class\(c).\(name)", shape: parameter.shape) }
            try classNetwork.load(classValues)
            loaded = loaded.withClassNetwork(c, classNetwork)
        }
        if let convex = try loadConvexPart(file, dimension: dimension, classes: classes) {
            guard cost == .quadratic, loaded.classNetworks.isEmpty else {
                throw fail("a convex potential only with the quadratic cost and no class networks", "cost \(cost), class networks \(loaded.classNetworks.keys.sorted())")
            }
            loaded = loaded.withConvexPart(convex)
        }
        guard meta[MetadataKey.gaussianBase] == "true" else { return loaded }
        let d = dimension
        let base = try (0..<Swift.max(classes, 1)).map { c in
            QuadraticPotential(eigenvalues: try file.tensor("gaussian_base.\(c).eigenvalues", shape: [1, d]),
                               eigenvectors: try file.tensor("gaussian_base.\(c).eigenvectors", shape: [d, d]),
                               shift: try file.tensor("gaussian_base.\(c).shift", shape: [1, d]))
        }
        guard cost == .quadratic else { throw fail("a Gaussian base only with the quadratic cost", "cost \(cost)") }
        return loaded.withGaussianBase(base)
    }

    /// ψ from the `psi.*` tensors, when the metadata names a convex width
    /// (maps written before it have none). Shapes are checked before use.
    static func loadConvexPart(_ file: SafetensorsFile, dimension d: Int, classes: Int) throws -> ConvexPotential? {
        let meta = file.metadata
        guard let text = meta[MetadataKey.convexWidth], text != "0" else { return nil }
        guard let width = Int(text), width > 0, let depth = Int(meta[MetadataKey.convexDepth] ?? ""), depth > 0,
              depth <= file.tensors.count else {
            throw FileError(.badMetadata, file.url, expected: "metadata '\(MetadataKey.convexWidth)' and '\(MetadataKey.convexDepth)' positive integers (depth within the file's tensors)",
                            found: "'\(text)' and '\(meta[MetadataKey.convexDepth] ?? "none")'")
        }
        if file.tensors["psi.output"] != nil {
            throw FileError(.badMetadata, file.url, expected: "ψ's tensors as this version names them (psi.readout, psi.layers.k.mixing)",
                            found: "psi.output, from an earlier gen-ot whose ψ weighed its positive weights differently",
                            hint: "train the map again")
        }
        var values: [String: Tensor] = [:]
        // Maps written before the smoothed-maximum head carry the sum readout.
        let sumHead = file.tensors["psi.\(ConvexPotential.Head.readoutName)"] != nil
        for (name, shape) in ConvexPotential.shapes(dimension: d, classes: classes, width: width, depth: depth, sumHead: sumHead) {
            values[name] = try file.tensor("psi.\(name)", shape: shape).requiringGrad()
        }
        return ConvexPotential(named: values, dimension: d, classes: classes, width: width, depth: depth)
    }

    /// Checks that the file holds `u.layers.*` tensors of the shapes the
    /// metadata's architecture implies, before anything is built from it: a
    /// header could claim a width or depth that would take gigabytes.
    static func checkNetworkTensors(_ file: SafetensorsFile, dimension: Int, classes: Int, width: Int, depth: Int) throws {
        let limit = 1 << 24
        guard dimension <= limit, classes <= limit, width <= limit, depth <= file.tensors.count else {
            throw FileError(.corrupt, file.url, expected: "an architecture its \(file.tensors.count) tensors can hold",
                            found: "metadata giving d \(dimension), \(classes) classes, \(depth) × \(width) layers")
        }
        let sizes = [dimension + 1 + classes] + Array(repeating: width, count: depth) + [1]
        for layer in 0...depth {
            _ = try file.tensor("u.layers.\(layer).weight", shape: [sizes[layer + 1], sizes[layer]])
            _ = try file.tensor("u.layers.\(layer).bias", shape: [sizes[layer + 1]])
        }
    }
}
