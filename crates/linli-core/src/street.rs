//! The street office (街道) across its communities: how a street's total of an indicator is made
//! from its communities' figures, and the order in which the street's page lists them.
//!
//! A total is only as honest as its rule. Counts and money add up: every record belongs to one
//! community, so the street's 人次, 户, 个 and 元 are the sums of its communities'. A count of
//! distinct persons (人数) adds up too, because a resident's record lives in one community; a
//! person registered in two communities of the street is counted in each, which the page says.
//! A rate is never the mean of the communities' rates: its numerators and denominators are
//! summed and divided again, so a community of 10 issues weighs a tenth of one of 100. A mean
//! (the corridors' stars) is weighted the same way, by its sum and its count. Where a community
//! has no figure (its module is not running, or its details lack the parts) the street has no
//! total either, and says why, rather than a sum that leaves a community out.

use crate::indicators::Counts;

/// One community's figure of an indicator, reduced to what a total is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// A count or an amount in the indicator's smallest unit (fen for money, tenths of an hour
    /// for hours).
    Count(i64),
    /// A rate as its parts (0 of 0 when there was nothing to count).
    Ratio { numerator: i64, denominator: i64 },
    /// A mean as its parts: the sum of the values and how many there are.
    Mean { sum: i64, n: i64 },
    /// The community has no figure (module unavailable, or the parts are not known).
    Missing,
}

/// Why a street has no total of an indicator (the message catalogue's key is
/// `street.not_summable.<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSummable {
    /// At least one community has no figure: a sum without it would understate the street.
    MissingCommunity,
    /// The communities' figures are not of the kind the indicator's rule needs (a rate
    /// without its numerator and denominator, say).
    NoParts,
    /// The street has no community yet.
    NoCommunity,
}

impl NotSummable {
    pub fn code(self) -> &'static str {
        match self {
            NotSummable::MissingCommunity => "missing_community",
            NotSummable::NoParts => "no_parts",
            NotSummable::NoCommunity => "no_community",
        }
    }
}

/// The street's total of one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// The sum of the communities' counts (same unit as [`Share::Count`]).
    Sum(i64),
    /// Summed numerators over summed denominators.
    Rate {
        numerator: i64,
        denominator: i64,
    },
    /// Summed values over summed counts (a weighted mean).
    Mean {
        sum: i64,
        n: i64,
    },
    NotSummable(NotSummable),
}

impl Total {
    /// The rule's name as the JSON answer states it.
    pub fn rule(&self) -> &'static str {
        match self {
            Total::Sum(_) => "sum",
            Total::Rate { .. } => "ratio_of_sums",
            Total::Mean { .. } => "weighted_mean",
            Total::NotSummable(_) => "not_summable",
        }
    }

    /// The total as a number in the indicator's unit of account (a rate 0-1, a mean, a count in
    /// the share's unit); `None` when there is nothing to divide by or no total.
    pub fn value(&self) -> Option<f64> {
        match *self {
            Total::Sum(n) => Some(n as f64),
            Total::Rate { numerator, denominator } => {
                (denominator > 0).then(|| numerator as f64 / denominator as f64)
            }
            Total::Mean { sum, n } => (n > 0).then(|| sum as f64 / n as f64),
            Total::NotSummable(_) => None,
        }
    }
}

/// How a street's total of an indicator counted as `counts` is made from its communities'
/// shares (see the module's notes).
pub fn total(counts: Counts, shares: &[Share]) -> Total {
    if shares.is_empty() {
        return Total::NotSummable(NotSummable::NoCommunity);
    }
    if shares.contains(&Share::Missing) {
        return Total::NotSummable(NotSummable::MissingCommunity);
    }
    match counts {
        Counts::Times
        | Counts::Persons
        | Counts::Households
        | Counts::Items
        | Counts::Money
        | Counts::Hours => shares
            .iter()
            .try_fold(0i64, |acc, s| match s {
                Share::Count(n) => Some(acc.saturating_add(*n)),
                _ => None,
            })
            .map_or(Total::NotSummable(NotSummable::NoParts), Total::Sum),
        Counts::Rate => shares
            .iter()
            .try_fold((0i64, 0i64), |(n, d), s| match s {
                Share::Ratio { numerator, denominator } => {
                    Some((n.saturating_add(*numerator), d.saturating_add(*denominator)))
                }
                _ => None,
            })
            .map_or(Total::NotSummable(NotSummable::NoParts), |(numerator, denominator)| {
                Total::Rate { numerator, denominator }
            }),
        Counts::Average => shares
            .iter()
            .try_fold((0i64, 0i64), |(s, k), share| match share {
                Share::Mean { sum, n } => Some((s.saturating_add(*sum), k.saturating_add(*n))),
                _ => None,
            })
            .map_or(Total::NotSummable(NotSummable::NoParts), |(sum, n)| Total::Mean { sum, n }),
    }
}

