//! What an `.xls` would make calamine allocate, read from the file itself
//! before calamine opens it. calamine follows the compound file's sector
//! chains as far as they claim (a chain that loops grows without end),
//! builds every sheet at once as a dense range over its cells' bounding box
//! (and reserves what a sheet's DIMENSIONS record claims), and copies a
//! shared string into every cell that refers to it. So two cells far apart
//! (A1 and IV65536) made a 5 KB file take 1.6 GB, a directory chain that
//! loops took 8 GB, and one long shared string referred to by 100,000 cells
//! takes gigabytes.
//!
//! The scan walks the file as calamine 0.38 does (`cfb.rs`: which chains
//! it follows and how far, streams found by name ignoring ASCII case,
//! `Workbook` then `Book`, a stream under 4096 bytes in the mini stream;
//! `xls.rs`: the shared-string table and the cell records) and says how far
//! each sheet spreads and how much text the cells decode to. A file the
//! scan cannot follow is refused with the reason: calamine is never handed
//! a file whose allocations were not bounded first.

/// A sheet's name (from its BOUNDSHEET record, when readable) and the
/// cells calamine would allocate for it: the bounding box of the records it
/// makes cells of (not blanks), or what its DIMENSIONS record claims,
/// whichever is larger.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Spread {
    pub name: Option<String>,
    pub cells: u64,
}

/// What calamine would allocate for a file.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Extent {
    /// Each sheet's spread, in the order BOUNDSHEET lists them.
    pub spreads: Vec<Spread>,
    /// UTF-8 bytes (at most) of the shared strings copied into cells.
    pub shared_text: u64,
}

/// Why the scan could not follow the file (said after 文件结构无法读取).
pub(super) type Unreadable = &'static str;

/// A record that runs past the end of the stream.
const CUT: Unreadable = "工作簿数据流中的记录不完整";

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// DIFAT entries at or past this are not sectors (calamine's `DIFSECT`).
const DIFSECT: u32 = 0xFFFF_FFFC;
/// The DIFAT chain goes on while below this (calamine's `RESERVED_SECTORS`).
const RESERVED: u32 = 0xFFFF_FFFA;
/// calamine reads a stream under this many bytes from the mini stream,
/// whatever cutoff the header gives.
const MINI_CUTOFF: usize = 4096;
/// Shared strings in one file: a budget workbook has a few thousand.
const SHARED_STRINGS: usize = super::limits::SHARED_STRINGS as usize;

/// The compound file's sectors and allocation table, as calamine reads them.
struct Compound<'a> {
    bytes: &'a [u8],
    size: usize,
    /// The largest sector number calamine reads (`len / sector size`).
    maxid: usize,
    fat: Vec<u32>,
}

/// A directory entry as calamine decodes it.
struct Entry {
    name: String,
    start: u32,
    len: u64,
}

