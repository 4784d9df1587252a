// faultline explore: the page. Every text that comes from the spec is set with textContent;
// the one piece of markup taken from the server, the sequence diagram, is escaped there.
'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var spec = null;
  var current = null; // the path shown: [init, a1, a2, ...]
  var checkPoll = null;
  var furthest = null; // the longest path walked that extends the current one: what forward replays
  var GROUPS = [
    ['delivery', 'Deliveries'],
    ['timer', 'Timers'],
    ['tick', 'Ticks'],
    ['step', 'Steps'],
    ['fault', 'Faults'],
  ];

  // Characters that act on a reader instead of showing (controls, BiDi overrides, invisible
  // format characters, lone surrogates): shown as \u escapes, as every faultline renderer does.
  var CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  var SHORT = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  function shown(text) {
    return String(text).replace(CONTROL, function (c) {
      return SHORT[c] || '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }
  // Multi-line text (a state, pretty-printed): each line shown, the line breaks kept.
  function shownLines(text) {
    return String(text).split('\n').map(shown).join('\n');
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = shown(text);
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function pathOfHash() {
    var h = location.hash.replace(/^#\/?/, '');
    if (h === '') return null;
    var parts = h.split('/');
    for (var i = 0; i < parts.length; i++) if (!/^\d+$/.test(parts[i])) return null;
    return parts.map(Number);
  }

  function hashOf(path) {
    return '#/' + path.join('/');
  }

  function isPrefix(a, b) {
    if (a.length > b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function go(path) {
    location.hash = hashOf(path);
  }

  function getJson(url, options) {
    return fetch(url, options).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }

  function showError(text) {
    var e = $('error');
    e.hidden = !text;
    e.textContent = text || '';
  }

  function renderHeader() {
    $('title').textContent = shown(spec.name);
    document.title = shown(spec.name) + ' — faultline explore';
    var params = Object.keys(spec.params).map(function (k) { return k + '=' + spec.params[k]; }).join(' ');
    var parts = [spec.spec, params ? 'params ' + params : 'default params'];
    if (spec.environment) parts.push(spec.environment);
    if (spec.trace) parts.push('trace ' + spec.trace.file + ' (' + spec.trace.property + ')');
    $('about').textContent = shown(parts.join(' · '));
  }

  function renderWorld(view) {
    var box = $('world');
    clear(box);
    if (!view.world) {
      var pre = el('pre', 'kernel');
      pre.textContent = shownLines(view.stateText);
      box.appendChild(pre);
      return;
    }
    var table = el('table', 'nodes');
    var head = el('tr');
    ['node', 'status', 'clock', 'timers', 'local state'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    view.world.nodes.forEach(function (n) {
      var tr = el('tr', n.up ? 'up' : 'down');
      tr.setAttribute('data-node', n.id);
      tr.appendChild(el('td', 'id', n.id));
      tr.appendChild(el('td', 'status', (n.up ? 'up' : 'crashed') + (n.side ? ' · side ' + n.side : '')));
      tr.appendChild(el('td', 'clock', n.clock === undefined ? '—' : String(n.clock)));
      var timers = Object.keys(n.timers).map(function (t) { return t + ' ' + n.timers[t]; });
      tr.appendChild(el('td', 'timers', timers.length ? timers.join(', ') : '—'));
      var td = el('td', 'local');
      var local = el('pre');
      local.textContent = shownLines(n.local);
      td.appendChild(local);
      tr.appendChild(td);
      table.appendChild(tr);
    });
    box.appendChild(table);
    if (view.world.time !== undefined) box.appendChild(el('p', 'time', 'global time t=' + view.world.time));
    box.appendChild(el('h3', null, 'In flight (' + view.world.inFlight.length + ')'));
    var ul = el('ul', 'inflight');
    view.world.inFlight.forEach(function (m) { ul.appendChild(el('li', null, m)); });
    if (view.world.inFlight.length === 0) ul.appendChild(el('li', 'muted', 'no messages in flight'));
    box.appendChild(ul);
  }

  function renderProperties(view) {
    var ul = $('properties');
    clear(ul);
    Object.keys(view.properties).forEach(function (name) {
      var ok = view.properties[name];
      var kind = view.propertyKinds[name] || 'invariant';
      var li = el('li', ok ? 'holds' : 'violated');
      li.setAttribute('data-property', name);
      li.appendChild(el('span', 'mark', ok ? '✓' : '✗'));
      li.appendChild(el('span', 'name', name));
      var note = kind === 'terminal' ? (view.quiescent ? 'terminal, checked: quiescent' : 'terminal, checked when quiescent') : kind;
      li.appendChild(el('span', 'kind', ' ' + note + (ok ? '' : ' — violated here')));
      ul.appendChild(li);
    });
    if (Object.keys(view.properties).length === 0) ul.appendChild(el('li', 'muted', 'the spec declares no invariant'));
    $('valency').textContent = view.valency !== undefined ? 'valency ' + shown(view.valency) : (spec.valency.indexOf('computed') === 0 ? 'valency: not in the explored graph' : '');
    $('valency').hidden = $('valency').textContent === '';
    $('quiescent').textContent = view.quiescent ? 'quiescent: nothing but faults is enabled' : '';
    if (view.atBound) $('quiescent').textContent += (view.quiescent ? ' · ' : '') + "beyond the model's bound: the checker does not expand this state";
  }

  function previewOf(a) {
    var p = $('preview');
    clear(p);
    p.appendChild(el('div', 'title', a.label));
    if (a.noStep) p.appendChild(el('div', 'muted', 'takes no step'));
    else if (a.diff.length === 0) p.appendChild(el('div', 'muted', '(no change)'));
    else a.diff.forEach(function (d) { p.appendChild(el('code', 'change', d)); });
    p.hidden = false;
  }

  function renderActions(view) {
    var box = $('actions');
    clear(box);
    var inits = $('inits');
    clear(inits);
    if (current.length === 1 && spec.initialStates > 1) {
      inits.appendChild(el('h3', null, 'Initial states (' + spec.initialStates + ')'));
      for (var i = 0; i < Math.min(spec.initialStates, 64); i++) {
        var b = el('button', i === current[0] ? 'init current' : 'init', String(i));
        b.type = 'button';
        b.setAttribute('data-init', String(i));
        b.addEventListener('click', (function (k) { return function () { go([k]); }; })(i));
        inits.appendChild(b);
      }
    }
    GROUPS.forEach(function (g) {
      var list = view.actions.filter(function (a) { return a.group === g[0]; });
      if (list.length === 0) return;
      var section = el('div', 'group ' + g[0]);
      section.appendChild(el('h3', null, g[1] + ' (' + list.length + ')'));
      list.forEach(function (a) {
        var b = el('button', 'action ' + a.kind, a.label);
        b.type = 'button';
        b.setAttribute('data-index', String(a.index));
        b.setAttribute('data-kind', a.kind);
        if (a.noStep) b.disabled = true;
        b.addEventListener('click', function () { go(current.concat([a.index])); });
        b.addEventListener('mouseenter', function () { previewOf(a); });
        b.addEventListener('focus', function () { previewOf(a); });
        section.appendChild(b);
      });
      box.appendChild(section);
    });
    if (view.actions.length === 0) box.appendChild(el('p', 'muted', 'no action is enabled: a deadlock, or the end of the run'));
    $('preview').hidden = true;
  }

  function renderDiagram(view) {
    var box = $('diagram');
    // Escaped on the server (the HTML report's renderer); the page's policy allows no inline script or style either.
    box.innerHTML = view.diagram;
    var steps = box.querySelectorAll('svg .step');
    Array.prototype.forEach.call(steps, function (g) {
      g.addEventListener('click', function () { go(current.slice(0, Number(g.getAttribute('data-step')) + 1)); });
    });
    var last = box.querySelector('svg .step.current');
    if (last && last.scrollIntoView) last.scrollIntoView({ block: 'nearest' });
    $('depth').textContent = '(' + (current.length - 1) + (current.length === 2 ? ' step' : ' steps') + ')';
  }

  function load() {
    var path = pathOfHash();
    if (!path) {
      location.replace(hashOf(spec.start));
      return;
    }
    current = path;
    if (!furthest || !isPrefix(path, furthest)) furthest = path;
    $('forward').disabled = furthest.length <= path.length;
    $('link').href = hashOf(path);
    $('link').textContent = hashOf(path);
    $('back').disabled = path.length <= 1;
    getJson('/api/state/' + path.join('/')).then(function (r) {
      if (r.status !== 200) {
        showError(shown(r.body.error) + (r.body.valid && r.body.valid.length ? ' — the state before it: ' + hashOf(r.body.valid) : ''));
        document.documentElement.setAttribute('data-state', 'error');
        return;
      }
      showError('');
      var view = r.body;
      renderDiagram(view);
      renderWorld(view);
      $('state').textContent = shownLines(view.stateText);
      renderProperties(view);
      renderActions(view);
      document.documentElement.setAttribute('data-state', path.join('/'));
    }).catch(function (e) { showError('the explorer did not answer: ' + e.message); });
  }

  function checkFromHere() {
    if (checkPoll) clearTimeout(checkPoll);
    var from = current.slice();
    var bar = $('check-progress');
    bar.hidden = false;
    bar.value = 0;
    $('check-status').textContent = 'checking from here…';
    document.documentElement.removeAttribute('data-check');
    getJson('/api/check/' + from.join('/'), { method: 'POST' }).then(function (r) {
      if (r.status !== 202) {
        $('check-status').textContent = shown(r.body.error);
        bar.hidden = true;
        return;
      }
      poll(r.body.id);
    });
  }

  function poll(id) {
    getJson('/api/check/' + id).then(function (r) {
      var s = r.body;
      var bar = $('check-progress');
      if (r.status !== 200) {
        $('check-status').textContent = shown(s.error);
        bar.hidden = true;
        return;
      }
      if (s.status === 'running') {
        var p = s.progress;
        if (p) {
          bar.value = Math.min(1, Math.max(p.distinctStates / s.bounds.maxStates, p.seconds / s.bounds.timeoutSeconds));
          $('check-status').textContent = 'checking: ' + p.distinctStates.toLocaleString('en-US') + ' states, depth ' + p.depth + ', ' + p.seconds.toFixed(1) + ' s';
        }
        checkPoll = setTimeout(function () { poll(id); }, 200);
        return;
      }
      bar.hidden = true;
      if (s.status === 'error') {
        $('check-status').textContent = shown('check failed: ' + s.error);
        document.documentElement.setAttribute('data-check', 'error');
        return;
      }
      var counts = s.stats.distinctStates.toLocaleString('en-US') + (s.stats.distinctStates === 1 ? ' state' : ' states') + ', depth ' + s.stats.depth;
      if (s.verdict === 'violation') {
        var steps = s.violation.path.length - s.path.length;
        var where = steps === 0 ? 'here' : steps + (steps === 1 ? ' step' : ' steps') + ' from here';
        $('check-status').textContent = shown('✗ ' + s.violation.property) + ' violated ' + where + ' (' + counts + '): shown';
        go(s.violation.path);
      } else if (s.verdict === 'pass') {
        $('check-status').textContent = '✓ every property holds in every state reachable from here (' + counts + ')';
      } else {
        $('check-status').textContent = 'no violation found before the search stopped (' + s.incomplete + '; ' + counts + ')';
      }
      document.documentElement.setAttribute('data-check', s.verdict);
    });
  }

  function back() { if (current && current.length > 1) go(current.slice(0, -1)); }
  function forward() { if (current && furthest && furthest.length > current.length) go(furthest.slice(0, current.length + 1)); }
  $('back').addEventListener('click', back);
  $('forward').addEventListener('click', forward);
  $('restart').addEventListener('click', function () { go([current ? current[0] : 0]); });
  $('check').addEventListener('click', checkFromHere);
  document.addEventListener('keydown', function (e) {
    if (e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA')) return;
    if (e.key === 'ArrowLeft') back();
    if (e.key === 'ArrowRight') forward();
  });
  window.addEventListener('hashchange', load);
  getJson('/api/spec').then(function (r) {
    spec = r.body;
    renderHeader();
    load();
  }).catch(function (e) { showError('the explorer did not answer: ' + e.message); });
})();
