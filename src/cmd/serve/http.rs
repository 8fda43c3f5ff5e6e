//! The desk's HTTP side: the page, the JSON API, the downloads, and what
//! every request passes first — its host, its origin, the size it says —
//! and every response carries (the security headers of a local tool).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path as UrlPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

use super::desk::{self, Desk};
use super::upload::{self, Refused, REQUEST_BYTES};

/// The page: static files compiled into the binary.
const INDEX_HTML: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const APP_CSS: &str = include_str!("page/app.css");

/// Scripts, styles and requests from this server only; no frames, no
/// forms posted elsewhere, no inline script.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

struct App {
    desk: Arc<Desk>,
    /// The address served.
    local: SocketAddr,
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(
    listener: tokio::net::TcpListener,
    local: SocketAddr,
    desk: Arc<Desk>,
) -> anyhow::Result<()> {
    desk.start()?;
    let shown = if local.ip().is_unspecified() {
        // Every address of the machine: this one opens it here.
        let ip = match local {
            SocketAddr::V4(_) => "127.0.0.1".to_string(),
            SocketAddr::V6(_) => "[::1]".to_string(),
        };
        format!("http://{ip}:{}/", local.port())
    } else {
        format!("http://{local}/")
    };
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{shown}")?;
        out.flush()?;
    }
    eprintln!(
        "核对台已启动：用浏览器打开 {shown}，把工作簿拖进网页；按 Ctrl-C 停止。同时读取的工作簿不超过 {} 个。",
        desk.gate.size()
    );
    eprintln!(
        "上传的文件存放在 {}（{}）",
        desk.root().display(),
        if desk.is_temporary() {
            "只有本用户能读，停止时删除"
        } else {
            "按内容哈希命名；停止时删除各批的结果，上传的文件保留"
        }
    );
    if !local.ip().is_loopback() {
        eprintln!(
            "注意：核对台在 {local} 上监听，同一网络中的其他人也能打开这个网页、上传和下载文件；只在可信的网络中这样做，用完请停止"
        );
    }
    let app = Arc::new(App { desk, local });
    let router = Router::new()
        .route("/", get(page))
        .route("/app.js", get(script))
        .route("/app.css", get(style))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/api/health", get(health))
        .route("/api/check", post(api_check))
        .route("/api/batches", post(new_batch))
        .route("/api/batches/{id}", get(batch_view))
        .route("/api/batches/{id}/files", post(upload_files))
        .route(
            "/api/batches/{id}/files/{n}",
            get(file_report).delete(remove_file),
        )
        .route(
            "/api/batches/{id}/files/{n}/findings/{k}",
            get(finding_cells),
        )
        .route("/api/batches/{id}/files/{n}/report", get(download_report))
        .route(
            "/api/batches/{id}/files/{n}/normalized",
            get(download_normalized),
        )
        .route("/api/batches/{id}/review/{what}", get(download_review))
        .route("/api/batches/{id}/warehouse", get(download_warehouse))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(REQUEST_BYTES as usize))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app);
    // Stopped: requests under way get a few seconds to finish (a batch's
    // downloads may take longer), then the desk stops all the same.
    let (told, mut stop) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        stopped().await;
        let _ = told.send(true);
    });
    tokio::select! {
        served = server => served.map_err(|e| anyhow::anyhow!("网络服务出错（{e}）"))?,
        () = async {
            let _ = stop.wait_for(|s| *s).await;
            tokio::time::sleep(FINISHING).await;
        } => eprintln!("停止时仍有请求未完成，未等它们结束"),
    }
    eprintln!("核对台已停止");
    Ok(())
}

/// How long requests under way may take once the desk is told to stop.
const FINISHING: std::time::Duration = std::time::Duration::from_secs(5);

/// Ctrl-C or SIGTERM.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// An error as the API says it: the status and `{"error": "…"}`.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    #[derive(Serialize)]
    struct Error {
        error: String,
    }
    let body = serde_json::to_string(&Error {
        error: message.into(),
    })
    .unwrap_or_default();
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

fn json(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        error(self.status, self.message)
    }
}

