import GenOTTensor

extension VAE {
    /// A hash of the weights, recorded in every map trained on this VAE so that
    /// a map is never used with another VAE (its latents would mean nothing
    /// there, and the samples would be garbage with exit status 0).
    ///
    /// FNV-1a (64-bit) over the parameters sorted by name: each name's UTF-8
    /// bytes, a 0 byte, then each value's Float32 bits, little-endian; 16 hex digits.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        for (name, tensor) in parameters.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            name.utf8.forEach(mix)
            mix(0)
            for value in tensor.storage {
                let bits = value.bitPattern
                for shift in stride(from: 0, to: 32, by: 8) { mix(UInt8((bits >> UInt32(shift)) & 0xff)) }
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
