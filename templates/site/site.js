// Search and filters for the SOP index. Works from file:// and any host: the search index is a
// script (assets/search-index.js sets window.SOP_INDEX), not a JSON file fetched at run time.
(function () {
  'use strict';
  var list = document.getElementById('sop-list');
  var q = document.getElementById('q');
  if (!list || !q) { return; }
  var items = Array.prototype.slice.call(list.querySelectorAll('li[data-id]'));
  var count = document.getElementById('count');
  var empty = document.getElementById('no-results');
  var selects = Array.prototype.slice.call(document.querySelectorAll('select[data-filter]'));
  var haystack = {};
  (window.SOP_INDEX || []).forEach(function (e) {
    haystack[e.i] = [e.i, e.t, e.o, e.d, e.w].join(' ').toLowerCase();
  });
  items.forEach(function (li) {
    if (!haystack[li.dataset.id]) { haystack[li.dataset.id] = li.textContent.toLowerCase(); }
  });

  function matchesFilter(li, select) {
    var want = select.value;
    if (!want) { return true; }
    var have = li.getAttribute('data-' + select.dataset.filter) || '';
    if (select.dataset.filter === 'tags') {
      return (' ' + have + ' ').indexOf(' ' + want + ' ') !== -1;
    }
    return have === want;
  }

  function apply() {
    var terms = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li) {
      var ok = selects.every(function (s) { return matchesFilter(li, s); });
      if (ok && terms.length) {
        var text = haystack[li.dataset.id];
        ok = terms.every(function (t) { return text.indexOf(t) !== -1; });
      }
      li.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + ' of ' + items.length + ' SOPs';
    if (empty) { empty.hidden = shown !== 0; }
  }

  // Pre-fill from the address (?q=refund&department=payments), as the header search sends.
  var params = new URLSearchParams(window.location.search);
  if (params.get('q')) { q.value = params.get('q'); }
  selects.forEach(function (s) {
    var v = params.get(s.name);
    if (v && s.querySelector('option[value="' + v.replace(/"/g, '') + '"]')) { s.value = v; }
    s.addEventListener('change', apply);
  });
  q.addEventListener('input', apply);
  document.getElementById('filters').addEventListener('submit', function (event) {
    event.preventDefault();
    apply();
  });
  apply();
}());

// Layout on every page: panels open on wide screens and closed on phones, the back-to-top
// link, and the date of the line printed on every paper page.
(function () {
  'use strict';
  var each = function (selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  };

  // <details data-open-when="(min-width: …)">: closed in the page (phones first), opened while
  // the screen is that wide, and kept open when a filter inside it is in use.
  each('details[data-open-when]', function (d) {
    var wide = window.matchMedia(d.getAttribute('data-open-when'));
    var inUse = function () {
      return Array.prototype.some.call(d.querySelectorAll('select'), function (s) { return s.value; });
    };
    d.open = wide.matches || inUse();
    var follow = function () { d.open = wide.matches || inUse(); };
    if (wide.addEventListener) { wide.addEventListener('change', follow); } else { wide.addListener(follow); }
  });

  var top = document.querySelector('.to-top');
  if (top) {
    var toggle = function () { top.hidden = window.scrollY < window.innerHeight; };
    window.addEventListener('scroll', toggle, { passive: true });
    toggle();
  }

  // Paper: every collapsed panel prints open, and the printed date is the day of printing
  // (the page says the day it was built until then).
  var opened = [];
  window.addEventListener('beforeprint', function () {
    each('details:not([open])', function (d) { d.open = true; opened.push(d); });
    var copy = document.getElementById('controlled-copy');
    if (copy && copy.dataset.date) {
      var now = new Date();
      var pad = function (n) { return (n < 10 ? '0' : '') + n; };
      var today = now.getFullYear() + '-' + pad(now.getMonth() + 1) + '-' + pad(now.getDate());
      copy.textContent = copy.textContent.split(copy.dataset.date).join(today);
      copy.dataset.date = today;
    }
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
}());
