// Review states on the reader's day. A site is built on one day and read on many: each review
// on a page carries its dates (data-next-review, and data-due-soon-from: the first day it is due
// soon under `[lint] due_soon`), and this script tells the state on today's local date:
// overdue after the review date, due soon from data-due-soon-from, else nothing to show. It
// updates the badges of SOP pages and lists, and on the dashboard the counts and the two review
// lists. Without scripts the states of the build's day stay, as the page says ("as of").
(function () {
  'use strict';
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var pad = function (n) { return (n < 10 ? '0' : '') + n; };
  var now = new Date();
  var today = now.getFullYear() + '-' + pad(now.getMonth() + 1) + '-' + pad(now.getDate());

  // ISO dates compare as text.
  function stateOf(next, from) {
    if (next < today) { return 'overdue'; }
    return from <= today ? 'due-soon' : 'ok';
  }

  function utc(iso) {
    var p = iso.split('-');
    return Date.UTC(Number(p[0]), Number(p[1]) - 1, Number(p[2]));
  }

  // Badges: each holds one badge per state, those of the other states hidden.
  each(document.querySelectorAll('.review-state[data-next-review]'), function (el) {
    var state = stateOf(el.getAttribute('data-next-review'), el.getAttribute('data-due-soon-from'));
    each(el.querySelectorAll('[data-review]'), function (badge) {
      badge.hidden = badge.getAttribute('data-review') !== state;
    });
    each(el.querySelectorAll('time'), function (t) {
      t.className = 'review-' + state;
    });
  });
  each(document.querySelectorAll('time[data-review-today]'), function (t) {
    t.setAttribute('datetime', today);
    t.textContent = today;
  });

  var lists = document.getElementById('review-lists');
  if (!lists) { return; }
  var data = lists.dataset;
  var limit = Number(data.rows) || 100;
  function when(next) {
    var late = Math.round((utc(today) - utc(next)) / 86400000);
    if (late === 0) { return data.today; }
    if (late === 1) { return data.lateOne; }
    if (late === -1) { return data.aheadOne; }
    return (late > 0 ? data.late : data.ahead).replace('{n}', String(Math.abs(late)));
  }
  var bodies = {
    overdue: lists.querySelector('[data-rows-of="overdue"]'),
    'due-soon': lists.querySelector('[data-rows-of="due-soon"]'),
  };
  // Rows come most late first (overdue list, then due soon, then later ones hidden), so
  // appending them in that order keeps each list in order.
  var rows = Array.prototype.slice.call(lists.querySelectorAll('tr[data-next-review]'));
  var shown = { overdue: 0, 'due-soon': 0 };
  rows.forEach(function (tr) {
    var next = tr.getAttribute('data-next-review');
    var state = stateOf(next, tr.getAttribute('data-due-soon-from'));
    bodies[state === 'overdue' ? 'overdue' : 'due-soon'].appendChild(tr);
    var visible = state !== 'ok' && shown[state] < limit;
    if (visible) { shown[state] += 1; }
    tr.hidden = !visible;
    var badge = tr.querySelector('.badge');
    if (badge) {
      badge.className = 'badge review-' + (state === 'overdue' ? 'overdue' : 'due-soon');
      badge.textContent = when(next);
    }
  });
  // Counts from every review's dates (the lists hold only the first rows).
  var counts = { overdue: 0, 'due-soon': 0 };
  var dates = [];
  try { dates = JSON.parse(data.reviewDates || '[]'); } catch (e) { dates = []; }
  dates.forEach(function (d) {
    var state = stateOf(d[0], d[1]);
    if (state !== 'ok') { counts[state] += d[2]; }
  });
  var bad = { overdue: 'tone-danger', 'due-soon': 'tone-warning' };
  Object.keys(counts).forEach(function (state) {
    var n = counts[state];
    each(document.querySelectorAll('[data-count="' + state + '"]'), function (el) {
      el.textContent = String(n);
    });
    each(document.querySelectorAll('[data-tile="' + state + '"]'), function (tile) {
      tile.classList.remove('tone-ok', bad[state]);
      tile.classList.add(n === 0 ? 'tone-ok' : bad[state]);
      var value = tile.querySelector('.tile-value');
      if (value) { value.textContent = String(n); }
    });
    var more = lists.querySelector('[data-more="' + state + '"]');
    if (more) {
      more.hidden = n <= shown[state];
      var count = more.querySelector('[data-more-count]');
      if (count) { count.textContent = String(Math.max(0, n - shown[state])); }
    }
    var table = lists.querySelector('[data-list="' + state + '"]');
    if (table) { table.hidden = shown[state] === 0; }
    var empty = lists.querySelector('[data-empty="' + state + '"]');
    if (empty) { empty.hidden = shown[state] !== 0; }
  });
}());
