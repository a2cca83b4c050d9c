import GenOTTensor

/// Malformed variants of a valid file's bytes, for fuzz tests of the readers:
/// every reader must answer each with its error, never a trap, whatever the
/// header claims. Deterministic for a given `seed`, so a failure reproduces.
///
/// The variants: cut at several lengths, random bytes flipped in the header
/// or anywhere, header bytes set to 0xff (huge sizes), garbage appended, and
/// random bytes of the same length.
public func malformedVariants(of valid: [UInt8], count: Int = 200, headerLength: Int = 64,
                              seed: UInt64 = 0) -> [[UInt8]] {
    var random = SeededRandom(seed: seed)
    let n = valid.count
    var variants: [[UInt8]] = Set([0, 1, 4, 8, 9, 16, n / 2, n - 1].filter { (0..<n).contains($0) })
        .sorted().map { Array(valid.prefix($0)) }
    variants.append(valid + [0, 1, 2, 0xff])
    while variants.count < count {
        var bytes = valid
        switch variants.count % 4 {
        case 0:   // flip 1–4 header bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<min(headerLength, n), using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
        case 1:   // a run of 0xff in the header: sizes and lengths at their largest
            let start = Int.random(in: 0..<min(headerLength, n), using: &random)
            for i in start..<min(start + Int.random(in: 1...8, using: &random), n) { bytes[i] = 0xff }
        case 2:   // flip bytes anywhere
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                bytes[Int.random(in: 0..<n, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            }
        default:  // random bytes
            bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        variants.append(bytes)
    }
    return variants
}
