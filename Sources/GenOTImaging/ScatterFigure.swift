import Foundation
import GenOTFiles

/// A 2-D figure of point sets and line segments (transport paths), drawn as
/// SVG text or rasterised to an RGB `PNGImage`. Equal scale on both axes;
/// the view fits every point with a margin. Layers are drawn in order:
/// segments first, then the point series.
public struct ScatterFigure: Sendable {
    public struct Color: Sendable, Equatable {
        public var red: UInt8, green: UInt8, blue: UInt8
        public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }
        var hex: String { String(format: "#%02x%02x%02x", red, green, blue) }
        public static let blue = Color(31, 119, 180), orange = Color(255, 127, 14), green = Color(44, 160, 44),
                          gray = Color(110, 110, 110), black = Color(0, 0, 0)
    }

    public struct Series: Sendable {
        public var name: String
        public var color: Color
        /// Points as (x, y).
        public var points: [SIMD2<Float>]
        public var radius: Float
        public var opacity: Float
        public init(name: String, color: Color, points: [SIMD2<Float>], radius: Float = 2, opacity: Float = 0.6) {
            self.name = name
            self.color = color
            self.points = points
            self.radius = radius
            self.opacity = opacity
        }
    }

    public struct Segments: Sendable {
        public var name: String
        public var color: Color
        public var lines: [(SIMD2<Float>, SIMD2<Float>)]
        public var opacity: Float
        public init(name: String, color: Color, lines: [(SIMD2<Float>, SIMD2<Float>)], opacity: Float = 0.35) {
            self.name = name
            self.color = color
            self.lines = lines
            self.opacity = opacity
        }
    }

    public var title: String
    public var segments: [Segments]
    public var series: [Series]

    public init(title: String, segments: [Segments] = [], series: [Series] = []) {
        self.title = title
        self.segments = segments
        self.series = series
    }

    /// Data-to-pixel transform for a square canvas of `size` pixels.
    struct View {
        let center: SIMD2<Float>, scale: Float, size: Float
        func pixel(_ p: SIMD2<Float>) -> SIMD2<Float> {
            SIMD2(size / 2 + (p.x - center.x) * scale, size / 2 - (p.y - center.y) * scale)
        }
    }

    func view(size: Int) -> View {
        var low = SIMD2<Float>(repeating: .infinity), high = SIMD2<Float>(repeating: -.infinity)
        for p in series.flatMap(\.points) + segments.flatMap({ $0.lines.flatMap { [$0.0, $0.1] } }) where p.x.isFinite && p.y.isFinite {
            low = pointwiseMin(low, p)
            high = pointwiseMax(high, p)
        }
        if !(low.x <= high.x) { low = SIMD2(-1, -1); high = SIMD2(1, 1) }
        let extent = Swift.max(high.x - low.x, high.y - low.y, 1e-6)
        // 8% margin; 40 px at the top are left for the title and legend.
        let usable = Float(size) - 40
        let scale = usable / (extent * 1.08)
        // Centre the content in the part of the canvas below the header.
        return View(center: (low + high) / 2 + SIMD2(0, 20 / scale), scale: scale, size: Float(size))
    }

    /// The figure as an SVG document of `size`×`size` pixels.
    public func svg(size: Int = 720) -> String {
        let v = view(size: size)
        func f(_ x: Float) -> String { String(format: "%.1f", x) }
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(size)\" height=\"\(size)\" viewBox=\"0 0 \(size) \(size)\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"10\" y=\"20\" font-family=\"sans-serif\" font-size=\"14\">\(escaped(title))</text>"]
        for layer in segments {
            out.append("<g stroke=\"\(layer.color.hex)\" stroke-opacity=\"\(layer.opacity)\" stroke-width=\"0.8\">")
            for (a, b) in layer.lines {
                let p = v.pixel(a), q = v.pixel(b)
                out.append("<line x1=\"\(f(p.x))\" y1=\"\(f(p.y))\" x2=\"\(f(q.x))\" y2=\"\(f(q.y))\"/>")
            }
            out.append("</g>")
        }
        for layer in series {
            out.append("<g fill=\"\(layer.color.hex)\" fill-opacity=\"\(layer.opacity)\">")
            for point in layer.points {
                let p = v.pixel(point)
                out.append("<circle cx=\"\(f(p.x))\" cy=\"\(f(p.y))\" r=\"\(f(layer.radius))\"/>")
            }
            out.append("</g>")
        }
        // Legend along the top.
        var x: Float = 10
        for (name, color) in segments.map({ ($0.name, $0.color) }) + series.map({ ($0.name, $0.color) }) {
            out.append("<rect x=\"\(f(x))\" y=\"28\" width=\"10\" height=\"10\" fill=\"\(color.hex)\"/>")
            out.append("<text x=\"\(f(x + 14))\" y=\"37\" font-family=\"sans-serif\" font-size=\"12\">\(escaped(name))</text>")
            x += 24 + 7 * Float(name.count)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The figure rasterised (no text: title and legend are SVG-only):
    /// anti-aliasing-free lines blended at their opacity, filled discs.
    public func png(size: Int = 720) -> PNGImage {
        let v = view(size: size)
        var canvas = [Float](repeating: 1, count: size * size * 3)
        func blend(_ x: Int, _ y: Int, _ color: Color, _ alpha: Float) {
            guard x >= 0, y >= 0, x < size, y < size else { return }
            let base = (y * size + x) * 3
            for (k, c) in [color.red, color.green, color.blue].enumerated() {
                canvas[base + k] = (1 - alpha) * canvas[base + k] + alpha * Float(c) / 255
            }
        }
        for layer in segments {
            for (a, b) in layer.lines {
                let p = v.pixel(a), q = v.pixel(b)
                let steps = Swift.max(1, Int(Swift.max(Swift.abs(q.x - p.x), Swift.abs(q.y - p.y)).rounded(.up)))
                guard steps < 100_000 else { continue }
                for s in 0...steps {
                    let point = p + (q - p) * (Float(s) / Float(steps))
                    blend(Int(point.x), Int(point.y), layer.color, layer.opacity)
                }
            }
        }
        for layer in series {
            let r = layer.radius, reach = Int(r.rounded(.up))
            for point in layer.points {
                let c = v.pixel(point)
                guard c.x.isFinite, c.y.isFinite else { continue }
                let cx = Int(c.x), cy = Int(c.y)
                for dy in -reach...reach {
                    for dx in -reach...reach where Float(dx * dx + dy * dy) <= r * r {
                        blend(cx + dx, cy + dy, layer.color, layer.opacity)
                    }
                }
            }
        }
        let pixels = canvas.map { UInt8(Swift.max(0, Swift.min(255, ($0 * 255).rounded()))) }
        return PNGImage(width: size, height: size, channels: 3, pixels: pixels)
    }

    /// Writes the SVG atomically.
    public func writeSVG(to file: URL, size: Int = 720) throws {
        try AtomicFile.write(to: file) { temporary in
            do { try Data(svg(size: size).utf8).write(to: temporary) } catch {
                throw FileError(.unwritable, file, expected: "a writable SVG file", found: error.localizedDescription)
            }
        }
    }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
