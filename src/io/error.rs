use std::path::PathBuf;

/// Why a file could not be read. The message names the file and, where known, the line.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read the file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: the file is empty", path.display())]
    Empty { path: PathBuf },
    #[error("{}: not a text file (invalid UTF-8 at byte {offset})", path.display())]
    NotText { path: PathBuf, offset: usize },
    #[error("{}: unknown file type '.{extension}': expected a .ron network, a .m MATPOWER case or a .json pandapower network", path.display())]
    UnknownKind { path: PathBuf, extension: String },
    /// A syntax or content error at a line (and column, where the format reports one).
    #[error("{}:{line}{}: {message}", path.display(), column.map(|c| format!(":{c}")).unwrap_or_default())]
    AtLine {
        path: PathBuf,
        line: usize,
        column: Option<usize>,
        message: String,
    },
    /// A problem with the file as a whole.
    #[error("{}: {message}", path.display())]
    Content { path: PathBuf, message: String },
}

/// An error found while parsing text, before the file name is known.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based line number; 0 when the error concerns the whole text.
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
}

impl ParseError {
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        ParseError {
            line,
            column: None,
            message: message.into(),
        }
    }

    /// Attaches the file name.
    pub fn in_file(self, path: &std::path::Path) -> LoadError {
        let path = path.to_path_buf();
        if self.line == 0 {
            LoadError::Content {
                path,
                message: self.message,
            }
        } else {
            LoadError::AtLine {
                path,
                line: self.line,
                column: self.column,
                message: self.message,
            }
        }
    }
}
