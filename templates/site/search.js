// Full-text search of the SOP index, and the `/` shortcut to the search box on every page.
//
// The index is made of plain scripts under assets/search/ (see src/site/search/mod.rs): each
// registers itself in window.SOP_SEARCH_DATA when loaded as a <script> element, so search works
// from file:// (where pages cannot fetch) and on any static host. Only what a query needs is
// loaded: the manifest, the term chunks of its words, and the text of the results shown.
//
// Words are read as the index reads them (src/site/search/tokens.rs) and stemmed by the same
// light rules (src/site/search/stem.rs): change both sides together.
(function () {
  'use strict';

  // ---- Words -----------------------------------------------------------------------------
  var COMPOUND = /[\p{Alphabetic}\p{N}]+(?:[-_.,\/@:'\u2019][\p{Alphabetic}\p{N}]+)*/gu;
  var RUN = /[\p{Alphabetic}\p{N}]+/gu;
  var LETTERS = /^\p{Alphabetic}+$/u;
  var NUMBER = /^[\p{N}\-_.,\/@:'\u2019]+$/u;
  var HYPHENATED = /^[\p{Alphabetic}\p{N}]+(?:-[\p{Alphabetic}\p{N}]+)+$/u;
  var MAX_COMPOUND = 40;

  function length(s) { return Array.from(s).length; }

  // A compound (lowercase) written together, as the index also keeps it: the digits of a
  // number (`5,000` → `5000`), hyphenated words without their hyphens (`e-mail` → `email`);
  // else null.
  function joinedOf(text) {
    if (NUMBER.test(text)) { return text.replace(/[^\p{N}]/gu, ''); }
    if (HYPHENATED.test(text)) { return text.replace(/-/g, ''); }
    return null;
  }

  // The compounds of `text`, each with its position and its runs (as [start, end] pairs).
  function compounds(text) {
    var out = [];
    var m;
    COMPOUND.lastIndex = 0;
    while ((m = COMPOUND.exec(text))) {
      var runs = [];
      var r;
      RUN.lastIndex = 0;
      while ((r = RUN.exec(m[0]))) { runs.push([m.index + r.index, m.index + r.index + r[0].length]); }
      // A curly apostrophe is the straight one (src/site/search/tokens.rs).
      out.push({ start: m.index, end: m.index + m[0].length, text: m[0].toLowerCase().replace(/\u2019/g, "'"), runs: runs });
    }
    return out;
  }

  // ---- Light stemming (src/site/search/stem.rs) -------------------------------------------
  var MIN_STEM = 3;
  function cut(w, suffix) {
    if (w.length < suffix.length || w.slice(w.length - suffix.length) !== suffix) { return null; }
    var rest = w.slice(0, w.length - suffix.length);
    return length(rest) >= MIN_STEM ? rest : null;
  }
  var ENGLISH_ENDINGS = ['ational', 'ation', 'ating', 'ated', 'ate', 'ement', 'ment', 'ness', 'ity',
    'ion', 'ing', 'ed', 'er', 'ly', 'al', 'ive', 'ize', 'e'];
  function english(word) {
    if (length(word) <= MIN_STEM) { return word; }
    var w = word;
    var r;
    if ((r = cut(w, 'ies')) !== null) { w = r + 'y'; }
    else if ((r = cut(w, 'sses')) !== null) { w = r + 'ss'; }
    else if (/s$/.test(w) && !/(ss|us|is)$/.test(w)) {
      if ((r = cut(w, 's')) !== null) { w = r; }
    }
    for (var i = 0; i < ENGLISH_ENDINGS.length; i += 1) {
      if ((r = cut(w, ENGLISH_ENDINGS[i])) !== null) { w = r; break; }
    }
    if (/y$/.test(w) && length(w.slice(0, -1)) >= MIN_STEM) { w = w.slice(0, -1) + 'i'; }
    var cs = Array.from(w);
    var a = cs[cs.length - 1];
    if (cs.length > MIN_STEM && a === cs[cs.length - 2] && 'lszaeiou'.indexOf(a) === -1) {
      w = cs.slice(0, -1).join('');
    }
    return w;
  }
  var ACCENTS = { 'á': 'a', 'é': 'e', 'í': 'i', 'ó': 'o', 'ú': 'u', 'ü': 'u' };
  function spanish(word) {
    var w = word.replace(/[áéíóúü]/g, function (c) { return ACCENTS[c]; });
    if (length(w) <= MIN_STEM) { return w; }
    var r;
    if ((r = cut(w, 'mente')) !== null) { w = r; }
    if ((r = cut(w, 'ciones')) !== null) { w = r + 'cion'; }
    else if ((r = cut(w, 'ces')) !== null) { w = r + 'z'; }
    else if ((r = cut(w, 'es')) !== null) { w = r; }
    else if ((r = cut(w, 's')) !== null) { w = r; }
    var vowels = ['a', 'o', 'e'];
    for (var i = 0; i < vowels.length; i += 1) {
      if ((r = cut(w, vowels[i])) !== null) { w = r; break; }
    }
    return w;
  }
  var STEMMERS = { en: english, es: spanish };

  window.SOP_SEARCH = { stem: function (lang, word) { return STEMMERS[lang] ? STEMMERS[lang](word) : word; } };

  // ---- The `/` shortcut --------------------------------------------------------------------
  document.addEventListener('keydown', function (event) {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    var box = document.getElementById('q') || document.getElementById('Site-q');
    if (!box) { return; }
    event.preventDefault();
    box.focus();
    box.select();
  });

  var list = document.getElementById('sop-list');
  var q = document.getElementById('q');
  var form = document.getElementById('filters');
  if (!q || !form) { return; }

  // ---- Loading the index -------------------------------------------------------------------
  var script = document.currentScript;
  var base = script ? script.src.replace(/[^\/]*$/, '') + 'search/' : 'assets/search/';
  var data = window.SOP_SEARCH_DATA = window.SOP_SEARCH_DATA || {};
  var loading = {};
  function load(name) {
    if (data[name]) { return Promise.resolve(data[name]); }
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = base + name + '.js';
        s.addEventListener('load', function () {
          s.remove();
          if (data[name]) { resolve(data[name]); } else { reject(new Error(name + '.js holds no search data')); }
        });
        s.addEventListener('error', function () {
          s.remove();
          delete loading[name];
          reject(new Error('cannot load ' + s.src));
        });
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }

  // The text of document `n`: the files under `d/` hold `per` documents each, in order.
  function textOf(n) {
    return load('index').then(function (manifest) {
      var per = manifest.per || 1;
      return load('d/' + Math.floor(n / per)).then(function (texts) {
        if (!texts[n % per]) { throw new Error('no text for document ' + n); }
        return texts[n % per];
      });
    });
  }

  // The chunk that would hold `term`: the last whose first term is not after it.
  function chunkOf(manifest, term) {
    var lo = 0;
    var hi = manifest.chunks.length - 1;
    var found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (manifest.chunks[mid] <= term) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  // Calls `each(doc, weight)` for every posting of a term (see encode_postings in mod.rs).
  function postings(encoded, each) {
    var n = 0;
    var parts = encoded.split(',');
    for (var i = 0; i < parts.length; i += 1) {
      var v = parseInt(parts[i], 36);
      n += Math.floor(v / 8);
      each(n, v % 8);
    }
  }

  // ---- Queries -----------------------------------------------------------------------------
  // The words of a query: a compound is looked up whole; the last word also by prefix, unless
  // the query ends with a space.
  function parse(query) {
    var words = [];
    compounds(query).forEach(function (c) {
      var parts = c.runs.map(function (r) { return query.slice(r[0], r[1]).toLowerCase(); });
      if (parts.length === 1) {
        words.push({ term: c.text, stemmable: LETTERS.test(c.text), end: c.end });
      } else if (length(c.text) <= MAX_COMPOUND) {
        var joined = HYPHENATED.test(c.text) ? joinedOf(c.text) : null;
        words.push({ term: c.text, stemmable: false, joined: joined, end: c.end });
      } else {
        parts.forEach(function (p) { words.push({ term: p, stemmable: LETTERS.test(p), end: c.end }); });
      }
    });
    var last = words[words.length - 1];
    if (last && last.end === query.length && length(last.term) >= 2) { last.prefix = true; }
    return words;
  }

  // How each word matches a term: whole (4), by stem (3), by prefix (2).
  function keysOf(word, manifest) {
    var keys = [[word.term, 4]];
    function stems(term) {
      manifest.stems.forEach(function (lang) {
        var s = STEMMERS[lang](term);
        keys.push(['~' + s, 3]);
        if (s !== term) { keys.push([s, 3]); }
      });
    }
    if (word.stemmable) { stems(word.term); }
    // `e-mail` also finds `email`, written together.
    if (word.joined) {
      keys.push([word.joined, 4]);
      if (LETTERS.test(word.joined)) { stems(word.joined); }
    }
    return keys;
  }

  // The documents matching every word: doc → score.
  function match(manifest, words) {
    var needed = {};
    var plan = words.map(function (word) {
      var keys = keysOf(word, manifest);
      keys.forEach(function (k) { var c = chunkOf(manifest, k[0]); if (c >= 0) { needed[c] = true; } });
      var range = [];
      if (word.prefix) {
        var start = Math.max(0, chunkOf(manifest, word.term));
        for (var c = start; c < manifest.chunks.length && c < start + 4; c += 1) {
          if (c > start && manifest.chunks[c].slice(0, word.term.length) > word.term) { break; }
          range.push(c);
          needed[c] = true;
        }
      }
      return { word: word, keys: keys, range: range };
    });
    return Promise.all(Object.keys(needed).map(function (c) { return load('t/' + c); })).then(function () {
      var scores = null;
      plan.forEach(function (p) {
        var found = new Map();
        function add(encoded, strength) {
          postings(encoded, function (n, w) {
            var s = w * strength;
            if (!(found.get(n) >= s)) { found.set(n, s); }
          });
        }
        p.keys.forEach(function (k) {
          var chunk = data['t/' + chunkOf(manifest, k[0])];
          if (chunk && Object.prototype.hasOwnProperty.call(chunk, k[0])) { add(chunk[k[0]], k[1]); }
        });
        p.range.forEach(function (c) {
          var chunk = data['t/' + c] || {};
          Object.keys(chunk).forEach(function (term) {
            if (term !== p.word.term && term.slice(0, p.word.term.length) === p.word.term) { add(chunk[term], 2); }
          });
        });
        if (scores === null) { scores = found; return; }
        var both = new Map();
        scores.forEach(function (s, n) { if (found.has(n)) { both.set(n, s + found.get(n)); } });
        scores = both;
      });
      return scores || new Map();
    });
  }

  // ---- Snippets ----------------------------------------------------------------------------
  // Whether a word of a result's text (lowercase) is one the query asked for.
  function matcher(words, lang) {
    var stem = STEMMERS[lang];
    var stems = {};
    words.forEach(function (w) {
      if (stem && w.stemmable) { stems[stem(w.term)] = true; }
      if (stem && w.joined && LETTERS.test(w.joined)) { stems[stem(w.joined)] = true; }
    });
    return function (word) {
      for (var i = 0; i < words.length; i += 1) {
        var w = words[i];
        if (word === w.term || word === w.joined) { return true; }
        if (w.prefix && word.slice(0, w.term.length) === w.term) { return true; }
      }
      return Boolean(stem && LETTERS.test(word) && stems[stem(word)]);
    };
  }

  // The spans of `text` to highlight.
  function marks(text, isMatch) {
    var out = [];
    compounds(text).forEach(function (c) {
      var joined = joinedOf(c.text);
      if (c.runs.length > 1 && (isMatch(c.text) || (joined && isMatch(joined)))) { out.push([c.start, c.end]); return; }
      c.runs.forEach(function (r) { if (isMatch(text.slice(r[0], r[1]).toLowerCase())) { out.push(r); } });
    });
    return out;
  }

  // The section to show for a document: the first whose heading matches, else the first whose
  // text matches, else the first.
  function bestSection(doc, isMatch) {
    var best = null;
    var bestScore = -1;
    doc.s.forEach(function (s) {
      var inHeading = marks(s[1], isMatch).length;
      var inText = marks(s[2], isMatch);
      var score = (inHeading ? 2 : 0) + (inText.length ? 1 : 0);
      if (score > bestScore) { best = { section: s, marks: inText }; bestScore = score; }
    });
    return best;
  }

  // A paragraph with about `size` characters of `text` around its first mark, the marks in
  // <mark> elements (text nodes only: SOP text never becomes HTML).
  function snippetOf(text, spans, size) {
    var p = document.createElement('p');
    p.className = 'snippet';
    var from = 0;
    if (spans.length && spans[0][0] > size / 3) {
      from = text.lastIndexOf(' ', spans[0][0] - Math.floor(size / 3)) + 1;
    }
    var to = Math.min(text.length, from + size);
    if (to < text.length) { var space = text.indexOf(' ', to); to = space === -1 ? text.length : space; }
    if (from > 0) { p.appendChild(document.createTextNode('… ')); }
    var at = from;
    spans.forEach(function (s) {
      if (s[0] < at || s[1] > to) { return; }
      p.appendChild(document.createTextNode(text.slice(at, s[0])));
      var m = document.createElement('mark');
      m.textContent = text.slice(s[0], s[1]);
      p.appendChild(m);
      at = s[1];
    });
    p.appendChild(document.createTextNode(text.slice(at, to)));
    if (to < text.length) { p.appendChild(document.createTextNode(' …')); }
    return p;
  }

  function languageName(tag) {
    try {
      var name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag);
      return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
    } catch (e) {
      return tag;
    }
  }

  // One line of a result: a link to the section that matched, and the snippet.
  function hitOf(doc, words) {
    var isMatch = matcher(words, doc.g);
    var best = bestSection(doc, isMatch);
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.className = 'hit-link';
    var section = best ? best.section : ['', '', ''];
    a.setAttribute('href', doc.u + (section[0] ? '#' + section[0] : ''));
    if (doc.l) {
      var lang = document.createElement('span');
      lang.className = 'badge hit-language';
      lang.setAttribute('lang', doc.l);
      lang.textContent = languageName(doc.l);
      a.appendChild(lang);
      a.appendChild(document.createTextNode(' '));
    }
    a.appendChild(document.createTextNode(section[1] ? '§ ' + section[1] : doc.t));
    li.appendChild(a);
    if (section[2]) { li.appendChild(snippetOf(section[2], best.marks, 180)); }
    return li;
  }

  // ---- The index page ----------------------------------------------------------------------
  var cards = list ? Array.prototype.slice.call(list.querySelectorAll('li[data-id]')) : [];
  var cardById = {};
  cards.forEach(function (li) { cardById[li.dataset.id] = li; });
  var count = document.getElementById('count');
  var empty = document.getElementById('no-results');
  var selects = Array.prototype.slice.call(form.querySelectorAll('select[data-filter]'));

  // The texts shown, in the site's language: the page holds them in data- attributes of the
  // form and of the count (English when a theme's own page has none), with {name} to fill in.
  function text(el, name, english) { return (el && el.dataset[name]) || english; }
  function fill(message, values) {
    return message.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  var results = document.createElement('ol');
  results.className = 'sop-list search-results';
  results.id = 'search-results';
  results.setAttribute('aria-label', text(form, 'results', 'Search results'));
  results.hidden = true;
  var more = document.createElement('button');
  more.type = 'button';
  more.className = 'more-results';
  more.textContent = text(form, 'moreResults', 'Show more results');
  more.hidden = true;
  if (list) { list.after(results, more); } else { form.after(results, more); }
  var PAGE = 10;

  function passes(li) {
    return selects.every(function (select) {
      var want = select.value;
      if (!want || !li) { return true; }
      var have = li.getAttribute('data-' + select.dataset.filter) || '';
      if (select.dataset.filter === 'tags') { return (' ' + have + ' ').indexOf(' ' + want + ' ') !== -1; }
      return have === want;
    });
  }

  function say(shown) {
    var total = cards.length;
    if (count) {
      var message = total === 1 ? text(count, 'shownOne', '{shown} of 1 SOP') : text(count, 'shown', '{shown} of {total} SOPs');
      count.textContent = fill(message, { shown: shown, total: total });
    }
    if (empty) { empty.hidden = shown !== 0; }
  }

  function showCards() {
    var shown = 0;
    cards.forEach(function (li) {
      var ok = passes(li);
      if (li.hidden === ok) { li.hidden = !ok; }
      if (ok) { shown += 1; }
    });
    if (list) { list.classList.remove('covered'); }
    results.hidden = true;
    more.hidden = true;
    say(shown);
  }

  // The query and filters in the address, so a result page can be shared and Back restores it.
  function remember() {
    var params = new URLSearchParams();
    if (q.value.trim()) { params.set('q', q.value); }
    selects.forEach(function (s) { if (s.value) { params.set(s.name, s.value); } });
    var search = params.toString();
    var want = window.location.pathname + (search ? '?' + search : '') + window.location.hash;
    if (want !== window.location.pathname + window.location.search + window.location.hash) {
      try { window.history.replaceState(null, '', want); } catch (e) { /* some file:// set-ups refuse */ }
    }
  }

  var hits = [];
  var shownHits = 0;
  var words = [];
  var run = 0;
  // Resolves once the snippets of the results shown are in.
  var snippets = Promise.resolve();

  // Shows the next page of results at once (the cards of the index page); each snippet follows
  // when its document's text has loaded. Resolves once every snippet is in.
  function showMore(token) {
    var page = hits.slice(shownHits, shownHits + PAGE);
    shownHits += page.length;
    var frag = document.createDocumentFragment();
    var pending = [];
    page.forEach(function (h) {
      var card = cardById[h.id];
      var li;
      if (card) {
        li = card.cloneNode(true);
        li.hidden = false;
      } else {
        li = document.createElement('li');
        li.className = 'sop-card';
        var title = document.createElement('h2');
        title.className = 'card-title';
        title.textContent = h.id;
        li.appendChild(title);
      }
      li.classList.add('search-hit');
      var lines = document.createElement('ul');
      lines.className = 'hits';
      h.docs.slice(0, 2).forEach(function (n) {
        var slot = document.createElement('li');
        lines.appendChild(slot);
        pending.push(textOf(n).then(function (doc) {
          if (token === run) { slot.replaceWith(hitOf(doc, words)); }
        }, function () { slot.remove(); }));
      });
      li.appendChild(lines);
      frag.appendChild(li);
    });
    results.appendChild(frag);
    more.hidden = shownHits >= hits.length;
    return Promise.all(pending).then(function () {
      if (token === run) { results.dataset.snippets = q.value; }
    });
  }

  // Kept out of the way of the answer: a history entry can take longer than a search.
  var remembering = null;
  function rememberSoon() {
    clearTimeout(remembering);
    remembering = setTimeout(remember, 250);
  }

  function apply() {
    rememberSoon();
    words = parse(q.value);
    run += 1;
    var token = run;
    if (!words.length) { showCards(); return Promise.resolve(); }
    return load('index').then(function (manifest) {
      return match(manifest, words).then(function (scores) {
        if (token !== run) { return null; }
        var byId = new Map();
        scores.forEach(function (score, n) {
          var id = manifest.docs[n].split(' ')[0];
          if (!passes(cardById[id])) { return; }
          var h = byId.get(id);
          if (!h) { h = { id: id, score: 0, first: n, retired: n >= manifest.current, docs: [] }; byId.set(id, h); }
          h.docs.push(n);
          h.score = Math.max(h.score, score);
          h.first = Math.min(h.first, n);
        });
        hits = Array.from(byId.values());
        hits.forEach(function (h) { h.docs.sort(function (a, b) { return scores.get(b) - scores.get(a) || a - b; }); });
        // In force before retired; then by score; then in index order.
        hits.sort(function (a, b) { return (a.retired - b.retired) || (b.score - a.score) || (a.first - b.first); });
        shownHits = 0;
        results.textContent = '';
        delete results.dataset.snippets;
        snippets = showMore(token);
        // Covered, not removed or `display: none`: at 10,000 SOPs, laying the list out again
        // takes longer than a search.
        if (list) { list.classList.add('covered'); }
        results.hidden = false;
        say(hits.length);
        results.dataset.query = q.value;
        return null;
      });
    }).catch(function (e) {
      if (count) {
        var message = text(form, 'unavailable', 'Search is not available: {error}. Reload the page, or browse the list.');
        count.textContent = fill(message, { error: e.message });
      }
      showCards();
    });
  }

  more.addEventListener('click', function () { showMore(run); });
  results.addEventListener('click', function () { clearTimeout(remembering); remember(); });

  // Pre-fill from the address (?q=refund&department=payments), as the header search sends.
  var params = new URLSearchParams(window.location.search);
  if (params.get('q')) { q.value = params.get('q'); }
  selects.forEach(function (s) {
    var v = params.get(s.name);
    if (v && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) { s.value = v; }
    s.addEventListener('change', apply);
  });
  q.setAttribute('aria-controls', 'search-results');
  // The manifest is wanted as soon as someone may type: once the page is idle, or on focus
  // if that comes first (it is about 20 KB gzipped at 10,000 SOPs).
  function preload() { load('index').catch(function () {}); }
  q.addEventListener('focus', preload);
  if (window.requestIdleCallback) { window.requestIdleCallback(preload, { timeout: 2000 }); } else { setTimeout(preload, 500); }
  q.addEventListener('input', apply);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    apply();
  });
  // For measurements and tests: run the query in the box; resolves when the results are
  // listed, with a promise of their snippets.
  window.SOP_SEARCH.apply = function () {
    return apply().then(function () { return { snippets: snippets }; });
  };
  apply();
}());
