// The desk's page: uploads workbooks one request each, follows the batch
// while files wait and are read, shows one file's findings and, for a
// finding, the sheet around its cells. Every text from the server goes in
// with textContent, never as markup.
'use strict';

const $ = (id) => document.getElementById(id);
const SEVERITY = { error: '错误', warning: '警告', info: '提示' };
const WORKBOOK = /\.(xlsx|xlsm|xls)$/i;
const OTHER_SPREADSHEET = /\.(et|ett|xlsb|ods|xlt|xltx|xltm|numbers)$/i;
const PARALLEL_UPLOADS = 3;

const state = {
  batch: null,
  files: [],        // the server's view of the batch's files
  notes: [],        // what only the whole batch shows
  uploads: [],      // files still being sent: {key, name, loaded, total, error}
  waiting: [],      // files not yet sent
  sending: 0,
  chosen: null,     // the file whose findings are shown
  report: null,     // its report, as check --format json gives it
  finding: null,    // the finding whose cells are shown (its index)
  polling: false,
};

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function toast(text, ms) {
  const t = $('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  if (ms !== 0) toast.timer = setTimeout(() => { t.hidden = true; }, ms || 6000);
}

async function api(method, url, body) {
  const r = await fetch(url, { method, body, credentials: 'same-origin' });
  const type = r.headers.get('content-type') || '';
  const data = type.includes('json') ? await r.json() : null;
  if (!r.ok) {
    const e = new Error((data && data.error) || ('请求失败（' + r.status + '）'));
    e.status = r.status;
    throw e;
  }
  return data;
}

// ---- the batch --------------------------------------------------------

async function startBatch(fresh) {
  let id = fresh ? null : sessionStorage.getItem('yusuan-batch');
  if (id) {
    try {
      await api('GET', '/api/batches/' + id);
    } catch (e) {
      id = null;
    }
  }
  if (!id) {
    id = (await api('POST', '/api/batches')).id;
    sessionStorage.setItem('yusuan-batch', id);
  }
  state.batch = id;
  state.files = [];
  state.notes = [];
  state.chosen = null;
  state.report = null;
  $('detail').hidden = true;
  await refresh();
}

async function refresh() {
  try {
    const view = await api('GET', '/api/batches/' + state.batch);
    state.files = view.files;
    state.notes = view.batch;
  } catch (e) {
    if (e.status === 404) {
      toast('核对台已经重启，这一批已不在了：请重新拖入工作簿');
      await startBatch(true);
      return;
    }
    toast(e.message);
  }
  render();
  const busy = state.files.some((f) => f.stage !== 'done') || state.uploads.length > 0;
  if (busy && !state.polling) {
    state.polling = true;
    setTimeout(() => { state.polling = false; refresh(); }, 400);
  }
  if (state.chosen !== null && !state.report) {
    const f = state.files.find((x) => x.n === state.chosen);
    if (f && f.stage === 'done') showFile(f.n);
  }
}

// Unreadable files and errors first, then warnings; files still on their
// way last, in the order they came.
function rank(f) {
  if (f.stage !== 'done') return [9, 0, 0];
  if (f.status === 'unreadable' || f.status === 'refused') return [0, 0, 0];
  return [f.errors > 0 ? 1 : f.warnings > 0 ? 2 : 3, -f.errors, -f.warnings];
}

function compare(a, b) {
  const ra = rank(a), rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
  return a.n - b.n;
}

function statusOf(f) {
  if (f.stage === 'queued') {
    return [f.ahead > 0 ? '排队中（前面还有 ' + f.ahead + ' 个）' : '排队中', 'status-wait'];
  }
  if (f.stage === 'reading') return ['读取、核对中…', 'status-wait'];
  if (f.status === 'unreadable') return ['无法读取：' + f.message, 'status-bad'];
  if (f.status === 'refused') return ['未核对：' + f.message, 'status-bad'];
  if (f.errors > 0) return ['有 ' + f.errors + ' 个错误', 'status-error'];
  if (f.warnings > 0) return ['有 ' + f.warnings + ' 个警告', 'status-warning'];
  if (f.infos > 0) return ['通过（' + f.infos + ' 条提示）', 'status-ok'];
  return ['通过', 'status-ok'];
}

function render() {
  const any = state.files.length > 0 || state.uploads.length > 0;
  $('batch').hidden = !any;
  $('drop').classList.toggle('compact', any);
  const body = $('files').tBodies[0];
  body.replaceChildren();
  for (const u of state.uploads) {
    const tr = el('tr', null, 'uploading');
    tr.dataset.name = u.name;
    tr.append(el('td', u.name, 'name'));
    for (let i = 0; i < 7; i++) tr.append(el('td', ''));
    const td = el('td', null, u.error ? 'status-bad' : 'status-wait');
    if (u.error) {
      td.textContent = '上传失败：' + u.error;
    } else {
      const pct = u.total ? Math.floor((100 * u.loaded) / u.total) : 0;
      const bar = el('span', null, 'progress');
      const fill = el('span');
      fill.style.width = pct + '%';
      bar.append(fill);
      td.append(bar, document.createTextNode(u.started ? '上传中 ' + pct + '%' : '等待上传'));
    }
    tr.append(td);
    body.append(tr);
  }
  for (const f of [...state.files].sort(compare)) {
    const tr = el('tr');
    tr.dataset.n = f.n;
    tr.dataset.name = f.name;
    if (f.n === state.chosen) tr.classList.add('chosen');
    const dept = [f.dept_code, f.dept_name].filter(Boolean).join(' ');
    const level = f.level ? f.level + '预算' + (f.unit_name ? '（' + f.unit_name + '）' : '') : '';
    const done = f.stage === 'done' && f.status !== 'unreadable' && f.status !== 'refused';
    tr.append(
      el('td', f.name, 'name'),
      el('td', dept),
      el('td', f.year || '', 'nw'),
      el('td', f.template || '', 'nw'),
      el('td', level, 'nw'),
      el('td', done ? f.errors : '', 'num'),
      el('td', done ? f.warnings : '', 'num'),
      el('td', done ? f.infos : '', 'num'),
    );
    const [text, cls] = statusOf(f);
    tr.append(el('td', text, 'status ' + cls));
    tr.addEventListener('click', () => showFile(f.n));
    body.append(tr);
  }
  renderTotals();
  for (const id of ['dl-summary', 'dl-findings', 'dl-all', 'dl-warehouse']) {
    $(id).classList.toggle('off', state.files.length === 0);
  }
}

function renderTotals() {
  const done = state.files.filter((f) => f.stage === 'done');
  const bad = done.filter((f) => f.status === 'unreadable').length;
  const refused = done.filter((f) => f.status === 'refused').length;
  const sum = (k) => done.reduce((s, f) => s + (f[k] || 0), 0);
  let text = '合计：' + done.length + ' 个文件，' + bad + ' 个无法读取，' + refused + ' 个不是预算；'
    + sum('errors') + ' 个错误，' + sum('warnings') + ' 个警告，' + sum('infos') + ' 条提示';
  const left = state.files.length - done.length + state.uploads.length;
  if (left > 0) text += '（还有 ' + left + ' 个在上传或读取）';
  $('totals').textContent = text;
  const notes = $('batch-notes');
  notes.replaceChildren();
  for (const n of state.notes) {
    const p = el('p', null, 'batch-note');
    p.append(
      el('strong', '批量核对：'),
      document.createTextNode('[' + SEVERITY[n.severity] + '] '),
      el('span', n.rule, 'rule'),
      document.createTextNode(' ' + n.message + '　文件：' + n.files.join('、')),
    );
    notes.append(p);
  }
}

// ---- uploads ----------------------------------------------------------

let uploadKey = 0;

function enqueue(items) {
  let skipped = 0, other = 0;
  for (const { file, path, inFolder } of items) {
    const base = file.name;
    // A folder's workbooks only, as check reads a folder; a file given by
    // itself is taken whatever it is, and says what it is.
    if (inFolder) {
      if (base.startsWith('~$') || base.startsWith('.')) { skipped++; continue; }
      if (!WORKBOOK.test(base)) {
        if (OTHER_SPREADSHEET.test(base)) other++; else skipped++;
        continue;
      }
    }
    const u = { key: ++uploadKey, file, name: path || base, loaded: 0, total: file.size };
    state.uploads.push(u);
    state.waiting.push(u);
  }
  const note = $('skipped');
  const parts = [];
  if (other > 0) parts.push('跳过 ' + other + ' 个不是 .xlsx/.xls 的表格文件：请用 Excel 或 WPS 另存为 .xlsx 后再拖入');
  if (skipped > 0) parts.push('跳过文件夹中 ' + skipped + ' 个不是工作簿的文件');
  note.textContent = parts.join('；');
  note.hidden = parts.length === 0;
  render();
  pump();
}

function pump() {
  while (state.sending < PARALLEL_UPLOADS && state.waiting.length > 0) {
    send(state.waiting.shift());
  }
}

function send(u) {
  state.sending++;
  u.started = true;
  const form = new FormData();
  form.append('file', u.file, u.name);
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/batches/' + state.batch + '/files');
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) { u.loaded = e.loaded; u.total = e.total; render(); }
  };
  const finish = (error) => {
    state.sending--;
    if (error) {
      u.error = error;
    } else {
      state.uploads = state.uploads.filter((x) => x !== u);
    }
    refresh();
    pump();
  };
  xhr.onload = () => {
    if (xhr.status >= 200 && xhr.status < 300) return finish(null);
    let message = '服务器答复 ' + xhr.status;
    try { message = JSON.parse(xhr.responseText).error || message; } catch (e) { /* not JSON */ }
    finish(message);
  };
  xhr.onerror = () => finish('与核对台的连接断了：核对台是否已停止？');
  xhr.send(form);
}

