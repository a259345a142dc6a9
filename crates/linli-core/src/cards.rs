//! Neighbour cards (睦邻卡) on paper: how much an A6 card holds, and how a stairwell's
//! neighbours are spread over a card and its continuation cards (（续）) so that nothing is
//! cut when four cards are printed on an A4 sheet.
//!
//! The print style sheet sets the card's type in points and millimetres (see
//! `.card` in `linli.css`), so lines can be counted here without a browser: an A6 card at
//! 9 pt with line height 1.4 holds 30 lines of 50 half-width columns (134 mm inside its
//! padding, 4.4 mm a line). The budget keeps one line spare, and the frame below counts the
//! larger title and emergency numbers generously: fonts differ (Microsoft YaHei on the office
//! PC, Noto on the server) and English labels are longer.

use std::ops::Range;

/// Half-width columns on one printed line of a card (a Chinese character takes two).
pub const LINE_COLUMNS: usize = 50;

/// Lines of 9 pt text one A6 card holds, everything on it counted (title, neighbours, the
/// building head, the committee, the station, the emergency numbers).
pub const CARD_LINES: usize = 29;

/// Lines every card spends on its title (two lines' height at 13 pt), motto and the heading of
/// the neighbour list, the committee's phone and the emergency numbers (11 pt in a box: two).
const FRAME_LINES: usize = 2 + 1 + 1 + 1 + 2;

/// Fewest neighbour lines a card keeps even when its contacts are long, so a continuation card
/// always moves the list forward.
const MIN_NEIGHBOUR_LINES: usize = 6;

/// Printed width of `s` in half-width columns: CJK and full-width characters count two.
pub fn columns(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Lines a paragraph of `s` takes on a card (at least one).
pub fn lines_of(s: &str) -> usize {
    columns(s).div_ceil(LINE_COLUMNS).max(1)
}

/// Lines one neighbour takes: name, room and phone on one line (a name never wraps), and what
/// she helps with below it when she offers help.
pub fn neighbour_lines(helps_with: Option<&str>) -> usize {
    match helps_with.map(str::trim) {
        Some(h) if !h.is_empty() => 1 + lines_of(&format!("　能帮：{h}")),
        _ => 1,
    }
}

/// Lines a card has for neighbours once its contacts are printed: `contacts` are the
/// paragraphs every card repeats (the building heads, the service station).
pub fn neighbour_budget(contacts: &[&str]) -> usize {
    let fixed = FRAME_LINES + contacts.iter().map(|p| lines_of(p)).sum::<usize>();
    CARD_LINES.saturating_sub(fixed).max(MIN_NEIGHBOUR_LINES)
}

/// Splits a list whose entries take `lines[i]` lines into cards of at most `budget` lines,
/// in order, never splitting an entry. An entry longer than a whole card gets a card of its
/// own. An empty list still makes one (empty) card: every unit has its card.
pub fn split(lines: &[usize], budget: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, &n) in lines.iter().enumerate() {
        if used > 0 && used + n > budget {
            out.push(start..i);
            (start, used) = (i, 0);
        }
        used += n;
    }
    if used > 0 || out.is_empty() {
        out.push(start..lines.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_characters_are_twice_as_wide_as_digits() {
        assert_eq!(columns("米丽芳"), 6);
        assert_eq!(columns("13812345678"), 11);
        assert_eq!(columns("（续）"), 6);
        assert_eq!(lines_of(""), 1);
        assert_eq!(lines_of(&"好".repeat(25)), 1);
        assert_eq!(lines_of(&"好".repeat(26)), 2);
    }

    #[test]
    fn a_helper_takes_a_second_line_for_what_she_helps_with() {
        assert_eq!(neighbour_lines(None), 1);
        assert_eq!(neighbour_lines(Some("  ")), 1);
        assert_eq!(neighbour_lines(Some("代买、陪老人聊天")), 2);
        assert_eq!(neighbour_lines(Some(&"接送".repeat(20))), 3);
    }

    #[test]
    fn a_short_list_fits_on_one_card() {
        assert_eq!(split(&[1, 2, 1], 10), vec![0..3]);
    }

    #[test]
    fn no_neighbours_still_make_a_card() {
        assert_eq!(split(&[], 10), vec![0..0]);
    }

    #[test]
    fn a_long_list_continues_on_further_cards_without_splitting_a_neighbour() {
        let lines = [2, 2, 2, 1, 2, 2, 1, 1];
        let cards = split(&lines, 5);
        assert_eq!(cards, vec![0..2, 2..5, 5..8]);
        for r in &cards {
            assert!(lines[r.clone()].iter().sum::<usize>() <= 5, "{r:?} overflows");
        }
        // Every neighbour on exactly one card, in order.
        let joined: Vec<usize> = cards.iter().flat_map(|r| r.clone()).collect();
        assert_eq!(joined, (0..lines.len()).collect::<Vec<_>>());
    }

    #[test]
    fn an_entry_longer_than_a_card_gets_a_card_of_its_own() {
        assert_eq!(split(&[1, 9, 1], 5), vec![0..1, 1..2, 2..3]);
    }

    #[test]
    fn a_card_keeps_room_for_neighbours_after_its_contacts() {
        let station =
            "便民服务站：张君便民服务站（20号楼东侧）7:00-18:00 电话 13900000000 自行车修理、打气";
        assert_eq!(lines_of(station), 2);
        let budget = neighbour_budget(&["楼长：米丽芳 13812345678", station]);
        assert_eq!(budget, CARD_LINES - FRAME_LINES - 1 - 2);
        assert!(budget >= 16, "an A6 card lists at least eight helpers: {budget}");
        let endless = "很长的说明".repeat(100);
        assert_eq!(neighbour_budget(&[&endless]), MIN_NEIGHBOUR_LINES);
    }

    #[test]
    fn twenty_neighbours_of_a_stairwell_take_two_cards() {
        let lines: Vec<usize> = (0..20).map(|i| if i < 6 { 2 } else { 1 }).collect();
        let budget = neighbour_budget(&["楼长：米丽芳 13812345678", "便民服务站：张君便民服务站"]);
        assert_eq!(split(&lines, budget).len(), 2);
    }
}
