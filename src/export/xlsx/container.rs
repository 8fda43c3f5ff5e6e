//! The package's zip container, written in one pass: each part deflated
//! raw by one compressor that the thread keeps and resets between parts,
//! and written behind its local header with a data descriptor after it;
//! the central directory at the end. The bytes are those the zip crate
//! writes for the same parts as a stream (`ZipWriter::new_stream`, files
//! dated 1980-01-01, Unix mode 0600, no extra fields), which the package
//! tests compare. The zip crate built a compressor for every part and
//! reset it when the part was done: for a normalized workbook of 24 small
//! parts that was a quarter of compressing it. The theme, the same in
//! every workbook, is deflated once a thread.

use std::cell::RefCell;

use flate2::{Compress, Compression, FlushCompress, Status};

/// Why a part could not be written: larger than a zip without its 64-bit
/// extensions holds (4 GiB), or more than 65,535 parts.
#[derive(Debug, thiserror::Error)]
#[error("部件 {0} 超出 zip 的大小（4 GiB）或部件数（65535）")]
pub struct TooLarge(pub String);

/// A part deflated: its CRC-32, its size, its deflated bytes.
#[derive(Clone)]
struct Deflated {
    crc: u32,
    size: u32,
    bytes: Vec<u8>,
}

thread_local! {
    /// The thread's compressor, with the level it was made for.
    static COMPRESSOR: RefCell<Option<(u32, Compress)>> = const { RefCell::new(None) };
    /// Parts that are the same in every package, deflated: by the address
    /// of their bytes and the level.
    static CONSTANT: RefCell<Vec<(usize, u32, Deflated)>> = const { RefCell::new(Vec::new()) };
}

/// `bytes` deflated raw at `level` onto the end of `out`.
fn deflate_onto(bytes: &[u8], level: u32, out: &mut Vec<u8>) {
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        let compress = match &mut *c {
            Some((l, compress)) if *l == level => {
                compress.reset();
                compress
            }
            slot => {
                &mut slot
                    .insert((level, Compress::new(Compression::new(level), false)))
                    .1
            }
        };
        out.reserve(bytes.len() / 3 + 64);
        // All the input first, then the end of the stream, as a writer of
        // the zip crate does (finishing in the same call as the input
        // would write the blocks otherwise).
        loop {
            let done = compress.total_in() as usize;
            let flush = if done < bytes.len() {
                FlushCompress::None
            } else {
                FlushCompress::Finish
            };
            let before = (compress.total_in(), compress.total_out());
            match compress.compress_vec(&bytes[done..], out, flush) {
                Ok(Status::StreamEnd) => break,
                Ok(_) => {
                    // Room was short: more, and on.
                    if out.len() == out.capacity()
                        || before == (compress.total_in(), compress.total_out())
                    {
                        out.reserve(out.capacity().max(4096));
                    }
                }
                // A raw stream compressed from memory cannot fail.
                Err(e) => unreachable!("deflate: {e}"),
            }
        }
    });
}

/// The zip container being written.
pub struct Container {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: usize,
    level: u32,
}

impl Container {
    /// A container whose parts are deflated at `level` (0–9).
    pub fn new(level: u32, capacity: usize) -> Container {
        Container {
            out: Vec::with_capacity(capacity),
            central: Vec::with_capacity(2048),
            entries: 0,
            level,
        }
    }

