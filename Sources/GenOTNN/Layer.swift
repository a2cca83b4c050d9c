import GenOTTensor

/// Something with trainable parameters, listed explicitly under stable names
/// (the names are the safetensors keys and the optimiser-state keys).
public protocol Layer {
    var parameters: [(name: String, tensor: Tensor)] { get }
}

extension Layer {
    /// Parameters of `child`, with its names prefixed by `prefix.`.
    public func parameters(of child: some Layer, prefix: String) -> [(name: String, tensor: Tensor)] {
        child.parameters.map { ("\(prefix).\($0.name)", $0.tensor) }
    }

    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.tensor.count } }

    /// Copies values into the parameters by name (shapes must match).
    public func load(_ values: [String: Tensor]) throws {
        for (name, parameter) in parameters {
            guard let value = values[name] else { throw LayerError.missingParameter(name) }
            guard value.shape == parameter.shape else {
                throw LayerError.shapeMismatch(name, expected: parameter.shape, found: value.shape)
            }
            parameter.storage = value.storage
        }
    }
}

public enum LayerError: Error, CustomStringConvertible, Equatable {
    case missingParameter(String)
    case shapeMismatch(String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .missingParameter(let name): "parameter '\(name)' is missing"
        case .shapeMismatch(let name, let expected, let found):
            "parameter '\(name)' has shape \(found), expected \(expected)"
        }
    }
}