impl<'a> Compound<'a> {
    fn open(bytes: &'a [u8]) -> Result<Compound<'a>, Unreadable> {
        const HEADER: Unreadable = "复合文档的文件头不完整";
        if bytes.len() < 512 {
            return Err(HEADER);
        }
        let size = match u16_at(bytes, 0x1E).ok_or(HEADER)? {
            9 => 512,
            12 => 4096,
            _ => return Err("复合文档的扇区大小无效"),
        };
        if u16_at(bytes, 0x20) != Some(6) {
            return Err("复合文档的迷你扇区大小无效");
        }
        let mut c = Compound {
            bytes,
            size,
            maxid: bytes.len() / size,
            fat: Vec::new(),
        };
        // The DIFAT: 109 entries in the header, then a chain of sectors,
        // each ending with the next one's number (bounded as calamine
        // bounds it: no more sectors than the file has).
        let mut difat: Vec<u32> = (0..109)
            .map(|i| u32_at(bytes, 0x4C + 4 * i).ok_or(HEADER))
            .collect::<Result<_, _>>()?;
        let mut next = u32_at(bytes, 0x44).ok_or(HEADER)?;
        let mut hops = 0usize;
        while next < RESERVED {
            hops += 1;
            if hops > c.maxid + 1 {
                return Err("复合文档的分配表链过长");
            }
            let s = c.sector(next)?;
            difat.extend(
                s.chunks_exact(4)
                    .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])),
            );
            next = difat.pop().ok_or("复合文档的分配表链中断")?;
        }
        for n in difat.into_iter().filter(|&n| n < DIFSECT) {
            let s = c.sector(n)?;
            c.fat.extend(
                s.chunks_exact(4)
                    .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])),
            );
        }
        Ok(c)
    }

    /// Sector `n` (the file's bytes after the header), short at the end of
    /// the file, as calamine reads it.
    fn sector(&self, n: u32) -> Result<&'a [u8], Unreadable> {
        let n = n as usize;
        if n > self.maxid {
            return Err("复合文档的扇区编号超出文件");
        }
        let at = (n + 1) * self.size;
        if at > self.bytes.len() {
            return Err("复合文档的扇区超出文件");
        }
        Ok(&self.bytes[at..(at + self.size).min(self.bytes.len())])
    }

    /// A chain of sectors from `start`, as calamine's `get_chain` copies
    /// it: `len` bytes, or to the chain's end, whichever comes first.
    fn chain(&self, start: u32, len: u64) -> Result<Vec<u8>, Unreadable> {
        let cap = self.bytes.len() + self.size;
        follow(&self.fat, start, len, cap, |n| self.sector(n))
    }

    /// The directory entries (calamine's `Directory::from_slice`).
    fn directory(&self) -> Result<Vec<Entry>, Unreadable> {
        let start = u32_at(self.bytes, 0x30).ok_or("复合文档的文件头不完整")?;
        let dir = self.chain(start, u64::MAX)?;
        let mut out = Vec::new();
        for e in dir.chunks_exact(128) {
            let units: Vec<u16> = e[..64]
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            let mut name: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{FFFD}'))
                .collect();
            if let Some(nul) = name.find('\0') {
                name.truncate(nul);
            }
            let len = if self.size == 512 {
                u64::from(u32_at(e, 120).unwrap_or(0))
            } else {
                u64_at(e, 120).unwrap_or(0)
            };
            out.push(Entry {
                name,
                start: u32_at(e, 116).unwrap_or(0),
                len,
            });
        }
        Ok(out)
    }

    /// The workbook stream (`Workbook`, or `Book` in BIFF5), found and
    /// read as calamine finds and reads it.
    fn workbook(&self) -> Result<Vec<u8>, Unreadable> {
        let dirs = self.directory()?;
        let root = dirs.first().ok_or("复合文档没有根目录")?;
        let version = u16_at(self.bytes, 0x1A).unwrap_or(0);
        if version != 3 && root.start == END_OF_CHAIN {
            return Err("复合文档的根目录为空");
        }
        let find = |name: &str| {
            dirs.iter()
                .find(|d| d.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
        };
        let stream = find("Workbook")
            .or_else(|| find("Book"))
            .ok_or("找不到工作簿数据流（Workbook）")?;
        if stream.len as usize >= MINI_CUTOFF {
            return self.chain(stream.start, stream.len);
        }
        // A small stream lives in the mini stream (the root's chain), by
        // the mini allocation table; calamine loads both only when the
        // header counts mini table sectors.
        let minifat_sectors = u32_at(self.bytes, 0x40).unwrap_or(0) as u64;
        if minifat_sectors == 0 {
            return Err("小工作簿数据流没有迷你分配表");
        }
        let mini = self.chain(root.start, root.len)?;
        let minifat_start = u32_at(self.bytes, 0x3C).ok_or("复合文档的文件头不完整")?;
        let minifat_bytes = self.chain(minifat_start, minifat_sectors * self.size as u64)?;
        let minifat: Vec<u32> = minifat_bytes
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        follow(&minifat, stream.start, stream.len, mini.len() + 64, |n| {
            let at = (n as usize).checked_mul(64).ok_or("迷你扇区编号超出范围")?;
            // Past the mini stream calamine reads on in the file, from
            // wherever it stands: never a real workbook's layout.
            mini.get(at..at + 64).ok_or("迷你扇区超出迷你流")
        })
    }
}

