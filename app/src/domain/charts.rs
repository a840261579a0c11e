//! Charts as SVG made on the server: the browser shows them as pictures, so no charting
//! code goes to it, and they print as they look. Each carries its title and its numbers as
//! text for screen readers; the page puts the same numbers in a table beside it.

use super::hours::WEEK_DAYS;
use super::html::escape as escaped;

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

/// One line of a line chart: its name (in the legend and the text) and its values. The
/// second line is dashed, so the two differ by more than colour.
pub struct Line<'a> {
    pub name: &'a str,
    pub values: Vec<i64>,
}

const LINE_HEIGHT: u32 = 260;
const PLOT_LEFT: u32 = 48;
const PLOT_RIGHT: u32 = WIDTH - 16;
const PLOT_TOP: u32 = 56;
const PLOT_BOTTOM: u32 = LINE_HEIGHT - 36;
/// The second line's colour (`--color-stone-500`), dashed besides.
const SECOND: &str = "#78716c";

/// Lines over points in time labelled `labels` (one value per label in each line), from
/// zero to the largest value, with a legend; the text alternative lists every value.
pub fn line_chart(title: &str, labels: &[String], lines: &[Line]) -> String {
    let most = lines
        .iter()
        .flat_map(|line| line.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let x = |index: usize| -> u32 {
        match labels.len() {
            0 | 1 => (PLOT_LEFT + PLOT_RIGHT) / 2,
            n => PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * index as u32 / (n as u32 - 1),
        }
    };
    let y = |value: i64| -> u32 {
        let value = u32::try_from(value.clamp(0, most)).unwrap_or(0);
        PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / most as u32
    };
    let summary: Vec<String> = labels
        .iter()
        .enumerate()
        .map(|(index, label)| {
            let values: Vec<String> = lines
                .iter()
                .map(|line| {
                    let value = line.values.get(index).copied().unwrap_or(0);
                    format!("{} {value}", line.name)
                })
                .collect();
            format!("{label}: {}", values.join(", "))
        })
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {LINE_HEIGHT}\" width=\"{WIDTH}\" height=\"{LINE_HEIGHT}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\
         <title id=\"t\">{}</title><desc id=\"d\">{}</desc>\
         <text x=\"0\" y=\"20\" font-size=\"15\" font-weight=\"600\" fill=\"#1c1917\">{}</text>\
         <line x1=\"{PLOT_LEFT}\" y1=\"{PLOT_BOTTOM}\" x2=\"{PLOT_RIGHT}\" y2=\"{PLOT_BOTTOM}\" stroke=\"#d6d3d1\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#44403c\">0</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#44403c\">{most}</text>",
        escaped(title),
        escaped(&summary.join("; ")),
        escaped(title),
        PLOT_LEFT - 8,
        PLOT_BOTTOM + 4,
        PLOT_LEFT - 8,
        PLOT_TOP + 4,
    );
    // First, middle and last labels: more would overlap on a long range.
    let mut shown: Vec<usize> = vec![0, labels.len() / 2, labels.len().saturating_sub(1)];
    shown.dedup();
    for index in shown.into_iter().filter(|index| *index < labels.len()) {
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#44403c\">{}</text>",
            x(index),
            PLOT_BOTTOM + 20,
            escaped(&labels[index])
        ));
    }
    for (order, line) in lines.iter().enumerate() {
        let (colour, dash) = if order == 0 {
            (FILL, "")
        } else {
            (SECOND, " stroke-dasharray=\"6 4\"")
        };
        let points: Vec<String> = line
            .values
            .iter()
            .enumerate()
            .map(|(index, value)| format!("{},{}", x(index), y(*value)))
            .collect();
        let legend_x = PLOT_LEFT + order as u32 * 140;
        svg.push_str(&format!(
            "<line x1=\"{legend_x}\" y1=\"36\" x2=\"{}\" y2=\"36\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>\
             <text x=\"{}\" y=\"40\" fill=\"#1c1917\">{}</text>\
             <polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>",
            legend_x + 24,
            legend_x + 30,
            escaped(line.name),
            points.join(" ")
        ));
    }
    svg.push_str("</svg>");
    svg
}

const CELL: u32 = 22;
const DAY_LABELS: u32 = 90;

/// A cell's shade: white for none, then the brand colour, lighter to darker in five steps
/// of `count` beside `busiest`.
fn shade(count: i64, busiest: i64) -> &'static str {
    match count * 4 / busiest.max(1) {
        _ if count <= 0 => "#ffffff",
        0 => "#e7f0ee",
        1 => "#b9d3ce",
        2 => "#7faea6",
        3 => "#4d857c",
        _ => FILL,
    }
}

