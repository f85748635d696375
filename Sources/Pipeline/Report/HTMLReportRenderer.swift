import Foundation

/// Renders a ``ReviewPage`` as one static HTML file: no network, no external scripts or fonts.
/// Totals per category, failures, latency and summary-length histograms as inline SVG, token
/// and cost totals, and a table of every shop (summary, retrieved examples, source reviews)
/// that filters by text. `report.html?q=word` pre-fills the filter (used by the browser test).
public enum HTMLReportRenderer {
    /// The complete document.
    public static func render(_ page: ReviewPage) -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="ko"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>shop-summary run \(escape(page.runID))</title>
        <style>\(style)</style></head><body>
        <h1>shop-summary run <code>\(escape(page.runID))</code></h1>
        <p class="meta">generated \(escape(isoDate(page.generatedAt))) · generator <code>\(escape(page.generator))</code>
         · embedder <code>\(escape(page.embedder))</code></p>

        """
        for note in page.notes { html += "<p class=\"note\">\(escape(note))</p>\n" }
        html += totalsTable(page.categories)
        html += "<div class=\"charts\">"
        html += SVGHistogram.render(title: "Time per shop (ms)",
                                    values: page.shops.compactMap(\.latencyMilliseconds), bins: 12)
        html += SVGHistogram.render(title: "Summary length (characters)",
                                    values: page.shops.filter { $0.status == "ok" }.map { Double($0.summary.count) },
                                    bins: 12)
        html += "</div>\n"
        html += failuresSection(page)
        for section in page.sections { html += sectionTable(section) }
        html += shopsTable(page.shops)
        html += "<script>\(script)</script>\n</body></html>\n"
        return html
    }

    /// Escapes text for HTML element and attribute content.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    private static func totalsTable(_ categories: [ReviewPage.CategoryTotals]) -> String {
        var html = "<h2>Totals</h2>\n<table class=\"totals\"><thead><tr><th>category</th><th>written</th>"
            + "<th>failed</th><th>skipped</th><th>prompt tokens</th><th>output tokens</th><th>est. cost (USD)</th>"
            + "</tr></thead><tbody>\n"
        for c in categories {
            let cost = c.estimatedCostUSD.map { String(format: "%.4f", $0) } ?? "–"
            html += "<tr><td>\(escape(c.category))</td><td>\(c.written)</td><td class=\"\(c.failed > 0 ? "bad" : "")\">"
                + "\(c.failed)</td><td>\(c.skipped)</td><td>\(c.promptTokens)</td><td>\(c.outputTokens)</td><td>\(cost)</td></tr>\n"
        }
        let sum = { (f: (ReviewPage.CategoryTotals) -> Int) in categories.reduce(0) { $0 + f($1) } }
        let totalCost = categories.compactMap(\.estimatedCostUSD).reduce(0, +)
        html += "<tr class=\"sum\"><td>all</td><td>\(sum { $0.written })</td><td>\(sum { $0.failed })</td>"
            + "<td>\(sum { $0.skipped })</td><td>\(sum { $0.promptTokens })</td><td>\(sum { $0.outputTokens })</td>"
            + "<td>\(String(format: "%.4f", totalCost))</td></tr>\n</tbody></table>\n"
        return html
    }

    private static func failuresSection(_ page: ReviewPage) -> String {
        let failed = page.shops.filter { $0.status != "ok" }
        var html = "<h2>Failures (\(failed.count)) and skipped input rows (\(page.skippedRows.count))</h2>\n"
        if failed.isEmpty && page.skippedRows.isEmpty { return html + "<p>None.</p>\n" }
        html += "<ul class=\"failures\">\n"
        for row in failed {
            html += "<li><b>\(escape(row.name))</b> (<code>\(escape(row.shopID))</code>, \(escape(row.category))): "
                + "\(escape(row.failureReason ?? "unknown reason"))</li>\n"
        }
        for line in page.skippedRows.prefix(500) { html += "<li class=\"skipped\">\(escape(line))</li>\n" }
        if page.skippedRows.count > 500 { html += "<li>… \(page.skippedRows.count - 500) more in report.json</li>\n" }
        return html + "</ul>\n"
    }

    private static func sectionTable(_ section: ReviewPage.Section) -> String {
        var html = "<h2>\(escape(section.title))</h2>\n<table class=\"kv\"><tbody>\n"
        for row in section.rows {
            html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    private static func shopsTable(_ shops: [ReviewPage.ShopRow]) -> String {
        let categories = Array(Set(shops.map(\.category))).sorted()
        var html = """
        <h2>Shops (<span id="shown">\(shops.count)</span> of \(shops.count))</h2>
        <div class="filters"><input id="q" type="search" placeholder="Filter by any text: name, summary, review…" autocomplete="off">
        <select id="cat"><option value="">all categories</option>
        """
        for c in categories { html += "<option value=\"\(escape(c))\">\(escape(c))</option>" }
        html += "</select></div>\n<table id=\"shops\"><thead><tr><th>shop</th><th>category</th><th>summary</th>"
            + "<th>retrieved examples</th><th>source reviews</th></tr></thead><tbody>\n"
        for row in shops {
            let summaryCell: String
            if row.status == "ok" {
                var cell = escape(row.summary)
                if !row.highlights.isEmpty {
                    cell += "<ul class=\"hl\">" + row.highlights.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
                }
                summaryCell = cell
            } else {
                summaryCell = "<span class=\"bad\">failed: \(escape(row.failureReason ?? "unknown"))</span>"
            }
            let examples = row.examples.map { "<li><code>\(escape($0.id))</code> \(escape($0.text))</li>" }.joined()
            let reviews = row.reviews.map { "<li>\(escape($0))</li>" }.joined()
            html += "<tr data-cat=\"\(escape(row.category))\" class=\"\(row.status == "ok" ? "" : "failed")\">"
                + "<td><b>\(escape(row.name))</b><br><code>\(escape(row.shopID))</code></td>"
                + "<td>\(escape(row.category))</td><td>\(summaryCell)</td>"
                + "<td><details><summary>\(row.examples.count)</summary><ul>\(examples)</ul></details></td>"
                + "<td><details><summary>\(row.reviews.count)</summary><ul>\(reviews)</ul></details></td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    private static func isoDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    static let style = """
    body{font-family:system-ui,-apple-system,"Noto Sans KR",sans-serif;margin:24px;color:#1d2330;max-width:1400px}
    h1{font-size:22px}h2{font-size:17px;margin-top:28px}code{font-size:12px;color:#555}
    table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #dde;padding:6px;vertical-align:top;text-align:left}
    th{background:#f3f5fa}.totals td:not(:first-child){text-align:right}.sum{font-weight:bold}
    .bad{color:#b3261e;font-weight:600}.note{background:#fff7e0;padding:6px 10px;border-left:3px solid #e0a800}
    .meta{color:#555}.charts{display:flex;gap:24px;flex-wrap:wrap}.charts svg{border:1px solid #eee}
    .filters{margin:8px 0}#q{width:420px;padding:6px;font-size:14px}#cat{padding:6px}
    tr.failed{background:#fff1f0}details summary{cursor:pointer}ul{margin:4px 0;padding-left:18px}.hl{color:#355}
    """

    static let script = """
    (function(){
      var q=document.getElementById('q'),cat=document.getElementById('cat'),shown=document.getElementById('shown');
      var rows=Array.prototype.slice.call(document.querySelectorAll('#shops tbody tr'));
      var texts=rows.map(function(r){return r.textContent.toLowerCase();});
      function apply(){
        var needle=q.value.trim().toLowerCase(),c=cat.value,n=0;
        rows.forEach(function(r,i){
          var ok=(!needle||texts[i].indexOf(needle)>=0)&&(!c||r.getAttribute('data-cat')===c);
          r.hidden=!ok; if(ok){n++;}
        });
        shown.textContent=String(n);
      }
      q.addEventListener('input',apply);cat.addEventListener('change',apply);
      var pre=new URLSearchParams(window.location.search).get('q'); if(pre){q.value=pre;}
      apply();
    })();
    """
}