/// The units of a chain from `start` through `table` (the allocation
/// table, or the mini one), concatenated as calamine's `get_chain` does:
/// until `len` bytes or the end of the chain. More than `cap` bytes (the
/// file's own size) is a chain that loops: refused, where calamine would
/// grow it until `len`, or for ever.
fn follow<'a>(
    table: &[u32],
    start: u32,
    len: u64,
    cap: usize,
    unit: impl Fn(u32) -> Result<&'a [u8], Unreadable>,
) -> Result<Vec<u8>, Unreadable> {
    let mut out = Vec::new();
    let mut n = start;
    while n != END_OF_CHAIN {
        let bytes = unit(n)?;
        let room = len.saturating_sub(out.len() as u64);
        let take = bytes.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        out.extend_from_slice(&bytes[..take]);
        if out.len() as u64 >= len {
            break;
        }
        if out.len() > cap {
            return Err("复合文档的扇区链循环");
        }
        n = *table
            .get(n as usize)
            .ok_or("复合文档的扇区链指向分配表之外")?;
    }
    Ok(out)
}

/// The records of a stream as calamine's `RecordIter` cuts them: a type,
/// a length, the data, and the CONTINUE records after it taken with it.
struct Records<'a> {
    stream: &'a [u8],
}

/// One record: its type, its data and its CONTINUE records' data.
type Record<'a> = (u16, &'a [u8], Vec<&'a [u8]>);

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, Unreadable>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stream.len() < 4 {
            return (!self.stream.is_empty()).then_some(Err(CUT));
        }
        let typ = u16_at(self.stream, 0)?;
        let len = usize::from(u16_at(self.stream, 2)?);
        let Some(data) = self.stream.get(4..4 + len) else {
            self.stream = &[];
            return Some(Err(CUT));
        };
        self.stream = &self.stream[4 + len..];
        let mut cont = Vec::new();
        while self.stream.len() > 4 && u16_at(self.stream, 0) == Some(0x003C) {
            let l = usize::from(u16_at(self.stream, 2)?);
            let Some(c) = self.stream.get(4..4 + l) else {
                self.stream = &[];
                return Some(Err(CUT));
            };
            cont.push(c);
            self.stream = &self.stream[4 + l..];
        }
        Some(Ok((typ, data, cont)))
    }
}

/// Sheets a workbook may list: calamine builds every one at once.
const SHEETS: usize = 4096;

/// What the workbook globals give the sheets: where each sheet's records
/// start (BOUNDSHEET, every kind, as calamine reads them all) and its name,
/// and the size of each shared string. Read as calamine reads them: up to
/// the globals' EOF.
struct Globals {
    sheets: Vec<(usize, Option<String>)>,
    shared: Vec<u32>,
    /// UTF-8 bytes (at most) of the longest sheet name or defined name: what
    /// one token of a formula's text can be.
    longest_name: u32,
}

fn globals(stream: &[u8]) -> Result<Globals, Unreadable> {
    let mut g = Globals {
        sheets: Vec::new(),
        shared: Vec::new(),
        longest_name: 0,
    };
    for record in (Records { stream }) {
        let (typ, data, cont) = record?;
        match typ {
            0x0085 => {
                if g.sheets.len() == SHEETS {
                    return Err("工作表超过 4096 张");
                }
                let pos = u32_at(data, 0).ok_or("工作表目录记录不完整")?;
                let chars = u32::from(data.get(6).copied().unwrap_or(0));
                g.longest_name = g.longest_name.max(chars * 3);
                g.sheets.push((pos as usize, boundsheet_name(data)));
            }
            0x00FC => {
                let parts: Vec<&[u8]> = std::iter::once(data).chain(cont).collect();
                g.shared = shared_string_sizes(&parts)?;
            }
            // Lbl: a defined name, its length in characters.
            0x0018 => {
                let chars = u32::from(data.get(3).copied().unwrap_or(0));
                g.longest_name = g.longest_name.max(chars * 3);
            }
            0x000A => break,
            _ => {}
        }
    }
    Ok(g)
}

/// The bounding box of the cells met so far, `(r0, r1, c0, c1)`.
#[derive(Default)]
struct Bounds(Option<(u32, u32, u32, u32)>);

impl Bounds {
    fn add(&mut self, r: u32, c0: u32, c1: u32) {
        self.0 = Some(match self.0 {
            None => (r, r, c0, c1),
            Some((r0, r1, a, z)) => (r0.min(r), r1.max(r), a.min(c0), z.max(c1)),
        });
    }

    fn area(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
        })
    }
}