// The path of a file within a dropped or chosen folder, as check names a
// file found in a folder: without the folder itself.
function inner(path) {
  const parts = path.replace(/^\/+/, '').split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : parts[0];
}

async function dropped(dt) {
  const entries = [...dt.items]
    .filter((i) => i.kind === 'file' && i.webkitGetAsEntry)
    .map((i) => i.webkitGetAsEntry())
    .filter(Boolean);
  if (entries.length === 0) {
    return [...dt.files].map((file) => ({ file, inFolder: false }));
  }
  const out = [];
  const walk = async (entry, inFolder) => {
    if (entry.isFile) {
      const file = await new Promise((ok, fail) => entry.file(ok, fail));
      out.push({ file, inFolder, path: inFolder ? inner(entry.fullPath) : null });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const some = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        if (some.length === 0) break;
        for (const e of some) await walk(e, true);
      }
    }
  };
  for (const e of entries) await walk(e, false);
  return out;
}

// ---- one file ---------------------------------------------------------

async function showFile(n) {
  state.chosen = n;
  state.report = null;
  state.finding = null;
  const f = state.files.find((x) => x.n === n);
  $('detail').hidden = false;
  $('sheet').hidden = true;
  $('detail-title').textContent = f ? f.name : '';
  render();
  if (!f || f.stage !== 'done') {
    $('detail-meta').textContent = '还在读取，读完后这里显示结果。';
    $('findings').tBodies[0].replaceChildren();
    $('detail-message').hidden = true;
    $('no-findings').hidden = true;
    $('filters').hidden = true;
    return;
  }
  try {
    state.report = await api('GET', fileUrl(n));
  } catch (e) {
    toast(e.message);
    return;
  }
  if (state.chosen !== n) return;
  renderReport(f);
}

