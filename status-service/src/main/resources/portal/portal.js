// The merchant portal: lists the merchant's uploads with live progress, shows failed items and
// uploads a file. It talks to the status service it is served from and to the ingest API.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = { key: sessionStorage.getItem('apiKey') || '', ingestUrl: localStorage.getItem('ingestUrl') || '', timer: null };

  function say(text, isError) {
    $('message').textContent = text;
    $('message').className = isError ? 'error' : '';
  }

  function headers(extra) {
    return Object.assign({ Authorization: 'Bearer ' + state.key }, extra || {});
  }

  async function problem(response) {
    try {
      const body = await response.json();
      return (body.code ? body.code + ': ' : '') + (body.detail || body.title || response.status);
    } catch (e) {
      return 'HTTP ' + response.status;
    }
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function renderUploads(uploads) {
    const body = $('uploads').tBodies[0];
    body.replaceChildren();
    for (const u of uploads) {
      const row = body.insertRow();
      row.className = 'upload status-' + u.status;
      row.dataset.uploadId = u.uploadId;
      cell(row, new Date(u.acceptedAt).toLocaleString());
      cell(row, u.uploadId);
      cell(row, u.status, 'status');
      const bar = cell(row, '');
      bar.innerHTML = '<span class="bar"><span></span></span> <span class="percent"></span>';
      bar.querySelector('.bar > span').style.width = Math.round(u.progress * 100) + '%';
      bar.querySelector('.percent').textContent = Math.floor(u.progress * 100) + '%';
      cell(row, u.succeeded, 'succeeded');
      cell(row, u.failed, u.failed > 0 ? 'failed' : '');
      cell(row, u.totalItems, 'total');
      row.addEventListener('click', () => showFailed(u.uploadId));
    }
  }

  async function refresh() {
    try {
      const response = await fetch('/v1/uploads?limit=50', { headers: headers() });
      if (!response.ok) {
        say('Could not load uploads: ' + await problem(response), true);
        return;
      }
      renderUploads((await response.json()).uploads);
    } catch (e) {
      say('Could not load uploads: ' + e.message, true);
    }
  }

  async function showFailed(uploadId) {
    const response = await fetch('/v1/uploads/' + encodeURIComponent(uploadId) + '/items?outcome=FAILED&limit=200', { headers: headers() });
    if (!response.ok) {
      say('Could not load failed items: ' + await problem(response), true);
      return;
    }
    const page = await response.json();
    $('failed-upload').textContent = uploadId;
    const body = $('failed').tBodies[0];
    body.replaceChildren();
    for (const item of page.items) {
      const row = body.insertRow();
      cell(row, item.itemIndex);
      cell(row, item.sku);
      cell(row, item.stage);
      cell(row, item.code);
      cell(row, item.message);
    }
    if (page.items.length === 0) {
      cell(body.insertRow(), 'No failed items.');
    }
    $('report-link').onclick = (event) => { event.preventDefault(); downloadReport(uploadId); };
    $('failed-section').hidden = false;
  }

  async function downloadReport(uploadId) {
    const response = await fetch('/v1/uploads/' + encodeURIComponent(uploadId) + '/report', { headers: headers() });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = 'upload-' + uploadId + '-report.ndjson';
    link.click();
  }

  function contentType(name) {
    const plain = name.toLowerCase().replace(/\.gz$/, '');
    if (plain.endsWith('.csv')) return 'text/csv';
    if (plain.endsWith('.ndjson') || plain.endsWith('.jsonl')) return 'application/x-ndjson';
    return 'application/json';
  }

  async function upload(event) {
    event.preventDefault();
    const file = $('file').files[0];
    if (!file) return;
    const extra = { 'Content-Type': contentType(file.name) };
    if (file.name.toLowerCase().endsWith('.gz')) extra['Content-Encoding'] = 'gzip';
    say('Uploading ' + file.name + '…');
    try {
      const response = await fetch(state.ingestUrl.replace(/\/$/, '') + '/v1/uploads', { method: 'POST', headers: headers(extra), body: file });
      if (response.status !== 202) {
        say('Upload refused: ' + await problem(response), true);
        return;
      }
      const ticket = await response.json();
      say('Upload ' + ticket.uploadId + ' accepted: ' + ticket.acceptedItems + ' item(s), ' + ticket.refusedItems + ' refused.');
      $('upload-form').reset();
      refresh();
    } catch (e) {
      say('Upload failed: ' + e.message, true);
    }
  }

  function connect(event) {
    if (event) event.preventDefault();
    state.key = $('api-key').value.trim();
    state.ingestUrl = $('ingest-url').value.trim();
    sessionStorage.setItem('apiKey', state.key);
    localStorage.setItem('ingestUrl', state.ingestUrl);
    say('');
    clearInterval(state.timer);
    refresh();
    state.timer = setInterval(refresh, 2000);
  }

  async function init() {
    const config = await (await fetch('/portal/config.json')).json();
    $('ingest-url').value = state.ingestUrl || config.ingestUrl;
    $('api-key').value = state.key;
    $('settings').addEventListener('submit', connect);
    $('upload-form').addEventListener('submit', upload);
    if (state.key) connect();
  }

  init();
})();
