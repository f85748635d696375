import Foundation

/// A small inline-SVG bar histogram (no scripts, no external resources).
enum SVGHistogram {
    static func render(title: String, values: [Double], bins: Int, width: Int = 420, height: Int = 180) -> String {
        let escapedTitle = HTMLReportRenderer.escape(title)
        guard let low = values.min(), let high = values.max(), bins > 0 else {
            return "<figure><figcaption>\(escapedTitle)</figcaption><p>no data</p></figure>"
        }
        let span = max(high - low, 1e-9)
        var counts = Array(repeating: 0, count: bins)
        for v in values {
            let index = min(bins - 1, Int(((v - low) / span) * Double(bins)))
            counts[max(0, index)] += 1
        }
        let peak = max(counts.max() ?? 1, 1)
        let plotTop = 10.0, plotBottom = Double(height - 30), left = 36.0
        let barWidth = (Double(width) - left - 10) / Double(bins)
        var svg = "<figure><figcaption>\(escapedTitle) · n=\(values.count)</figcaption>"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" role=\"img\" "
            + "aria-label=\"\(escapedTitle)\">"
        svg += "<line x1=\"\(left)\" y1=\"\(plotBottom)\" x2=\"\(width - 5)\" y2=\"\(plotBottom)\" stroke=\"#889\"/>"
        svg += "<text x=\"2\" y=\"\(plotTop + 8)\" font-size=\"10\">\(peak)</text>"
        for (index, count) in counts.enumerated() {
            let h = (plotBottom - plotTop) * Double(count) / Double(peak)
            let x = left + Double(index) * barWidth
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a78c2\">",
                          x + 1, plotBottom - h, max(barWidth - 2, 1), h)
            svg += "<title>\(count)</title></rect>"
        }
        svg += "<text x=\"\(left)\" y=\"\(height - 12)\" font-size=\"10\">\(format(low))</text>"
        svg += "<text x=\"\(width - 60)\" y=\"\(height - 12)\" font-size=\"10\">\(format(high))</text>"
        return svg + "</svg></figure>"
    }

    private static func format(_ v: Double) -> String {
        abs(v) >= 100 ? String(Int(v.rounded())) : String(format: "%.1f", v)
    }
}