/// One sheet as calamine reads it from where BOUNDSHEET says it starts to
/// its EOF, charts and other substreams inside it skipped: the cells its
/// range spreads over (or its DIMENSIONS record makes calamine reserve),
/// the shared text its cells copy, and the bytes of records walked.
fn sheet(stream: &[u8], shared: &[u32], names: u32) -> Result<(u64, u64, usize), Unreadable> {
    let mut seen_bof = false;
    let mut depth = 0usize;
    let mut bounds = Bounds::default();
    let mut claimed = 0u64;
    let mut text = 0u64;
    let mut walked = 0usize;
    // Where a formula's string value (a STRING record after it) goes.
    let mut formula_at = (0u32, 0u32);
    for record in (Records { stream }) {
        let (typ, data, cont) = record?;
        walked += 4 + data.len() + cont.iter().map(|c| 4 + c.len()).sum::<usize>();
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let at = |i: usize| u16_at(data, i).map(u32::from).ok_or(CUT);
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E => {
                let (r, c) = (at(0)?, at(2)?);
                bounds.add(r, c, c);
            }
            0x0207 => bounds.add(formula_at.0, formula_at.1, formula_at.1),
            0x0006 => {
                formula_at = (at(0)?, at(2)?);
                bounds.add(formula_at.0, formula_at.1, formula_at.1);
                // calamine writes every formula's text when it opens the
                // file: each token (5 bytes at least) at most a sheet's or
                // a defined name's length and a cell reference.
                let tokens = data.len().saturating_sub(20) as u64 / 5 + 1;
                text += tokens * (u64::from(names) + 16);
            }
            0x00FD => {
                // LABELSST: a cell only when its string exists, copied in.
                let i = u32_at(data, 6).ok_or(CUT)?;
                if let Some(&bytes) = shared.get(i as usize) {
                    let (r, c) = (at(0)?, at(2)?);
                    bounds.add(r, c, c);
                    text += u64::from(bytes);
                }
            }
            0x00BD => {
                // MULRK: calamine takes it when its length fits its
                // columns, counted as it counts them (u16, wrapping), and
                // places a cell for each entry from the first column on.
                let (r, c0) = (at(0)?, at(2)?);
                let c1 = at(data.len().checked_sub(2).ok_or(CUT)?)?;
                let n = (c1 as u16).wrapping_sub(c0 as u16).wrapping_add(1) as usize;
                if n > 0 && data.len() == 6 + 6 * n {
                    bounds.add(r, c0, c0 + n as u32 - 1);
                }
            }
            0x0200 => {
                // DIMENSIONS: calamine reserves this much, its sums done
                // as it does them (u32, wrapping).
                let (r0, r1, c0, c1) = match data.len() {
                    10 => (at(0)?, at(2)?, at(4)?, at(6)?),
                    14 | 16 => (
                        u32_at(data, 0).ok_or(CUT)?,
                        u32_at(data, 4).ok_or(CUT)?,
                        at(8)?,
                        at(10)?,
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
    Ok((bounds.area().max(claimed), text, walked))
}

/// What calamine would allocate for an `.xls`: every sheet BOUNDSHEET
/// lists, read from where it says the sheet starts, as calamine 0.38's
/// `parse_workbook` reads them — not the substreams in the order they
/// come, which a crafted BOUNDSHEET points away from.
///
/// # Errors
/// Why the file cannot be followed: a chain that loops or leaves the file,
/// no workbook stream, a shared-string table that is cut or too long, a
/// record cut short, a sheet that starts past the stream, sheets whose records
/// overlap over and over (each read again for every sheet that points
/// into them).
pub(super) fn extent(bytes: &[u8]) -> Result<Extent, Unreadable> {
    let stream = Compound::open(bytes)?.workbook()?;
    let g = globals(&stream)?;
    let mut out = Extent {
        spreads: Vec::with_capacity(g.sheets.len()),
        shared_text: 0,
    };
    let mut walked = 0usize;
    for (pos, name) in g.sheets {
        let records = stream
            .get(pos..)
            .ok_or("工作表的起始位置超出工作簿数据流")?;
        let (cells, text, bytes) = sheet(records, &g.shared, g.longest_name)?;
        walked += bytes;
        if walked > 4 * stream.len() + 4096 {
            return Err("多张工作表指向同一段记录");
        }
        out.spreads.push(Spread { name, cells });
        out.shared_text += text;
    }
    Ok(out)
}

/// The UTF-8 bytes each string of an SST record decodes to, at most (three
/// per character), read as calamine's `parse_sst` reads the record and its
/// CONTINUE records: each string a count of characters, flags, its runs
/// and extension, the characters going on in the next CONTINUE record
/// after a flags byte of their own.
fn shared_string_sizes(parts: &[&[u8]]) -> Result<Vec<u32>, Unreadable> {
    const CUT: Unreadable = "共享字符串表不完整";
    let mut parts = parts.iter().copied();
    let mut data = parts.next().ok_or(CUT)?.get(8..).ok_or(CUT)?;
    let mut out = Vec::new();
    loop {
        if data.is_empty() {
            match parts.next() {
                Some(next) => {
                    data = next;
                    if data.is_empty() {
                        out.push(0);
                    }
                    continue;
                }
                None => break,
            }
        }
        if out.len() >= SHARED_STRINGS {
            return Err("共享字符串表的条目超出上限");
        }
        if data.len() < 3 {
            return Err(CUT);
        }
        let chars = usize::from(u16_at(data, 0).ok_or(CUT)?);
        let flags = data[2];
        data = &data[3..];
        let mut runs = 0usize;
        if flags & 0x8 != 0 {
            runs = usize::from(u16_at(data, 0).ok_or(CUT)?);
            data = data.get(2..).ok_or(CUT)?;
        }
        let mut ext = 0usize;
        if flags & 0x4 != 0 {
            ext = u32_at(data, 0).ok_or(CUT)? as i32 as isize as usize;
            data = data.get(4..).ok_or(CUT)?;
        }
        let mut wide = flags & 0x1 != 0;
        let mut left = chars;
        while left > 0 {
            let avail = if wide { data.len() / 2 } else { data.len() };
            let n = avail.min(left);
            data = &data[if wide { 2 * n } else { n }..];
            left -= n;
            if left > 0 {
                data = parts.next().ok_or(CUT)?;
                wide = data.first().ok_or(CUT)? & 0x1 != 0;
                data = &data[1..];
            }
        }
        let mut skip = runs.saturating_mul(4).saturating_add(ext);
        while skip > 0 {
            if data.is_empty() {
                data = parts.next().ok_or(CUT)?;
            }
            let n = skip.min(data.len());
            data = &data[n..];
            skip -= n;
        }
        out.push((chars * 3) as u32);
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    /// The globals of a workbook of one worksheet named `name` (UTF-16),
    /// `records` among them: its BOUNDSHEET points just past their EOF.
    fn globals_of(records: &[u8], name: &str) -> Vec<u8> {
        let mut sheet = vec![0u8, 0, 0, 0, 0, 0, name.chars().count() as u8, 1];
        sheet.extend(name.encode_utf16().flat_map(u16::to_le_bytes));
        let mut s = bof(0x0005);
        s.extend(records);
        let at = s.len();
        s.extend(record(0x0085, &sheet));
        s.extend(record(0x000A, &[]));
        let pos = s.len() as u32;
        s[at + 4..at + 8].copy_from_slice(&pos.to_le_bytes());
        s
    }

    fn bof(dt: u16) -> Vec<u8> {
        let mut d = 0x0600u16.to_le_bytes().to_vec();
        d.extend(dt.to_le_bytes());
        d.extend([0; 12]);
        record(0x0809, &d)
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0; 2]);
        d.extend(1.5f64.to_le_bytes());
        record(0x0203, &d)
    }

    /// A BIFF8 workbook stream: one worksheet 表3 (UTF-16 name) with values
    /// at `cells`, a chart inside it whose own records must not count, and
    /// a chart sheet after it.
    fn stream(cells: &[(u16, u16)]) -> Vec<u8> {
        let mut s = globals_of(&[], "表3");
        s.extend(bof(0x0010));
        for &(r, c) in cells {
            s.extend(number(r, c));
        }
        s.extend(bof(0x0020));
        s.extend(number(60_000, 200));
        s.extend(record(0x000A, &[]));
        s.extend(record(0x000A, &[]));
        s.extend(bof(0x0020));
        s.extend(number(65_535, 255));
        s.extend(record(0x000A, &[]));
        s
    }

    /// A compound file (512-byte sectors) holding `stream` as `Workbook`:
    /// in regular sectors, or in the mini stream when under 4096 bytes, as
    /// Excel stores a small workbook. Laid out by the format's description,
    /// not by any writer's output.
    fn compound(stream: &[u8]) -> Vec<u8> {
        compound_as(stream, "Workbook", 4096)
    }

    /// As [`compound`], the stream named `name` and the header's mini
    /// stream cutoff `cutoff` (calamine reads the stream from the mini
    /// stream when under 4096 bytes, whatever the header says).
    fn compound_as(stream: &[u8], name: &str, cutoff: u32) -> Vec<u8> {
        const END: u32 = 0xFFFF_FFFE;
        let sectors = |n: usize| n.div_ceil(512);
        let mut fat: Vec<u32> = vec![0xFFFF_FFFD]; // sector 0: the table
        let mut body: Vec<Vec<u8>> = Vec::new();
        let chain = |fat: &mut Vec<u32>, body: &mut Vec<Vec<u8>>, bytes: &[u8]| -> u32 {
            let start = fat.len() as u32;
            let n = sectors(bytes.len()).max(1);
            for i in 0..n {
                fat.push(if i + 1 == n {
                    END
                } else {
                    start + i as u32 + 1
                });
                let mut s = bytes.get(i * 512..).unwrap_or(&[]).to_vec();
                s.resize(512, 0);
                body.push(s);
            }
            start
        };
        let small = stream.len() < 4096;
        let (root, wb_start, minifat_start) = if small {
            let mut mini = stream.to_vec();
            mini.resize(stream.len().div_ceil(64) * 64, 0);
            let n = mini.len() / 64;
            let minifat: Vec<u8> = (0..n)
                .map(|i| if i + 1 == n { END } else { i as u32 + 1 })
                .flat_map(u32::to_le_bytes)
                .collect();
            let minifat_start = chain(&mut fat, &mut body, &minifat);
            let root_start = chain(&mut fat, &mut body, &mini);
            ((root_start, mini.len() as u32), 0, minifat_start)
        } else {
            let start = chain(&mut fat, &mut body, stream);
            ((END, 0), start, END)
        };
        let entry = |name: &str, kind: u8, start: u32, size: u32| {
            let mut e = vec![0u8; 128];
            let units: Vec<u8> = name
                .encode_utf16()
                .chain([0])
                .flat_map(u16::to_le_bytes)
                .collect();
            e[..units.len()].copy_from_slice(&units);
            e[64..66].copy_from_slice(&(units.len() as u16).to_le_bytes());
            e[66] = kind;
            e[116..120].copy_from_slice(&start.to_le_bytes());
            e[120..124].copy_from_slice(&size.to_le_bytes());
            e
        };
        let mut dir = entry("Root Entry", 5, root.0, root.1);
        dir.extend(entry(name, 2, wb_start, stream.len() as u32));
        let dir_start = chain(&mut fat, &mut body, &dir);
        let mut header = vec![0u8; 512];
        header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        header[0x18] = 0x3E;
        header[0x1A] = 3;
        header[0x1E] = 9;
        header[0x20] = 6;
        header[0x2C..0x30].copy_from_slice(&1u32.to_le_bytes());
        header[0x30..0x34].copy_from_slice(&dir_start.to_le_bytes());
        header[0x38..0x3C].copy_from_slice(&cutoff.to_le_bytes());
        header[0x3C..0x40].copy_from_slice(&minifat_start.to_le_bytes());
        header[0x40..0x44].copy_from_slice(&u32::from(small).to_le_bytes());
        header[0x44..0x48].copy_from_slice(&END.to_le_bytes());
        header[0x4C..0x50].copy_from_slice(&0u32.to_le_bytes());
        for i in 1..109 {
            header[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&u32::MAX.to_le_bytes());
        }
        let mut table: Vec<u8> = fat.iter().flat_map(|n| n.to_le_bytes()).collect();
        table.resize(512, 0xFF);
        let mut file = header;
        file.extend(table);
        for s in body {
            file.extend(s);
        }
        file
    }

    fn spreads(file: &[u8]) -> Option<Vec<Spread>> {
        extent(file).ok().map(|e| e.spreads)
    }

    #[test]
    fn a_worksheet_spreads_over_its_cells_bounding_box_in_either_store() {
        let cells = [(2u16, 1u16), (40, 5), (7, 0)];
        // (40 - 2 + 1) rows × (5 - 0 + 1) columns; the charts' records not.
        let want = vec![Spread {
            name: Some("表3".into()),
            cells: 39 * 6,
        }];
        let small = stream(&cells);
        assert!(small.len() < 4096);
        assert_eq!(spreads(&compound(&small)), Some(want.clone()));
        // The same sheet, its stream grown past the mini stream's cutoff by
        // a record outside every substream.
        let large: Vec<u8> = {
            let mut l = small.clone();
            l.extend(record(0x00E1, &[0; 4000]));
            l.extend(record(0x00E1, &[0; 100]));
            l
        };
        assert!(large.len() >= 4096);
        assert_eq!(spreads(&compound(&large)), Some(want.clone()));
        // A value at IV65536 spreads the sheet over all of it.
        let far = stream(&[(0, 0), (65_535, 255)]);
        assert_eq!(spreads(&compound(&far)).unwrap()[0].cells, 65_536 * 256);
        // Cut short, the file is refused with the reason.
        let file = compound(&large);
        assert!(extent(&file[..file.len() - 600]).is_err());
    }

    /// Regression: calamine finds the stream by name ignoring ASCII case
    /// and takes a stream under 4096 bytes from the mini stream whatever
    /// the header's cutoff; the scan looked for `Workbook` exactly and by
    /// the header's cutoff, found nothing, and calamine read the file
    /// unbounded (a value at IV65536: 1.59 GB).
    #[test]
    fn the_stream_is_found_and_read_as_calamine_finds_and_reads_it() {
        let far = stream(&[(0, 0), (65_535, 255)]);
        for file in [
            compound_as(&far, "WORKBOOK", 4096),
            compound_as(&far, "book", 4096),
            compound_as(&far, "Workbook", 8192),
            compound_as(&far, "Workbook", 16),
        ] {
            assert_eq!(spreads(&file).unwrap()[0].cells, 65_536 * 256);
        }
        let large: Vec<u8> = {
            let mut l = far.clone();
            l.extend(record(0x00E1, &[0; 4000]));
            l.extend(record(0x00E1, &[0; 100]));
            l
        };
        assert_eq!(
            spreads(&compound_as(&large, "Workbook", 8192)).unwrap()[0].cells,
            65_536 * 256
        );
        assert_eq!(
            extent(&compound_as(&far, "Sheet", 4096)).unwrap_err(),
            "找不到工作簿数据流（Workbook）"
        );
    }

    /// Regression: the scan walked the substreams in order and counted the
    /// cells of those whose BOF says worksheet; calamine reads each sheet
    /// from where BOUNDSHEET points, whatever its BOF says. A BOF turned
    /// into a chart's (found by the fuzzer) hid a value at IV65536: 1.6 GB.
    /// And sheets that all point at the same records are refused before
    /// the scan reads them over and over.
    #[test]
    fn each_sheet_is_read_where_boundsheet_points() {
        let mut s = globals_of(&[], "表3");
        s.extend(bof(0x0020));
        s.extend(number(0, 0));
        s.extend(number(65_535, 255));
        s.extend(record(0x000A, &[]));
        assert_eq!(spreads(&compound(&s)).unwrap()[0].cells, 65_536 * 256);
        // A sheet that starts past the stream.
        let mut past = s.clone();
        let at = past.windows(2).position(|w| w == [0x85, 0x00]).unwrap();
        past[at + 4..at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(extent(&compound(&past)).is_err());
        // 4,096 sheets over one sheet's records.
        let mut sheet = vec![0u8, 0, 0, 0, 0, 0, 1, 0, b'x'];
        let mut many = bof(0x0005);
        let first = many.len();
        for _ in 0..4096 {
            many.extend(record(0x0085, &sheet));
        }
        many.extend(record(0x000A, &[]));
        let pos = (many.len() as u32).to_le_bytes();
        sheet[..4].copy_from_slice(&pos);
        let one = record(0x0085, &sheet);
        for i in 0..4096 {
            many[first + i * one.len()..first + (i + 1) * one.len()].copy_from_slice(&one);
        }
        many.extend(bof(0x0010));
        for r in 0..200 {
            many.extend(number(r, 0));
        }
        many.extend(record(0x000A, &[]));
        assert_eq!(
            extent(&compound(&many)).unwrap_err(),
            "多张工作表指向同一段记录"
        );
    }

    /// Regression (found by reading calamine's `parse_mul_rk`): a MULRK
    /// whose last column is below its first was passed over, but calamine
    /// counts its columns in u16, wrapping, and takes the record when its
    /// length fits that count: 10,002 cells from column 65,535 on.
    #[test]
    fn a_mulrk_is_counted_as_calamine_counts_it() {
        let mut s = globals_of(&[], "表3");
        s.extend(bof(0x0010));
        s.extend(number(65_535, 0));
        let mut d = 0u16.to_le_bytes().to_vec();
        d.extend(65_535u16.to_le_bytes());
        d.extend(vec![0u8; 6 * 10_002]);
        d.extend(10_000u16.to_le_bytes());
        s.extend(record(0x00BD, &d));
        s.extend(record(0x000A, &[]));
        assert_eq!(
            spreads(&compound(&s)).unwrap()[0].cells,
            65_536 * (65_535 + 10_002)
        );
    }

    /// calamine writes each formula's text when it opens the file: a long
    /// formula of references to a sheet with a long name is counted.
    #[test]
    fn formula_text_is_counted_by_its_tokens_and_the_longest_name() {
        let name = "表".repeat(200);
        let mut s = globals_of(&[], &name);
        s.extend(bof(0x0010));
        let mut f = vec![0u8; 20];
        f.extend(vec![0x3Au8; 5_000]);
        s.extend(record(0x0006, &f));
        s.extend(record(0x000A, &[]));
        let text = extent(&compound(&s)).unwrap().shared_text;
        assert_eq!(text, (5_000 / 5 + 1) * (200 * 3 + 16));
    }

    /// Regression: a directory chain that loops back on itself made
    /// calamine grow the directory without end (8.4 GB before the abort).
    #[test]
    fn a_chain_that_loops_is_refused_not_followed() {
        let large: Vec<u8> = {
            let mut l = stream(&[(1, 1)]);
            l.extend(record(0x00E1, &[0; 4100]));
            l
        };
        for small in [false, true] {
            let body = if small {
                stream(&[(1, 1)])
            } else {
                large.clone()
            };
            let mut file = compound(&body);
            // The directory's one sector points back at itself.
            let dir = u32_at(&file, 0x30).unwrap() as usize;
            file[512 + 4 * dir..516 + 4 * dir].copy_from_slice(&(dir as u32).to_le_bytes());
            assert_eq!(extent(&file).unwrap_err(), "复合文档的扇区链循环");
        }
        // The workbook stream's last sector points back at its first.
        let mut file = compound(&large);
        let fat: Vec<u32> = file[512..1024]
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let last = (1..fat.len()).find(|&i| fat[i] == END_OF_CHAIN).unwrap();
        file[512 + 4 * last..516 + 4 * last].copy_from_slice(&1u32.to_le_bytes());
        // Its directory entry claims 4 GB, which calamine would copy.
        let dir = 512 * (1 + u32_at(&file, 0x30).unwrap() as usize);
        file[dir + 128 + 120..dir + 128 + 124].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(extent(&file).unwrap_err(), "复合文档的扇区链循环");
    }

    /// An SST of one long string (Latin-1, across CONTINUE records) and
    /// LABELSST cells naming it: the text they copy is counted per cell.
    #[test]
    fn shared_text_counts_each_cell_that_copies_a_string() {
        let chars = 10_000usize;
        let mut sst = 1u32.to_le_bytes().to_vec();
        sst.extend(1u32.to_le_bytes());
        sst.extend((chars as u16).to_le_bytes());
        sst.push(0); // Latin-1
        let first = 8000 - sst.len();
        sst.extend(vec![b'x'; first]);
        let mut cont = vec![0u8]; // the characters go on, Latin-1
        cont.extend(vec![b'x'; chars - first]);
        let mut sst_records = record(0x00FC, &sst);
        sst_records.extend(record(0x003C, &cont));
        let mut s = globals_of(&sst_records, "表3");
        s.extend(bof(0x0010));
        let cells = 50u16;
        for r in 0..cells {
            let mut d = r.to_le_bytes().to_vec();
            d.extend([0, 0, 0, 0]);
            d.extend(0u32.to_le_bytes());
            s.extend(record(0x00FD, &d));
        }
        s.extend(record(0x000A, &[]));
        let e = extent(&compound(&s)).unwrap();
        assert_eq!(e.shared_text, u64::from(cells) * chars as u64 * 3);
        assert_eq!(e.spreads[0].cells, u64::from(cells));
        // Cut inside the string: refused.
        let mut s = bof(0x0005);
        s.extend(record(0x00FC, &sst));
        s.extend(record(0x000A, &[]));
        assert_eq!(extent(&compound(&s)).unwrap_err(), "共享字符串表不完整");
    }
}
