//! Charts as SVG made on the server: the browser shows them as pictures, so no charting
//! code goes to it, and they print as they look. Each carries its title and its numbers as
//! text for screen readers; the page puts the same numbers in a table beside it.

/// Text as SVG may hold it: the five characters XML reserves, escaped.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

const WIDTH: u32 = 640;
const LABELS: u32 = 220;
const BAR: u32 = 22;
const GAP: u32 = 10;
const TOP: u32 = 36;
/// The clinic's brand colour (`--color-brand-600` in style/main.css).
const FILL: &str = "#37655e";

/// A horizontal bar for each `(name, value)`, longest to the busiest, its value at its end.
pub fn bar_chart(title: &str, bars: &[(String, i64)]) -> String {
    let most = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let room = WIDTH - LABELS - 60;
    let height = TOP + bars.len() as u32 * (BAR + GAP) + GAP;
    let summary: Vec<String> = bars
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"system-ui, sans-serif\" font-size=\"13\">\
         <title id=\"t\">{}</title><desc id=\"d\">{}</desc>\
         <text x=\"0\" y=\"20\" font-size=\"15\" font-weight=\"600\" fill=\"#1c1917\">{}</text>",
        escaped(title),
        escaped(&summary.join("; ")),
        escaped(title)
    );
    for (row, (name, value)) in bars.iter().enumerate() {
        let y = TOP + row as u32 * (BAR + GAP);
        let length = (u64::try_from(*value).unwrap_or(0) * u64::from(room) / most as u64) as u32;
        let middle = y + BAR / 2 + 4;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{middle}\" text-anchor=\"end\" fill=\"#44403c\">{}</text>\
             <rect x=\"{LABELS}\" y=\"{y}\" width=\"{length}\" height=\"{BAR}\" rx=\"3\" fill=\"{FILL}\"/>\
             <text x=\"{}\" y=\"{middle}\" fill=\"#1c1917\">{value}</text>",
            LABELS - 8,
            escaped(name),
            LABELS + length + 6,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths(svg: &str) -> Vec<u32> {
        svg.split("<rect ")
            .skip(1)
            .map(|rect| {
                let at = rect.find("width=\"").unwrap() + 7;
                rect[at..].split('"').next().unwrap().parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn bars_are_as_long_as_their_values_beside_the_busiest() {
        let svg = bar_chart(
            "Booked",
            &[
                ("Dr Grant".into(), 10),
                ("Dr Okafor".into(), 5),
                ("Nobody".into(), 0),
            ],
        );
        assert_eq!(widths(&svg), [360, 180, 0]);
        assert!(svg.contains("<desc id=\"d\">Dr Grant: 10; Dr Okafor: 5; Nobody: 0</desc>"));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn names_are_text_never_markup() {
        let svg = bar_chart("<b>", &[("<script>alert(1)</script> & \"x\"".into(), 1)]);
        assert!(!svg.contains("<script>") && !svg.contains("<b>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(bar_chart("Empty", &[]).contains("<title id=\"t\">Empty</title>"));
    }
}