/// What every request passes before it is served: it must be addressed to
/// this desk (a page of another site that a name resolves to this machine
/// is refused), come from this desk's own page or from no page at all
/// (curl), and say no size past the limit; and what every response
/// carries.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let mut response = match allowed(&app, req.method(), req.uri().path(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(refused) => refused,
    };
    let h = response.headers_mut();
    for (name, value) in [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        ("cache-control", "no-store"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    // Never readable by another origin.
    h.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    response
}

fn allowed(app: &App, method: &Method, path: &str, headers: &HeaderMap) -> Result<(), Response> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let own = format!("http://{}:{}/", app.local.ip(), app.local.port());
    let host = text(header::HOST).unwrap_or("");
    if !host_is_ours(host, app.local) {
        return Err(error(
            StatusCode::FORBIDDEN,
            format!(
                "拒绝了发往“{host}”的请求：核对台只在 {own} 等本机地址上打开（其他网站的网页不能借用本机的核对台）"
            ),
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        if !origin.eq_ignore_ascii_case(&format!("http://{host}")) {
            return Err(error(
                StatusCode::FORBIDDEN,
                format!("拒绝了来自其他网站（{origin}）的请求：核对台只接受它自己的网页发来的请求"),
            ));
        }
    }
    // A browser says where a request comes from even without an origin:
    // another site may only open the page itself.
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        let navigation = method == Method::GET
            && path == "/"
            && text(header::HeaderName::from_static("sec-fetch-mode")) == Some("navigate");
        if matches!(site, "cross-site" | "same-site") && !navigation {
            return Err(error(
                StatusCode::FORBIDDEN,
                "拒绝了来自其他网站的请求：核对台只接受它自己的网页发来的请求",
            ));
        }
    }
    let declared = text(header::CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > REQUEST_BYTES) {
        return Err(Refused::too_large().into_response());
    }
    Ok(())
}

/// Is `host` (a Host header) this desk? Bound to this machine only, only
/// its own names for itself; bound to the network, any address or name
/// the others reach it by. The port must be the one served.
fn host_is_ours(host: &str, local: SocketAddr) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) if !p.contains(']') => (n, p.parse::<u16>().ok()),
        _ => (host, Some(80)),
    };
    if port != Some(local.port()) || name.is_empty() {
        return false;
    }
    if !local.ip().is_loopback() {
        return true;
    }
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name == "[::1]"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "没有这个网址：请从核对台的首页打开")
}

async fn page() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        INDEX_HTML,
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
        .into_response()
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS).into_response()
}

async fn health(State(app): State<Arc<App>>) -> Response {
    json(format!(
        "{{\"status\": \"ok\", \"version\": \"{}\", \"readers\": {}}}",
        env!("CARGO_PKG_VERSION"),
        app.desk.gate.size()
    ))
}

/// A multipart form, or why it is not one.
fn form(form: Result<Multipart, MultipartRejection>) -> Result<Multipart, Response> {
    form.map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            "请用 multipart/form-data 表单上传文件，如 curl -F file=@预算.xlsx",
        )
    })
}

/// Blocking work (reading workbooks, writing files) off the network's
/// threads; a panic in it is a 500 with a sentence.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(move || yusuan::guard::catch(work))
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "程序内部出错，未能完成；请把所用的文件发给 yusuan 的维护者",
            )
        })
}

/// `POST /api/check`: what `check --format json` prints for the files.
async fn api_check(
    State(app): State<Arc<App>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let multipart = match form(multipart) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let files = match upload::files(multipart, app.desk.uploads()).await {
        Ok(f) => f,
        Err(refused) => return refused.into_response(),
    };
    if files.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "没有收到文件：请在表单中上传工作簿，如 curl -F file=@预算.xlsx",
        );
    }
    let desk = app.desk.clone();
    let run = blocking(move || -> anyhow::Result<(i32, Vec<u8>)> {
        let inputs: Vec<_> = files
            .iter()
            .map(|(name, stored)| desk::input(name, &stored.path))
            .collect();
        let args: super::super::check::CheckArgs =
            super::desk::parse(&["--format".into(), "json".into(), "-".into()])?;
        let mut out = Vec::new();
        let _places = desk.gate.take(inputs.len());
        let code =
            super::super::check::run_inputs(&args, &desk.cfg, &inputs, Vec::new(), &mut out)?;
        Ok((code, out))
    })
    .await;
    match run {
        Ok(Ok((code, out))) => {
            let mut r = (
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                out,
            )
                .into_response();
            // The command line's exit status: 0 no error, 1 errors, 2 a
            // file not read.
            r.headers_mut()
                .insert("yusuan-exit-status", HeaderValue::from(code));
            r
        }
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(r) => r,
    }
}

async fn new_batch(State(app): State<Arc<App>>) -> Response {
    match app.desk.new_batch() {
        Ok(b) => (
            StatusCode::CREATED,
            json(format!("{{\"id\": \"{}\"}}", b.id)),
        )
            .into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The batch of an ID in the URL.
fn batch_of(app: &App, id: &str) -> Result<Arc<desk::Batch>, Response> {
    let well_formed = id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed
        .then(|| app.desk.batch(id))
        .flatten()
        .ok_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                "找不到这一批文件（核对台可能已经重启）：请刷新网页，重新拖入工作簿",
            )
        })
}