function fileUrl(n) {
  return '/api/batches/' + state.batch + '/files/' + n;
}

function renderReport(f) {
  const r = state.report;
  const bad = r.status === 'unreadable' || r.status === 'refused';
  const meta = bad ? '' : [
    '模板 ' + (r.template || '?'),
    (r.year || '?') + ' 年',
    [r.dept_code, r.dept_name].filter(Boolean).join(' '),
    r.level ? r.level + '预算' : '',
    r.budget_unit && r.budget_unit.name ? '单位：' + r.budget_unit.name : '',
  ].filter(Boolean).join('，');
  $('detail-meta').textContent = bad ? '' : meta + '。结果：' + f.errors + ' 个错误，' + f.warnings + ' 个警告，' + f.infos + ' 条提示';
  const message = $('detail-message');
  message.hidden = !bad && !f.report_error;
  message.textContent = bad
    ? (r.status === 'refused' ? '未核对：' : '无法读取：') + r.message
    : f.report_error ? '核对工作簿无法生成：' + f.report_error : '';
  $('dl-report').classList.toggle('off', bad || !!f.report_error);
  $('dl-normalized').classList.toggle('off', bad);
  $('filters').hidden = bad || r.findings.length === 0;
  const tables = $('filter-table');
  tables.replaceChildren(el('option', '全部'));
  tables.options[0].value = '';
  const seen = new Set();
  for (const x of r.findings) {
    const t = tableOf(x);
    if (!seen.has(t)) { seen.add(t); const o = el('option', t); o.value = t; tables.append(o); }
  }
  $('filter-severity').value = '';
  $('no-findings').hidden = bad || r.findings.length > 0;
  $('sheet').hidden = bad || r.findings.length === 0;
  $('sheet-body').replaceChildren();
  $('sheet-help').hidden = false;
  renderFindings();
}

