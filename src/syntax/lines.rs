use crate::finding::{Position, Span};

/// Maps byte offsets to 1-based lines and byte columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(src: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_iter(src).map(|i| i + 1));
        LineIndex { starts }
    }

    pub fn position(&self, byte: usize) -> Position {
        let line = match self.starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        Position {
            line: line + 1,
            column: byte - self.starts[line] + 1,
        }
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        Span {
            start_byte: start,
            end_byte: end,
            start: self.position(start),
            end: self.position(end),
        }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

fn memchr_iter(src: &[u8]) -> impl Iterator<Item = usize> + '_ {
    src.iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_byte_columns() {
        let idx = LineIndex::new(b"ab\ncd\r\n\xc3\xa9x");
        assert_eq!(idx.position(0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(4), Position { line: 2, column: 2 });
        // 'x' follows a two-byte character: column counts bytes.
        assert_eq!(idx.position(9), Position { line: 3, column: 3 });
        assert_eq!(idx.line_start(3), Some(7));
        assert_eq!(idx.line_count(), 3);
    }
}
