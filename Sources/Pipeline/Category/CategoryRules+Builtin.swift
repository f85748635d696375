import Foundation
import VectorStore

// Built-in copy of config/category-rules.json, used when the file is not next to the binary
// (e.g. in the container). A test checks the two are identical.
extension CategoryRules {
    /// The shipped rules text.
    static let builtinJSON = #"""
{
  "rules_version": 1,
  "description": "Decides the batch category of shops without an explicit category. Rules are tried in order; the first whose conditions all hold wins. See docs/INPUT.md.",
  "default": "low_to_mid_price_dining",
  "rules": [
    {
      "name": "michelin-star",
      "category": "fine_dining_and_susi_omakase",
      "when": { "badge_contains_any": ["1스타", "2스타", "3스타", "Michelin star", "Michelin 1 star", "Michelin 2 stars", "Michelin 3 stars"] }
    },
    {
      "name": "michelin-selected-fine-cuisine",
      "category": "fine_dining_and_susi_omakase",
      "when": {
        "badge_contains_any": ["미쉐린", "Michelin"],
        "badge_contains_none": ["빕구르망", "Bib Gourmand"],
        "cuisine_contains_any": ["스시", "오마카세", "파인다이닝", "코스요리", "프랑스음식", "일식당", "초밥", "한정식", "스테이크", "이탈리아음식", "양식", "fine dining", "omakase"]
      }
    },
    {
      "name": "omakase-or-course-cuisine",
      "category": "fine_dining_and_susi_omakase",
      "when": { "cuisine_contains_any": ["스시", "오마카세", "파인다이닝", "코스요리", "fine dining", "omakase", "tasting menu"] }
    },
    {
      "name": "reservation-led-fine-cuisine",
      "category": "fine_dining_and_susi_omakase",
      "when": {
        "cuisine_contains_any": ["프랑스음식", "일식당", "초밥", "한정식", "스테이크", "이탈리아음식", "양식", "와인", "바닷가재", "사찰음식", "스페인음식", "퓨전음식"],
        "attribute_at_least": { "share_reservation": 0.6 },
        "attribute_below": { "share_wait_30min_plus": 0.08 }
      }
    },
    {
      "name": "long-waits-reported",
      "category": "waiting_hotplace",
      "when": { "attribute_at_least": { "share_wait_30min_plus": 0.08 } }
    },
    {
      "name": "long-wait-review-tags",
      "category": "waiting_hotplace",
      "when": {
        "review_tag_share_at_least": {
          "tags": ["대기 시간 30분 이상", "대기 시간 1시간 이상", "대기 시간 2시간 이상", "long wait"],
          "share": 0.375
        }
      }
    }
  ]
}
"""#

    /// The shipped rules, compiled in.
    public static func builtin() throws -> CategoryRules {
        let json: RowValue
        do throws(JSONParseError) { json = try RowValue.parse(Data(builtinJSON.utf8)) } catch {
            throw PipelineError(code: .invalidRules, message: "built-in rules: \(error)")
        }
        return try parse(json, file: "builtin:category-rules.json")
    }
}