/// A file's number in the URL.
fn number(n: &str) -> Result<u64, Response> {
    n.parse::<u64>()
        .map_err(|_| error(StatusCode::NOT_FOUND, "这一批中没有这个文件"))
}

async fn batch_view(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    let batch = match batch_of(&app, &id) {
        Ok(b) => b,
        Err(r) => return r,
    };
    json(serde_json::to_string(&batch.view(&app.desk)).unwrap_or_default())
}

/// `POST /api/batches/{id}/files`: files added to the batch and queued.
async fn upload_files(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let batch = match batch_of(&app, &id) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let multipart = match form(multipart) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let files = match upload::files(multipart, app.desk.uploads()).await {
        Ok(f) => f,
        Err(refused) => return refused.into_response(),
    };
    #[derive(Serialize)]
    struct Added {
        n: u64,
        name: String,
    }
    let mut added = Vec::new();
    for (name, stored) in files {
        match app.desk.add(&batch, name.clone(), &stored) {
            Ok(n) => added.push(Added { n, name }),
            Err(message) => return error(StatusCode::PAYLOAD_TOO_LARGE, message),
        }
    }
    json(serde_json::to_string(&added).unwrap_or_default())
}

/// A read file's folder, or why not.
fn done(app: &App, id: &str, n: &str) -> Result<(Arc<desk::Batch>, String, PathBuf), Response> {
    let batch = batch_of(app, id)?;
    let n = number(n)?;
    let (name, dir) = batch.done(n).ok_or_else(|| {
        error(
            StatusCode::NOT_FOUND,
            "这个文件不在这一批中，或者还没有读完",
        )
    })?;
    Ok((batch, name, dir))
}

/// `GET /api/batches/{id}/files/{n}`: the file's report as `check
/// --format json` gives it.
async fn file_report(
    State(app): State<Arc<App>>,
    UrlPath((id, n)): UrlPath<(String, String)>,
) -> Response {
    let (_, _, dir) = match done(&app, &id, &n) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match tokio::fs::read_to_string(dir.join("check.json")).await {
        Ok(body) => json(body),
        Err(_) => error(StatusCode::NOT_FOUND, "这个文件的核对结果没有保存下来"),
    }
}

async fn remove_file(
    State(app): State<Arc<App>>,
    UrlPath((id, n)): UrlPath<(String, String)>,
) -> Response {
    let batch = match batch_of(&app, &id) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let n = match number(&n) {
        Ok(n) => n,
        Err(r) => return r,
    };
    if app.desk.remove(&batch, n) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        error(StatusCode::NOT_FOUND, "这一批中没有这个文件")
    }
}