/// Visits by weekday (rows, Monday first) and hour (columns, only `hours`), each cell
/// shaded by its count beside the busiest and carrying the count as text; the text
/// alternative lists every hour with visits.
pub fn heatmap(title: &str, grid: &[Vec<i64>], hours: &[usize]) -> String {
    let busiest = grid.iter().flatten().copied().max().unwrap_or(0);
    let width = DAY_LABELS + hours.len() as u32 * CELL + 8;
    let height = TOP + 20 + 7 * CELL + 8;
    let summary: Vec<String> = WEEK_DAYS
        .iter()
        .map(|(_, day)| *day)
        .zip(grid)
        .flat_map(|(day, counts)| {
            hours.iter().filter_map(move |hour| {
                let count = counts.get(*hour).copied().unwrap_or(0);
                (count > 0).then(|| format!("{day} {hour:02}:00: {count}"))
            })
        })
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"system-ui, sans-serif\" font-size=\"11\">\
         <title id=\"t\">{}</title><desc id=\"d\">{}</desc>\
         <text x=\"0\" y=\"20\" font-size=\"15\" font-weight=\"600\" fill=\"#1c1917\">{}</text>",
        escaped(title),
        escaped(&if summary.is_empty() { "No visits".to_owned() } else { summary.join("; ") }),
        escaped(title)
    );
    for (column, hour) in hours.iter().enumerate() {
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#44403c\">{hour:02}</text>",
            DAY_LABELS + column as u32 * CELL + CELL / 2,
            TOP + 12
        ));
    }
    for (row, (day, counts)) in WEEK_DAYS.iter().map(|(_, day)| day).zip(grid).enumerate() {
        let y = TOP + 20 + row as u32 * CELL;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#44403c\">{day}</text>",
            DAY_LABELS - 6,
            y + CELL / 2 + 4
        ));
        for (column, hour) in hours.iter().enumerate() {
            let count = counts.get(*hour).copied().unwrap_or(0);
            let x = DAY_LABELS + column as u32 * CELL;
            let ink = if count * 4 / busiest.max(1) >= 3 {
                "#ffffff"
            } else {
                "#1c1917"
            };
            svg.push_str(&format!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"{CELL}\" height=\"{CELL}\" fill=\"{}\" stroke=\"#e7e5e4\"/>",
                shade(count, busiest)
            ));
            if count > 0 {
                svg.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\">{count}</text>",
                    x + CELL / 2,
                    y + CELL / 2 + 4
                ));
            }
        }
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

    fn points(svg: &str) -> Vec<String> {
        svg.split("<polyline points=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn a_line_rises_with_its_values_from_the_axis_to_the_top() {
        let labels: Vec<String> = ["19 Oct", "26 Oct", "2 Nov"].map(str::to_owned).to_vec();
        let svg = line_chart(
            "Bookings by week",
            &labels,
            &[
                Line {
                    name: "Booked",
                    values: vec![2, 4, 0],
                },
                Line {
                    name: "Attended",
                    values: vec![1, 0, 0],
                },
            ],
        );
        // x from the plot's left (48) to its right (624); y from the axis (224) up to the
        // top (56) at the largest value, 4.
        assert_eq!(
            points(&svg),
            ["48,140 336,56 624,224", "48,182 336,224 624,224"]
        );
        assert!(svg.contains(
            "<desc id=\"d\">19 Oct: Booked 2, Attended 1; 26 Oct: Booked 4, Attended 0; 2 Nov: Booked 0, Attended 0</desc>"
        ));
        // The second line differs by its dashes too, not by colour alone.
        assert_eq!(svg.matches("stroke-dasharray").count(), 2);
    }

    #[test]
    fn a_single_week_or_none_still_draws() {
        let one = line_chart(
            "One",
            &["19 Oct".to_owned()],
            &[Line {
                name: "Booked",
                values: vec![0],
            }],
        );
        assert_eq!(points(&one), ["336,224"]);
        assert!(line_chart("None", &[], &[]).ends_with("</svg>"));
    }

    #[test]
    fn a_heatmap_shades_each_hour_by_its_visits_and_says_them() {
        let mut grid = vec![vec![0; 24]; 7];
        grid[0][9] = 4;
        grid[3][14] = 1;
        let svg = heatmap("Busy hours", &grid, &[9, 14]);
        assert!(
            svg.contains("<desc id=\"d\">Monday 09:00: 4; Thursday 14:00: 1</desc>"),
            "{svg}"
        );
        // Seven days of the two hours shown; the busiest in the brand colour, a quarter of
        // it two steps lighter, none white.
        assert_eq!(svg.matches("<rect ").count(), 14);
        assert_eq!(svg.matches(&format!("fill=\"{FILL}\"")).count(), 1);
        assert_eq!(svg.matches("fill=\"#b9d3ce\"").count(), 1);
        assert_eq!(svg.matches("fill=\"#ffffff\" stroke").count(), 12);
        assert!(heatmap("Busy hours", &vec![vec![0; 24]; 7], &[])
            .contains("<desc id=\"d\">No visits</desc>"));
    }
}
