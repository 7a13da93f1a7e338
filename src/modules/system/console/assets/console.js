// The console's only script (served from 'self'; the CSP allows no inline script). The
// pages work without it; it adds the charts and the live updates:
//  - overview: uPlot charts from the page's JSON block; the jobs-by-type table is re-read
//    when jobs change (the staff-wide event stream says when);
//  - jobs list: the results are re-read when jobs change, so new jobs and status changes
//    appear without a reload;
//  - job page: each new event of the job arrives as a rendered timeline row, and the job's
//    fields are re-read as it moves on.
// Everything inserted is HTML the server rendered (and escaped) with the same templates as
// the page itself.
/* global EventSource */
'use strict';

(function () {
  const live = document.getElementById('live')

  function setLive (state) {
    if (live === null) return
    live.hidden = false
    live.dataset.state = state
    live.textContent = state === 'on' ? 'live' : state === 'connecting' ? 'connecting…' : 'offline'
  }

  /** Replace an element's content with a part of a page the server renders, at most every `waitMs`. */
  function refresher (element, url, waitMs) {
    let timer = null
    let again = false
    let busy = false
    function run () {
      timer = null
      if (busy) { again = true; return }
      busy = true
      fetch(url(), { headers: { accept: 'text/html', 'x-console-partial': '1' }, credentials: 'same-origin', redirect: 'error' })
        .then(function (response) { return response.ok ? response.text() : null })
        .then(function (text) { if (text !== null) element.innerHTML = text })
        .catch(function () { /* the next event tries again */ })
        .finally(function () {
          busy = false
          if (again) { again = false; schedule() }
        })
    }
    function schedule () { if (timer === null) timer = setTimeout(run, waitMs) }
    return schedule
  }

  function withParam (name, value) {
    const url = new URL(window.location.href)
    url.searchParams.set(name, value)
    url.searchParams.delete('notice')
    url.searchParams.delete('n')
    return url.pathname + url.search
  }

  /** The staff-wide stream: call `onChange` for every job event. EventSource reconnects by itself. */
  function watchAll (onChange) {
    const stream = document.body.dataset.stream
    if (!stream || typeof EventSource === 'undefined') return
    const source = new EventSource(stream)
    setLive('connecting')
    source.onopen = function () { setLive('on'); onChange() }
    source.onerror = function () { setLive(source.readyState === EventSource.CLOSED ? 'off' : 'connecting') }
    source.onmessage = function () { onChange() }
  }

  function drawCharts () {
    const block = document.getElementById('chart-data')
    const Plot = window.uPlot
    if (block === null || Plot === undefined) return
    const data = JSON.parse(block.textContent)
    const charts = []
    document.querySelectorAll('[data-chart]').forEach(function (element) {
      const minutes = data[element.dataset.chart] || []
      const series = [
        minutes.map(function (m) { return m.minute }),
        minutes.map(function (m) { return m.succeeded }),
        minutes.map(function (m) { return m.failed })
      ]
      const chart = new Plot({
        width: Math.max(240, element.clientWidth),
        height: 180,
        series: [
          {},
          { label: 'succeeded', stroke: '#1b7f3b', fill: 'rgba(27,127,59,0.12)', width: 1.5 },
          { label: 'failed', stroke: '#c0392b', fill: 'rgba(192,57,43,0.12)', width: 1.5 }
        ],
        axes: [{}, { size: 44 }],
        scales: { y: { range: function (u, min, max) { return [0, Math.max(1, max)] } } }
      }, series, element)
      charts.push({ chart, element })
    })
    window.addEventListener('resize', function () {
      charts.forEach(function (c) { c.chart.setSize({ width: Math.max(240, c.element.clientWidth), height: 180 }) })
    })
  }

  function overviewPage () {
    drawCharts()
    const table = document.getElementById('jobs-now')
    if (table === null) return
    watchAll(refresher(table, function () { return withParam('partial', 'now') }, 1500))
  }

  function jobsPage () {
    const results = document.getElementById('job-results')
    if (results === null) return
    watchAll(refresher(results, function () { return withParam('partial', 'rows') }, 400))
  }

  function jobPage () {
    const timeline = document.getElementById('timeline')
    const fields = document.getElementById('job-fields')
    if (timeline === null || fields === null || !timeline.dataset.stream || typeof EventSource === 'undefined') return
    const refreshFields = refresher(fields, function () { return withParam('partial', 'fields') }, 300)
    // The first connection starts after the events the page already shows; a reconnect
    // sends Last-Event-ID itself and the server resumes after it.
    const source = new EventSource(timeline.dataset.stream + '?after=' + encodeURIComponent(timeline.dataset.lastEvent || '0'))
    setLive('connecting')
    source.onopen = function () { setLive('on') }
    source.onerror = function () { setLive(source.readyState === EventSource.CLOSED ? 'off' : 'connecting') }
    source.onmessage = function (message) {
      const event = JSON.parse(message.data)
      if (timeline.querySelector('[data-event="' + event.id + '"]') === null) timeline.insertAdjacentHTML('beforeend', event.html)
      refreshFields()
    }
    // The job has ended: the server closes the stream; closing here keeps EventSource from reconnecting.
    source.addEventListener('status', function () {
      source.close()
      setLive('off')
      refreshFields()
    })
  }

  const page = document.body.dataset.page
  if (page === 'overview') overviewPage()
  else if (page === 'jobs') jobsPage()
  else if (page === 'job') jobPage()
})()