/// `GET /api/batches/{id}/files/{n}/findings/{k}`: the sheets around the
/// cells of the file's `k`-th finding (from 0), as the workbook has them.
async fn finding_cells(
    State(app): State<Arc<App>>,
    UrlPath((id, n, k)): UrlPath<(String, String, String)>,
) -> Response {
    let (batch, _, dir) = match done(&app, &id, &n) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Ok(k) = k.parse::<usize>() else {
        return error(StatusCode::NOT_FOUND, "没有这一条结果");
    };
    let Ok(n) = n.parse::<u64>() else {
        return error(StatusCode::NOT_FOUND, "这一批中没有这个文件");
    };
    let desk = app.desk.clone();
    let shown = blocking(move || -> Result<Option<super::grid::Shown>, String> {
        let all: Vec<Vec<(String, u32, u32)>> = std::fs::read(dir.join("cells.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let Some(cells) = all.into_iter().nth(k) else {
            return Ok(None);
        };
        let input = batch.input(n).ok_or("这一批中没有这个文件")?;
        let _place = desk.gate.take(1);
        let bytes =
            yusuan::workbook::Workbook::read_file(&input.file).map_err(|e| e.to_string())?;
        let wb = yusuan::workbook::Workbook::from_bytes(&input.path, &bytes)
            .map_err(|e| e.to_string())?;
        Ok(Some(super::grid::show(&wb, &cells)))
    })
    .await;
    match shown {
        Ok(Ok(Some(shown))) => json(serde_json::to_string(&shown).unwrap_or_default()),
        Ok(Ok(None)) => error(StatusCode::NOT_FOUND, "没有这一条结果"),
        Ok(Err(message)) => error(StatusCode::INTERNAL_SERVER_ERROR, message),
        Err(r) => r,
    }
}

/// A download: `name` as the browser saves it (the UTF-8 name, and a
/// plain one for old browsers).
fn attachment(name: &str, content_type: &'static str, body: Body) -> Response {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}");
    let mut r = Response::new(body);
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const ZIP: &str = "application/zip";
const CSV: &str = "text/csv; charset=utf-8";

/// A file streamed as it is read, never held whole.
async fn file_body(path: &Path) -> Result<Body, Response> {
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|_| error(StatusCode::NOT_FOUND, "这个文件没有保存下来"))?;
    let chunks = futures_util::stream::unfold(Some(file), |file| async move {
        use tokio::io::AsyncReadExt;
        let mut file = file?;
        let mut buf = vec![0u8; 64 << 10];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    Ok(Body::from_stream(chunks))
}

/// The stem of a file's name: `预算` of `预算.xlsx`.
fn stem(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned())
}

/// `…/files/{n}/report`: the reviewer's workbook, as `check --report` writes it.
async fn download_report(
    State(app): State<Arc<App>>,
    UrlPath((id, n)): UrlPath<(String, String)>,
) -> Response {
    let (_, name, dir) = match done(&app, &id, &n) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let path = dir.join("report.xlsx");
    if !path.is_file() {
        return error(
            StatusCode::NOT_FOUND,
            "这个文件没有核对工作簿：它无法读取，或不是预算",
        );
    }
    match file_body(&path).await {
        Ok(body) => attachment(&format!("{}-核对.xlsx", stem(&name)), XLSX, body),
        Err(r) => r,
    }
}

/// `…/files/{n}/normalized`: the normalized workbook, as `convert --to
/// xlsx` writes it.
async fn download_normalized(
    State(app): State<Arc<App>>,
    UrlPath((id, n)): UrlPath<(String, String)>,
) -> Response {
    let (batch, name, _) = match done(&app, &id, &n) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Ok(n) = n.parse::<u64>() else {
        return error(StatusCode::NOT_FOUND, "这一批中没有这个文件");
    };
    let desk = app.desk.clone();
    match blocking(move || desk.normalized(&batch, n)).await {
        Ok(Ok(bytes)) => attachment(
            &format!("{}-规范.xlsx", stem(&name)),
            XLSX,
            Body::from(bytes),
        ),
        Ok(Err(e)) => error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        Err(r) => r,
    }
}

/// `…/review/{what}`: the batch reviewed as `check --report-dir` does it:
/// `findings.csv`, `summary` (核对汇总.xlsx), or `all` (every file of the
/// folder, zipped).
async fn download_review(
    State(app): State<Arc<App>>,
    UrlPath((id, what)): UrlPath<(String, String)>,
) -> Response {
    let batch = match batch_of(&app, &id) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (file, name, content_type) = match what.as_str() {
        "findings.csv" => ("findings.csv", "findings.csv", CSV),
        "summary" => ("核对汇总.xlsx", "核对汇总.xlsx", XLSX),
        "all" => (desk::PACK, "核对结果.zip", ZIP),
        _ => return not_found().await,
    };
    let desk = app.desk.clone();
    match blocking(move || desk.review(&batch)).await {
        Ok(Ok(dir)) => match file_body(&dir.join(file)).await {
            Ok(body) => attachment(name, content_type, body),
            Err(r) => r,
        },
        Ok(Err(e)) => error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        Err(r) => r,
    }
}

/// `…/warehouse`: the batch's warehouse files as `convert --to
/// csv,parquet` writes them, zipped.
async fn download_warehouse(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    let batch = match batch_of(&app, &id) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let desk = app.desk.clone();
    match blocking(move || desk.warehouse(&batch)).await {
        Ok(Ok(dir)) => match file_body(&dir.join(desk::PACK)).await {
            Ok(body) => attachment("入库文件.zip", ZIP, body),
            Err(r) => r,
        },
        Ok(Err(e)) => error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        Err(r) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::host_is_ours;

    #[test]
    fn only_this_machines_names_reach_a_desk_bound_to_it() {
        let local = "127.0.0.1:8650".parse().unwrap();
        for ok in [
            "127.0.0.1:8650",
            "localhost:8650",
            "LOCALHOST:8650",
            "[::1]:8650",
        ] {
            assert!(host_is_ours(ok, local), "{ok}");
        }
        for no in [
            "evil.example:8650",
            "127.0.0.1:8651",
            "127.0.0.1",
            "",
            "192.168.1.5:8650",
        ] {
            assert!(!host_is_ours(no, local), "{no}");
        }
        let network = "0.0.0.0:8650".parse().unwrap();
        assert!(host_is_ours("192.168.1.5:8650", network));
        assert!(!host_is_ours("192.168.1.5:80", network));
    }
}
