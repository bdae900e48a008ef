//! The library's error type. Messages name positions and causes, never document text.

use std::fmt;

/// What went wrong. `#[non_exhaustive]` so new kinds do not break callers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The configuration is invalid (unknown label, bad value, unreadable file).
    Config,
    /// Bundled or user-supplied data (dictionaries, model files) could not be loaded.
    Data,
    /// A detector failed on a document; the document must be treated as failed.
    Detector,
    /// Input could not be read or parsed (malformed JSON, invalid UTF-8, missing field).
    Input,
    /// An I/O operation failed.
    Io,
    /// The work was cancelled before it finished (a deadline passed, the caller
    /// went away, the server is stopping); the document has no output.
    Cancelled,
}

/// An error with a kind and a message that never contains document text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into() }
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, message)
    }

    pub fn data(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Data, message)
    }

    pub fn input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Input, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        // io::Error messages carry OS reasons and paths, not document text.
        Error::new(ErrorKind::Io, e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, Error>;
