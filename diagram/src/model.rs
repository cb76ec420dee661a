//! The parsed flowchart: what the author wrote, before any geometry.

/// Flow direction of the whole chart (`flowchart TD`, `graph LR`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    TopDown,
    BottomUp,
    LeftRight,
    RightLeft,
}

impl Direction {
    /// True when ranks advance horizontally; the layout then runs in a transposed space.
    pub fn is_horizontal(self) -> bool {
        matches!(self, Direction::LeftRight | Direction::RightLeft)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `A[text]`
    Rect,
    /// `A(text)`: rectangle with rounded corners.
    Round,
    /// `A([text])`: pill.
    Stadium,
    /// `A{text}`: decision.
    Diamond,
    /// `A((text))`
    Circle,
    /// `A[[text]]`: predefined process.
    Subroutine,
    /// `A{{text}}`
    Hexagon,
}

impl Shape {
    /// Class name used in the SVG, and the word used in the text alternative.
    pub fn class(self) -> &'static str {
        match self {
            Shape::Rect => "rect",
            Shape::Round => "round",
            Shape::Stadium => "stadium",
            Shape::Diamond => "diamond",
            Shape::Circle => "circle",
            Shape::Subroutine => "subroutine",
            Shape::Hexagon => "hexagon",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    /// Label with explicit line breaks (`<br>`) already split out.
    pub label: Vec<String>,
    pub shape: Shape,
    /// Index into `Flowchart::subgraphs` of the innermost subgraph holding the node.
    pub parent: Option<usize>,
    /// 1-based line of the first mention, for messages.
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    Normal,
    Dotted,
    Thick,
    /// `~~~`: affects the layout, is not drawn.
    Invisible,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    None,
    Arrow,
    Circle,
    Cross,
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: Vec<String>,
    pub stroke: Stroke,
    pub head_start: Head,
    pub head_end: Head,
    /// Extra length requested by longer arrows (`--->` is 2, `-->` is 1).
    pub length: usize,
}

#[derive(Debug, Clone)]
pub struct Subgraph {
    pub id: String,
    pub title: Vec<String>,
    pub parent: Option<usize>,
    pub line: usize,
}

/// A whole `flowchart` block.
#[derive(Debug, Clone)]
pub struct Flowchart {
    pub direction: Direction,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub subgraphs: Vec<Subgraph>,
    /// `accTitle:` or the front matter's `title:`.
    pub acc_title: Option<String>,
    /// `accDescr:` or `accDescr { … }`.
    pub acc_descr: Option<String>,
}
