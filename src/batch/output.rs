//! Where a batch run writes, so that no run destroys its input or leaves a
//! partial file behind that looks complete.
//!
//! A regular output file is written to a temporary file in the same directory
//! and renamed over the destination only when the run finished
//! ([`Output::commit`]); a run that stops early (an error, a kill) leaves the
//! destination as it was. Input and output that are the same file (the same
//! device and inode, whatever the path, symlink or hard link) are refused
//! before anything is opened for writing.

use same_file::Handle;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The destination of a batch run's records.
pub enum Output {
    Stdout(io::Stdout),
    /// Not a regular file (a device, a pipe): written in place, it cannot be renamed over.
    Direct(File),
    /// A regular file, written beside its destination and renamed into place by [`Output::commit`].
    Atomic { temp: NamedTempFile, destination: PathBuf },
}

impl Output {
    /// Opens the output for `path` (`None` or `-`: stdout). `input` is the open input
    /// (a file or stdin), checked to be a different file from the output.
    pub fn open(path: Option<&Path>, input: Option<&Handle>) -> io::Result<Output> {
        // Only regular files: a terminal on both stdin and stdout is not a clash.
        let is_input = |out: io::Result<Handle>| {
            out.is_ok_and(|out| Some(&out) == input && out.as_file().metadata().is_ok_and(|m| m.is_file()))
        };
        let path = match path {
            Some(p) if p != Path::new("-") => p,
            _ => {
                if is_input(Handle::stdout()) {
                    return Err(same_file_error());
                }
                return Ok(Output::Stdout(io::stdout()));
            }
        };
        if is_input(Handle::from_path(path)) {
            return Err(same_file_error());
        }
        match fs::metadata(path) {
            Ok(meta) if !meta.is_file() => Ok(Output::Direct(File::create(path)?)),
            Ok(meta) => {
                // Rename over the file a symlink points to, not over the link; keep its permissions.
                let destination = fs::canonicalize(path)?;
                let temp = NamedTempFile::new_in(parent(&destination))?;
                temp.as_file().set_permissions(meta.permissions())?;
                Ok(Output::Atomic { temp, destination })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let temp = NamedTempFile::new_in(parent(path))?;
                Ok(Output::Atomic { temp, destination: path.to_path_buf() })
            }
            Err(e) => Err(e),
        }
    }

    /// Where to write the records.
    pub fn writer(&mut self) -> Box<dyn Write + '_> {
        match self {
            Output::Stdout(out) => Box::new(out.lock()),
            Output::Direct(file) => Box::new(file),
            Output::Atomic { temp, .. } => Box::new(temp.as_file_mut()),
        }
    }

    /// Makes the written records the output: the temporary file is synced and
    /// renamed over the destination. Dropping an `Output` without committing
    /// removes the temporary file and leaves the destination untouched.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.lock().flush(),
            Output::Direct(mut file) => file.flush(),
            Output::Atomic { temp, destination } => {
                temp.as_file().sync_all()?;
                temp.persist(&destination).map(drop).map_err(|e| e.error)
            }
        }
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn same_file_error() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "it is the input file: writing it would destroy the input; choose another --output")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handle(path: &Path) -> Handle {
        Handle::from_path(path).unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn the_same_file_is_refused_by_path_symlink_and_hard_link() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        fs::write(&input, "{}\n").unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let hard = dir.path().join("hard.jsonl");
        fs::hard_link(&input, &hard).unwrap();
        for out in [&input, &link, &hard] {
            let err = Output::open(Some(out), Some(&handle(&input))).err().expect("refused");
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        }
        assert_eq!(fs::read(&input).unwrap(), b"{}\n", "the input is untouched");
    }

    #[test]
    fn nothing_reaches_the_destination_before_commit() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        fs::write(&input, "x").unwrap();
        let dest = dir.path().join("out.jsonl");
        fs::write(&dest, "old").unwrap();
        let mut out = Output::open(Some(&dest), Some(&handle(&input))).unwrap();
        out.writer().write_all(b"new").unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"old");
        out.commit().unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left");
    }

    #[test]
    fn an_uncommitted_output_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        fs::write(&input, "x").unwrap();
        let dest = dir.path().join("out.jsonl");
        let mut out = Output::open(Some(&dest), Some(&handle(&input))).unwrap();
        out.writer().write_all(b"partial").unwrap();
        drop(out);
        assert!(!dest.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn writing_through_a_symlink_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        fs::write(&input, "x").unwrap();
        let target = dir.path().join("target.jsonl");
        fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let mut out = Output::open(Some(&link), Some(&handle(&input))).unwrap();
        out.writer().write_all(b"new").unwrap();
        out.commit().unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&target).unwrap(), b"new");
    }
}
