import Foundation

/// A small line-and-marker chart written as SVG text, for the soup searches' `--plot`: axes with
/// round-numbered ticks, point series drawn as lines or markers, horizontal reference lines and a
/// legend. No dependency; the file is plain SVG 1.1.
struct SVGChart {
    enum Marker {
        case line
        case dots
        case circles
        case crosses
    }

    struct Series {
        let label: String
        let color: String
        let marker: Marker
        let points: [(x: Double, y: Double)]
    }

    struct ReferenceLine {
        let label: String
        let color: String
        let y: Double
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series] = []
    var references: [ReferenceLine] = []
    /// Only whole numbers on the x axis (steps).
    var integerX = true

    private let width = 720.0
    private let height = 440.0
    private let left = 80.0
    private let right = 190.0
    private let top = 44.0
    private let bottom = 56.0

    func render() -> String {
        let xs = series.flatMap { $0.points.map(\.x) }
        let ys = series.flatMap { $0.points.map(\.y) } + references.map(\.y)
        let xTicks = Self.ticks(from: xs.min() ?? 0, to: max(xs.max() ?? 1, (xs.min() ?? 0) + 1), integers: integerX)
        let yTicks = Self.ticks(from: ys.min() ?? 0, to: ys.max() ?? 1, integers: false)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let xRange = (xTicks.first!, xTicks.last!)
        let yRange = (yTicks.first!, yTicks.last!)
        func px(_ x: Double) -> Double { left + (x - xRange.0) / (xRange.1 - xRange.0) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - (y - yRange.0) / (yRange.1 - yRange.0) * plotHeight }

        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(width / 2))" y="24" text-anchor="middle" font-size="15">\(escape(title))</text>

        """
        for tick in yTicks {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(tick)))\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        for tick in xTicks {
            svg += "<line x1=\"\(f(px(tick)))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(px(tick)))\" y2=\"\(f(top + plotHeight + 5))\" stroke=\"#444\"/>\n"
            svg += "<text x=\"\(f(px(tick)))\" y=\"\(f(top + plotHeight + 19))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#444\"/>\n"
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(18 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        for reference in references {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(reference.y)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(reference.y)))\" stroke=\"\(reference.color)\" stroke-dasharray=\"6 4\"/>\n"
        }
        for item in series {
            let points = item.points.map { (px($0.x), py($0.y)) }
            switch item.marker {
            case .line, .dots:
                let path = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
                svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"2\"/>\n"
                if item.marker == .dots {
                    for point in points { svg += "<circle cx=\"\(f(point.0))\" cy=\"\(f(point.1))\" r=\"2.5\" fill=\"\(item.color)\"/>\n" }
                }
            case .circles:
                for point in points { svg += "<circle cx=\"\(f(point.0))\" cy=\"\(f(point.1))\" r=\"5\" fill=\"\(item.color)\"/>\n" }
            case .crosses:
                for point in points { svg += Self.cross(at: point, color: item.color) }
            }
        }
        svg += legend(x: left + plotWidth + 16, y: top + 8)
        return svg + "</svg>\n"
    }

    private func legend(x: Double, y: Double) -> String {
        var svg = ""
        var row = y
        for item in series {
            let middle = (x + 10, row)
            switch item.marker {
            case .line, .dots: svg += "<line x1=\"\(f(x))\" y1=\"\(f(row))\" x2=\"\(f(x + 20))\" y2=\"\(f(row))\" stroke=\"\(item.color)\" stroke-width=\"2\"/>\n"
            case .circles: svg += "<circle cx=\"\(f(middle.0))\" cy=\"\(f(row))\" r=\"5\" fill=\"\(item.color)\"/>\n"
            case .crosses: svg += Self.cross(at: middle, color: item.color)
            }
            svg += "<text x=\"\(f(x + 28))\" y=\"\(f(row + 4))\">\(escape(item.label))</text>\n"
            row += 20
        }
        for reference in references {
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(row))\" x2=\"\(f(x + 20))\" y2=\"\(f(row))\" stroke=\"\(reference.color)\" stroke-dasharray=\"6 4\"/>\n"
            svg += "<text x=\"\(f(x + 28))\" y=\"\(f(row + 4))\">\(escape(reference.label))</text>\n"
            row += 20
        }
        return svg
    }

    private static func cross(at point: (Double, Double), color: String) -> String {
        let (x, y) = point
        return "<path d=\"M\(f(x - 5)),\(f(y - 5)) L\(f(x + 5)),\(f(y + 5)) M\(f(x - 5)),\(f(y + 5)) L\(f(x + 5)),\(f(y - 5))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
    }

    /// Round-numbered ticks (steps of 1, 2 or 5 times a power of ten) covering `low...high`.
    static func ticks(from low: Double, to high: Double, integers: Bool) -> [Double] {
        var low = low
        var high = high
        if high - low < 1e-12 * max(1, abs(low)) {
            let pad = low == 0 ? 1 : abs(low) * 0.01
            low -= pad
            high += pad
        }
        let rough = (high - low) / 6
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough }!
        if integers { step = max(1, step.rounded(.up)) }
        let first = (low / step).rounded(.down) * step
        let last = (high / step).rounded(.up) * step
        let count = Int(((last - first) / step).rounded()) + 1
        return (0..<count).map { first + Double($0) * step }
    }

    private static func label(_ value: Double) -> String {
        let text = String(format: "%.6g", value)
        return text == "-0" ? "0" : text
    }

    private func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }
}

/// A coordinate with two decimals.
private func f(_ value: Double) -> String {
    String(format: "%.2f", value)
}