    /// Adds a part.
    ///
    /// # Errors
    /// [`TooLarge`] past the sizes of a zip without 64-bit extensions.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), TooLarge> {
        let size = u32::try_from(bytes.len()).map_err(|_| TooLarge(name.into()))?;
        let crc = crc32fast::hash(bytes);
        self.header(name)?;
        let start = self.out.len();
        deflate_onto(bytes, self.level, &mut self.out);
        let deflated = self.out.len() - start;
        self.descriptor(name, crc, size, deflated, start)
    }

    /// Adds a part that is the same in every package (`'static` bytes),
    /// deflated once a thread.
    ///
    /// # Errors
    /// As [`Container::add`].
    pub fn add_constant(&mut self, name: &str, bytes: &'static [u8]) -> Result<(), TooLarge> {
        let key = (bytes.as_ptr() as usize, self.level);
        let cached = CONSTANT.with(|c| {
            c.borrow()
                .iter()
                .find(|(p, l, _)| (*p, *l) == key)
                .map(|(.., d)| d.clone())
        });
        let d = match cached {
            Some(d) => d,
            None => {
                let size = u32::try_from(bytes.len()).map_err(|_| TooLarge(name.into()))?;
                let mut out = Vec::new();
                deflate_onto(bytes, self.level, &mut out);
                let d = Deflated {
                    crc: crc32fast::hash(bytes),
                    size,
                    bytes: out,
                };
                CONSTANT.with(|c| c.borrow_mut().push((key.0, key.1, d.clone())));
                d
            }
        };
        self.header(name)?;
        let start = self.out.len();
        self.out.extend_from_slice(&d.bytes);
        self.descriptor(name, d.crc, d.size, d.bytes.len(), start)
    }

    /// The local header: sizes and CRC in the data descriptor after the
    /// data (general purpose flag 3), as a streamed zip has them.
    fn header(&mut self, name: &str) -> Result<(), TooLarge> {
        let len = u16::try_from(name.len()).map_err(|_| TooLarge(name.into()))?;
        let o = &mut self.out;
        o.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        o.extend_from_slice(&20u16.to_le_bytes()); // version needed
        o.extend_from_slice(&8u16.to_le_bytes()); // data descriptor
        o.extend_from_slice(&8u16.to_le_bytes()); // deflated
        o.extend_from_slice(&0u16.to_le_bytes()); // 00:00:00
        o.extend_from_slice(&DATE.to_le_bytes());
        o.extend_from_slice(&[0; 12]); // CRC and sizes: after the data
        o.extend_from_slice(&len.to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        o.extend_from_slice(name.as_bytes());
        Ok(())
    }

    /// The data descriptor after a part's data, and its central entry.
    fn descriptor(
        &mut self,
        name: &str,
        crc: u32,
        size: u32,
        deflated: usize,
        data_start: usize,
    ) -> Result<(), TooLarge> {
        let too_large = || TooLarge(name.into());
        let deflated = u32::try_from(deflated).map_err(|_| too_large())?;
        let offset = data_start - 30 - name.len();
        let offset = u32::try_from(offset).map_err(|_| too_large())?;
        self.entries += 1;
        if self.entries > usize::from(u16::MAX) {
            return Err(too_large());
        }
        let o = &mut self.out;
        o.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
        o.extend_from_slice(&crc.to_le_bytes());
        o.extend_from_slice(&deflated.to_le_bytes());
        o.extend_from_slice(&size.to_le_bytes());
        let c = &mut self.central;
        c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        c.extend_from_slice(&0x0314u16.to_le_bytes()); // made by: Unix, 2.0
        c.extend_from_slice(&20u16.to_le_bytes());
        c.extend_from_slice(&8u16.to_le_bytes());
        c.extend_from_slice(&8u16.to_le_bytes());
        c.extend_from_slice(&0u16.to_le_bytes());
        c.extend_from_slice(&DATE.to_le_bytes());
        c.extend_from_slice(&crc.to_le_bytes());
        c.extend_from_slice(&deflated.to_le_bytes());
        c.extend_from_slice(&size.to_le_bytes());
        c.extend_from_slice(&(name.len() as u16).to_le_bytes());
        c.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
        c.extend_from_slice(&(0o100_600u32 << 16).to_le_bytes()); // a file, rw-------
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        Ok(())
    }

    /// The central directory and its end record after the parts.
    ///
    /// # Errors
    /// [`TooLarge`] for a package past 4 GiB.
    pub fn finish(mut self) -> Result<Vec<u8>, TooLarge> {
        let too_large = || TooLarge("central directory".into());
        let at = u32::try_from(self.out.len()).map_err(|_| too_large())?;
        let size = u32::try_from(self.central.len()).map_err(|_| too_large())?;
        let n = self.entries as u16;
        self.out.extend_from_slice(&self.central);
        let o = &mut self.out;
        o.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        o.extend_from_slice(&[0; 4]); // this disk, the directory's disk
        o.extend_from_slice(&n.to_le_bytes());
        o.extend_from_slice(&n.to_le_bytes());
        o.extend_from_slice(&size.to_le_bytes());
        o.extend_from_slice(&at.to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes()); // no comment
        Ok(self.out)
    }
}

/// 1980-01-01 in MS-DOS form: the zip crate's default date.
const DATE: u16 = (1 << 5) | 1;
