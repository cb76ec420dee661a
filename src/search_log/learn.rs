//! Phrasings learned from the search log (`[search] learn_from_log = true`): a query after which
//! the user opened an answer and searched no more is how that user asks that answer's question,
//! like the question text of a ticket the answer solved. Such a query joins the answer's
//! search phrasings once it led there on `learn_min_days` distinct days, so that one user on
//! one day cannot teach search; queries of one meaning ([`super::meaning::key`]) count together,
//! and the spelling typed most often is the one learned.

use std::collections::HashMap;

use jiff::civil::Date;
use rustc_hash::FxHashMap;

use super::{Query, Search, Sink};
use crate::model::ArticleId;

#[derive(Default)]
struct Pair {
    forms: FxHashMap<String, u32>,
    /// Distinct days, up to the minimum (more says nothing more).
    days: Vec<Date>,
}

pub struct Learner {
    min_days: usize,
    pairs: FxHashMap<(String, ArticleId), Pair>,
}

impl Learner {
    pub fn new(min_days: u32) -> Learner {
        Learner {
            min_days: min_days.max(1) as usize,
            pairs: FxHashMap::default(),
        }
    }

    /// The phrasings learned, per answer: most searched first.
    pub fn phrasings(self) -> HashMap<ArticleId, Vec<String>> {
        let mut learned: HashMap<ArticleId, Vec<(String, u32)>> = HashMap::new();
        for ((_, answer), pair) in self.pairs {
            if pair.days.len() < self.min_days {
                continue;
            }
            let total = pair.forms.values().sum();
            let form = pair
                .forms
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .expect("a pair has a form")
                .0;
            learned.entry(answer).or_default().push((form, total));
        }
        learned
            .into_iter()
            .map(|(answer, mut forms)| {
                forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                (answer, forms.into_iter().map(|(f, _)| f).collect())
            })
            .collect()
    }
}

impl Sink for Learner {
    fn add(&mut self, search: &Search) {
        let (Query::Text(text), Some(answer), true) = (&search.query, &search.opened, search.last)
        else {
            return;
        };
        if search.key.is_empty() {
            return;
        }
        let pair = self
            .pairs
            .entry((search.key.clone(), answer.clone()))
            .or_default();
        *pair.forms.entry(text.clone()).or_default() += 1;
        let day = search.time.date;
        if pair.days.len() < self.min_days && !pair.days.contains(&day) {
            pair.days.push(day);
        }
    }
}
