//! Uploads: each file of a multipart request streamed to disk as it comes,
//! hashed on the way and stored by its content hash; refused as soon as it
//! passes the command line's input limit, before it is read whole.

use std::path::{Path, PathBuf};

use axum::extract::multipart::{Field, Multipart, MultipartError};
use axum::http::StatusCode;
use sha2::Digest;
use tokio::io::AsyncWriteExt;

use yusuan::workbook::limits::FILE_BYTES;

/// A whole upload request: one file at the limit and room for the form
/// around it. A request that says it is longer is refused before its
/// body is read; one that does not say is cut off here.
pub const REQUEST_BYTES: u64 = FILE_BYTES + (1 << 20);

/// Files in one request.
pub const MAX_FILES: usize = 1000;

/// An uploaded file, stored.
pub struct Stored {
    /// `uploads/<sha256>`: the same content uploaded twice is one file.
    pub path: PathBuf,
    pub size: u64,
}

/// What the reviewer's file was called, as a name to show and nothing
/// else: at most its last four parts (a folder dropped on the page sends
/// `2024/教育局.xlsx`, as `check` names a file found in a folder), each
/// without control characters or those a file name on Windows cannot
/// hold, no `.` or `..` part, each at most 200 bytes with an extension
/// kept; `工作簿` when nothing is left. It is never a path on disk.
pub fn label(file_name: Option<&str>) -> String {
    let parts: Vec<String> = file_name
        .unwrap_or_default()
        .split(['/', '\\'])
        .filter_map(part)
        .collect();
    if parts.is_empty() {
        return "工作簿".to_string();
    }
    parts[parts.len().saturating_sub(4)..].join("/")
}

/// One part of a name, cleaned; none when nothing is left of it.
fn part(name: &str) -> Option<String> {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c => c,
        })
        .collect();
    let clean = clean.trim().trim_end_matches('.').trim();
    if clean.is_empty() || clean.chars().all(|c| c == '.') {
        return None;
    }
    const MOST: usize = 200;
    if clean.len() <= MOST {
        return Some(clean.to_string());
    }
    let (stem, ext) = match clean.rfind('.') {
        Some(i) if clean.len() - i <= 8 => (&clean[..i], &clean[i..]),
        _ => (clean, ""),
    };
    let mut end = MOST - ext.len();
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    Some(format!("{}{ext}", &stem[..end]))
}

/// Why an upload was refused: the HTTP status and a sentence in Chinese.
#[derive(Debug)]
pub struct Refused {
    pub status: StatusCode,
    pub message: String,
}

impl Refused {
    pub fn too_large() -> Refused {
        Refused {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: format!(
                "文件太大：超过 {} MB 的上限（与命令行相同），未读取；部门预算工作簿通常不到 1 MB，请确认选对了文件",
                FILE_BYTES >> 20
            ),
        }
    }

    pub fn bad(message: impl Into<String>) -> Refused {
        Refused {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn from_multipart(e: &MultipartError) -> Refused {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Refused::too_large();
        }
        Refused::bad(format!(
            "上传的表单无法读取（{}）：请重新选择文件上传",
            e.body_text()
        ))
    }

    fn io(e: &std::io::Error) -> Refused {
        Refused {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!(
                "上传的文件无法存入数据文件夹：{}",
                yusuan::workbook::write_reason(e)
            ),
        }
    }
}

/// Every file of a multipart request, stored, with the name each had;
/// fields without a file name are passed over.
///
/// # Errors
/// A file past the limit (413), a form that cannot be read (400), a
/// folder that cannot be written (500); what was stored of the request
/// stays, named by content, and is reached by no one.
pub async fn files(mut form: Multipart, uploads: &Path) -> Result<Vec<(String, Stored)>, Refused> {
    let mut out = Vec::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| Refused::from_multipart(&e))?
    {
        let Some(name) = field.file_name().map(|n| label(Some(n))) else {
            continue;
        };
        if out.len() >= MAX_FILES {
            return Err(Refused::bad(format!(
                "一次最多上传 {MAX_FILES} 个文件：请分几次上传"
            )));
        }
        let stored = store(field, uploads).await?;
        out.push((name, stored));
    }
    Ok(out)
}

/// Streams one file to `uploads/`, hashing it; renamed to its content
/// hash when complete.
async fn store(mut field: Field<'_>, uploads: &Path) -> Result<Stored, Refused> {
    let tmp = uploads.join(format!(".upload-{}.tmp", random_id()));
    let result = async {
        let mut file = tokio::fs::File::create(&tmp)
            .await
            .map_err(|e| Refused::io(&e))?;
        let mut hash = sha2::Sha256::new();
        let mut size: u64 = 0;
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| Refused::from_multipart(&e))?
        {
            size += chunk.len() as u64;
            if size > FILE_BYTES {
                return Err(Refused::too_large());
            }
            hash.update(&chunk);
            file.write_all(&chunk).await.map_err(|e| Refused::io(&e))?;
        }
        file.flush().await.map_err(|e| Refused::io(&e))?;
        let digest: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let path = uploads.join(digest);
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(|e| Refused::io(&e))?;
        Ok(Stored { path, size })
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    result
}

/// 32 hex digits from the system's random source: batch IDs and folder
/// names no one can guess.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    let from_system = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .is_ok();
    if !from_system {
        // Where there is no /dev/urandom: the standard library's hasher
        // keys are drawn from the system's random source per process.
        use std::hash::{BuildHasher, Hasher};
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        for half in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            );
            half.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn a_clients_name_is_a_name_and_never_a_path() {
        assert_eq!(label(Some("预算.xlsx")), "预算.xlsx");
        assert_eq!(label(Some("2024/教育局.xlsx")), "2024/教育局.xlsx");
        assert_eq!(label(Some("../../etc/passwd")), "etc/passwd");
        assert_eq!(label(Some("/a/b/c/d/e/f.xls")), "c/d/e/f.xls");
        assert_eq!(
            label(Some("C:\\Users\\审核\\教育局.xls")),
            "C_/Users/审核/教育局.xls"
        );
        assert_eq!(label(Some("..")), "工作簿");
        assert_eq!(label(Some("./../.")), "工作簿");
        assert_eq!(label(Some("a\u{0}b\n.xlsx")), "ab.xlsx");
        assert_eq!(label(Some("CON:.xlsx")), "CON_.xlsx");
        assert_eq!(label(None), "工作簿");
        let long = format!("{}.xlsx", "预".repeat(100));
        let cut = label(Some(&long));
        assert!(cut.len() <= 200 && cut.ends_with(".xlsx"), "{cut}");
        for name in [
            "../x.xlsx",
            "a/../../b.xlsx",
            "/etc/passwd",
            "\\\\server\\share\\x.xls",
        ] {
            let l = label(Some(name));
            assert!(
                std::path::Path::new(&l)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_))),
                "{name} → {l}"
            );
        }
    }
}
