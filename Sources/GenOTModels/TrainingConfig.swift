/// What every trainer config offers: its fields as (name, value) pairs, in
/// order, for the start-of-run printout and the checkpoint metadata.
public protocol TrainingConfig {
    /// The title of the printout, e.g. "train-vae".
    static var title: String { get }
    /// Every field as text, in declaration order.
    var fields: [(name: String, value: String)] { get }
    /// The fields a resumed run must share with the checkpoint so that it
    /// continues exactly where the first run would have (not `epochs`: a
    /// resumed run may train longer).
    static var resumeFields: [String] { get }
    /// Every field at its default: the value of a field a checkpoint written
    /// before the field existed lacks.
    static var defaults: Self { get }
}

extension TrainingConfig {
    /// The printout: a title line, then one `  name = value` line per field.
    public var summary: [String] {
        ["\(Self.title) config:"] + fields.map { "  \($0.name) = \($0.value)" }
    }

    /// The fields as checkpoint metadata, keys `config.<name>`.
    public var metadata: [String: String] { TrainingCheckpoint.configMetadata(fields) }
}