function tableOf(x) {
  return x.table_name || (x.table ? x.table : '工作簿');
}

function renderFindings() {
  const r = state.report;
  const body = $('findings').tBodies[0];
  body.replaceChildren();
  if (!r || !r.findings) return;
  const sev = $('filter-severity').value;
  const table = $('filter-table').value;
  let shown = 0;
  r.findings.forEach((x, k) => {
    if ((sev && x.severity !== sev) || (table && tableOf(x) !== table)) return;
    shown++;
    const tr = el('tr');
    tr.dataset.k = k;
    tr.dataset.rule = x.rule;
    if (k === state.finding) tr.classList.add('chosen');
    const s = el('span', SEVERITY[x.severity], 'sev sev-' + x.severity);
    const cells = x.cells.slice(0, 3).join('\n') + (x.cells.length > 3 ? '\n等 ' + x.cells.length + ' 个' : '');
    const first = el('td');
    first.append(s);
    tr.append(
      first,
      el('td', x.rule, 'rule'),
      el('td', tableOf(x), 'nw'),
      el('td', cells, 'cells'),
      el('td', x.expected || '', 'num'),
      el('td', x.actual || '', 'num'),
      el('td', x.difference || '', 'num'),
      el('td', x.unit || ''),
      el('td', x.message, 'msg'),
    );
    tr.addEventListener('click', () => showCells(k));
    body.append(tr);
  });
  $('shown-count').textContent = '显示 ' + shown + ' / ' + r.findings.length + ' 条';
}

async function showCells(k) {
  state.finding = k;
  renderFindings();
  const x = state.report.findings[k];
  const box = $('sheet-body');
  $('sheet').hidden = false;
  $('sheet-help').hidden = true;
  if (!x.cells.length) {
    box.replaceChildren(el('p', '这条结果说的是整个工作簿，没有具体的单元格。', 'note'));
    return;
  }
  box.replaceChildren(el('p', '正在读取源表…', 'note'));
  let shown;
  try {
    shown = await api('GET', fileUrl(state.chosen) + '/findings/' + k);
  } catch (e) {
    box.replaceChildren(el('p', e.message, 'message'));
    return;
  }
  if (state.finding !== k) return;
  box.replaceChildren();
  for (const w of shown.sheets) box.append(...grid(w, x.severity));
  for (const name of shown.missing) box.append(el('p', '工作簿中没有名为“' + name + '”的工作表', 'note'));
  // The first marked cell in the middle of the sheet's own scroll, the
  // page itself left where it is.
  const mark = box.querySelector('td.mark');
  if (mark) {
    const view = $('sheet');
    const m = mark.getBoundingClientRect();
    const v = view.getBoundingClientRect();
    view.scrollTop += m.top - v.top - (v.height - m.height) / 2;
    view.scrollLeft += m.left - v.left - (v.width - m.width) / 2;
  }
}

const NUMBER = /^-?[\d,]*\.?\d+(E[+-]?\d+)?%?$/i;

