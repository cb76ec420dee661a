//! The fix steps: the first ordered list under a steps heading (`Settings::steps_headings`)
//! has its items numbered `#step-N`, and each step's text and HTML kept for captions and the
//! presentation views.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Renderer, Step};

impl Renderer<'_, '_> {
    pub(super) fn list_start(&mut self, start: Option<u64>) {
        self.list_depth += 1;
        if self.steps_list.is_none()
            && self.in_steps_section
            && !self.steps_done
            && self.input.steps
            && let Some(first) = start
        {
            self.steps_list = Some((self.list_depth, first));
        }
        self.out.push(Event::Start(Tag::List(start)));
    }

    pub(super) fn list_end(&mut self, ordered: bool) {
        if self
            .steps_list
            .is_some_and(|(depth, _)| depth == self.list_depth)
        {
            self.steps_list = None;
            self.steps_done = true;
        }
        self.list_depth -= 1;
        self.out.push(Event::End(TagEnd::List(ordered)));
    }

    pub(super) fn item_start(&mut self) {
        match &mut self.steps_list {
            Some((depth, next)) if *depth == self.list_depth => {
                let number = *next;
                *next += 1;
                let id = format!("step-{number}");
                self.out.push(Event::Html(
                    format!("<li id=\"{id}\" class=\"step\">").into(),
                ));
                self.doc.anchors.insert(id.clone());
                self.doc.steps.push(Step {
                    number,
                    id,
                    text: String::new(),
                    html: String::new(),
                });
                self.step_text = Some(String::new());
                self.step_start = self.out.len();
            }
            _ => self.out.push(Event::Start(Tag::Item)),
        }
    }

    pub(super) fn item_end(&mut self) {
        if self
            .steps_list
            .is_some_and(|(depth, _)| depth == self.list_depth)
            && let (Some(text), Some(step)) = (self.step_text.take(), self.doc.steps.last_mut())
        {
            step.text = text.trim().to_string();
            pulldown_cmark::html::push_html(
                &mut step.html,
                self.out[self.step_start..].iter().cloned(),
            );
        }
        self.end_block();
        self.out.push(Event::End(TagEnd::Item));
    }
}
