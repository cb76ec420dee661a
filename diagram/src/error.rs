use std::fmt;

/// A problem in a diagram block, located inside the block.
///
/// `line` is 1-based and counts the lines of the block's content (line 1 is the line right after
/// the opening ```` ```mermaid ```` fence); `column` is 1-based and counts characters (Unicode
/// scalar values, so a Chinese character is one column), which is what editors show. The
/// generator turns these into `file:line:col` by adding the fence's line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl DiagramError {
    pub(crate) fn new(line: usize, column: usize, message: impl Into<String>) -> Self {
        DiagramError {
            line,
            column,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for DiagramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DiagramError {}
