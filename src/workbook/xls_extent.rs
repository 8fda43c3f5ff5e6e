//! How far each sheet of an `.xls` spreads, from its cell records, before
//! calamine reads it. calamine builds every sheet at once as a dense range
//! over its cells' bounding box (and reserves what a sheet's DIMENSIONS
//! record claims), so two cells far apart — A1 and IV65536 — made a 5 KB
//! file take 1.6 GB. The scan reads the compound file and the BIFF records
//! itself; when anything is not as expected it says nothing (`None`), and
//! calamine reads the file and explains what is wrong with it.

/// A worksheet's name (from its BOUNDSHEET record, when readable) and the
/// cells calamine would allocate for it.
#[derive(Debug, PartialEq)]
pub(super) struct Spread {
    pub name: Option<String>,
    pub cells: u64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

/// The compound file's sectors and allocation table.
struct Compound<'a> {
    bytes: &'a [u8],
    shift: u32,
    fat: Vec<u32>,
}

impl<'a> Compound<'a> {
    fn open(bytes: &'a [u8]) -> Option<Compound<'a>> {
        let shift = u32::from(u16_at(bytes, 0x1E)?);
        if shift != 9 && shift != 12 {
            return None;
        }
        let per = (1usize << shift) / 4;
        let mut c = Compound {
            bytes,
            shift,
            fat: Vec::new(),
        };
        // The sectors that hold the allocation table: 109 in the header,
        // the rest in a chain of DIFAT sectors (each ends with the next).
        let mut fat_sectors: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
            .take(u32_at(bytes, 0x2C)? as usize)
            .collect();
        let mut next = u32_at(bytes, 0x44)?;
        let mut hops = 0;
        while next < END_OF_CHAIN && hops < bytes.len() >> shift {
            let s = c.sector(next)?;
            fat_sectors.extend((0..per - 1).filter_map(|i| u32_at(s, 4 * i)));
            next = u32_at(s, 4 * (per - 1))?;
            hops += 1;
        }
        for n in fat_sectors.into_iter().filter(|&n| n < END_OF_CHAIN) {
            let s = c.sector(n)?;
            c.fat.extend((0..per).filter_map(|i| u32_at(s, 4 * i)));
        }
        Some(c)
    }

    fn sector(&self, n: u32) -> Option<&'a [u8]> {
        let size = 1usize << self.shift;
        let at = (n as usize).checked_add(1)?.checked_mul(size)?;
        self.bytes.get(at..at + size)
    }

    /// The bytes of a chain from `start`, at most `len`; a loop or a
    /// sector past the table ends it (`None`).
    fn chain(&self, start: u32, len: usize) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(len.min(self.bytes.len()));
        let mut n = start;
        while out.len() < len {
            if n >= END_OF_CHAIN || out.len() > self.bytes.len() {
                return None;
            }
            out.extend_from_slice(self.sector(n)?);
            n = *self.fat.get(n as usize)?;
        }
        out.truncate(len);
        Some(out)
    }

    /// The workbook stream (`Workbook`, or `Book` in BIFF5).
    fn workbook(&self) -> Option<Vec<u8>> {
        let dir_start = u32_at(self.bytes, 0x30)?;
        let dir = self.whole_chain(dir_start)?;
        let cutoff = u32_at(self.bytes, 0x38)? as usize;
        let mut root = None;
        let mut found = None;
        for e in dir.chunks_exact(128) {
            let name_len = (u16_at(e, 64)? as usize).min(64);
            let name: String = char::decode_utf16(
                e[..name_len.saturating_sub(2)]
                    .chunks_exact(2)
                    .map(|p| u16::from_le_bytes([p[0], p[1]])),
            )
            .map(|c| c.unwrap_or('\u{FFFD}'))
            .collect();
            let (kind, start, size) = (e[66], u32_at(e, 116)?, u32_at(e, 120)? as usize);
            if kind == 5 {
                root = Some((start, size));
            }
            if kind == 2 && found.is_none() && (name == "Workbook" || name == "Book") {
                found = Some((start, size));
            }
        }
        let (start, size) = found?;
        if size > self.bytes.len() {
            return None;
        }
        if size >= cutoff {
            return self.chain(start, size);
        }
        // A small stream lives in the mini stream, by the mini table.
        let (root_start, root_size) = root?;
        let mini = self.chain(root_start, root_size.min(self.bytes.len()))?;
        let minifat_bytes = self.chain(
            u32_at(self.bytes, 0x3C)?,
            (u32_at(self.bytes, 0x40)? as usize) << self.shift,
        )?;
        let minifat: Vec<u32> = (0..minifat_bytes.len() / 4)
            .filter_map(|i| u32_at(&minifat_bytes, 4 * i))
            .collect();
        // Mini sectors are 64 bytes in every version of the format.
        let mini_shift = u16_at(self.bytes, 0x20)?;
        if mini_shift != 6 {
            return None;
        }
        let mini_size = 1usize << mini_shift;
        let mut out = Vec::with_capacity(size);
        let mut n = start;
        while out.len() < size {
            if n >= END_OF_CHAIN || out.len() > mini.len() {
                return None;
            }
            let at = (n as usize).checked_mul(mini_size)?;
            out.extend_from_slice(mini.get(at..at + mini_size)?);
            n = *minifat.get(n as usize)?;
        }
        out.truncate(size);
        Some(out)
    }

    /// A chain read to its end (the directory's length is not stored).
    fn whole_chain(&self, start: u32) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut n = start;
        while n < END_OF_CHAIN {
            if out.len() > self.bytes.len() {
                return None;
            }
            out.extend_from_slice(self.sector(n)?);
            n = *self.fat.get(n as usize)?;
        }
        Some(out)
    }
}

