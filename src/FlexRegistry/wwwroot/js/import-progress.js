// Live progress for a bulk import: polls the page's own status handler and updates the counters (an aria-live region
// announces them). Without JavaScript the page offers a refresh link instead.
const root = document.querySelector('[data-import-status]');
if (root && root.dataset.finished !== 'true') {
  const format = new Intl.NumberFormat('en-GB');
  const set = (field, value) => {
    const element = root.querySelector(`[data-field="${field}"]`);
    if (element) element.textContent = typeof value === 'number' ? format.format(value) : value;
  };
  const progress = root.querySelector('progress');
  const poll = async () => {
    try {
      const response = await fetch(root.dataset.importStatus, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (response.ok) {
        const status = await response.json();
        for (const field of ['status', 'rowsProcessed', 'rowsReceived', 'registered', 'duplicates', 'possibleDuplicates', 'invalid']) set(field, status[field]);
        progress.max = Math.max(1, status.rowsReceived);
        progress.value = status.rowsProcessed;
        if (status.status === 'completed' || status.status === 'failed') {
          root.querySelector('[data-when-finished]').hidden = false;
          root.querySelector('[data-when-running]').hidden = true;
          document.querySelector('h1').textContent = 'Import finished';
          root.dataset.finished = 'true';
          return;
        }
      }
    } catch {
      // A dropped request: try again at the next tick.
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}
