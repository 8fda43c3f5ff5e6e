//! What a budget workbook never exceeds; checked before allocating.

/// Rows of a sheet that hold a value (a table has a few hundred).
pub const ROWS: u32 = 100_000;
/// Columns of a sheet that hold a value.
pub const COLUMNS: u32 = 1_000;
/// Cells a sheet's grid spreads over (each row to its last value), and
/// cells its merged regions cover: a budget table has a few thousand.
pub const GRID_CELLS: u64 = 2_000_000;
/// Cells all the sheets of a workbook spread over together: every
/// sheet is held at once (calamine builds every `.xls` sheet's grid when
/// it opens the file).
pub const BOOK_CELLS: u64 = 2 * GRID_CELLS;
/// Characters of one cell: Excel's own limit.
pub const CELL_CHARS: usize = 32_767;
/// Uncompressed bytes of one part of an `.xlsx` package.
pub const PART_BYTES: u64 = 64 << 20;
/// Uncompressed bytes of the whole package.
pub const PACKAGE_BYTES: u64 = 256 << 20;
/// Bytes of a workbook file (a budget workbook is well under a megabyte).
pub const FILE_BYTES: u64 = 256 << 20;
/// UTF-8 bytes of the text of every cell of a workbook together (a
/// budget has well under a megabyte): a shared string is stored once
/// and copied into each cell that names it, so a small file could
/// otherwise decode to gigabytes.
pub const TEXT_BYTES: u64 = 64 << 20;
/// Entries of a shared-string table (calamine reserves what the table
/// says it holds).
pub const SHARED_STRINGS: u64 = 1_000_000;
/// Shared-formula groups of a sheet (calamine sizes a table by the
/// largest group number it meets).
pub const SHARED_FORMULAS: u64 = 100_000;