/// Each worksheet's spread, in the order its substream comes: the bounding
/// box of the records calamine makes cells of (not blanks), or what its
/// DIMENSIONS record claims, whichever is larger.
pub(super) fn spreads(bytes: &[u8]) -> Option<Vec<Spread>> {
    let stream = Compound::open(bytes)?.workbook()?;
    let mut names: Vec<Option<String>> = Vec::new();
    let mut out: Vec<Spread> = Vec::new();
    // Substreams nest (a chart inside a sheet): the sheet being read, if
    // the innermost open substream is a worksheet.
    let mut open: Vec<bool> = Vec::new();
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut claimed = 0u64;
    let mut at = 0usize;
    while at + 4 <= stream.len() {
        let typ = u16_at(&stream, at)?;
        let len = u16_at(&stream, at + 2)? as usize;
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        match typ {
            0x0809 => open.push(open.is_empty() && u16_at(data, 2) == Some(0x0010)),
            0x000A => {
                let ends_a_sheet = open.pop() == Some(true) && open.is_empty();
                if ends_a_sheet {
                    let area = bounds.map_or(0, |(r0, r1, c0, c1)| {
                        u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
                    });
                    out.push(Spread {
                        name: names.get(out.len()).cloned().flatten(),
                        cells: area.max(claimed),
                    });
                    bounds = None;
                    claimed = 0;
                }
            }
            // BOUNDSHEET in the globals: a worksheet's name (dt 0).
            0x0085 if open.len() == 1 && !open[0] && data.get(5) == Some(&0) => {
                names.push(boundsheet_name(data));
            }
            _ if open.len() == 1 && open[0] => {
                let cell = |r: u32, c0: u32, c1: u32, b: &mut Option<(u32, u32, u32, u32)>| {
                    *b = Some(match *b {
                        None => (r, r, c0, c1),
                        Some((r0, r1, a, z)) => (r0.min(r), r1.max(r), a.min(c0), z.max(c1)),
                    });
                };
                match typ {
                    0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                        let (r, c) = (u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?));
                        cell(r, c, c, &mut bounds);
                    }
                    0x00BD => {
                        let (r, c0) = (u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?));
                        let c1 = u32::from(u16_at(data, data.len().checked_sub(2)?)?);
                        if c1 >= c0 {
                            cell(r, c0, c1, &mut bounds);
                        }
                    }
                    0x0200 => {
                        // DIMENSIONS: calamine reserves this much, its sums
                        // done as it does them (u32, wrapping).
                        let (r0, r1, c0, c1) = match len {
                            10 => (
                                u32::from(u16_at(data, 0)?),
                                u32::from(u16_at(data, 2)?),
                                u32::from(u16_at(data, 4)?),
                                u32::from(u16_at(data, 6)?),
                            ),
                            14 | 16 => (
                                u32_at(data, 0)?,
                                u32_at(data, 4)?,
                                u32::from(u16_at(data, 8)?),
                                u32::from(u16_at(data, 10)?),
                            ),
                            _ => continue,
                        };
                        let c0 = if c0 > 0xFF || c1 < c0 { 0 } else { c0 };
                        let (end_r, end_c) = if r1 >= 1 && c1 >= 1 {
                            (r1 - 1, c1 - 1)
                        } else {
                            (r0, c0)
                        };
                        let rows = end_r.wrapping_sub(r0).wrapping_add(1);
                        let cols = end_c.wrapping_sub(c0).wrapping_add(1);
                        claimed = claimed.max(u64::from(rows) * u64::from(cols));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// The name in a BOUNDSHEET record: a length, a flag (UTF-16 or Latin-1),
/// the characters.
fn boundsheet_name(data: &[u8]) -> Option<String> {
    let n = *data.get(6)? as usize;
    let wide = data.get(7)? & 1 == 1;
    let chars = data.get(8..)?;
    if wide {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(n)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        String::from_utf16(&units).ok()
    } else {
        Some(chars.iter().take(n).map(|&b| char::from(b)).collect())
    }
}