/// A share's value for ordering: a count as it is, a rate or mean as its quotient; nothing to
/// divide by and missing figures sort as the smallest.
pub fn sort_value(share: &Share) -> Option<f64> {
    match *share {
        Share::Count(n) => Some(n as f64),
        Share::Ratio { numerator, denominator } => {
            (denominator > 0).then(|| numerator as f64 / denominator as f64)
        }
        Share::Mean { sum, n } => (n > 0).then(|| sum as f64 / n as f64),
        Share::Missing => None,
    }
}

/// The order of the street's communities (indexes into `rows`) by one column: `key` gives a
/// community's value in that column. Ascending or descending, figures that are not there last
/// either way, ties in the order given (the place tree's), so the order is stable.
pub fn order_by<T>(rows: &[T], key: impl Fn(&T) -> Option<f64>, descending: bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    let keyed: Vec<Option<f64>> = rows.iter().map(key).collect();
    idx.sort_by(|a, b| {
        let (ka, kb) = (keyed.get(*a).copied().flatten(), keyed.get(*b).copied().flatten());
        match (ka, kb) {
            (Some(x), Some(y)) => {
                let o = x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal);
                if descending { o.reverse() } else { o }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_money_add_up_across_communities() {
        let shares = [Share::Count(8_012), Share::Count(2_140), Share::Count(1_733)];
        assert_eq!(total(Counts::Persons, &shares), Total::Sum(11_885));
        assert_eq!(
            total(Counts::Money, &[Share::Count(6_123_450), Share::Count(0), Share::Count(1)]),
            Total::Sum(6_123_451)
        );
        assert_eq!(total(Counts::Hours, &[Share::Count(15), Share::Count(25)]).value(), Some(40.0));
    }

    #[test]
    fn a_rate_is_recomputed_from_summed_parts_not_averaged() {
        // 9 of 10 and 50 of 100: the mean of the rates would be 70%, the street's rate is 59/110.
        let shares = [
            Share::Ratio { numerator: 9, denominator: 10 },
            Share::Ratio { numerator: 50, denominator: 100 },
        ];
        let t = total(Counts::Rate, &shares);
        assert_eq!(t, Total::Rate { numerator: 59, denominator: 110 });
        assert_eq!(t.rule(), "ratio_of_sums");
        assert!((t.value().unwrap() - 59.0 / 110.0).abs() < 1e-12);
    }

    #[test]
    fn a_rate_with_nothing_to_divide_by_has_no_value_but_keeps_its_parts() {
        let zero = Share::Ratio { numerator: 0, denominator: 0 };
        let t = total(Counts::Rate, &[zero, zero]);
        assert_eq!(t, Total::Rate { numerator: 0, denominator: 0 });
        assert_eq!(t.value(), None);
    }

    #[test]
    fn a_mean_is_weighted_by_how_many_each_community_counts() {
        // 4 corridors at 5 stars and 1 at 1 star: 21/5, not (5 + 1) / 2.
        let t =
            total(Counts::Average, &[Share::Mean { sum: 20, n: 4 }, Share::Mean { sum: 1, n: 1 }]);
        assert_eq!(t, Total::Mean { sum: 21, n: 5 });
        assert_eq!(t.value(), Some(4.2));
        assert_eq!(t.rule(), "weighted_mean");
    }

    #[test]
    fn a_community_without_the_figure_leaves_the_street_without_a_total() {
        let t = total(Counts::Items, &[Share::Count(3), Share::Missing]);
        assert_eq!(t, Total::NotSummable(NotSummable::MissingCommunity));
        assert_eq!(t.value(), None);
        assert_eq!(t.rule(), "not_summable");
    }

    #[test]
    fn a_rate_given_as_a_bare_number_is_not_summed() {
        assert_eq!(
            total(Counts::Rate, &[Share::Count(1), Share::Count(0)]),
            Total::NotSummable(NotSummable::NoParts)
        );
        assert_eq!(
            total(Counts::Times, &[Share::Mean { sum: 1, n: 1 }]),
            Total::NotSummable(NotSummable::NoParts)
        );
        assert_eq!(total(Counts::Times, &[]), Total::NotSummable(NotSummable::NoCommunity));
    }

    #[test]
    fn communities_sort_by_a_column_with_missing_figures_last() {
        let rows = [Some(3.0), None, Some(10.0), Some(3.0)];
        assert_eq!(order_by(&rows, |r| *r, true), vec![2, 0, 3, 1]);
        assert_eq!(order_by(&rows, |r| *r, false), vec![0, 3, 2, 1]);
        assert_eq!(sort_value(&Share::Ratio { numerator: 1, denominator: 4 }), Some(0.25));
        assert_eq!(sort_value(&Share::Mean { sum: 0, n: 0 }), None);
    }
}