function grid(w, severity) {
  const title = el('h3', w.sheet + (w.part
    ? '（显示第 ' + (w.top + 1) + '–' + (w.top + w.rows.length) + ' 行，共 ' + w.height + ' 行）'
    : ''));
  const table = el('table', null, 'grid');
  table.dataset.sheet = w.sheet;
  const head = el('tr');
  head.append(el('th', ''));
  for (const c of w.columns) head.append(el('th', c));
  table.append(el('thead'));
  table.tHead.append(head);
  const spans = new Map(), covered = new Set();
  for (const [r0, c0, r1, c1] of w.merges) {
    spans.set(r0 + ',' + c0, [r1 - r0 + 1, c1 - c0 + 1]);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) if (r !== r0 || c !== c0) covered.add(r + ',' + c);
  }
  const marks = new Set(w.marks.map(([r, c]) => r + ',' + c));
  const body = el('tbody');
  w.rows.forEach((row, i) => {
    const r = w.top + i;
    const tr = el('tr');
    tr.append(el('th', r + 1));
    row.forEach((v, j) => {
      const c = w.left + j;
      const key = r + ',' + c;
      if (covered.has(key)) return;
      const td = el('td', v);
      const addr = w.columns[j] + (r + 1);
      td.title = addr;
      td.dataset.addr = addr;
      const span = spans.get(key);
      if (span) {
        if (span[0] > 1) td.rowSpan = span[0];
        if (span[1] > 1) td.colSpan = span[1];
        td.classList.add('merged');
      }
      if (NUMBER.test(v.trim())) td.classList.add('n');
      if (marks.has(key)) td.classList.add('mark', 'mark-' + severity);
      tr.append(td);
    });
    body.append(tr);
  });
  table.append(body);
  return [title, table];
}

// ---- downloads --------------------------------------------------------

async function download(url, busy) {
  toast(busy || '正在准备下载…', 0);
  try {
    const r = await fetch(url, { credentials: 'same-origin' });
    if (!r.ok) {
      let message = '下载失败（' + r.status + '）';
      try { message = (await r.json()).error || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    const disposition = r.headers.get('content-disposition') || '';
    const m = /filename\*=UTF-8''([^;]+)/.exec(disposition);
    const name = m ? decodeURIComponent(m[1]) : 'yusuan';
    const blob = await r.blob();
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    toast('已下载 ' + name, 3000);
  } catch (e) {
    toast(e.message);
  }
}

function link(id, url, busy) {
  $(id).addEventListener('click', (e) => {
    e.preventDefault();
    if ($(id).classList.contains('off')) return;
    download(url(), busy);
  });
}

// ---- start ------------------------------------------------------------

function init() {
  const batchUrl = () => '/api/batches/' + state.batch;
  link('dl-summary', () => batchUrl() + '/review/summary', '正在核对整批，生成核对汇总…');
  link('dl-findings', () => batchUrl() + '/review/findings.csv', '正在核对整批，生成 findings.csv…');
  link('dl-all', () => batchUrl() + '/review/all', '正在核对整批，生成每个文件的核对工作簿…');
  link('dl-warehouse', () => batchUrl() + '/warehouse', '正在转换整批，生成入库文件…');
  link('dl-report', () => fileUrl(state.chosen) + '/report');
  link('dl-normalized', () => fileUrl(state.chosen) + '/normalized', '正在生成规范工作簿…');
  $('filter-severity').addEventListener('change', renderFindings);
  $('filter-table').addEventListener('change', renderFindings);
  $('restart').addEventListener('click', () => {
    state.uploads = [];
    state.waiting = [];
    startBatch(true);
  });
  $('pick-files').addEventListener('change', (e) => {
    enqueue([...e.target.files].map((file) => ({ file, inFolder: false })));
    e.target.value = '';
  });
  $('pick-folder').addEventListener('change', (e) => {
    enqueue([...e.target.files].map((file) => ({
      file, inFolder: true, path: inner(file.webkitRelativePath || file.name),
    })));
    e.target.value = '';
  });
  const drop = $('drop');
  document.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  document.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) drop.classList.remove('over');
  });
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    enqueue(await dropped(e.dataTransfer));
  });
  startBatch(false).catch((e) => toast('无法连接核对台：' + e.message));
}

document.addEventListener('DOMContentLoaded', init);
