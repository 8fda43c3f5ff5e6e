//! How far each sheet of an `.xls` spreads, from its cell records, before
//! calamine reads it. calamine builds every sheet at once as a dense range
//! over its cells' bounding box (and reserves what a sheet's DIMENSIONS
//! record claims), so two cells far apart — A1 and IV65536 — made a 5 KB
//! file take 1.6 GB. The scan reads the compound file and the BIFF records
//! itself; when anything is not as expected it says nothing (`None`), and
//! calamine reads the file and explains what is wrong with it.

/// A worksheet's name (from its BOUNDSHEET record, when readable) and the
/// cells calamine would allocate for it.
#[derive(Debug, Clone, PartialEq)]
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

    /// The bytes of a sector chain from `start`: `len` of them, or to the
    /// chain's end (`None`).
    fn chain(&self, start: u32, len: Option<usize>) -> Option<Vec<u8>> {
        follow(&self.fat, start, len, self.bytes.len(), |n| self.sector(n))
    }

    /// The workbook stream (`Workbook`, or `Book` in BIFF5).
    fn workbook(&self) -> Option<Vec<u8>> {
        let dir_start = u32_at(self.bytes, 0x30)?;
        let dir = self.chain(dir_start, None)?;
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
            return self.chain(start, Some(size));
        }
        // A small stream lives in the mini stream, by the mini table.
        let (root_start, root_size) = root?;
        let mini = self.chain(root_start, Some(root_size.min(self.bytes.len())))?;
        let minifat_bytes = self.chain(
            u32_at(self.bytes, 0x3C)?,
            Some((u32_at(self.bytes, 0x40)? as usize) << self.shift),
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
        follow(&minifat, start, Some(size), mini.len(), |n| {
            let at = (n as usize).checked_mul(mini_size)?;
            mini.get(at..at + mini_size)
        })
    }
}

/// The units of a chain from `start` through `table` (the allocation table,
/// or the mini one), concatenated: `len` bytes, or to the chain's end
/// (`None`). A chain that ends early, loops (more than `cap` bytes), or
/// leaves the data is no chain (`None`).
fn follow<'a>(
    table: &[u32],
    start: u32,
    len: Option<usize>,
    cap: usize,
    unit: impl Fn(u32) -> Option<&'a [u8]>,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut n = start;
    while len.is_none_or(|l| out.len() < l) {
        if n >= END_OF_CHAIN {
            return if len.is_none() { Some(out) } else { None };
        }
        if out.len() > cap {
            return None;
        }
        out.extend_from_slice(unit(n)?);
        n = *table.get(n as usize)?;
    }
    out.truncate(len.unwrap_or(out.len()));
    Some(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
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
        let mut name = vec![0u8, 0, 0, 0, 0, 0, 2, 1];
        name.extend("表3".encode_utf16().flat_map(u16::to_le_bytes));
        let mut s = bof(0x0005);
        s.extend(record(0x0085, &name));
        s.extend(record(0x000A, &[]));
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
        dir.extend(entry("Workbook", 2, wb_start, stream.len() as u32));
        let dir_start = chain(&mut fat, &mut body, &dir);
        let mut header = vec![0u8; 512];
        header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        header[0x1E] = 9;
        header[0x20] = 6;
        header[0x2C..0x30].copy_from_slice(&1u32.to_le_bytes());
        header[0x30..0x34].copy_from_slice(&dir_start.to_le_bytes());
        header[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
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
        assert_eq!(spreads(&compound(&large)), Some(want));
        // A value at IV65536 spreads the sheet over all of it.
        let far = stream(&[(0, 0), (65_535, 255)]);
        assert_eq!(spreads(&compound(&far)).unwrap()[0].cells, 65_536 * 256);
        // Cut short, the file is no longer followed: calamine explains it.
        let file = compound(&large);
        assert_eq!(spreads(&file[..file.len() - 600]), None);
    }
}
