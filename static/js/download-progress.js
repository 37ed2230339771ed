// Keeps a download's page up to date while the file is made in the background: asks for its
// progress every two seconds, says it in the (polite, live) progress line, and reloads the
// page once the file is ready or has failed. Without JavaScript the page has a refresh link.
const box = document.querySelector('[data-download-status]')

if (box) {
  const line = box.querySelector('#download-progress')
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.downloadStatus, { headers: { Accept: 'application/json' } })
      if (response.ok) {
        const state = await response.json()
        if (state.finished) {
          window.location.reload()
          return
        }
        const counted = state.rows_total ? ` ${state.rows_done} of ${state.rows_total} strategy actions written (${state.percent}%).` : ''
        line.textContent = `${state.status_label}.${counted}`
      }
    } catch (error) {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(poll, 2000)
  }
  window.setTimeout(poll, 2000)
}
