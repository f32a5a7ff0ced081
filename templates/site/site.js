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
